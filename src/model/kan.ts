/**
 * `new KAN({ width, grid, k, ... })`: the common spline KAN with pykan's names (k = degree, so order
 * r = k + 1): spline layers width[l] -> width[l+1] on one domain, in the paper's form (eq. 6, no base
 * term) unless `base: true`, optionally with a normalisation layer between spline layers.
 */

import { type NormalizeFn, normalize } from "../layers/elementwise.js";
import type { Basis, LayerSpec } from "../layers/layer.js";
import type { GridSpec } from "../layers/spline-layer.js";
import {
  rejectUnknownKeys,
  requireDomain,
  requireInteger,
  requireObject,
  requireParamCount,
} from "../util/validate.js";
import { Network, type NetworkInit } from "./network.js";
import { type PruneOptions, pruneModel } from "./prune.js";
import { regridModel, type UpdateGridOptions, updateGridModel } from "./regrid.js";
import { parseModelJSON } from "./serialize.js";

/** Options of `new KAN(...)` with pykan's names (width, grid, k = degree, ...). */
export interface KANOptions {
  /** Layer widths, e.g. [2, 5, 1]. */
  width: number[];
  /** Grid size G (intervals on the domain), one for all layers or one per spline layer. Default 5. */
  grid?: number | number[];
  /** Spline degree (pykan's k; order r = k + 1). Default 3 (cubic). */
  k?: number;
  /** Spline domain [a, b] of every layer. Default [-1, 1]. */
  domain?: [number, number];
  /** Trainable parametrisation. Default "spline". */
  basis?: Basis;
  /** pykan-style silu base term on every edge. Default false (the paper's KAN). */
  base?: boolean;
  /** Normalisation onto the domain between spline layers. Default "none". */
  normalize?: NormalizeFn | "none";
  /** Initial spline coefficients N(0, initStd^2). Default 0.1. */
  initStd?: number;
  /** Seed of the initialisation. Default 0. */
  seed?: number;
}

const KAN_KEYS = ["width", "grid", "k", "domain", "basis", "base", "normalize", "initStd", "seed"] as const;

/** The layer descriptions of a KAN with these options (validated; unknown keys rejected; the parameter count checked against MAX_PARAMS before anything is allocated). */
export function kanLayerSpecs(opts: KANOptions): LayerSpec[] {
  requireObject("KAN: options", opts);
  rejectUnknownKeys("KAN", opts, KAN_KEYS);
  const { width } = opts;
  if (!Array.isArray(width) || width.length < 2) {
    throw new Error(`KAN width must list at least 2 layer widths, got ${JSON.stringify(width)}`);
  }
  for (const [i, w] of width.entries()) requireInteger(`KAN width[${i}]`, w, 1);
  const nLayers = width.length - 1;
  const gridOpt = opts.grid ?? 5;
  const grids = Array.isArray(gridOpt) ? gridOpt : new Array<number>(nLayers).fill(gridOpt);
  if (grids.length !== nLayers) throw new Error(`KAN grid lists ${grids.length} sizes for ${nLayers} layers`);
  const k = requireInteger("KAN k (spline degree)", opts.k ?? 3, 0, 11);
  const domain = requireDomain("KAN domain", opts.domain ?? [-1, 1]);
  if (opts.base !== undefined && typeof opts.base !== "boolean")
    throw new Error(`KAN base must be true or false, got ${JSON.stringify(opts.base)}`);
  const norm = opts.normalize ?? "none";
  // Parameter count of the uniform spline layers (G + k coefficients per edge, 2 more with the base
  // term), checked before any layer is built.
  let count = 0;
  for (let l = 0; l < nLayers; l++) {
    const g = requireInteger(`KAN grid[${l}]`, grids[l], 1);
    count += width[l] * width[l + 1] * (g + k + (opts.base ? 2 : 0));
  }
  requireParamCount(`KAN [${width.join(",")}]`, count);
  const specs: LayerSpec[] = [];
  for (let l = 0; l < nLayers; l++) {
    if (l > 0 && norm !== "none") specs.push(normalize(norm, width[l], domain).toSpec());
    const spec: LayerSpec = {
      type: "spline",
      nIn: width[l],
      nOut: width[l + 1],
      order: k + 1,
      grid: requireInteger(`KAN grid[${l}]`, grids[l], 1),
      domain,
      basis: opts.basis ?? "spline",
    };
    if (opts.base) spec.base = true;
    if (opts.initStd !== undefined) spec.initStd = opts.initStd;
    specs.push(spec);
  }
  return specs;
}

/** A spline Kolmogorov-Arnold network (paper eq. 6 layers, optional normalisation between them). */
export class KAN extends Network {
  constructor(opts: KANOptions | NetworkInit) {
    requireObject("KAN: options", opts);
    if ("layers" in opts) super(opts);
    else super({ layers: kanLayerSpecs(opts), seed: opts.seed ?? 0 });
  }

  override get kind(): string {
    return "KAN";
  }

  /**
   * A smaller model without the hidden nodes and edges whose scores (mean |phi| on the samples `x`) fall
   * below the threshold (pykan's `model.prune()`; see model/prune.ts, `pruneModel` for the details).
   */
  prune(options: PruneOptions): this {
    return pruneModel(this, options).model;
  }

  /**
   * The model on any grid (a size G, or `{ breakpoints }`, for every spline layer or one per layer) by
   * least-squares projection of each edge's spline: approximate, unlike the exact `refine`; the projection
   * errors come from `regridModel` (model/regrid.ts).
   */
  regrid(grids: GridSpec | GridSpec[]): this {
    return regridModel(this, grids).model;
  }

  /**
   * Knots moved to the data (pykan's `update_grid_from_samples`): quantiles of each layer's inputs on
   * the samples `x` (user units) blended with a uniform grid by `gridEps`; see `updateGridModel`.
   */
  updateGrid(x: number[][] | Float64Array, options: UpdateGridOptions = {}): this {
    return updateGridModel(this, x, options).model;
  }

  /** Rebuilds a saved model (see `Network.toJSON`). */
  static fromJSON(json: unknown): KAN {
    const init = parseModelJSON(json);
    if (init.kind !== "KAN")
      throw new Error(
        `KAN.fromJSON: the saved model is a ${init.kind}, not a KAN (use loadModel to rebuild any kind)`,
      );
    return new KAN(init);
  }
}
