/**
 * The paper's Allen-Cahn PINN (section 5.2.3, Figs. 7-9; digest section 5.4 with the sign erratum
 * resolved; DESIGN.md section 5), in the standard periodic form
 *
 *   u_t - eps u_xx + 5 u^3 - 5 u = 0,  x in [-1, 1] periodic,  t in [0, 1],  u(x, 0) = x^2 cos(pi x),
 *
 * eps = 1e-4. Loss (means): Gamma_V mean_V (lambda_i r_i)^2 + Gamma_B [mean_IC (u - u0)^2
 * + mean_P (u(-1, t) - u(1, t))^2 + mean_P (u_x(-1, t) - u_x(1, t))^2], Gamma_V = 0.1, Gamma_B = 1, with
 * V random collocation points (20000, drawn once from the seed), 501 initial points, 101 periodic pairs
 * in t, and residual-based attention lambda on V (rate `rbaMu`).
 *
 * Metrics against the Fourier-ETDRK4 reference (./reference/allen-cahn.ts, n = 2048, dt = 1e-3) on an
 * evaluation grid of 256 x-points (every 8th spectral point) x 101 times: relL2, maxAbsErr, evalResidual.
 * `residualSpectrum` gives the mean energy of the residual's Fourier modes in x (the paper's Fig. 8).
 *
 * Options beyond the paper (mlkan's `--best` row; all off by default, so the paper rows are unchanged):
 * - `periodicTerms: false` drops the two periodic-boundary terms (for a model that is exactly periodic in
 *   x, e.g. with the input features cos(pi x), sin(pi x); the network's jets carry the chain rule);
 * - `resampleEvery > 0` redraws the uniform random collocation points (seeded) every that many steps and
 *   resets the RBA weights of the new points to 1;
 * - `causalSlices > 0` applies causal weighting (Wang, Sankaran, Perdikaris 2022; ./causal.ts): time is
 *   split into that many equal slices and the residual of a point in slice k is weighted by
 *   w_k = exp(-causalEps sum_{j<k} L_j), L_j the mean squared residual in slice j. The weights are
 *   constants of the loss (not differentiated), computed from the residuals of the previous step.
 */
import { jetShape } from "../../layers/jet.js";
import type { Network } from "../../model/network.js";
import { Rng } from "../../util/random.js";
import { rejectUnknownKeys, requireInteger } from "../../util/validate.js";
import type { Problem } from "../problem.js";
import { jetTermLoss, residual } from "../residual.js";
import { causalWeights } from "./causal.js";
import {
  errorNorms,
  type GridFields,
  gridFields,
  gridPoints,
  type JetTerm,
  jetTermScratch,
  linspace,
  sumJetTerms,
  updateRba,
} from "./jet-terms.js";
import { type AllenCahnSolution, allenCahnReference } from "./reference/allen-cahn.js";
import { fft } from "./reference/fft.js";

/** Options of the Allen-Cahn problem: diffusion, collocation and the periodic-boundary terms. */
export interface AllenCahnOptions {
  /** Diffusion coefficient (default 1e-4). */
  eps?: number;
  /** Random collocation points (default 20000). */
  points?: number;
  /** Initial points (default 501) and periodic pairs in t (default 101). */
  nInitial?: number;
  nPeriodic?: number;
  /** Loss weights (defaults 0.1 and 1). */
  gammaV?: number;
  gammaB?: number;
  /** Residual-based attention rate (default 1e-4; 0 off). */
  rbaMu?: number;
  /** Evaluation grid: every `evalStride`-th reference x point (default 8 of 2048), `evalNt` times (101). */
  evalStride?: number;
  evalNt?: number;
  /** Reference resolution (default 2048 points). */
  refN?: number;
  /** Periodic-boundary loss terms on u and u_x (default true; false for an exactly periodic model). */
  periodicTerms?: boolean;
  /** Redraw the collocation points every this many steps (default 0: drawn once). */
  resampleEvery?: number;
  /** Causal weighting: time slices (default 0: off) and the causality parameter (default 1). */
  causalSlices?: number;
  causalEps?: number;
  seed?: number;
}

const KEYS = [
  "eps",
  "points",
  "nInitial",
  "nPeriodic",
  "gammaV",
  "gammaB",
  "rbaMu",
  "evalStride",
  "evalNt",
  "refN",
  "periodicTerms",
  "resampleEvery",
  "causalSlices",
  "causalEps",
  "seed",
] as const;

const refCache = new Map<string, AllenCahnSolution>();

/** The Allen-Cahn PINN problem (see the module comment). */
export class AllenCahnProblem implements Problem {
  readonly name = "Allen-Cahn (periodic)";
  readonly nIn = 2;
  readonly nOut = 1;
  readonly options: Required<AllenCahnOptions>;
  readonly terms: JetTerm[];
  readonly lambda: Float64Array;
  private readonly residuals: Float64Array;
  private readonly scratch = jetTermScratch();
  private readonly shape = jetShape({ dims: [0, 1], pairs: [[0, 0]] }, 2);
  readonly evalXs: Float64Array;
  readonly evalTs: Float64Array;
  private readonly evalPts: Float64Array;
  readonly evalRef: Float64Array;
  /** Causal weights per time slice (length `causalSlices`; all 1 before the first step). */
  readonly causal: Float64Array;
  private readonly pointWeights: Float64Array | undefined;
  private readonly rng: Rng;
  /**
   * Draws new collocation points now, as the resampling of `beginStep` does (uniform, attention weights
   * reset), and with causal weighting recomputes the slice weights from the residuals of `model` at the new
   * points: the rounds of a polish phase (`PolishOptions.redrawEvery`), whose objective then holds for a
   * whole round. Only with `resampleEvery` > 0.
   */
  readonly redraw?: (model: Network) => void;

  constructor(options: AllenCahnOptions = {}) {
    rejectUnknownKeys("AllenCahnProblem", options, KEYS);
    const o: Required<AllenCahnOptions> = {
      eps: options.eps ?? 1e-4,
      points: requireInteger("Allen-Cahn points", options.points ?? 20000, 1),
      nInitial: requireInteger("Allen-Cahn nInitial", options.nInitial ?? 501, 2),
      nPeriodic: requireInteger("Allen-Cahn nPeriodic", options.nPeriodic ?? 101, 2),
      gammaV: options.gammaV ?? 0.1,
      gammaB: options.gammaB ?? 1,
      rbaMu: options.rbaMu ?? 1e-4,
      evalStride: requireInteger("Allen-Cahn evalStride", options.evalStride ?? 8, 1),
      evalNt: requireInteger("Allen-Cahn evalNt", options.evalNt ?? 101, 2),
      refN: requireInteger("Allen-Cahn refN", options.refN ?? 2048, 16),
      periodicTerms: options.periodicTerms ?? true,
      resampleEvery: requireInteger("Allen-Cahn resampleEvery", options.resampleEvery ?? 0, 0),
      causalSlices: requireInteger("Allen-Cahn causalSlices", options.causalSlices ?? 0, 0),
      causalEps: options.causalEps ?? 1,
      seed: requireInteger("Allen-Cahn seed", options.seed ?? 0, 0),
    };
    if (!(o.rbaMu >= 0 && o.rbaMu < 1)) throw new Error(`Allen-Cahn rbaMu must be in [0, 1), got ${o.rbaMu}`);
    if (typeof o.periodicTerms !== "boolean")
      throw new Error(`Allen-Cahn periodicTerms must be a boolean, got ${JSON.stringify(o.periodicTerms)}`);
    if (!(Number.isFinite(o.causalEps) && o.causalEps >= 0))
      throw new Error(`Allen-Cahn causalEps must be a finite number >= 0, got ${o.causalEps}`);
    this.options = o;
    const rng = new Rng(o.seed + 99);
    this.rng = rng;
    const nV = o.points;
    const xV = new Float64Array(2 * nV);
    for (let s = 0; s < nV; s++) {
      xV[2 * s] = rng.range(-1, 1);
      xV[2 * s + 1] = rng.range(0, 1);
    }
    this.lambda = new Float64Array(nV).fill(1);
    this.causal = new Float64Array(o.causalSlices).fill(1);
    this.pointWeights =
      o.causalSlices > 0 ? new Float64Array(nV).fill(1) : o.rbaMu > 0 ? this.lambda : undefined;
    this.residuals = new Float64Array(nV);
    const e = residual(this.shape);
    const r = e.d(1).sub(e.d2(0, 0).mul(o.eps)).add(e.u().pow(3).mul(5)).sub(e.u().mul(5));
    const vol = jetTermLoss({
      shape: this.shape,
      nOut: 1,
      n: nV,
      residual: r,
      weight: o.gammaV,
      ...(this.pointWeights && { pointWeights: this.pointWeights }),
      residualOut: this.residuals,
    });
    const val = jetShape({ dims: [0], pairs: [] }, 2);
    const xi = linspace(-1, 1, o.nInitial);
    const xI = new Float64Array(2 * o.nInitial);
    const u0 = new Float64Array(o.nInitial);
    for (let i = 0; i < o.nInitial; i++) {
      xI[2 * i] = xi[i];
      u0[i] = xi[i] * xi[i] * Math.cos(Math.PI * xi[i]);
    }
    const b = residual(val);
    const ic = jetTermLoss({
      shape: val,
      nOut: 1,
      n: o.nInitial,
      residual: b.u().sub(b.data(u0)),
      weight: o.gammaB,
    });
    const tp = linspace(0, 1, o.nPeriodic);
    const xP = new Float64Array(4 * o.nPeriodic);
    for (let k = 0; k < o.nPeriodic; k++) {
      xP[4 * k] = -1;
      xP[4 * k + 1] = tp[k];
      xP[4 * k + 2] = 1;
      xP[4 * k + 3] = tp[k];
    }
    const p = residual(val);
    const n2 = 2 * o.nPeriodic;
    const perU = jetTermLoss({
      shape: val,
      nOut: 1,
      n: n2,
      group: 2,
      residual: p.u(0, 0).sub(p.u(0, 1)),
      weight: o.gammaB,
    });
    const q = residual(val);
    const perUx = jetTermLoss({
      shape: val,
      nOut: 1,
      n: n2,
      group: 2,
      residual: q.d(0, 0, 0).sub(q.d(0, 0, 1)),
      weight: o.gammaB,
    });
    this.terms = [
      { name: "residual", x: xV, n: nV, shape: this.shape, loss: vol },
      { name: "initial", x: xI, n: o.nInitial, shape: val, loss: ic },
      ...(o.periodicTerms
        ? [
            { name: "periodic u", x: xP, n: n2, shape: val, loss: perU },
            { name: "periodic u_x", x: xP, n: n2, shape: val, loss: perUx },
          ]
        : []),
    ];
    const key = `${o.eps}:${o.refN}:${o.evalNt}`;
    let ref = refCache.get(key);
    if (!ref) {
      ref = allenCahnReference({ eps: o.eps, n: o.refN, nt: o.evalNt });
      refCache.set(key, ref);
    }
    const nx = Math.floor(o.refN / o.evalStride);
    this.evalXs = new Float64Array(nx);
    for (let i = 0; i < nx; i++) this.evalXs[i] = ref.x[i * o.evalStride];
    this.evalTs = ref.t;
    this.evalPts = gridPoints(this.evalXs, this.evalTs);
    this.evalRef = new Float64Array(nx * o.evalNt);
    for (let j = 0; j < o.evalNt; j++)
      for (let i = 0; i < nx; i++) this.evalRef[j * nx + i] = ref.u[j * o.refN + i * o.evalStride];
    if (o.resampleEvery > 0) {
      this.redraw = (model: Network) => {
        this.drawPoints();
        if (o.causalSlices === 0) return;
        this.lossAndGradient(model, new Float64Array(model.paramCount)); // the residuals at the new points
        this.updateCausal();
      };
    }
  }

  lossAndGradient(model: Network, grad: Float64Array): number {
    return sumJetTerms(model, this.terms, grad, this.scratch);
  }

  beginStep(step: number): void {
    const { resampleEvery } = this.options;
    if (resampleEvery === 0 || step === 0 || step % resampleEvery !== 0) return;
    this.drawPoints();
  }

  endStep(_model: Network, _step: number): void {
    if (this.options.rbaMu > 0) updateRba(this.lambda, this.residuals, this.options.rbaMu);
    if (this.options.causalSlices > 0) this.updateCausal();
  }

  /** New uniform collocation points (seeded), attention weights back to 1. */
  private drawPoints(): void {
    const x = this.terms[0].x;
    for (let s = 0; s < this.options.points; s++) {
      x[2 * s] = this.rng.range(-1, 1);
      x[2 * s + 1] = this.rng.range(0, 1);
    }
    this.lambda.fill(1);
    this.applyWeights();
  }

  /** Causal slice weights from the residuals of the last loss evaluation, applied to the points. */
  private updateCausal(): void {
    const o = this.options;
    this.causal.set(causalWeights(this.terms[0].x, this.residuals, o.points, o.causalSlices, o.causalEps));
    this.applyWeights();
  }

  /**
   * The training state this problem carries from step to step: copies of the RBA weights `lambda` and the
   * causal weights (the collocation points are fixed: with `resampleEvery` > 0 they and their generator
   * are state too, which this does not capture, so it throws).
   */
  weightState(): { lambda: Float64Array; causal: Float64Array } {
    this.requireFixedPoints("weightState");
    return { lambda: Float64Array.from(this.lambda), causal: Float64Array.from(this.causal) };
  }

  /** Restores a `weightState` of a problem with the same options (e.g. to continue its run). */
  setWeightState(state: { lambda: Float64Array; causal: Float64Array }): void {
    this.requireFixedPoints("setWeightState");
    if (state.lambda.length !== this.lambda.length || state.causal.length !== this.causal.length)
      throw new Error(
        `Allen-Cahn setWeightState: ${state.lambda.length} RBA and ${state.causal.length} causal weights for a problem with ${this.lambda.length} and ${this.causal.length}`,
      );
    this.lambda.set(state.lambda);
    this.causal.set(state.causal);
    this.applyWeights();
  }

  /** Throws unless the collocation points are fixed (the weights are then the whole training state). */
  private requireFixedPoints(method: string): void {
    const { resampleEvery } = this.options;
    if (resampleEvery > 0)
      throw new Error(`Allen-Cahn ${method}: with resampleEvery = ${resampleEvery} the points are state too`);
  }

  /** Point weights of the residual term: RBA lambda times sqrt(causal weight of the point's slice). */
  private applyWeights(): void {
    const w = this.pointWeights;
    if (!w || w === this.lambda) return;
    const x = this.terms[0].x;
    const K = this.options.causalSlices;
    for (let s = 0; s < this.options.points; s++) {
      const k = Math.min(K - 1, Math.floor(x[2 * s + 1] * K));
      w[s] = (this.options.rbaMu > 0 ? this.lambda[s] : 1) * Math.sqrt(this.causal[k]);
    }
  }

  /** The PDE residual on the evaluation grid (time-major rows of the x points). */
  evalResidualField(model: Network): Float64Array {
    const m = this.evalXs.length * this.evalTs.length;
    const J = model.jets(this.evalPts, m, this.shape);
    const out = new Float64Array(m);
    const eps = this.options.eps;
    for (let s = 0; s < m; s++) {
      const u = J[4 * s];
      out[s] = J[4 * s + 2] - eps * J[4 * s + 3] + 5 * u * u * u - 5 * u;
    }
    return out;
  }

  metrics(model: Network): Record<string, number> {
    const m = this.evalXs.length * this.evalTs.length;
    const u = model.forward(this.evalPts, m);
    const r = this.evalResidualField(model);
    let rr = 0;
    for (let s = 0; s < m; s++) rr += r[s] * r[s];
    return { ...errorNorms(u.subarray(0, m), this.evalRef), evalResidual: rr / m };
  }

  /**
   * Mean energy of the residual's Fourier modes in x, averaged over the evaluation times (the paper's
   * Fig. 8): entry k is mean_t |R_k(t)|^2 / nx^2 for modes k = 0 .. nx/2 (nx a power of two).
   */
  residualSpectrum(model: Network): Float64Array {
    const nx = this.evalXs.length;
    const nt = this.evalTs.length;
    const r = this.evalResidualField(model);
    const re = new Float64Array(nx);
    const im = new Float64Array(nx);
    const out = new Float64Array(nx / 2 + 1);
    for (let j = 0; j < nt; j++) {
      re.set(r.subarray(j * nx, (j + 1) * nx));
      im.fill(0);
      fft(re, im);
      for (let k = 0; k <= nx / 2; k++) out[k] += (re[k] * re[k] + im[k] * im[k]) / (nx * nx * nt);
    }
    return out;
  }

  /** Solution, reference and |error| on the evaluation grid for heat maps. */
  fields(model: Network): GridFields {
    return gridFields(model, this.evalPts, this.evalRef, this.evalXs, this.evalTs, ["x", "t"]);
  }
}
