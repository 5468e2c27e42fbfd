/**
 * Rebuilding a model after a structural edit (pruning, regridding, symbolic edges): a new model of the
 * same class as the old one, from per-layer specs and a full parameter vector, with a copy of the old
 * model's scalers. One place for the constructor cast that `prune`, `regrid` and `fixSymbolic` share.
 */
import type { Network } from "./network.js";

/** The chunks laid end to end in one new Float64Array (e.g. per-layer parameter blocks, in layer order). */
export function concatParams(chunks: readonly Float64Array[]): Float64Array {
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const params = new Float64Array(total);
  let off = 0;
  for (const c of chunks) {
    params.set(c, off);
    off += c.length;
  }
  return params;
}

/**
 * A model of the same class as `model` built from layer specs `layers` and parameters `params` (when
 * given; the class's own initialisation otherwise), carrying a deep copy of `model.scalers`.
 */
export function rebuildLike<M extends Network>(model: M, layers: unknown[], params?: Float64Array): M {
  const Ctor = model.constructor as new (init: {
    layers: unknown[];
    params?: Float64Array;
    scalers?: Network["scalers"];
  }) => M;
  if (!params) return new Ctor({ layers });
  return new Ctor({ layers, params, scalers: structuredClone(model.scalers) });
}
