/**
 * What a trainer needs from a problem (DESIGN.md section 4): parameters in, loss and gradient out, plus
 * metrics. Regression data sets and PDE problems implement it, and both `fit` and `trainMultilevel` accept
 * any implementation. The model is passed on every call because multilevel training replaces it by a
 * refined one at each level; a problem must not cache anything that depends on the parameter count.
 */
import type { Network } from "../model/network.js";
import type { Scalers } from "../model/scalers.js";

/**
 * What a trainer needs from a problem: loss and gradient at the model's parameters, metrics and optional
 * hooks.
 */
export interface Problem {
  /** Short name for reports, e.g. "regression (rotated eq. 26)". */
  readonly name: string;
  /** Inputs and outputs the model must have. */
  readonly nIn: number;
  readonly nOut: number;
  /**
   * The training loss at `model.params`; writes its gradient with respect to `model.params` into `grad`
   * (length `model.paramCount`). Must be a deterministic function of the parameters within a step (an
   * L-BFGS step evaluates it many times); read parameters only from `model.params`.
   */
  lossAndGradient(model: Network, grad: Float64Array): number;
  /**
   * Metrics for reports (e.g. trainMse, testMse, relL2, maxAbsErr), in the problem's own units. May be
   * expensive: trainers call it every `metricsEvery` steps and at the end of each level.
   */
  metrics(model: Network): Record<string, number>;
  /**
   * Optional hook before each optimizer step (e.g. draw the next minibatch); `step` counts all steps of
   * the run, across levels, from 0.
   */
  beginStep?(step: number): void;
  /** Optional hook after each optimizer step (e.g. residual-based attention weight updates). */
  endStep?(model: Network, step: number): void;
  /**
   * Optional: draws a new set of training points now, the way the problem's own resampling does (e.g.
   * residual-based adaptive points placed with `model`). The trainer calls it between the rounds of a
   * polish phase (`PolishOptions.redrawEvery`), never within a step. Problems whose points are fixed
   * leave it out.
   */
  redraw?(model: Network): void;
  /**
   * Optional: what made the last loss non-finite (e.g. the term and point of a NaN residual), or null.
   * The trainer appends it to its divergence message.
   */
  describeNonFinite?(): string | null;
}

/** Throws unless the model fits the problem's inputs and outputs. */
export function checkModelFits(problem: Problem, model: Network): void {
  if (model.nIn !== problem.nIn || model.nOut !== problem.nOut) {
    throw new Error(
      `model has ${model.nIn} inputs and ${model.nOut} outputs, but problem "${problem.name}" needs ${problem.nIn} and ${problem.nOut}`,
    );
  }
}

/**
 * A problem that trains in normalised units. A problem that rescales its data (e.g. a
 * `RegressionProblem` with min-max normalised targets) exposes the affine maps as `scalers`; `fit` and
 * `trainMultilevel` store them in the model (`Network.scalers`, see model/scalers.ts), so
 * `model.predict` works in the user's units while the loss and the optimizer see the normalised data.
 */
export interface ScaledProblem extends Problem {
  /** x' = (x - input.shift) / input.scale goes in, y = y' output.scale + output.shift comes out. */
  readonly scalers: Scalers;
}
