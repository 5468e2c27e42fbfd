/** Argument checks shared by the optimizers; every failure names the bad value. */
import { describe } from "../util/validate.js";

/** Learning rate as a function of the 0-based optimizer step. */
export type Schedule = (step: number) => number;

/** A positive finite number, or an error naming `name` and the value. */
export function requirePositiveRate(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new Error(`${name} must be a finite number > 0, got ${describe(v)}`);
  }
  return v;
}

/** A finite number >= 0, or an error naming `name` and the value. */
export function requireNonNegative(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new Error(`${name} must be a finite number >= 0, got ${describe(v)}`);
  }
  return v;
}

/**
 * Checks the arguments of `step` and returns the length the optimizer works with: `n` when its buffers
 * exist (`x.length` must then equal it), else `x.length` (which must be >= 1).
 */
export function checkStepArgs(owner: string, x: unknown, objective: unknown, n: number): number {
  if (!(x instanceof Float64Array)) {
    throw new Error(`${owner}.step: x must be a Float64Array, got ${describe(x)}`);
  }
  if (typeof objective !== "function") {
    throw new Error(`${owner}.step: objective must be a function, got ${describe(objective)}`);
  }
  if (n >= 0 && x.length !== n) {
    throw new Error(
      `${owner}.step: x has length ${x.length} but the optimizer's state was sized for ${n}; ` +
        "call reset() or create a new optimizer when the parameter count changes",
    );
  }
  if (x.length < 1) throw new Error(`${owner}.step: x must hold at least one parameter, got length 0`);
  return x.length;
}

/** The objective's return value, checked to be a number (NaN and infinities pass: torch semantics). */
export function checkLoss(owner: string, f: unknown): number {
  if (typeof f !== "number") {
    throw new Error(`${owner}: the objective must return the loss as a number, got ${describe(f)}`);
  }
  return f;
}

/** A schedule from a number or a function; the number must be a positive finite rate. */
export function toSchedule(owner: string, lr: number | Schedule): Schedule {
  if (typeof lr === "function") return lr;
  const v = requirePositiveRate(`${owner}: lr`, lr);
  return () => v;
}

/** The rate at `step`, checked (a schedule may return 0 but not a negative or non-finite rate). */
export function rateAt(owner: string, schedule: Schedule, step: number): number {
  const lr = schedule(step);
  if (typeof lr !== "number" || !(lr >= 0) || lr === Number.POSITIVE_INFINITY) {
    throw new Error(`${owner}: the learning-rate schedule returned ${describe(lr)} at step ${step}`);
  }
  return lr;
}
