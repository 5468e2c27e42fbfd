/**
 * Adam (Kingma and Ba 2015) with PyTorch `torch.optim.Adam` semantics (1.13, single-tensor path), and
 * AdamW (`torch.optim.AdamW`, Loshchilov and Hutter 2019) through `decoupledWeightDecay`. The paper trains
 * its PINNs with Adam ("weight-regularized Adam" for Burgers, digest section 5.3).
 *
 * Step k (1-based, counted per optimizer instance) with rate `lr = schedule(k - 1)`, gradient g and
 * beta1 = `beta1Schedule(k - 1)` when given (torch's `CyclicLR` with `cycle_momentum`), else `betas[0]`:
 *
 *     x <- x * (1 - lr * wd)                      (decoupled weight decay, AdamW)
 *     g <- g + wd * x                             (L2 weight decay, Adam)
 *     m <- beta1 m + (1 - beta1) g
 *     v <- beta2 v + (1 - beta2) g^2
 *     x <- x - (lr / (1 - beta1^k)) m / (sqrt(v) / sqrt(1 - beta2^k) + eps)
 *
 * evaluated in torch's order of operations, so the iterates agree with torch to rounding.
 */
import { describe, rejectUnknownKeys } from "../util/validate.js";
import { checkLoss, checkStepArgs, rateAt, requireNonNegative, type Schedule, toSchedule } from "./checks.js";
import {
  type MutableStepResult,
  newStepResult,
  type Objective,
  type Optimizer,
  type StepResult,
} from "./types.js";

/** Options of Adam (torch defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8), with an optional schedule. */
export interface AdamOptions {
  /** Learning rate: a number (> 0) or a schedule of the 0-based step. Default 1e-3 (torch). */
  lr?: number | Schedule;
  /** Decay rates of the moment estimates, each in [0, 1). Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the denominator, >= 0. Default 1e-8. */
  eps?: number;
  /** Weight decay factor, >= 0. Default 0. */
  weightDecay?: number;
  /**
   * false (default): L2 penalty, `wd * x` added to the gradient (torch `Adam`). true: decoupled decay,
   * `x *= 1 - lr * wd` before the update (torch `AdamW`; note torch's AdamW defaults wd to 1e-2, mlkan
   * to 0 for both).
   */
  decoupledWeightDecay?: boolean;
  /**
   * beta1 as a function of the 0-based step, in place of `betas[0]` (as torch's `CyclicLR` sets it with
   * `cycle_momentum=True`: `cyclicMomentum`); each value must lie in [0, 1).
   */
  beta1Schedule?: Schedule;
}

const ADAM_KEYS = ["lr", "betas", "eps", "weightDecay", "decoupledWeightDecay", "beta1Schedule"];

/** The Adam optimizer as torch.optim.Adam (bias-corrected moments), one update per `step`. */
export class Adam implements Optimizer {
  readonly name: string;
  readonly lr: Schedule;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupledWeightDecay: boolean;
  /** beta1 per 0-based step, replacing `beta1` (undefined: the constant `beta1`). */
  readonly beta1Schedule: Schedule | undefined;

  private n = -1;
  private steps = 0;
  private grad = new Float64Array(0);
  private expAvg = new Float64Array(0);
  private expAvgSq = new Float64Array(0);
  private readonly result: MutableStepResult = newStepResult();

  constructor(options: AdamOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new Error(`Adam: options must be an object, got ${describe(options)}`);
    }
    rejectUnknownKeys("Adam", options, ADAM_KEYS);
    this.lr = toSchedule("Adam", options.lr ?? 1e-3);
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new Error(`Adam: betas must be a pair [beta1, beta2], got ${describe(betas)}`);
    }
    for (let i = 0; i < 2; i++) {
      const b = betas[i];
      if (typeof b !== "number" || !(b >= 0 && b < 1)) {
        throw new Error(`Adam: betas[${i}] must be a number in [0, 1), got ${describe(b)}`);
      }
    }
    this.beta1 = betas[0];
    this.beta2 = betas[1];
    this.eps = requireNonNegative("Adam: eps", options.eps ?? 1e-8);
    this.weightDecay = requireNonNegative("Adam: weightDecay", options.weightDecay ?? 0);
    const decoupled = options.decoupledWeightDecay ?? false;
    if (typeof decoupled !== "boolean") {
      throw new Error(`Adam: decoupledWeightDecay must be true or false, got ${describe(decoupled)}`);
    }
    this.decoupledWeightDecay = decoupled;
    const b1 = options.beta1Schedule;
    if (b1 !== undefined && typeof b1 !== "function") {
      throw new Error(`Adam: beta1Schedule must be a function of the step, got ${describe(b1)}`);
    }
    this.beta1Schedule = b1;
    this.name = decoupled ? "adamw" : "adam";
  }

  /** Steps taken so far (torch's `state["step"]`). */
  get stepCount(): number {
    return this.steps;
  }

  reset(): void {
    this.n = -1;
    this.steps = 0;
  }

  step(x: Float64Array, objective: Objective): StepResult {
    const n = checkStepArgs("Adam", x, objective, this.n);
    if (this.n < 0) {
      if (this.grad.length !== n) {
        this.grad = new Float64Array(n);
        this.expAvg = new Float64Array(n);
        this.expAvgSq = new Float64Array(n);
      } else {
        this.expAvg.fill(0);
        this.expAvgSq.fill(0);
      }
      this.n = n;
    }
    const lr = rateAt("Adam", this.lr, this.steps);
    const beta1 = this.beta1Schedule === undefined ? this.beta1 : beta1At(this.beta1Schedule, this.steps);
    const g = this.grad;
    const m = this.expAvg;
    const v = this.expAvgSq;
    const loss = checkLoss("Adam", objective(x, g));
    const k = ++this.steps;
    const { beta2, eps, weightDecay } = this;
    const l2 = !this.decoupledWeightDecay && weightDecay !== 0;
    if (this.decoupledWeightDecay && weightDecay !== 0) {
      const shrink = 1 - lr * weightDecay;
      for (let i = 0; i < n; i++) x[i] *= shrink;
    }
    const biasCorrection1 = 1 - beta1 ** k;
    const biasCorrection2 = 1 - beta2 ** k;
    const negStepSize = -(lr / biasCorrection1);
    const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
    const a1 = 1 - beta1;
    const a2 = 1 - beta2;
    for (let i = 0; i < n; i++) {
      const gi = l2 ? g[i] + weightDecay * x[i] : g[i];
      const mi = m[i] * beta1 + a1 * gi;
      const vi = v[i] * beta2 + a2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      x[i] += (negStepSize * mi) / (Math.sqrt(vi) / biasCorrection2Sqrt + eps);
    }
    const r = this.result;
    r.loss = loss;
    r.evaluations = 1;
    r.finalLoss = Number.NaN;
    return r;
  }
}

/** beta1 at `step` from a schedule, checked to lie in [0, 1). */
function beta1At(schedule: Schedule, step: number): number {
  const b = schedule(step);
  if (typeof b !== "number" || !(b >= 0 && b < 1)) {
    throw new Error(
      `Adam: the beta1 schedule returned ${describe(b)} at step ${step}; beta1 must lie in [0, 1)`,
    );
  }
  return b;
}
