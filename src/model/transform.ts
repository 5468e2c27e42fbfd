/**
 * Exact model transformations (paper section 4, Definition 1; digest section 4.6), layer by layer:
 * - refinement of every spline layer onto a finer nested grid, u_f = P u_c (the refined network computes
 *   the same function everywhere, to rounding);
 * - the change of parametrisation between the spline basis (u) and the power-ReLU basis (w = A^T u).
 * In the ReLU basis refinement composes u_c = A_c^{-T} w_c, u_f = P u_c, w_f = A_f^T u_f.
 * Each spline layer does its own part (`SplineLayer.refined`, `withBasis`, `transferTo`); this module
 * only loops over the layers and lays out the new parameter vector.
 */
import { createLayer } from "../layers/index.js";
import type { Basis, Layer } from "../layers/layer.js";
import { type GridSpec, SplineLayer } from "../layers/spline-layer.js";

/** The B-spline coefficients u of a spline layer (copied; u = A^{-T} w for the ReLU basis). */
export function splineCoefficients(layer: SplineLayer, params: Float64Array): Float64Array {
  return layer.splineCoefficients(params);
}

/** A spline layer like `layer` with another grid and/or basis (parameters not set). */
export function respecSplineLayer(layer: SplineLayer, grid: GridSpec | null, basis: Basis): SplineLayer {
  if (grid === null) return layer.withBasis(basis);
  const refined = layer.refined(grid);
  return refined.basis === basis ? refined : refined.withBasis(basis);
}

/**
 * Refined layers and parameters. `grids` is one grid for every spline layer, or one per spline layer.
 * Throws (naming the layer) for grids that do not nest.
 */
export function refineLayers(
  layers: readonly Layer[],
  params: Float64Array,
  grids: GridSpec | GridSpec[],
): { layers: Layer[]; params: Float64Array } {
  const splines = layers.filter((l) => l instanceof SplineLayer);
  const list: GridSpec[] = Array.isArray(grids) ? grids : splines.map(() => grids);
  if (list.length !== splines.length) {
    throw new Error(`refine: got ${list.length} grids for ${splines.length} spline layers`);
  }
  let k = 0;
  const newLayers = layers.map((l) => {
    if (!(l instanceof SplineLayer)) return createLayer(l.toSpec());
    try {
      return l.refined(list[k++]);
    } catch (err) {
      throw new Error(`refine: spline layer ${k - 1}: ${(err as Error).message}`);
    }
  });
  return { layers: newLayers, params: transferParams(layers, params, newLayers, true) };
}

/** Layers and parameters in another basis (same function). */
export function convertLayers(
  layers: readonly Layer[],
  params: Float64Array,
  basis: Basis,
): { layers: Layer[]; params: Float64Array } {
  if (basis !== "spline" && basis !== "relu")
    throw new Error(`basis must be "spline" or "relu", got ${JSON.stringify(basis)}`);
  const newLayers = layers.map((l) =>
    l instanceof SplineLayer ? l.withBasis(basis) : createLayer(l.toSpec()),
  );
  return { layers: newLayers, params: transferParams(layers, params, newLayers, false) };
}

/** Moves parameters layer by layer, prolongating spline coefficients when `refine`. */
function transferParams(
  oldLayers: readonly Layer[],
  oldParams: Float64Array,
  newLayers: Layer[],
  refine: boolean,
): Float64Array {
  let offset = 0;
  for (const l of newLayers) {
    l.offset = offset;
    offset += l.paramCount;
  }
  const out = new Float64Array(offset);
  for (let i = 0; i < oldLayers.length; i++) {
    const from = oldLayers[i];
    const to = newLayers[i];
    if (from instanceof SplineLayer && to instanceof SplineLayer) {
      try {
        from.transferTo(oldParams, to, out, refine);
      } catch (err) {
        throw new Error(`refine: layer ${i} (spline ${from.nIn}->${from.nOut}): ${(err as Error).message}`);
      }
    } else {
      out.set(oldParams.subarray(from.offset, from.offset + from.paramCount), to.offset);
    }
  }
  return out;
}
