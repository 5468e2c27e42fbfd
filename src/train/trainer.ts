/**
 * The training loops: `fit` (one grid) and `trainMultilevel` (the paper's Algorithm 1, nested iteration:
 * train a level, refine exactly, re-create the optimizer, train the next level).
 *
 * What one step is, for each optimizer (`Optimizer.step`, src/optim):
 * - L-BFGS: one torch `LBFGS.step(closure)`, i.e. up to `maxIter` iterations (20 with the `torch` and
 *   `pykan` presets) and about `maxEval` = 25 loss-and-gradient evaluations (the strong-Wolfe line search
 *   may overrun by one search); the paper's regression "epoch" (digest section 5.1).
 * - Adam / AdamW / gradient descent: one update from one loss-and-gradient evaluation.
 * `history.evaluations` records the evaluations each step used, so work can be compared across rows.
 *
 * Per-step loss: `history.loss[i]` is the training loss of the parameters *after* step i. L-BFGS
 * evaluates it itself (its line search ends there); for Adam and gradient descent it is the loss the next
 * step evaluates first (every optimizer evaluates at its starting point first), so a run costs no extra
 * evaluation except one at the end of each level. With minibatches, the loss is on the batch of the step
 * that evaluated it.
 *
 * Divergence: a non-finite loss stops training (status "diverged", the message names the step and the
 * value) and the model keeps the last parameters whose loss was finite (those of the last step left in
 * the history, or the level's starting parameters).
 *
 * Allocation: buffers are allocated once per level; a step allocates nothing in the trainer (the history
 * arrays grow, and `Problem.metrics` returns a fresh record when it is called).
 */
import type { Network } from "../model/network.js";
import { refineOrProject } from "../model/regrid.js";
import { hasScalers } from "../model/scalers.js";
import { createOptimizer, type OptimizerSpec } from "../optim/factory.js";
import type { Objective, Optimizer } from "../optim/types.js";
import { checkModelFits, type Problem } from "../problems/problem.js";
import { gridsNest } from "../spline/knots.js";
import { fmt } from "../util/format.js";
import { describe, rejectUnknownKeys, requireInteger } from "../util/validate.js";
import { emptyHistory, type LevelRecord, type TrainingHistory } from "./history.js";
import { SPARSITY_KEYS, type SparsityOptions, withSparsity } from "./sparsity.js";

/** A grid for `Network.refine`: a size G or general breakpoints, or one per spline layer. */
export type LevelGrid = number | { breakpoints: number[] } | (number | { breakpoints: number[] })[];

/** What the progress callback receives after every step. */
export interface TrainProgress {
  /** 0-based level index (into `history.levels`); 0 for `fit`. */
  level: number;
  /** Number of levels of the run. */
  levels: number;
  /** Grid size(s) of the current level (null for a model without spline layers). */
  grid: number | number[] | null;
  /** Global step, 1-based, counted across levels. */
  step: number;
  /** Steps planned for the whole run. */
  totalSteps: number;
  /** Step within the level, 1-based, and the steps planned for the level. */
  levelStep: number;
  levelSteps: number;
  /** Training loss after the step. */
  loss: number;
  /** Seconds since training started. */
  elapsed: number;
}

/** What `onLevel` receives when a level has finished normally (not after divergence). */
export interface LevelEnd {
  level: number;
  levels: number;
  grid: number | number[] | null;
  /** The trained model of this level (the object the trainer goes on refining: copy it to keep it). */
  model: Network;
  history: TrainingHistory;
  /** Training loss of the level's final parameters. */
  loss: number;
  /** The problem's metrics at the end of the level. */
  metrics: Record<string, number>;
  elapsed: number;
}

export interface CommonTrainOptions {
  /**
   * Evaluate the problem's metrics every this many steps (NaN in between) and always at the end of
   * each level; 0 = only at the ends of levels. Default 1.
   */
  metricsEvery?: number;
  /** Called after every step (once the step's loss is known). */
  onProgress?: (progress: TrainProgress) => void;
  /** Called after each level that finished normally (e.g. to save a checkpoint). */
  onLevel?: (end: LevelEnd) => void;
  /**
   * Optional polishing at the end of each level (of the run, for `fit`): `steps` more steps with a fresh
   * `optimizer` (typically `{ type: "lbfgs", preset: "pykan" }` after Adam). The steps belong to the
   * level (history, progress and the level's step count include them). During them the problem's step
   * hooks (`beginStep`, `endStep`: minibatches, attention weights, resampling) are not called, so the
   * polish optimises a fixed objective. `steps` may be one number or (for `trainMultilevel`) one per level.
   */
  polish?: PolishOptions;
}

/** See `CommonTrainOptions.polish`. */
export interface PolishOptions {
  optimizer: OptimizerSpec;
  steps: number | number[];
}

export interface FitOptions extends CommonTrainOptions, SparsityOptions {
  /** The optimizer, created fresh for this run (see `createOptimizer`). */
  optimizer: OptimizerSpec;
  /** Optimizer steps (see the module comment for what a step is). */
  steps: number;
}

export interface MultilevelOptions extends CommonTrainOptions, SparsityOptions {
  /**
   * One grid per level, coarse to fine, each nested in the previous one (e.g. [5, 10, 20, 40]); a level's
   * grid is a size G or breakpoints, for every spline layer or one per spline layer. If the model is not
   * already on the first grid it is refined onto it (exactly) before training.
   */
  grids: LevelGrid[];
  /** Steps per level: one number for every level or one per level (0 skips training on a level). */
  steps: number | number[];
  /** The optimizer spec, or one per level; re-created at every level (with its warm-up ramp, if any). */
  optimizer: OptimizerSpec | OptimizerSpec[];
  /**
   * How the model moves to the next grid: "exact" (default) refines and requires nested grids;
   * "project" also accepts grids that do not nest, moving onto them by least-squares projection of every
   * edge (`regridModel`, approximate: the next level starts at a slightly different loss), and still
   * refines exactly where the grids nest.
   */
  transfer?: "exact" | "project";
}

export type TrainStatus = "completed" | "diverged";

export interface TrainResult<M extends Network = Network> {
  /**
   * The trained model: for `fit` the model passed in (trained in place); for `trainMultilevel` the model
   * of the last level reached (a refined copy; the model passed in holds the first level's result when
   * it was already on the first grid, and is left unchanged otherwise).
   */
  model: M;
  history: TrainingHistory;
  status: TrainStatus;
  /** A one-line summary, or what went wrong (step and value) when training diverged. */
  message: string;
  /** The problem's metrics of the returned model. */
  metrics: Record<string, number>;
  /** Loss-and-gradient evaluations over the whole run. */
  evaluations: number;
  /** Wall seconds of the run, and the part of it spent evaluating metrics. */
  seconds: number;
  metricsSeconds: number;
}

const FIT_KEYS = [
  "optimizer",
  "steps",
  "metricsEvery",
  "onProgress",
  "onLevel",
  "polish",
  ...SPARSITY_KEYS,
] as const;
const ML_KEYS = [
  "grids",
  "steps",
  "optimizer",
  "metricsEvery",
  "onProgress",
  "onLevel",
  "polish",
  "transfer",
  ...SPARSITY_KEYS,
] as const;

/**
 * Trains `model` in place on `problem` for `steps` optimizer steps (one level, no refinement). If the
 * problem carries scalers (e.g. a `RegressionProblem` with normalised targets) they are stored in the
 * model so that `model.predict` works in the user's units.
 */
export function fit<M extends Network>(model: M, task: Problem, options: FitOptions): TrainResult<M> {
  if (typeof options !== "object" || options === null)
    throw new Error(`fit: options must be an object, got ${describe(options)}`);
  rejectUnknownKeys("fit", options, FIT_KEYS);
  const problem = withSparsity(task, options, "fit");
  const steps = requireInteger("fit: steps", options.steps, 0);
  createOptimizer(options.optimizer); // validates the spec before any work
  checkModelFits(problem, model);
  const polish = polishPlan(options.polish, 1, "fit");
  const run = new Run(problem, options, 1, steps + polish.steps[0]);
  run.attachScalers(model);
  run.runLevel(model, 0, options.optimizer, steps, polish.spec, polish.steps[0]);
  return run.result(model);
}

/**
 * The paper's Algorithm 1 (nested multilevel optimization, section 4.3): for each level k, train the
 * current model for `steps[k]` steps with a fresh optimizer from `optimizer[k]`, then refine it exactly
 * onto the next grid (`Network.refine`, the prolongation u_f = P u_c of eqs. 24-25 with the corrected
 * factor 2^(1-r)) and continue. Refinement is exact (Definition 1), so the loss right after each
 * refinement equals the loss before it (`history.levels[k].initialLoss` vs `levels[k-1].finalLoss`).
 * The basis (spline or power-ReLU) is the model's: in the ReLU basis the refinement carries the function
 * over as u_c = A_c^{-T} w_c, u_f = P u_c, w_f = A_f^T u_f (digest section 4.6) and training continues
 * in w.
 */
export function trainMultilevel<M extends Network>(
  model: M,
  task: Problem,
  options: MultilevelOptions,
): TrainResult<M> {
  if (typeof options !== "object" || options === null)
    throw new Error(`trainMultilevel: options must be an object, got ${describe(options)}`);
  rejectUnknownKeys("trainMultilevel", options, ML_KEYS);
  const problem = withSparsity(task, options, "trainMultilevel");
  const { grids } = options;
  if (!Array.isArray(grids) || grids.length === 0)
    throw new Error(`trainMultilevel: grids must be a non-empty array of grids, got ${describe(grids)}`);
  const L = grids.length;
  const steps = perLevel("steps", options.steps, L).map((s, i) =>
    requireInteger(`trainMultilevel: steps[${i}]`, s, 0),
  );
  const specs = perLevel("optimizer", options.optimizer, L);
  for (const s of specs) createOptimizer(s);
  const polish = polishPlan(options.polish, L, "trainMultilevel");
  checkModelFits(problem, model);
  if (model.splineLayers.length === 0)
    throw new Error("trainMultilevel: the model has no spline layers to refine (use fit for an MLP)");
  const transfer = options.transfer ?? "exact";
  if (transfer !== "exact" && transfer !== "project")
    throw new Error(`trainMultilevel: transfer must be "exact" or "project", got ${describe(transfer)}`);
  /** Projection error of the last move onto a grid that does not nest (null: exact or no move). */
  let projected: number | null = null;
  const move = (m: M, g: LevelGrid): M => {
    projected = null;
    if (transfer === "exact") return m.refine(g);
    const r = refineOrProject(m, g);
    if (!r.exact) projected = r.relL2;
    return r.model;
  };
  if (transfer === "exact") checkNesting(model.grids, grids);
  let current: M = sameGrid(model.grids, grids[0]) ? model : move(model, grids[0]);
  const run = new Run(
    problem,
    options,
    L,
    steps.reduce((a, b) => a + b, 0) + polish.steps.reduce((a, b) => a + b, 0),
  );
  run.attachScalers(current);
  for (let k = 0; k < L; k++) {
    if (k > 0) current = move(current, grids[k]);
    const at = run.history.levels.length;
    const ok = run.runLevel(current, k, specs[k], steps[k], polish.spec, polish.steps[k]);
    const record = run.history.levels[at];
    if (projected !== null && record) record.transferRelL2 = projected;
    projected = null;
    if (!ok) break;
  }
  return run.result(current);
}

/** The polish optimizer and steps per level (0 without polish), validated. */
function polishPlan(
  p: PolishOptions | undefined,
  L: number,
  who: string,
): { spec: OptimizerSpec | null; steps: number[] } {
  if (p === undefined) return { spec: null, steps: new Array<number>(L).fill(0) };
  if (typeof p !== "object" || p === null)
    throw new Error(`${who}: polish must be an object { optimizer, steps }, got ${describe(p)}`);
  rejectUnknownKeys(`${who}: polish`, p, ["optimizer", "steps"]);
  createOptimizer(p.optimizer);
  const raw = Array.isArray(p.steps) ? p.steps : new Array<number>(L).fill(p.steps);
  if (raw.length !== L) throw new Error(`${who}: polish.steps lists ${raw.length} values for ${L} levels`);
  return { spec: p.optimizer, steps: raw.map((v, i) => requireInteger(`${who}: polish.steps[${i}]`, v, 0)) };
}

function perLevel<T>(name: string, v: T | T[], L: number): T[] {
  if (Array.isArray(v)) {
    if (v.length !== L)
      throw new Error(`trainMultilevel: ${name} lists ${v.length} values for ${L} levels (grids)`);
    return v;
  }
  return new Array<T>(L).fill(v);
}

/** Whether the model's grids are already the level grid (sizes only; breakpoints always refine). */
function sameGrid(current: number[], grid: LevelGrid): boolean {
  if (typeof grid === "number") return current.every((g) => g === grid);
  if (Array.isArray(grid))
    return grid.length === current.length && grid.every((g, i) => typeof g === "number" && g === current[i]);
  return false;
}

/**
 * Fails before any training when grid sizes cannot nest (each a multiple of the previous level's, per
 * spline layer), so a typo does not cost the levels trained before it. Breakpoint grids are checked by
 * `refine` itself.
 */
function checkNesting(start: number[], grids: LevelGrid[]): void {
  let prev: (number | null)[] = start;
  grids.forEach((grid, k) => {
    const sizes: (number | null)[] = Array.isArray(grid)
      ? grid.map((g) => (typeof g === "number" ? g : null))
      : start.map(() => (typeof grid === "number" ? grid : null));
    sizes.forEach((g, l) => {
      const p = prev[l] ?? null;
      if (g !== null && p !== null && !gridsNest(p, g)) {
        const lower = Math.floor(g / p) * p;
        const upper = Math.max(p, Math.ceil(g / p) * p);
        const near = lower >= p && lower !== upper ? `${lower} or ${upper}` : `${upper}`;
        throw new Error(
          `trainMultilevel: grids[${k}] = ${JSON.stringify(grid)} does not nest in the previous grid ${p} of spline layer ${l} (each grid must be a multiple of the one before; nearest nested grids: ${near}). Pass transfer: "project" to move onto it by least-squares projection (approximate)`,
        );
      }
    });
    prev = sizes;
  });
}

/** Grid sizes of a model as a level record wants them: one number when all layers share it. */
export function gridOf(model: Network): number | number[] | null {
  const g = model.grids;
  if (g.length === 0) return null;
  return g.every((v) => v === g[0]) ? g[0] : g;
}

/** State shared by the levels of one run. */
class Run {
  readonly history: TrainingHistory = emptyHistory();
  private readonly t0 = performance.now();
  private metricsTime = 0;
  private evaluations = 0;
  private globalStep = 0;
  private status: TrainStatus = "completed";
  private message = "";
  private lastMetrics: Record<string, number> = {};
  private readonly metricsEvery: number;
  private readonly evalCounts: number[] = [];

  constructor(
    private readonly problem: Problem,
    private readonly options: CommonTrainOptions,
    private readonly levelCount: number,
    private readonly totalSteps: number,
  ) {
    this.metricsEvery = requireInteger("metricsEvery", options.metricsEvery ?? 1, 0);
    if (options.onProgress !== undefined && typeof options.onProgress !== "function")
      throw new Error(`onProgress must be a function, got ${describe(options.onProgress)}`);
    if (options.onLevel !== undefined && typeof options.onLevel !== "function")
      throw new Error(`onLevel must be a function, got ${describe(options.onLevel)}`);
    this.history.evaluations = this.evalCounts;
  }

  private elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  attachScalers(model: Network): void {
    if (hasScalers(this.problem)) model.scalers = structuredClone(this.problem.scalers);
  }

  private pushRecord(): number {
    const h = this.history;
    h.step.push(this.globalStep);
    h.loss.push(Number.NaN);
    h.wallSeconds.push(this.elapsed());
    this.evalCounts.push(0);
    for (const k of Object.keys(h.metrics)) h.metrics[k].push(Number.NaN);
    return h.step.length - 1;
  }

  private popRecord(): void {
    const h = this.history;
    h.step.pop();
    h.loss.pop();
    h.wallSeconds.pop();
    this.evalCounts.pop();
    for (const k of Object.keys(h.metrics)) h.metrics[k].pop();
  }

  private recordMetrics(model: Network, index: number): void {
    const t = performance.now();
    const m = this.problem.metrics(model);
    this.metricsTime += performance.now() - t;
    this.lastMetrics = m;
    if (index < 0) return;
    const h = this.history;
    for (const [k, v] of Object.entries(m)) {
      let arr = h.metrics[k];
      if (!arr) {
        arr = new Array<number>(h.step.length).fill(Number.NaN);
        h.metrics[k] = arr;
      }
      arr[index] = v;
    }
  }

  private diverge(value: number, step: number, level: number, grid: number | number[] | null): void {
    const h = this.history;
    const last = h.step.length;
    const kept = last > 0 && h.step[last - 1] >= this.levelStartStep ? `step ${h.step[last - 1]}` : null;
    const keptLoss = last > 0 ? h.loss[last - 1] : this.levelInitialLoss;
    this.status = "diverged";
    this.message =
      `training diverged: the loss is ${value} (non-finite) at step ${step}` +
      `${this.levelCount > 1 ? ` (level ${level + 1} of ${this.levelCount}${grid !== null ? `, grid ${gridText(grid)}` : ""})` : ""}; ` +
      `stopped and kept the last parameters with a finite loss (${kept ?? `the start of level ${level + 1}`}, loss ${fmt(keptLoss)}). ` +
      "Try a smaller learning rate, a different optimizer or a smaller initialisation." +
      (this.problem.describeNonFinite?.() ? ` Cause: ${this.problem.describeNonFinite?.()}.` : "");
  }

  private levelStartStep = 0;
  private levelInitialLoss = Number.NaN;

  /**
   * Trains one level in place. Returns false when training diverged (the model then holds the last
   * parameters with a finite loss) and the run must stop.
   */
  runLevel(
    model: Network,
    level: number,
    spec: OptimizerSpec,
    mainSteps: number,
    polishSpec: OptimizerSpec | null = null,
    polishSteps = 0,
  ): boolean {
    const steps = mainSteps + polishSteps;
    const problem = this.problem;
    const h = this.history;
    const grid = gridOf(model);
    const n = model.paramCount;
    const x = Float64Array.from(model.params);
    const good = Float64Array.from(model.params);
    const prevX = new Float64Array(n);
    const lastX = new Float64Array(n);
    const scratchGrad = new Float64Array(n);
    let lastLoss = Number.NaN;
    let stepEvals = 0;
    let firstLoss = Number.NaN;
    const objective: Objective = (xt, g) => {
      model.params.set(xt);
      const f = problem.lossAndGradient(model, g);
      if (stepEvals === 0) firstLoss = f;
      lastX.set(xt);
      lastLoss = f;
      stepEvals++;
      return f;
    };
    const evaluateAt = (v: Float64Array): number => {
      model.params.set(v);
      this.evaluations++;
      return problem.lossAndGradient(model, scratchGrad);
    };

    const record: LevelRecord | null =
      grid === null ? null : { grid, startStep: h.step.length, params: n, steps: 0 };
    if (record) h.levels.push(record);
    this.levelStartStep = this.globalStep + 1;
    const initialLoss = evaluateAt(x);
    this.levelInitialLoss = initialLoss;
    if (record) record.initialLoss = initialLoss;
    if (!Number.isFinite(initialLoss)) {
      this.status = "diverged";
      this.message = `the loss at the start of ${this.levelCount > 1 ? `level ${level + 1}` : "training"} is ${initialLoss} (non-finite): check the data and the initialisation`;
      return false;
    }

    let optimizer: Optimizer = createOptimizer(spec);
    const onProgress = this.options.onProgress;
    const levelFirst = this.globalStep;
    const progress = (index: number) => {
      if (!onProgress) return;
      onProgress({
        level,
        levels: this.levelCount,
        grid,
        step: h.step[index],
        totalSteps: this.totalSteps,
        levelStep: h.step[index] - levelFirst,
        levelSteps: steps,
        loss: h.loss[index],
        elapsed: h.wallSeconds[index],
      });
    };
    /** Index of the record whose loss is not known yet (Adam, GD), or -1. */
    let pending = -1;
    const fail = (value: number, step: number): false => {
      x.set(good);
      model.params.set(good);
      this.diverge(value, step, level, grid);
      if (record) record.steps = h.step.length - record.startStep;
      return false;
    };

    for (let s = 1; s <= steps; s++) {
      const polishing = s > mainSteps;
      if (polishing && s === mainSteps + 1) optimizer = createOptimizer(polishSpec as OptimizerSpec);
      this.globalStep++;
      if (!polishing) problem.beginStep?.(this.globalStep - 1);
      prevX.set(x);
      stepEvals = 0;
      const res = optimizer.step(x, objective);
      this.evaluations += stepEvals;
      model.params.set(x);
      // The step's first evaluation is at its starting point: it resolves the previous step's loss.
      if (pending >= 0) {
        if (!Number.isFinite(firstLoss)) {
          this.popRecord();
          this.globalStep--;
          return fail(firstLoss, this.globalStep);
        }
        h.loss[pending] = firstLoss;
        good.set(prevX);
        progress(pending);
        pending = -1;
      } else if (stepEvals > 0 && !Number.isFinite(firstLoss)) {
        return fail(firstLoss, this.globalStep);
      }
      if (!polishing) problem.endStep?.(model, this.globalStep - 1);
      const index = this.pushRecord();
      this.evalCounts[index] = stepEvals;
      let after = res.finalLoss;
      if (Number.isNaN(after) && stepEvals > 0 && equalBits(x, lastX)) after = lastLoss;
      if (Number.isNaN(after) && !(stepEvals > 0 && equalBits(x, lastX))) {
        pending = index;
      } else if (!Number.isFinite(after)) {
        this.popRecord();
        return fail(after, this.globalStep);
      } else {
        h.loss[index] = after;
        good.set(x);
      }
      if (this.metricsEvery > 0 && this.globalStep % this.metricsEvery === 0 && s < steps) {
        model.params.set(x);
        this.recordMetrics(model, index);
      }
      if (pending < 0) progress(index);
    }

    // End of the level: the loss of the final parameters, evaluated once more (this also resolves a
    // pending loss and is the value the next level's initial loss is compared with).
    const finalLoss = evaluateAt(x);
    if (!Number.isFinite(finalLoss)) {
      if (pending >= 0) this.popRecord();
      return fail(finalLoss, this.globalStep);
    }
    if (pending >= 0) {
      h.loss[pending] = finalLoss;
      progress(pending);
    }
    good.set(x);
    model.params.set(x);
    if (record) {
      record.finalLoss = finalLoss;
      record.steps = h.step.length - record.startStep;
    }
    this.recordMetrics(model, steps > 0 ? h.step.length - 1 : -1);
    this.options.onLevel?.({
      level,
      levels: this.levelCount,
      grid,
      model,
      history: h,
      loss: finalLoss,
      metrics: this.lastMetrics,
      elapsed: this.elapsed(),
    });
    return true;
  }

  result<M extends Network>(model: M): TrainResult<M> {
    const seconds = this.elapsed();
    if (this.status === "completed") {
      const h = this.history;
      const lastLoss = h.loss.length > 0 ? h.loss[h.loss.length - 1] : this.levelInitialLoss;
      this.message =
        `completed ${this.globalStep} steps${this.levelCount > 1 ? ` over ${this.levelCount} levels` : ""} ` +
        `(${this.evaluations} evaluations) in ${fmt(seconds)} s; final loss ${fmt(lastLoss)}`;
    } else {
      // Metrics of the model actually returned (the last parameters with a finite loss).
      this.recordMetrics(model, -1);
    }
    return {
      model,
      history: this.history,
      status: this.status,
      message: this.message,
      metrics: this.lastMetrics,
      evaluations: this.evaluations,
      seconds,
      metricsSeconds: this.metricsTime / 1000,
    };
  }
}

function gridText(grid: number | number[]): string {
  return typeof grid === "number" ? String(grid) : grid.join(",");
}

function equalBits(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) {
    // Equal values (0 and -0 give the same loss) or both NaN.
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  }
  return true;
}
