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
 * Divergence (train/divergence.ts): a non-finite loss, parameters that became non-finite (a NaN
 * gradient with a finite loss), or a finite loss over `blowUpFactor` (1e4) times the run's starting loss
 * stops training with status "diverged" and a message naming the step and the value. The model keeps
 * the last parameters whose loss was finite (those of the last step left in the history, or the level's
 * starting parameters); after a blow-up, those with the lowest loss of the level.
 *
 * Allocation: buffers are allocated once per level; a step allocates nothing in the trainer (the history
 * arrays grow, and `Problem.metrics` returns a fresh record when it is called).
 *
 * The option, callback and result types are in train/options.ts (re-exported here).
 */
import { FreeKnotLayer } from "../layers/free-knot-layer.js";
import type { Network } from "../model/network.js";
import { refineOrProject } from "../model/regrid.js";
import { hasScalers } from "../model/scalers.js";
import { createOptimizer, type OptimizerSpec } from "../optim/factory.js";
import type { Objective, Optimizer } from "../optim/types.js";
import { checkModelFits, type Problem } from "../problems/problem.js";
import { gridsNest } from "../spline/knots.js";
import { describe, rejectUnknownKeys, requireFinite, requireInteger } from "../util/validate.js";
import {
  allFinite,
  BLOW_UP_FACTOR,
  blewUp,
  blowUpMessage,
  nonFiniteLossMessage,
  nonFiniteParamsMessage,
  nonFiniteStartMessage,
  type StepPlace,
} from "./divergence.js";
import type { TrainingHistory } from "./history.js";
import {
  type CommonTrainOptions,
  completedMessage,
  FIT_KEYS,
  type FitOptions,
  type LevelGrid,
  ML_KEYS,
  type MultilevelOptions,
  type PolishOptions,
  type TrainResult,
  type TrainStatus,
} from "./options.js";
import { HistoryRecorder } from "./recorder.js";
import { withSparsity } from "./sparsity.js";

export type {
  CommonTrainOptions,
  FitOptions,
  LevelEnd,
  LevelGrid,
  MetricsPoint,
  MultilevelOptions,
  PolishOptions,
  TrainProgress,
  TrainResult,
  TrainStatus,
} from "./options.js";

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
  const polish = polishPlan(options.polish, 1, "fit", problem);
  const run = new Run(problem, options, 1, steps + polish.steps[0]);
  run.attachScalers(model);
  run.runLevel(model, 0, options.optimizer, steps, polish, 0);
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
  const polish = polishPlan(options.polish, L, "trainMultilevel", problem);
  checkModelFits(problem, model);
  const knotFlags = options.trainKnots === undefined ? null : perLevel("trainKnots", options.trainKnots, L);
  if (knotFlags) {
    for (const [i, f] of knotFlags.entries()) requireBoolean(`trainMultilevel: trainKnots[${i}]`, f);
  }
  if (model.grids.length === 0)
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
  const startLevel = requireInteger("trainMultilevel: startLevel", options.startLevel ?? 0, 0, L - 1);
  let current: M;
  if (startLevel === 0) {
    if (transfer === "exact") checkNesting(model.grids, grids);
    current = sameGrid(model.grids, grids[0]) ? model : move(model, grids[0]);
  } else {
    if (!sameGrid(model.grids, grids[startLevel - 1]))
      throw new Error(
        `trainMultilevel: to resume at level ${startLevel + 1} the model must be on the grid of level ${startLevel} (${JSON.stringify(grids[startLevel - 1])}), but its grids are ${JSON.stringify(model.grids)}`,
      );
    if (transfer === "exact") checkNesting(model.grids, grids.slice(startLevel));
    current = model;
  }
  const total = steps.map((v, k) => v + polish.steps[k]);
  const run = new Run(
    problem,
    options,
    L,
    total.reduce((a, b) => a + b, 0),
    total.slice(0, startLevel).reduce((a, b) => a + b, 0),
  );
  run.attachScalers(current);
  // A resumed run starts with the minibatch an uninterrupted run would hold here (that of the last
  // step before this level that called the step hooks: polish steps do not), so that even the level's
  // initial loss is the same.
  const before =
    total.slice(0, startLevel).reduce((a, b) => a + b, 0) -
    (startLevel > 0 ? polish.steps[startLevel - 1] : 0);
  if (startLevel > 0 && before > 0) problem.beginStep?.(before - 1);
  for (let k = startLevel; k < L; k++) {
    if (k > 0) current = move(current, grids[k]);
    if (knotFlags)
      for (const l of current.layers) if (l instanceof FreeKnotLayer) l.trainKnots = knotFlags[k];
    const at = run.history.levels.length;
    const ok = run.runLevel(current, k, specs[k], steps[k], polish, k);
    const record = run.history.levels[at];
    if (projected !== null && record) record.transferRelL2 = projected;
    projected = null;
    if (!ok) break;
  }
  return run.result(current);
}

/** A validated polish phase: its optimizer, steps per level (0 without polish) and round length (0: one). */
interface PolishPlan {
  spec: OptimizerSpec | null;
  steps: number[];
  redrawEvery: number;
}

/** The polish optimizer, steps per level and rounds, validated against the problem. */
function polishPlan(p: PolishOptions | undefined, L: number, who: string, problem: Problem): PolishPlan {
  if (p === undefined) return { spec: null, steps: new Array<number>(L).fill(0), redrawEvery: 0 };
  if (typeof p !== "object" || p === null)
    throw new Error(`${who}: polish must be an object { optimizer, steps }, got ${describe(p)}`);
  rejectUnknownKeys(`${who}: polish`, p, ["optimizer", "steps", "redrawEvery"]);
  createOptimizer(p.optimizer);
  const raw = Array.isArray(p.steps) ? p.steps : new Array<number>(L).fill(p.steps);
  if (raw.length !== L) throw new Error(`${who}: polish.steps lists ${raw.length} values for ${L} levels`);
  const redrawEvery = requireInteger(`${who}: polish.redrawEvery`, p.redrawEvery ?? 0, 0);
  if (redrawEvery > 0 && !problem.redraw)
    throw new Error(
      `${who}: polish.redrawEvery = ${redrawEvery} needs a problem that can draw new points (a redraw method), but "${problem.name}" has none`,
    );
  return {
    spec: p.optimizer,
    steps: raw.map((v, i) => requireInteger(`${who}: polish.steps[${i}]`, v, 0)),
    redrawEvery,
  };
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
  private readonly rec: HistoryRecorder;
  private evaluations = 0;
  private globalStep = 0;
  private status: TrainStatus = "completed";
  private message = "";
  private readonly metricsEvery: number;
  private readonly blowUpFactor: number;
  /** The loss a blow-up is measured against (the run's first initial loss unless given). */
  private reference: number;
  private levelInitialLoss = Number.NaN;

  constructor(
    private readonly problem: Problem,
    private readonly options: CommonTrainOptions,
    private readonly levelCount: number,
    private readonly totalSteps: number,
    startStep = 0,
  ) {
    this.metricsEvery = requireInteger("metricsEvery", options.metricsEvery ?? 1, 0);
    if (options.onProgress !== undefined && typeof options.onProgress !== "function")
      throw new Error(`onProgress must be a function, got ${describe(options.onProgress)}`);
    if (options.onLevel !== undefined && typeof options.onLevel !== "function")
      throw new Error(`onLevel must be a function, got ${describe(options.onLevel)}`);
    if (options.onMetrics !== undefined && typeof options.onMetrics !== "function")
      throw new Error(`onMetrics must be a function, got ${describe(options.onMetrics)}`);
    const factor = options.blowUpFactor ?? BLOW_UP_FACTOR;
    if (typeof factor !== "number" || !(factor > 1))
      throw new Error(
        `blowUpFactor must be a number > 1 (Infinity turns the check off), got ${describe(factor)}`,
      );
    this.blowUpFactor = factor;
    this.reference =
      options.lossReference === undefined
        ? Number.NaN
        : requireFinite("lossReference", options.lossReference);
    this.globalStep = startStep;
    this.rec = new HistoryRecorder(problem);
  }

  /** The history so far. */
  get history(): TrainingHistory {
    return this.rec.history;
  }

  attachScalers(model: Network): void {
    if (hasScalers(this.problem)) model.scalers = structuredClone(this.problem.scalers);
  }

  /**
   * Trains one level in place. Returns false when training diverged (the model then holds the last
   * parameters with a finite loss, or after a blow-up those with the lowest loss) and the run must stop.
   */
  runLevel(
    model: Network,
    level: number,
    spec: OptimizerSpec,
    mainSteps: number,
    polish: PolishPlan,
    polishLevel: number,
  ): boolean {
    const polishSteps = polish.steps[polishLevel];
    const steps = mainSteps + polishSteps;
    const problem = this.problem;
    const rec = this.rec;
    const h = rec.history;
    const grid = gridOf(model);
    const n = model.paramCount;
    const x = Float64Array.from(model.params);
    const good = Float64Array.from(model.params);
    const best = Float64Array.from(model.params);
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

    const record = rec.beginLevel(grid, n);
    const levelStartStep = this.globalStep + 1;
    const initialLoss = evaluateAt(x);
    this.levelInitialLoss = initialLoss;
    if (record) record.initialLoss = initialLoss;
    if (!Number.isFinite(initialLoss)) {
      this.status = "diverged";
      this.message = nonFiniteStartMessage(initialLoss, level, this.levelCount);
      return false;
    }
    if (Number.isNaN(this.reference)) this.reference = initialLoss;
    let bestLoss = initialLoss;
    let bestStep: number | null = null;

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
    const place = (step: number): StepPlace => ({ step, level, levels: this.levelCount, grid });
    /** The step whose parameters are kept after a non-finite value (the last record of this level). */
    const keptGood = (): [string | null, number] => {
      const last = h.step.length;
      const kept = last > 0 && h.step[last - 1] >= levelStartStep ? `step ${h.step[last - 1]}` : null;
      return [kept, last > 0 ? h.loss[last - 1] : this.levelInitialLoss];
    };
    const stop = (message: string, keep: Float64Array): false => {
      x.set(keep);
      model.params.set(keep);
      this.status = "diverged";
      this.message = message;
      if (record) record.steps = h.step.length - record.startStep;
      return false;
    };
    /** A non-finite loss at `step`: keep the last parameters with a finite loss. */
    const fail = (value: number, step: number): false => {
      const [kept, keptLoss] = keptGood();
      const cause = problem.describeNonFinite?.();
      const why = cause ? ` Cause: ${cause}.` : "";
      return stop(`${nonFiniteLossMessage(value, place(step), kept, keptLoss)}${why}`, good);
    };
    /** A known finite loss of parameters `p` at `step`: tracks the best; false after a blow-up. */
    const known = (loss: number, p: Float64Array, step: number): boolean => {
      if (loss < bestLoss) {
        bestLoss = loss;
        bestStep = step;
        best.set(p);
      }
      if (!blewUp(loss, this.reference, this.blowUpFactor)) return true;
      const kept = bestStep === null ? null : `step ${bestStep}`;
      stop(blowUpMessage(loss, place(step), this.blowUpFactor, this.reference, kept, bestLoss), best);
      return false;
    };
    /** Index of the record whose loss is not known yet (Adam, GD), or -1. */
    let pending = -1;
    /** The pending record's loss is `loss`, that of parameters `p`: false when the run must stop. */
    const resolvePending = (loss: number, p: Float64Array): boolean => {
      h.loss[pending] = loss;
      good.set(p);
      if (!known(loss, p, h.step[pending])) return false;
      progress(pending);
      pending = -1;
      return true;
    };

    for (let s = 1; s <= steps; s++) {
      const polishing = s > mainSteps;
      /** Polish steps taken before this one (-1 outside the polish). */
      const polished = s - mainSteps - 1;
      if (polished === 0) optimizer = createOptimizer(polish.spec as OptimizerSpec);
      else if (polished > 0 && polish.redrawEvery > 0 && polished % polish.redrawEvery === 0) {
        // A new round: the last step's loss belongs to the old points, so resolve it before the redraw.
        if (pending >= 0) {
          const f = evaluateAt(x);
          if (!Number.isFinite(f)) {
            rec.pop();
            return fail(f, this.globalStep);
          }
          if (!resolvePending(f, x)) return false;
        }
        model.params.set(x);
        problem.redraw?.(model);
        optimizer = createOptimizer(polish.spec as OptimizerSpec);
      }
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
          rec.pop();
          this.globalStep--;
          return fail(firstLoss, this.globalStep);
        }
        if (!resolvePending(firstLoss, prevX)) return false;
      } else if (stepEvals > 0 && !Number.isFinite(firstLoss)) {
        return fail(firstLoss, this.globalStep);
      }
      if (!allFinite(x)) {
        const [kept, keptLoss] = keptGood();
        return stop(nonFiniteParamsMessage(place(this.globalStep), kept, keptLoss), good);
      }
      if (!polishing) problem.endStep?.(model, this.globalStep - 1);
      const index = rec.push(this.globalStep, stepEvals);
      let after = res.finalLoss;
      if (Number.isNaN(after) && stepEvals > 0 && equalBits(x, lastX)) after = lastLoss;
      if (Number.isNaN(after) && !(stepEvals > 0 && equalBits(x, lastX))) {
        pending = index;
      } else if (!Number.isFinite(after)) {
        rec.pop();
        return fail(after, this.globalStep);
      } else {
        h.loss[index] = after;
        good.set(x);
        if (!known(after, x, this.globalStep)) return false;
      }
      if (this.metricsEvery > 0 && this.globalStep % this.metricsEvery === 0 && s < steps) {
        model.params.set(x);
        this.recordMetrics(model, index, level);
      }
      if (pending < 0) progress(index);
    }

    // End of the level: the loss of the final parameters, evaluated once more (this also resolves a
    // pending loss and is the value the next level's initial loss is compared with).
    const finalLoss = evaluateAt(x);
    if (!Number.isFinite(finalLoss)) {
      if (pending >= 0) rec.pop();
      return fail(finalLoss, this.globalStep);
    }
    if (pending >= 0) {
      h.loss[pending] = finalLoss;
      if (!known(finalLoss, x, h.step[pending])) return false;
      progress(pending);
    } else if (!known(finalLoss, x, this.globalStep)) return false;
    good.set(x);
    model.params.set(x);
    if (record) {
      record.finalLoss = finalLoss;
      record.steps = h.step.length - record.startStep;
    }
    const metrics = this.recordMetrics(model, steps > 0 ? h.step.length - 1 : -1, level);
    this.options.onLevel?.({
      level,
      levels: this.levelCount,
      grid,
      model,
      history: h,
      loss: finalLoss,
      metrics,
      elapsed: rec.elapsed(),
    });
    return true;
  }

  /** Records the metrics of `model` at history record `index` (none when < 0) and reports them. */
  private recordMetrics(model: Network, index: number, level: number): Record<string, number> {
    const rec = this.rec;
    const metrics = rec.recordMetrics(model, index);
    this.options.onMetrics?.({
      level,
      step: this.globalStep,
      model,
      metrics,
      evaluations: this.evaluations,
      elapsed: rec.elapsed(),
      metricsSeconds: rec.metricsSeconds,
    });
    return metrics;
  }

  result<M extends Network>(model: M): TrainResult<M> {
    const rec = this.rec;
    const seconds = rec.elapsed();
    if (this.status === "completed") {
      const h = rec.history;
      const lastLoss = h.loss.length > 0 ? h.loss[h.loss.length - 1] : this.levelInitialLoss;
      this.message = completedMessage(this.globalStep, this.levelCount, this.evaluations, seconds, lastLoss);
    } else {
      // Metrics of the model actually returned (the last parameters with a finite loss).
      rec.recordMetrics(model, -1);
    }
    return {
      model,
      history: rec.history,
      status: this.status,
      message: this.message,
      metrics: rec.lastMetrics,
      evaluations: this.evaluations,
      seconds,
      metricsSeconds: rec.metricsSeconds,
    };
  }
}

function equalBits(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) {
    // Equal values (0 and -0 give the same loss) or both NaN.
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  }
  return true;
}

function requireBoolean(name: string, v: unknown): void {
  if (typeof v !== "boolean") throw new Error(`${name} must be true or false, got ${describe(v)}`);
}
