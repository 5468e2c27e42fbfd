/**
 * Target presets of the playground and the models trained on them. Shared by the page and the training
 * worker, so both build the same data (seeded) and the same architecture.
 */

import { rotatedEq26 } from "../../src/experiments/regression.js";
import { createDataset, type Dataset, KAN, type LayerSpec, type Network } from "../../src/index.js";

/** A target: its name, input dimension, input box and function. */
export interface Preset {
  id: PresetId;
  label: string;
  /** 1 or 2 inputs. */
  nIn: 1 | 2;
  /** Input box [lo, hi] (every input), also the first spline layer's domain or the data range. */
  box: [number, number];
  f: (x: number[]) => number;
  /** Column names written into the downloaded model (so `mlkan predict` can read CSV with them). */
  inputs: string[];
}

/** Names of the presets. */
export type PresetId = "hello" | "step" | "rotated" | "draw";

/** The targets offered on the page. */
export const PRESETS: Record<PresetId, Preset> = {
  hello: {
    id: "hello",
    label: "hello-KAN: exp(sin(pi x) + y^2)",
    nIn: 2,
    box: [-1, 1],
    f: (p) => Math.exp(Math.sin(Math.PI * p[0]) + p[1] ** 2),
    inputs: ["x", "y"],
  },
  step: {
    id: "step",
    label: "discontinuous step: 1 for x >= 0.1, else 0 (1D)",
    nIn: 1,
    box: [-1, 1],
    f: (p) => (p[0] >= 0.1 ? 1 : 0),
    inputs: ["x"],
  },
  draw: {
    id: "draw",
    label: "draw your own 1D target",
    nIn: 1,
    box: [-1, 1],
    // Replaced by the drawn curve (presetFor); this is the curve the drawing starts from.
    f: (p) => Math.sin(Math.PI * p[0]),
    inputs: ["x"],
  },
  rotated: {
    id: "rotated",
    label: "paper's regression function (eq. 26 rotated, Table 2)",
    nIn: 2,
    box: [0, 1],
    f: (p) => rotatedEq26(p[0], p[1]),
    inputs: ["x", "y"],
  },
};

/** What the page sends to the worker to start a run. */
export interface RunConfig {
  preset: PresetId;
  /** Hidden layer widths, e.g. [5]. */
  hidden: number[];
  /** Grid schedule, coarse to fine, each a multiple of the one before. */
  grids: number[];
  /** Optimizer steps per level. */
  steps: number;
  optimizer: "lbfgs" | "adam";
  seed: number;
  trainNum: number;
  /** The drawn target (preset "draw"): values at DRAW_POINTS equally spaced x over the box. */
  drawn?: number[];
}

/** Number of samples of a drawn target. */
export const DRAW_POINTS = 101;

/** The target the run trains on: the preset, with the drawn curve (piecewise linear) for "draw". */
export function presetFor(cfg: RunConfig): Preset {
  const p = PRESETS[cfg.preset];
  if (p.id !== "draw") return p;
  const v = cfg.drawn;
  if (!v || v.length !== DRAW_POINTS || !v.every(Number.isFinite))
    throw new Error(`a drawn target needs ${DRAW_POINTS} finite values`);
  const [lo, hi] = p.box;
  const f = (x: number[]) => {
    const t = Math.min(DRAW_POINTS - 1, Math.max(0, ((x[0] - lo) / (hi - lo)) * (DRAW_POINTS - 1)));
    const k = Math.min(DRAW_POINTS - 2, Math.floor(t));
    return v[k] + (t - k) * (v[k + 1] - v[k]);
  };
  return { ...p, f };
}

/** The preset's data: trainNum training and as many test points, seeded. */
export function presetData(p: Preset, cfg: RunConfig): Dataset {
  return createDataset(p.f, {
    nVar: p.nIn,
    ranges: p.box,
    trainNum: cfg.trainNum,
    testNum: cfg.trainNum,
    seed: cfg.seed,
  });
}

/**
 * The model: a spline KAN [nIn, ...hidden, 1] on the preset's box for hello-KAN and the step; for the
 * paper's function its Table 2 architecture, Linear(2 -> h) + sigmoid + cubic spline(h -> 1) on [0, 1].
 */
export function presetModel(p: Preset, cfg: RunConfig): Network {
  const grid = cfg.grids[0];
  if (p.id === "rotated") {
    const h = cfg.hidden[0] ?? 5;
    const layers: LayerSpec[] = [
      { type: "linear", nIn: 2, nOut: h, bias: true },
      {
        type: "elementwise",
        width: h,
        fn: "sigmoid",
        scale: 1,
        shift: 0,
        label: "normalize sigmoid onto [0, 1]",
      },
      { type: "spline", nIn: h, nOut: 1, order: 4, grid, domain: [0, 1], basis: "spline", initStd: 0.1 },
    ];
    return new KAN({ layers, seed: cfg.seed });
  }
  return new KAN({ width: [p.nIn, ...cfg.hidden, 1], grid, k: 3, domain: p.box, seed: cfg.seed });
}

/** Parses "5" or "5,3" into widths, "5,10,20" into grids; throws naming the field. */
export function parseList(name: string, text: string, min: number): number[] {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (parts.length === 0) throw new Error(`${name}: give at least one number`);
  return parts.map((s) => {
    if (!/^\d+$/.test(s) || Number(s) < min)
      throw new Error(`${name}: ${JSON.stringify(s)} is not an integer >= ${min}`);
    return Number(s);
  });
}

/** Checks a grid schedule nests (each grid a multiple of the one before). */
export function checkGrids(grids: number[]): void {
  for (let k = 1; k < grids.length; k++) {
    if (grids[k] % grids[k - 1] !== 0 || grids[k] <= grids[k - 1])
      throw new Error(
        `grid schedule: ${grids[k]} is not a larger multiple of ${grids[k - 1]} (grids must nest)`,
      );
  }
}
