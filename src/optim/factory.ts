/**
 * Optimizers from JSON-serialisable specs. The multilevel trainer (the paper's Algorithm 1) re-creates
 * the optimizer from its spec at every level, so a spec is the whole, reproducible description of an
 * optimizer, e.g.
 *
 *     { "type": "lbfgs", "preset": "torch", "lr": 1 }
 *     { "type": "adam", "lr": 1e-3,
 *       "schedule": { "type": "cyclic", "mode": "exp_range", "baseLr": 1e-4, "stepSizeUp": 50, "gamma": 0.9995 } }
 *     { "type": "adam", "lr": 1e-2, "warmup": { "steps": 10, "startLr": 1e-4 } }
 *     { "type": "adam", "lr": 1e-3, "schedule": { "type": "cyclic", "baseLr": 1e-4, "stepSizeUp": 50,
 *       "momentum": { "base": 0.8, "max": 0.9 } } }     (torch's CyclicLR default: beta1 cycles too)
 *     { "type": "gd", "lr": 0.1 }
 *
 * Unknown keys and bad values raise an `Error` naming them.
 */
import { describe, rejectUnknownKeys } from "../util/validate.js";
import { Adam } from "./adam.js";
import { GradientDescent } from "./gd.js";
import { LBFGS, type LbfgsOptions } from "./lbfgs.js";
import { createMomentumSchedule, createSchedule, type ScheduleSpec, type WarmupSpec } from "./schedule.js";
import type { Optimizer } from "./types.js";

/** L-BFGS: a preset (default "torch") with optional overrides; see `LbfgsOptions`. */
export interface LbfgsSpec extends LbfgsOptions {
  type: "lbfgs";
}

/** Adam / AdamW. `lr` (default 1e-3) is the peak of the optional schedule; see `createSchedule`. */
export interface AdamSpec {
  type: "adam";
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  decoupledWeightDecay?: boolean;
  schedule?: ScheduleSpec;
  warmup?: WarmupSpec;
}

/** Plain gradient descent with a required `lr`, optionally scheduled. */
export interface GdSpec {
  type: "gd";
  lr: number;
  schedule?: ScheduleSpec;
  warmup?: WarmupSpec;
}

/** Serialisable description of an optimizer (L-BFGS, Adam or gradient descent) for `createOptimizer`. */
export type OptimizerSpec = LbfgsSpec | AdamSpec | GdSpec;

/** A new optimizer (fresh state) from its spec. */
export function createOptimizer(spec: OptimizerSpec): Optimizer {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new Error(`optimizer spec must be an object, got ${describe(spec)}`);
  }
  const s = spec as unknown as Record<string, unknown>;
  switch (s.type) {
    case "lbfgs": {
      const { type: _type, ...options } = spec as LbfgsSpec;
      try {
        return new LBFGS(options);
      } catch (e) {
        throw rename(e, "LBFGS", 'optimizer spec (type "lbfgs")');
      }
    }
    case "adam": {
      const a = spec as AdamSpec;
      rejectUnknownKeys('optimizer spec (type "adam")', a, [
        "type",
        "lr",
        "betas",
        "eps",
        "weightDecay",
        "decoupledWeightDecay",
        "schedule",
        "warmup",
      ]);
      const lr = a.lr ?? 1e-3;
      try {
        const beta1Schedule = createMomentumSchedule(lr, a.schedule, a.warmup);
        return new Adam({
          lr: createSchedule(lr, a.schedule, a.warmup),
          ...(beta1Schedule !== undefined && { beta1Schedule }),
          ...(a.betas !== undefined && { betas: a.betas }),
          ...(a.eps !== undefined && { eps: a.eps }),
          ...(a.weightDecay !== undefined && { weightDecay: a.weightDecay }),
          ...(a.decoupledWeightDecay !== undefined && { decoupledWeightDecay: a.decoupledWeightDecay }),
        });
      } catch (e) {
        throw rename(e, "Adam", 'optimizer spec (type "adam")');
      }
    }
    case "gd": {
      const g = spec as GdSpec;
      rejectUnknownKeys('optimizer spec (type "gd")', g, ["type", "lr", "schedule", "warmup"]);
      if (g.lr === undefined) throw new Error('optimizer spec (type "gd"): lr is required, got undefined');
      if (g.schedule?.type === "cyclic" && g.schedule.momentum !== undefined)
        throw new Error(
          'optimizer spec (type "gd"): schedule.momentum cycles Adam\'s beta1, and gradient descent has no momentum',
        );
      try {
        return new GradientDescent({ lr: createSchedule(g.lr, g.schedule, g.warmup) });
      } catch (e) {
        throw rename(e, "GradientDescent", 'optimizer spec (type "gd")');
      }
    }
    default:
      throw new Error(`optimizer spec: type must be "lbfgs", "adam" or "gd", got ${describe(s.type)}`);
  }
}

/** Prefixes errors from the constructors and schedules with the spec they came from. */
function rename(e: unknown, owner: string, spec: string): unknown {
  if (!(e instanceof Error)) return e;
  const message = e.message.startsWith(`${owner}: `)
    ? `${spec}: ${e.message.slice(owner.length + 2)}`
    : `${spec}: ${e.message}`;
  return new Error(message);
}
