/**
 * The options and results of the training loops (src/train/trainer.ts): what `fit` and `trainMultilevel`
 * take (`FitOptions`, `MultilevelOptions`, their common part and the L-BFGS polish), what their callbacks
 * receive (`TrainProgress` every step, `MetricsPoint` at each metrics record, `LevelEnd` at each level's
 * end) and what they return (`TrainResult`, with the one-line summary of a completed run), with the option
 * names each accepts.
 */
import type { Network } from "../model/network.js";
import type { OptimizerSpec } from "../optim/factory.js";
import { fmt } from "../util/format.js";
import type { TrainingHistory } from "./history.js";
import { SPARSITY_KEYS, type SparsityOptions } from "./sparsity.js";

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

/**
 * What `onMetrics` receives each time the problem's metrics are recorded: every `metricsEvery` steps and
 * at the end of every level that finished normally.
 */
export interface MetricsPoint {
  level: number;
  /** Global step, 1-based (0 at the end of a level of 0 steps at the start of a run). */
  step: number;
  /**
   * The model at this step's parameters (the trainer's object, which training goes on changing: copy
   * its parameters to keep them). Mid-level, for Adam and gradient descent, the step's loss is not known
   * yet: the next step's first evaluation resolves it into `history.loss`.
   */
  model: Network;
  metrics: Record<string, number>;
  /** Loss-and-gradient evaluations of the run so far. */
  evaluations: number;
  /** Wall seconds of the run so far, and the part of them spent evaluating metrics (this call's included). */
  elapsed: number;
  metricsSeconds: number;
}

/** Options shared by `fit` and `trainMultilevel`: metrics cadence and the per-step and per-level callbacks. */
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
   * Called each time the metrics are recorded (every `metricsEvery` steps and at the end of each level
   * that finished normally), with the model at that step: e.g. to keep the model of a given step.
   */
  onMetrics?: (point: MetricsPoint) => void;
  /**
   * A finite loss above this many times the reference loss counts as a blow-up and stops training
   * (train/divergence.ts). Default `BLOW_UP_FACTOR` (1e4); `Infinity` turns the check off.
   */
  blowUpFactor?: number;
  /**
   * The loss a blow-up is measured against. Default: the loss at the start of the run (the initial loss
   * of its first level). A resumed run passes the original run's starting loss to behave identically.
   */
  lossReference?: number;
  /**
   * Optional polishing at the end of each level (of the run, for `fit`): `steps` more steps with a fresh
   * `optimizer` (typically `{ type: "lbfgs", preset: "pykan" }` after Adam). The steps belong to the
   * level (history, progress and the level's step count include them). During them the problem's step
   * hooks (`beginStep`, `endStep`: minibatches, attention weights, resampling) are not called, so the
   * polish optimises a fixed objective (or, with `redrawEvery`, one fixed objective per round). `steps`
   * may be one number or (for `trainMultilevel`) one per level.
   */
  polish?: PolishOptions;
}

/** See `CommonTrainOptions.polish`. */
export interface PolishOptions {
  optimizer: OptimizerSpec;
  steps: number | number[];
  /**
   * Polish in rounds of this many steps (0, the default: one round). Between rounds the problem draws new
   * points (`Problem.redraw`, e.g. residual-based adaptive points placed by the current model) and the
   * polish optimizer starts afresh, since its memory (L-BFGS curvature pairs) belongs to the old points.
   * Each round still optimises a fixed objective. Needs a problem with `redraw`.
   */
  redrawEvery?: number;
}

/** Options of `fit`: the optimizer, the number of steps on one grid, and the optional sparsity terms. */
export interface FitOptions extends CommonTrainOptions, SparsityOptions {
  /** The optimizer, created fresh for this run (see `createOptimizer`). */
  optimizer: OptimizerSpec;
  /** Optimizer steps (see the module comment for what a step is). */
  steps: number;
}

/**
 * Options of `trainMultilevel` (paper Algorithm 1): the grid and the steps of each level, the optimizer per
 * level, how the model moves between grids, and the optional sparsity terms.
 */
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
   * Free-knot layers only: whether their knots train on each level (one flag for every level or one per
   * level; false freezes them for that level). Default: the layers' own `trainKnots`.
   */
  trainKnots?: boolean | boolean[];
  /**
   * Resume an interrupted run: the number of levels already finished (default 0). The model must hold
   * the result of level `startLevel - 1` (on `grids[startLevel - 1]`); training continues at level
   * `startLevel` with the global step count, minibatch draws and metric cadence of an uninterrupted
   * run, so the levels it trains are bit-identical to those of the uninterrupted run (given the same
   * `lossReference`). The history then holds only the levels trained in this call.
   */
  startLevel?: number;
  /**
   * How the model moves to the next grid: "exact" (default) refines and requires nested grids;
   * "project" also accepts grids that do not nest, moving onto them by least-squares projection of every
   * edge (`regridModel`, approximate: the next level starts at a slightly different loss), and still
   * refines exactly where the grids nest.
   */
  transfer?: "exact" | "project";
}

/** How a training run ended. */
export type TrainStatus = "completed" | "diverged";

/** What `fit` and `trainMultilevel` return: the trained model, its history and how the run ended. */
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

/** Option names of both loops. */
const COMMON_KEYS = [
  "metricsEvery",
  "onProgress",
  "onLevel",
  "onMetrics",
  "blowUpFactor",
  "lossReference",
  "polish",
] as const;
/** Option names `fit` accepts. */
export const FIT_KEYS = ["optimizer", "steps", ...COMMON_KEYS, ...SPARSITY_KEYS] as const;
/** Option names `trainMultilevel` accepts. */
export const ML_KEYS = [
  "grids",
  "steps",
  "optimizer",
  "trainKnots",
  "startLevel",
  "transfer",
  ...COMMON_KEYS,
  ...SPARSITY_KEYS,
] as const;

/** `TrainResult.message` of a run that completed: steps, levels (when more than one), evaluations, seconds, loss. */
export function completedMessage(
  steps: number,
  levels: number,
  evaluations: number,
  seconds: number,
  finalLoss: number,
): string {
  return (
    `completed ${steps} steps${levels > 1 ? ` over ${levels} levels` : ""} ` +
    `(${evaluations} evaluations) in ${fmt(seconds)} s; final loss ${fmt(finalLoss)}`
  );
}
