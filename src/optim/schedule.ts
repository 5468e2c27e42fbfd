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
 * Only the rate cycles: torch's `cycle_momentum` (which, on torch >= 2.0 with Adam, also cycles beta1)
 * corresponds to `cycle_momentum=False` here.
 */
export function cyclicLR(options: CyclicOptions): Schedule {
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
  const height = maxLr - baseLr;
  return (step) => {
    const cycle = Math.floor(1 + step / total);
    const x = 1 + step / total - cycle;
    const scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
    const baseHeight = height * scaleFactor;
    const scale = mode === "exp_range" ? gamma ** step : mode === "triangular2" ? 1 / 2 ** (cycle - 1) : 1;
    return baseLr + baseHeight * scale;
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
        ]);
        const { type: _type, ...rest } = s;
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
