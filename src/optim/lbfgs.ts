/**
 * L-BFGS replicating `torch.optim.LBFGS.step(closure)` of PyTorch 1.13 (`torch/optim/lbfgs.py`), with
 * its strong-Wolfe line search (`_strong_wolfe`, `_cubic_interpolate`, ported by torch from Mark
 * Schmidt's minFunc / torch7 `optim`), and pykan's variant (`kan/LBFGS.py`), which differs only in the
 * curvature-pair test `ys > toleranceYs` (torch hard-codes `ys > 1e-10`). The paper's regression runs
 * L-BFGS with lr 1 (digest section 5.1); one "epoch" is one `step`, i.e. up to `maxIter` iterations.
 *
 * Semantics kept from torch, in torch's order:
 * - every `step` evaluates the objective at `x` first and returns early if `|g|_inf <= toleranceGrad`;
 * - the state (direction `d`, step `t`, curvature history, previous gradient and loss, iteration and
 *   evaluation counters) is kept across the `step` calls of one instance, so a step continues the
 *   previous one; the very first iteration of the instance's life takes `d = -g` with the initial step
 *   `t = min(1, 1 / |g|_1) * lr`, every later iteration starts from `t = lr`;
 * - two-loop recursion with the pair `(y, s) = (g - g_prev, t d)` accepted when `y.s > toleranceYs`,
 *   the oldest pair dropped beyond `historySize`, and `H_diag = y.s / y.y` from the newest pair;
 * - per iteration the early exits: `g.d > -toleranceChange` (before moving); then after moving,
 *   `n_iter == maxIter`, `evaluations >= maxEval`, `|g|_inf <= toleranceGrad`,
 *   `|t d|_inf <= toleranceChange`, `|loss - prev_loss| < toleranceChange`;
 * - the strong-Wolfe search uses c1 = 1e-4, c2 = 0.9, at most 25 iterations and a bracket tolerance of
 *   1e-9, *not* the optimizer's `toleranceChange` (torch does not pass it on);
 * - without a line search every iteration but the `maxIter`-th evaluates once, at the new point;
 * - `maxEval` is checked only between iterations, so a step can overrun it by one iteration's
 *   evaluations: it uses at most `max(maxEval - 1, 1) + 26` evaluations with the line search (which
 *   evaluates at most `STRONG_WOLFE.maxLs + 1 = 26` times) and `max(maxEval - 1, 1) + 1` without.
 *
 * Dot products and norms are sequential sums in index order and `x + t d` rounds twice; torch's
 * `add_(d, alpha=t)` is a fused multiply-add on CPUs with FMA and its `abs().sum()` is vectorised, so
 * iterates agree with torch to rounding (about 1e-11 relative after 20 iterations on Rosenbrock, see
 * test/optim/torch-crosscheck.test.ts), not bit for bit.
 *
 * Memory: `(2 historySize + 7) n` doubles, all allocated on the first `step` (torch allocates its
 * `2 historySize` history vectors as the history fills). Nothing is allocated after the first step.
 * Non-finite losses are not intercepted (torch does not either): the caller decides what to do with a
 * NaN or infinite `StepResult.loss`.
 */
import { describe, rejectUnknownKeys, requireInteger } from "../util/validate.js";
import { checkLoss, checkStepArgs, requireNonNegative, requirePositiveRate } from "./checks.js";
import {
  type MutableStepResult,
  newStepResult,
  type Objective,
  type Optimizer,
  type StepResult,
} from "./types.js";

/** Line search of `LBFGS`: torch's `line_search_fn="strong_wolfe"`, or `None` (fixed step `lr`). */
export type LineSearch = "strongWolfe" | "none";

/** Named settings: see `LBFGS_PRESETS`. */
export type LbfgsPreset = "torch" | "pykan";

/** Complete L-BFGS settings (torch.optim.LBFGS names in the comments). */
export interface LbfgsSettings {
  /** Initial step length of each iteration (torch `lr`), > 0. */
  readonly lr: number;
  /** Iterations per `step` (torch `max_iter`), >= 1. */
  readonly maxIter: number;
  /** Evaluation budget per `step`, checked between iterations (torch `max_eval`), >= 1. */
  readonly maxEval: number;
  /** Stop when `|g|_inf <= toleranceGrad` (torch `tolerance_grad`). */
  readonly toleranceGrad: number;
  /** Stop on small directional derivative, step or loss change (torch `tolerance_change`). */
  readonly toleranceChange: number;
  /** Curvature pairs with `y.s <= toleranceYs` are skipped (torch: 1e-10 fixed; pykan `tolerance_ys`). */
  readonly toleranceYs: number;
  /** Curvature pairs kept (torch `history_size`), >= 1. */
  readonly historySize: number;
  readonly lineSearch: LineSearch;
}

/** Options of `new LBFGS(...)`: a preset and any settings overriding it. */
export interface LbfgsOptions extends Partial<Omit<LbfgsSettings, "maxEval">> {
  /** Base settings, overridden by the other options. Default "torch". */
  preset?: LbfgsPreset;
  /** Default `floor(maxIter * 5 / 4)` of the final `maxIter` (torch `max_iter * 5 // 4`). */
  maxEval?: number;
}

/**
 * DESIGN.md section 5. `torch`: `torch.optim.LBFGS` defaults with `line_search_fn="strong_wolfe"` (the
 * paper's regression). `pykan`: how pykan's `fit` builds its own LBFGS copy (`history_size=10`,
 * `tolerance_grad = tolerance_change = tolerance_ys = 1e-32`, strong Wolfe, class default `max_iter=20`).
 * Both: lr 1, at most 25 evaluations per step (unless the line search runs over, see `LBFGS`).
 */
export const LBFGS_PRESETS: Readonly<Record<LbfgsPreset, Readonly<Omit<LbfgsSettings, "maxEval">>>> = {
  torch: Object.freeze({
    lr: 1,
    maxIter: 20,
    toleranceGrad: 1e-7,
    toleranceChange: 1e-9,
    toleranceYs: 1e-10,
    historySize: 100,
    lineSearch: "strongWolfe",
  }),
  pykan: Object.freeze({
    lr: 1,
    maxIter: 20,
    toleranceGrad: 1e-32,
    toleranceChange: 1e-32,
    toleranceYs: 1e-32,
    historySize: 10,
    lineSearch: "strongWolfe",
  }),
};

/** Constants of torch's `_strong_wolfe` as `LBFGS.step` calls it (none of them is configurable). */
export const STRONG_WOLFE = Object.freeze({
  /** Sufficient-decrease (Armijo) constant. */
  c1: 1e-4,
  /** Curvature constant. */
  c2: 0.9,
  /** The search stops when the bracket times `|d|_inf` is below this. */
  toleranceChange: 1e-9,
  /** Iterations after the first evaluation, so at most `maxLs + 1` evaluations per search. */
  maxLs: 25,
});

const LBFGS_KEYS = [
  "preset",
  "lr",
  "maxIter",
  "maxEval",
  "toleranceGrad",
  "toleranceChange",
  "toleranceYs",
  "historySize",
  "lineSearch",
];

/** Python's `max(a, b)` (the first argument unless the second is larger; NaN handling as Python). */
function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}

/** Python's `min(a, b)`. */
function pyMin(a: number, b: number): number {
  return b < a ? b : a;
}

/**
 * torch's `_cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds)`: the minimiser of the cubic through two
 * points with values `f` and slopes `g`, clamped to `[lo, hi]` (default: between the points); the
 * midpoint of the bounds when the cubic has no real critical point.
 */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  lo?: number,
  hi?: number,
): number {
  let xmin: number;
  let xmax: number;
  if (lo !== undefined && hi !== undefined) {
    xmin = lo;
    xmax = hi;
  } else if (x1 <= x2) {
    xmin = x1;
    xmax = x2;
  } else {
    xmin = x2;
    xmax = x1;
  }
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos =
      x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return pyMin(pyMax(minPos, xmin), xmax);
  }
  return (xmin + xmax) / 2;
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.abs(a[i]);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

function sumAbs(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(a[i]);
  return s;
}

/**
 * L-BFGS as torch.optim.LBFGS (optionally with strong-Wolfe line search); one `step` runs up to maxIter
 * iterations.
 */
export class LBFGS implements Optimizer {
  readonly name = "lbfgs";
  readonly settings: LbfgsSettings;

  // Buffers, sized on the first step (n = -1 before).
  private n = -1;
  private d = new Float64Array(0);
  private prevFlatGrad = new Float64Array(0);
  private xTrial = new Float64Array(0);
  /** pool[0] is the current gradient `flat_grad`; pool[1..3] hold the line search's gradients. */
  private pool: Float64Array[] = [];
  /** Ring buffers of the history: slot (head + i) % historySize holds pair i (0 = oldest). */
  private oldDirs: Float64Array[] = [];
  private oldStps: Float64Array[] = [];
  private ro = new Float64Array(0);
  private al = new Float64Array(0);
  private head = 0;
  private count = 0;

  // torch's state dict.
  private funcEvals = 0;
  private nIterTotal = 0;
  private t = Number.NaN;
  private hDiag = 1;
  private prevLoss = Number.NaN;

  // Line-search bracket (torch's `bracket`, `bracket_f`, `bracket_gtd`, `bracket_g` as pool indices).
  private readonly bT = new Float64Array(2);
  private readonly bF = new Float64Array(2);
  private readonly bGtd = new Float64Array(2);
  private readonly bG = new Int32Array(2);
  // Line-search outputs.
  private lsLoss = Number.NaN;
  private lsT = Number.NaN;
  private lsEvals = 0;

  private readonly result: MutableStepResult = newStepResult();

  constructor(options: LbfgsOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new Error(`LBFGS: options must be an object, got ${describe(options)}`);
    }
    rejectUnknownKeys("LBFGS", options, LBFGS_KEYS);
    const presetName = options.preset ?? "torch";
    if (presetName !== "torch" && presetName !== "pykan") {
      throw new Error(`LBFGS: preset must be "torch" or "pykan", got ${describe(options.preset)}`);
    }
    const p = LBFGS_PRESETS[presetName];
    const lr = requirePositiveRate("LBFGS: lr", options.lr ?? p.lr);
    const maxIter = requireInteger("LBFGS: maxIter", options.maxIter ?? p.maxIter, 1);
    const maxEval = requireInteger("LBFGS: maxEval", options.maxEval ?? Math.floor((maxIter * 5) / 4), 1);
    const toleranceGrad = requireNonNegative(
      "LBFGS: toleranceGrad",
      options.toleranceGrad ?? p.toleranceGrad,
    );
    const toleranceChange = requireNonNegative(
      "LBFGS: toleranceChange",
      options.toleranceChange ?? p.toleranceChange,
    );
    const toleranceYs = requireNonNegative("LBFGS: toleranceYs", options.toleranceYs ?? p.toleranceYs);
    const historySize = requireInteger("LBFGS: historySize", options.historySize ?? p.historySize, 1);
    const lineSearch = options.lineSearch ?? p.lineSearch;
    if (lineSearch !== "strongWolfe" && lineSearch !== "none") {
      throw new Error(
        `LBFGS: lineSearch must be "strongWolfe" or "none", got ${describe(options.lineSearch)}`,
      );
    }
    this.settings = Object.freeze({
      lr,
      maxIter,
      maxEval,
      toleranceGrad,
      toleranceChange,
      toleranceYs,
      historySize,
      lineSearch,
    });
  }

  /** Iterations over the instance's life (torch `state["n_iter"]`). */
  get totalIterations(): number {
    return this.nIterTotal;
  }

  /** Evaluations over the instance's life (torch `state["func_evals"]`). */
  get totalEvaluations(): number {
    return this.funcEvals;
  }

  /** Curvature pairs currently stored. */
  get historyLength(): number {
    return this.count;
  }

  reset(): void {
    this.n = -1;
    this.head = 0;
    this.count = 0;
    this.funcEvals = 0;
    this.nIterTotal = 0;
    this.t = Number.NaN;
    this.hDiag = 1;
    this.prevLoss = Number.NaN;
  }

  private allocate(n: number): void {
    const h = this.settings.historySize;
    if (this.d.length !== n) {
      this.d = new Float64Array(n);
      this.prevFlatGrad = new Float64Array(n);
      this.xTrial = new Float64Array(n);
      this.pool = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
      // One block per history so the 2h vectors are contiguous.
      const dirs = new Float64Array(h * n);
      const stps = new Float64Array(h * n);
      this.oldDirs = [];
      this.oldStps = [];
      for (let j = 0; j < h; j++) {
        this.oldDirs.push(dirs.subarray(j * n, (j + 1) * n));
        this.oldStps.push(stps.subarray(j * n, (j + 1) * n));
      }
      this.ro = new Float64Array(h);
      this.al = new Float64Array(h);
    }
    this.n = n;
  }

  /**
   * One torch `LBFGS.step(closure)`: up to `maxIter` iterations. Returns the loss at the starting `x`
   * (torch's `orig_loss`) and the evaluations used; `x` ends at the last accepted point.
   */
  step(x: Float64Array, objective: Objective): StepResult {
    const n = checkStepArgs("LBFGS", x, objective, this.n);
    if (this.n < 0) this.allocate(n);
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, toleranceYs, historySize } = this.settings;
    const strongWolfe = this.settings.lineSearch === "strongWolfe";
    const flatGrad = this.pool[0];
    const d = this.d;
    const prevFlatGrad = this.prevFlatGrad;
    const r = this.result;

    // Evaluate the initial f(x) and df/dx.
    let loss = checkLoss("LBFGS", objective(x, flatGrad));
    const origLoss = loss;
    let currentEvals = 1;
    this.funcEvals += 1;
    let optCond = maxAbs(flatGrad, n) <= toleranceGrad;
    r.loss = origLoss;
    r.evaluations = 1;
    r.finalLoss = loss;
    if (optCond) return r;

    let t = this.t;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      this.nIterTotal++;

      // Descent direction.
      if (this.nIterTotal === 1) {
        for (let i = 0; i < n; i++) d[i] = -flatGrad[i];
        this.head = 0;
        this.count = 0;
        this.hDiag = 1;
      } else {
        // y = g - g_prev, s = d t (d and t of the previous iteration), ys = y.s.
        let ys = 0;
        for (let i = 0; i < n; i++) ys += (flatGrad[i] - prevFlatGrad[i]) * (d[i] * t);
        if (ys > toleranceYs) {
          let slot: number;
          if (this.count === historySize) {
            slot = this.head;
            this.head = (this.head + 1) % historySize;
          } else {
            slot = (this.head + this.count) % historySize;
            this.count++;
          }
          const y = this.oldDirs[slot];
          const s = this.oldStps[slot];
          for (let i = 0; i < n; i++) {
            y[i] = flatGrad[i] - prevFlatGrad[i];
            s[i] = d[i] * t;
          }
          this.ro[slot] = 1 / ys;
          this.hDiag = ys / dot(y, y, n);
        }
        // Two-loop recursion: d = -H g, with q held in d.
        const numOld = this.count;
        const al = this.al;
        for (let i = 0; i < n; i++) d[i] = -flatGrad[i];
        for (let i = numOld - 1; i >= 0; i--) {
          const slot = (this.head + i) % historySize;
          const a = dot(this.oldStps[slot], d, n) * this.ro[slot];
          al[i] = a;
          const y = this.oldDirs[slot];
          const na = -a;
          for (let k = 0; k < n; k++) d[k] += na * y[k];
        }
        const hDiag = this.hDiag;
        for (let i = 0; i < n; i++) d[i] *= hDiag;
        for (let i = 0; i < numOld; i++) {
          const slot = (this.head + i) % historySize;
          const be = dot(this.oldDirs[slot], d, n) * this.ro[slot];
          const s = this.oldStps[slot];
          const c = al[i] - be;
          for (let k = 0; k < n; k++) d[k] += c * s[k];
        }
      }
      prevFlatGrad.set(flatGrad);
      this.prevLoss = loss;

      // Initial step length: scaled on the first iteration of the instance's life only.
      t = this.nIterTotal === 1 ? pyMin(1, 1 / sumAbs(flatGrad, n)) * lr : lr;

      // Directional derivative.
      const gtd = dot(flatGrad, d, n);
      if (gtd > -toleranceChange) break;

      let lsFuncEvals = 0;
      if (strongWolfe) {
        this.strongWolfe(x, objective, t, loss, gtd);
        loss = this.lsLoss;
        t = this.lsT;
        lsFuncEvals = this.lsEvals;
        for (let i = 0; i < n; i++) x[i] += t * d[i];
        optCond = maxAbs(flatGrad, n) <= toleranceGrad;
      } else {
        for (let i = 0; i < n; i++) x[i] += t * d[i];
        if (nIter !== maxIter) {
          loss = checkLoss("LBFGS", objective(x, flatGrad));
          optCond = maxAbs(flatGrad, n) <= toleranceGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      this.funcEvals += lsFuncEvals;
      r.finalLoss = lsFuncEvals > 0 ? loss : Number.NaN;

      // Stopping conditions, in torch's order.
      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      let stepMax = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.abs(d[i] * t);
        if (v > stepMax || Number.isNaN(v)) stepMax = v;
      }
      if (stepMax <= toleranceChange) break;
      if (Math.abs(loss - this.prevLoss) < toleranceChange) break;
    }
    this.t = t;
    r.evaluations = currentEvals;
    return r;
  }

  /** Objective at `x + t d`, gradient into `pool[gi]`. */
  private evalAt(x: Float64Array, objective: Objective, t: number, gi: number): number {
    const n = this.n;
    const xt = this.xTrial;
    const d = this.d;
    for (let i = 0; i < n; i++) xt[i] = x[i] + t * d[i];
    return checkLoss("LBFGS", objective(xt, this.pool[gi]));
  }

  /**
   * torch's `_strong_wolfe(obj_func, x, t, d, f, g, gtd)` with c1 = 1e-4, c2 = 0.9,
   * tolerance_change = 1e-9, max_ls = 25, along `this.d` from `x` with the gradient in `pool[0]`.
   * Sets `lsLoss`, `lsT`, `lsEvals` and leaves the gradient at the returned point in `pool[0]`.
   */
  private strongWolfe(x: Float64Array, objective: Objective, t: number, f: number, gtd: number): void {
    const { c1, c2, maxLs } = STRONG_WOLFE;
    const tolChange = STRONG_WOLFE.toleranceChange;
    const n = this.n;
    const pool = this.pool;
    const dNorm = maxAbs(this.d, n);
    const bT = this.bT;
    const bF = this.bF;
    const bGtd = this.bGtd;
    const bG = this.bG;

    // Evaluate the objective and gradient at the initial step.
    let iNew = 1;
    let fNew = this.evalAt(x, objective, t, iNew);
    let lsFuncEvals = 1;
    let gtdNew = dot(pool[iNew], this.d, n);

    // Bracket an interval containing a point satisfying the Wolfe criteria.
    let tPrev = 0;
    let fPrev = f;
    let iPrev = 0;
    let gtdPrev = gtd;
    let done = false;
    let lsIter = 0;
    while (lsIter < maxLs) {
      if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
        bT[0] = tPrev;
        bT[1] = t;
        bF[0] = fPrev;
        bF[1] = fNew;
        bG[0] = iPrev;
        bG[1] = iNew;
        bGtd[0] = gtdPrev;
        bGtd[1] = gtdNew;
        break;
      }
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        // A one-point bracket: bracket_f[-1] is bF[0] below.
        bT[0] = t;
        bF[0] = fNew;
        bF[1] = fNew;
        bG[0] = iNew;
        done = true;
        break;
      }
      if (gtdNew >= 0) {
        bT[0] = tPrev;
        bT[1] = t;
        bF[0] = fPrev;
        bF[1] = fNew;
        bG[0] = iPrev;
        bG[1] = iNew;
        bGtd[0] = gtdPrev;
        bGtd[1] = gtdNew;
        break;
      }
      // Interpolate.
      const minStep = t + 0.01 * (t - tPrev);
      const maxStep = t * 10;
      const tmp = t;
      t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep);
      // Next step: the new point becomes the previous one (torch clones g_new into g_prev; here the
      // buffers swap roles and the next evaluation goes to a free one).
      tPrev = tmp;
      fPrev = fNew;
      iPrev = iNew;
      gtdPrev = gtdNew;
      iNew = iPrev === 1 ? 2 : 1;
      fNew = this.evalAt(x, objective, t, iNew);
      lsFuncEvals++;
      gtdNew = dot(pool[iNew], this.d, n);
      lsIter++;
    }
    // Reached the maximum number of iterations?
    if (lsIter === maxLs) {
      bT[0] = 0;
      bT[1] = t;
      bF[0] = f;
      bF[1] = fNew;
      bG[0] = 0;
      bG[1] = iNew;
    }

    // Zoom phase: refine the bracket until a point satisfies the criteria.
    let insufProgress = false;
    let lowPos = bF[0] <= bF[1] ? 0 : 1;
    let highPos = 1 - lowPos;
    while (!done && lsIter < maxLs) {
      // Line-search bracket is too small.
      if (Math.abs(bT[1] - bT[0]) * dNorm < tolChange) break;

      // New trial value.
      t = cubicInterpolate(bT[0], bF[0], bGtd[0], bT[1], bF[1], bGtd[1]);

      // If t is close to an end of the bracket and either the last step also was, or t is at (or
      // beyond) an end, move it to 0.1 * (bracket length) from the nearest end.
      const bMax = pyMax(bT[0], bT[1]);
      const bMin = pyMin(bT[0], bT[1]);
      const eps = 0.1 * (bMax - bMin);
      if (pyMin(bMax - t, t - bMin) < eps) {
        if (insufProgress || t >= bMax || t <= bMin) {
          t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
          insufProgress = false;
        } else {
          insufProgress = true;
        }
      } else {
        insufProgress = false;
      }

      // Evaluate the new point in a buffer that neither the bracket nor pool[0] holds.
      iNew = 1;
      while (iNew === bG[0] || iNew === bG[1]) iNew++;
      fNew = this.evalAt(x, objective, t, iNew);
      lsFuncEvals++;
      gtdNew = dot(pool[iNew], this.d, n);
      lsIter++;

      if (fNew > f + c1 * t * gtd || fNew >= bF[lowPos]) {
        // Armijo condition not satisfied or not lower than the lowest point.
        bT[highPos] = t;
        bF[highPos] = fNew;
        bG[highPos] = iNew;
        bGtd[highPos] = gtdNew;
        lowPos = bF[0] <= bF[1] ? 0 : 1;
        highPos = 1 - lowPos;
      } else {
        if (Math.abs(gtdNew) <= -c2 * gtd) {
          // Wolfe conditions satisfied.
          done = true;
        } else if (gtdNew * (bT[highPos] - bT[lowPos]) >= 0) {
          // The old low becomes the new high.
          bT[highPos] = bT[lowPos];
          bF[highPos] = bF[lowPos];
          bG[highPos] = bG[lowPos];
          bGtd[highPos] = bGtd[lowPos];
        }
        // The new point becomes the new low.
        bT[lowPos] = t;
        bF[lowPos] = fNew;
        bG[lowPos] = iNew;
        bGtd[lowPos] = gtdNew;
      }
    }

    this.lsT = bT[lowPos];
    this.lsLoss = bF[lowPos];
    this.lsEvals = lsFuncEvals;
    const gi = bG[lowPos];
    if (gi !== 0) pool[0].set(pool[gi]);
  }
}
