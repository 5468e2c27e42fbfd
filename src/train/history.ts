/**
 * The record of a training run, filled by `fit` and `trainMultilevel` and read by reports and plots.
 * Plots are redrawn from it alone, so it is also stored (optionally) in result JSON rows.
 */
export interface LevelRecord {
  /** Grid size(s) of the spline layers at this level (one number when all layers share it). */
  grid: number | number[];
  /** Index into the per-step arrays where this level starts. */
  startStep: number;
  /** Trainable parameter count at this level. */
  params: number;
  /** Steps run at this level (fewer than planned when training diverged). */
  steps?: number;
  /**
   * Training loss of the level's starting parameters. After an exact refinement it equals the previous
   * level's `finalLoss` (paper Definition 1: a properly nested hierarchy), up to rounding.
   */
  initialLoss?: number;
  /** Training loss of the level's final parameters (evaluated once more at the end of the level). */
  finalLoss?: number;
  /**
   * Relative L2 error of the least-squares projection that moved the model onto this level's grid
   * (`trainMultilevel` with `transfer: "project"` onto a grid that does not nest; see `regridModel`).
   * Absent when the level was reached by exact refinement.
   */
  transferRelL2?: number;
}

export interface TrainingHistory {
  /** Global step number of each record (1-based, counted across levels). */
  step: number[];
  /** Training loss after each step. */
  loss: number[];
  /** Further per-step metrics (e.g. testMse, relL2); NaN where a metric was not evaluated at that step. */
  metrics: Record<string, number[]>;
  /** Wall seconds since the start of training at each record. */
  wallSeconds: number[];
  /**
   * Levels in order; a single-level run has one entry. A model without spline layers (an MLP) has no
   * grid and therefore no level records.
   */
  levels: LevelRecord[];
  /** Objective (loss and gradient) evaluations of each step, when recorded (L-BFGS uses several). */
  evaluations?: number[];
}

export function emptyHistory(): TrainingHistory {
  return { step: [], loss: [], metrics: {}, wallSeconds: [], levels: [] };
}
