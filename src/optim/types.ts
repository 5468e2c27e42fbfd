/**
 * The optimizer contract shared by Adam, L-BFGS and plain gradient descent. Every optimizer works on one
 * flat `Float64Array` of parameters (DESIGN.md section 2) and an objective closure, so a trainer drives
 * them all the same way: `optimizer.step(params, objective)` once per training step.
 */
/**
 * Evaluates the loss at `x` and writes its gradient into `grad` (same length as `x`). Returns the loss.
 *
 * Optimizers may call it with a scratch array instead of the caller's parameter vector (the L-BFGS line
 * search evaluates trial points `x + t d` in a buffer of its own, as torch evaluates its closure with
 * shifted parameters), so an objective must read the parameters from its argument only and must not keep
 * a reference to `x` or `grad` after it returns.
 */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** What one optimizer step reports. */
export interface StepResult {
  /**
   * Loss at `x` when the step began (the value torch's `optimizer.step(closure)` returns: the loss of the
   * parameters the step started from, not of the updated ones).
   */
  readonly loss: number;
  /** Objective evaluations this step used. */
  readonly evaluations: number;
  /**
   * Loss at the updated `x` when the step evaluated it there (L-BFGS with a line search always does, and
   * so does L-BFGS without one unless its last iteration was the `maxIter`-th); `NaN` when unknown (Adam
   * and gradient descent update `x` after their only evaluation).
   */
  readonly finalLoss: number;
}

/**
 * One optimizer over a flat parameter vector.
 *
 * - `step(x, objective)` performs one optimizer step and updates `x` in place. One step is one Adam or
 *   gradient-descent update (one evaluation) or one torch `LBFGS.step` (up to `maxIter` iterations).
 * - The returned `StepResult` is owned by the optimizer and overwritten by the next `step`; copy the
 *   fields you keep. (Reusing it keeps `step` free of allocation.)
 * - Buffers are allocated on the first `step` and sized by `x.length`. A later `step` with a vector of
 *   another length throws; call `reset()` (or create a new optimizer, as the multilevel trainer does at
 *   every level) to start over with a new length.
 * - `reset()` forgets all state (step counter, moments, L-BFGS history), as if newly constructed.
 */
export interface Optimizer {
  /** One optimizer step; updates `x` in place. */
  step(x: Float64Array, objective: Objective): StepResult;
  /** Forgets all state: the next step behaves like the first step of a new optimizer. */
  reset(): void;
  /** Short name: "adam", "adamw", "lbfgs" or "gd". */
  readonly name: string;
}

/** Mutable backing object of `StepResult`, reused across steps. */
export interface MutableStepResult {
  loss: number;
  evaluations: number;
  finalLoss: number;
}

/** A fresh, reusable step result (NaN losses, zero evaluations). */
export function newStepResult(): MutableStepResult {
  return { loss: Number.NaN, evaluations: 0, finalLoss: Number.NaN };
}
