/**
 * Learning-rate schedules as plain functions `(step) => lr`, where `step` is the 0-based index of the
 * optimizer step (the number of steps already taken). They are pure: the value at a step depends on the
 * step only, never on the history of calls.
 *
 * The paper uses a linear warm-up ramp at the start of training and at every level (Poisson and
 * Allen-Cahn, digest sections 4.7 and 5) and an "exponentially-cyclic" schedule for Burgers (Table 3),
 * which mlkan reads as PyTorch's `CyclicLR(mode="exp_range")` (DESIGN.md section 5).
 *
 * PyTorch's `ExponentialLR` and `LinearLR` update the rate recursively (`lr *= gamma` per step); mlkan
 * uses their closed forms, which agree with the recursion to within its accumulated rounding (about
 * `step` ulps). `cyclicLR` follows `CyclicLR.get_lr` operation for operation.
 */

import { describe, rejectUnknownKeys, requireInteger } from "../util/validate.js";
import { requirePositiveRate, type Schedule } from "./checks.js";

/** The same rate at every step. */
export function constantLR(lr: number): Schedule {
  requirePositiveRate("constantLR: lr", lr);
  return () => lr;
}

/** Exponential decay `lr * gamma^step` (closed form of torch's `ExponentialLR`). */
export function exponentialLR(lr: number, gamma: number): Schedule {
  requirePositiveRate("exponentialLR: lr", lr);
  requirePositiveRate("exponentialLR: gamma", gamma);
  return (step) => lr * gamma ** step;
}

/** Scaling policies of torch's `CyclicLR`. */
export type CyclicMode = "triangular" | "triangular2" | "exp_range";

/** Options of the cyclic learning-rate schedule (torch CyclicLR names). */
export interface CyclicOptions {
  /** Lower rate of each cycle (torch `base_lr`). */
  baseLr: number;
  /** Upper rate of each cycle (torch `max_lr`), >= baseLr. */
  maxLr: number;
  /** Steps from base to max (torch `step_size_up`), an integer >= 1. */
  stepSizeUp: number;
  /** Steps from max back to base (torch `step_size_down`); defaults to `stepSizeUp`. */
  stepSizeDown?: number;
  /**
   * "exp_range" (the default) scales the amplitude by `gamma^step`; "triangular" keeps it constant;
   * "triangular2" halves it every cycle. With the default gamma 1, "exp_range" equals "triangular",
   * torch's default mode.
   */
  mode?: CyclicMode;
  /** Decay per step of the "exp_range" amplitude (torch `gamma`, default 1). Only for "exp_range". */
  gamma?: number;
}

/**
 * torch's `CyclicLR` learning rate at iteration `step` (its `last_epoch`; step 0 gives `baseLr`, as
 * after the scheduler's construction). With `T = up + down`:
 *
 *     cycle = floor(1 + step / T),  x = 1 + step / T - cycle,
 *     s = x <= up/T ? x / (up/T) : (x - 1) / (up/T - 1),
 *     lr = baseLr + (maxLr - baseLr) * s * scale,
 *
 * with `scale = gamma^step` ("exp_range"), 1 ("triangular") or `1 / 2^(cycle - 1)` ("triangular2").
 * For `up = down` this is Smith's triangle `max(0, 1 - |step/up - 2 cycle + 1|)`.
 *
 * Only the rate cycles here, as torch's `cycle_momentum=False`; torch's default also cycles Adam's beta1
 * (torch >= 2.0), which is `cyclicMomentum` (spec: the cyclic schedule's `momentum`).
 */
export function cyclicLR(options: CyclicOptions): Schedule {
  const { baseLr, maxLr, phase } = cycleOf(options);
  const height = maxLr - baseLr;
  return (step) => {
    const { scaleFactor, scale } = phase(step);
    const baseHeight = height * scaleFactor;
    return baseLr + baseHeight * scale;
  };
}

/**
 * A cycle's options, validated (errors name them as `cyclicLR` options), with its rates and `phase`:
 * where step `step` lies in torch's cycle, the triangle's `scaleFactor` in [0, 1] and the amplitude
 * `scale` (one result object, rewritten at every call).
 */
function cycleOf(options: CyclicOptions): {
  baseLr: number;
  maxLr: number;
  phase: (step: number) => { scaleFactor: number; scale: number };
} {
  if (typeof options !== "object" || options === null) {
    throw new Error(`cyclicLR: options must be an object, got ${describe(options)}`);
  }
  rejectUnknownKeys("cyclicLR", options, ["baseLr", "maxLr", "stepSizeUp", "stepSizeDown", "mode", "gamma"]);
  const baseLr = requirePositiveRate("cyclicLR: baseLr", options.baseLr);
  const maxLr = requirePositiveRate("cyclicLR: maxLr", options.maxLr);
  if (maxLr < baseLr) throw new Error(`cyclicLR: maxLr must be >= baseLr = ${baseLr}, got ${maxLr}`);
  const up = requireInteger("cyclicLR: stepSizeUp", options.stepSizeUp, 1);
  const down =
    options.stepSizeDown === undefined
      ? up
      : requireInteger("cyclicLR: stepSizeDown", options.stepSizeDown, 1);
  const mode = options.mode ?? "exp_range";
  if (mode !== "triangular" && mode !== "triangular2" && mode !== "exp_range") {
    throw new Error(
      `cyclicLR: mode must be "triangular", "triangular2" or "exp_range", got ${describe(options.mode)}`,
    );
  }
  const gamma = options.gamma === undefined ? 1 : requirePositiveRate("cyclicLR: gamma", options.gamma);
  if (mode !== "exp_range" && gamma !== 1) {
    throw new Error(
      `cyclicLR: gamma applies to mode "exp_range" only, got gamma = ${gamma} with mode "${mode}"`,
    );
  }
  const total = up + down;
  const stepRatio = up / total;
  const out = { scaleFactor: 0, scale: 1 };
  const phase = (step: number) => {
    const cycle = Math.floor(1 + step / total);
    const x = 1 + step / total - cycle;
    out.scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
    out.scale = mode === "exp_range" ? gamma ** step : mode === "triangular2" ? 1 / 2 ** (cycle - 1) : 1;
    return out;
  };
  return { baseLr, maxLr, phase };
}

/** The momentum bounds of torch's `cycle_momentum` (torch's defaults: base 0.8, max 0.9). */
export interface CyclicMomentumOptions {
  /** Momentum (Adam's beta1) at the peak rate (torch `base_momentum`), in [0, 1). */
  base: number;
  /** Momentum at the base rate (torch `max_momentum`), in [base, 1). */
  max: number;
}

/**
 * The momentum that torch's `CyclicLR` with `cycle_momentum=True` sets beside the rate of `cyclicLR`
 * (Adam's beta1 on torch >= 2.0): it cycles inversely to the rate, `max` at the base rate and `base` at
 * the peak, on the same triangle and amplitude scaling,
 *
 *     beta1 = max - (max - base) * s * scale,
 *
 * operation for operation as `CyclicLR.get_lr` (only the cycle's shape is read from `cyclic`: its rates
 * are ignored).
 */
export function cyclicMomentum(cyclic: CyclicOptions, momentum: CyclicMomentumOptions): Schedule {
  const { phase } = cycleOf(cyclic);
  if (typeof momentum !== "object" || momentum === null) {
    throw new Error(`cyclicMomentum: momentum must be an object { base, max }, got ${describe(momentum)}`);
  }
  rejectUnknownKeys("cyclicMomentum: momentum", momentum, ["base", "max"]);
  const { base, max } = momentum;
  if (typeof base !== "number" || !(base >= 0 && base < 1)) {
    throw new Error(`cyclicMomentum: momentum.base must be a number in [0, 1), got ${describe(base)}`);
  }
  if (typeof max !== "number" || !(max >= base && max < 1)) {
    throw new Error(
      `cyclicMomentum: momentum.max must be a number in [momentum.base = ${base}, 1), got ${describe(max)}`,
    );
  }
  const height = max - base;
  return (step) => {
    const { scaleFactor, scale } = phase(step);
    const baseHeight = height * scaleFactor;
    return max - baseHeight * scale;
  };
}

/**
 * Linear warm-up: `startLr` at step 0 rising linearly to `endLr` at step `steps`, then the schedule
 * `then`, restarted at its own step 0 (as torch's `SequentialLR([LinearLR, then], milestones=[steps])`):
 *
 *     lr(k) = startLr + (endLr - startLr) * k / steps   for k < steps,
 *     lr(k) = then(k - steps)                           for k >= steps.
 *
 * `endLr` defaults to `then(0)`, so the ramp joins the following schedule continuously. The paper's
 * ramp "1e-4 -> 1e-2 over 10 steps" is `linearWarmup(1e-4, 10, 1e-2)`.
 */
export function linearWarmup(
  startLr: number,
  steps: number,
  then: Schedule | number,
  endLr?: number,
): Schedule {
  requirePositiveRate("linearWarmup: startLr", startLr);
  requireInteger("linearWarmup: steps", steps, 1);
  const next = typeof then === "number" ? constantLR(then) : then;
  if (typeof next !== "function") {
    throw new Error(`linearWarmup: then must be a schedule function or a number, got ${describe(then)}`);
  }
  const end = endLr === undefined ? next(0) : endLr;
  requirePositiveRate(
    endLr === undefined ? "linearWarmup: the following schedule's rate at step 0" : "linearWarmup: endLr",
    end,
  );
  const rise = end - startLr;
  return (step) => (step < steps ? startLr + (rise * step) / steps : next(step - steps));
}

// ---------------------------------------------------------------------------------------------------
// JSON-serialisable specs (what `createOptimizer` accepts)

/**
 * A schedule in JSON form. The optimizer's `lr` is the schedule's peak: the constant rate, the start of
 * the exponential decay, or the cyclic `maxLr`.
 */
export type ScheduleSpec =
  | { type: "constant" }
  | { type: "exponential"; gamma: number }
  | {
      type: "cyclic";
      baseLr: number;
      stepSizeUp: number;
      stepSizeDown?: number;
      mode?: CyclicMode;
      gamma?: number;
      /**
       * Also cycle Adam's beta1 inversely to the rate, as torch's `CyclicLR` does by default
       * (`cycle_momentum=True`, with `{ base: 0.8, max: 0.9 }`); absent: only the rate cycles.
       */
      momentum?: CyclicMomentumOptions;
    };

/** A warm-up ramp in JSON form: from `startLr` over `steps` steps up to the schedule's rate at step 0. */
export interface WarmupSpec {
  steps: number;
  startLr: number;
}

function requireObject(name: string, v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new Error(`${name} must be an object, got ${describe(v)}`);
  }
  return v as Record<string, unknown>;
}

/**
 * The schedule described by `lr`, an optional `schedule` spec and an optional `warmup` spec. Without a
 * spec the rate is constant. Validates unknown keys and bad values.
 */
export function createSchedule(lr: number, schedule?: ScheduleSpec, warmup?: WarmupSpec): Schedule {
  requirePositiveRate("lr", lr);
  let base: Schedule;
  if (schedule === undefined) {
    base = constantLR(lr);
  } else {
    const s = requireObject("schedule", schedule);
    switch (s.type) {
      case "constant":
        rejectUnknownKeys('schedule (type "constant")', s, ["type"]);
        base = constantLR(lr);
        break;
      case "exponential":
        rejectUnknownKeys('schedule (type "exponential")', s, ["type", "gamma"]);
        base = exponentialLR(lr, requirePositiveRate("schedule.gamma", s.gamma));
        break;
      case "cyclic": {
        rejectUnknownKeys('schedule (type "cyclic")', s, [
          "type",
          "baseLr",
          "stepSizeUp",
          "stepSizeDown",
          "mode",
          "gamma",
          "momentum",
        ]);
        const { type: _type, momentum: _momentum, ...rest } = s;
        base = cyclicLR({ ...(rest as Omit<CyclicOptions, "maxLr">), maxLr: lr });
        break;
      }
      default:
        throw new Error(
          `schedule.type must be "constant", "exponential" or "cyclic", got ${describe(s.type)}`,
        );
    }
  }
  if (warmup === undefined) return base;
  const w = requireObject("warmup", warmup);
  rejectUnknownKeys("warmup", w, ["steps", "startLr"]);
  return linearWarmup(
    requirePositiveRate("warmup.startLr", w.startLr),
    requireInteger("warmup.steps", w.steps, 1),
    base,
  );
}

/**
 * The beta1 schedule that the cyclic spec's `momentum` asks for (torch's `cycle_momentum`), or undefined
 * when the spec has none (beta1 stays the optimizer's constant). Validates the momentum bounds; a warm-up
 * in front of a momentum cycle is refused (torch's `SequentialLR` would leave the momentum where the
 * ramp's scheduler left it, which mlkan does not model).
 */
export function createMomentumSchedule(
  lr: number,
  schedule?: ScheduleSpec,
  warmup?: WarmupSpec,
): Schedule | undefined {
  if (schedule === undefined || schedule.type !== "cyclic" || schedule.momentum === undefined)
    return undefined;
  if (warmup !== undefined) {
    throw new Error("schedule.momentum: a momentum cycle cannot follow a warm-up; drop one of the two");
  }
  const { type: _type, momentum, ...cycle } = schedule;
  return cyclicMomentum({ ...cycle, maxLr: lr }, momentum);
}
