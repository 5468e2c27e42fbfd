/**
 * Plain gradient descent `x <- x - lr(k) g(x)` (torch `SGD` without momentum, dampening or weight
 * decay): the paper's preconditioned step (eq. 14) with `D = I`, used for the
 * basis-geometry experiments where Adam's diagonal scaling would hide the effect of the basis.
 */
import { describe, rejectUnknownKeys } from "../util/validate.js";
import { checkLoss, checkStepArgs, rateAt, type Schedule, toSchedule } from "./checks.js";
import {
  type MutableStepResult,
  newStepResult,
  type Objective,
  type Optimizer,
  type StepResult,
} from "./types.js";

/** Options of plain gradient descent: the learning rate (a number or a schedule). */
export interface GradientDescentOptions {
  /** Learning rate: a number (> 0) or a schedule of the 0-based step. Required. */
  lr: number | Schedule;
}

/** Plain gradient descent x <- x - lr g, one update per `step`. */
export class GradientDescent implements Optimizer {
  readonly name = "gd";
  readonly lr: Schedule;
  private n = -1;
  private steps = 0;
  private grad = new Float64Array(0);
  private readonly result: MutableStepResult = newStepResult();

  constructor(options: GradientDescentOptions) {
    if (typeof options !== "object" || options === null) {
      throw new Error(`GradientDescent: options must be an object with lr, got ${describe(options)}`);
    }
    rejectUnknownKeys("GradientDescent", options, ["lr"]);
    if (options.lr === undefined) throw new Error("GradientDescent: lr is required, got undefined");
    this.lr = toSchedule("GradientDescent", options.lr);
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  reset(): void {
    this.n = -1;
    this.steps = 0;
  }

  step(x: Float64Array, objective: Objective): StepResult {
    const n = checkStepArgs("GradientDescent", x, objective, this.n);
    if (this.n < 0) {
      if (this.grad.length !== n) this.grad = new Float64Array(n);
      this.n = n;
    }
    const lr = rateAt("GradientDescent", this.lr, this.steps);
    const g = this.grad;
    const loss = checkLoss("GradientDescent", objective(x, g));
    this.steps++;
    for (let i = 0; i < n; i++) x[i] -= lr * g[i];
    const r = this.result;
    r.loss = loss;
    r.evaluations = 1;
    r.finalLoss = Number.NaN;
    return r;
  }
}
