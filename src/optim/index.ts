/**
 * Optimizers over one flat `Float64Array` of parameters: Adam / AdamW (torch semantics, schedules,
 * warm-up), L-BFGS (torch 1.13 `LBFGS` with strong Wolfe, torch and pykan presets) and plain gradient
 * descent, all driven through `Optimizer.step(x, objective)`, and `createOptimizer(spec)` for JSON specs.
 */
export { Adam, type AdamOptions } from "./adam.js";
export type { Schedule } from "./checks.js";
export {
  type AdamSpec,
  createOptimizer,
  type GdSpec,
  type LbfgsSpec,
  type OptimizerSpec,
} from "./factory.js";
export { GradientDescent, type GradientDescentOptions } from "./gd.js";
export {
  cubicInterpolate,
  LBFGS,
  LBFGS_PRESETS,
  type LbfgsOptions,
  type LbfgsPreset,
  type LbfgsSettings,
  type LineSearch,
  STRONG_WOLFE,
} from "./lbfgs.js";
export {
  type CyclicMode,
  type CyclicMomentumOptions,
  type CyclicOptions,
  constantLR,
  createMomentumSchedule,
  createSchedule,
  cyclicLR,
  cyclicMomentum,
  exponentialLR,
  linearWarmup,
  type ScheduleSpec,
  type WarmupSpec,
} from "./schedule.js";
export type { Objective, Optimizer, StepResult } from "./types.js";
