/**
 * Problems that train in normalised units. A problem that rescales its data (e.g. a `RegressionProblem`
 * with min-max normalised targets) exposes the affine maps as `scalers`; `fit` and `trainMultilevel`
 * store them in the model (`Network.scalers`), so `model.predict` works in the user's units while the
 * loss and the optimizer see the normalised data.
 */
import type { Scalers } from "../model/network.js";
import type { Problem } from "../problems/problem.js";

export interface ScaledProblem extends Problem {
  /** x' = (x - input.shift) / input.scale goes in, y = y' output.scale + output.shift comes out. */
  readonly scalers: Scalers;
}

/** Whether a problem carries scalers for the model. */
export function hasScalers(problem: Problem): problem is ScaledProblem {
  const s = (problem as Partial<ScaledProblem>).scalers;
  return typeof s === "object" && s !== null;
}
