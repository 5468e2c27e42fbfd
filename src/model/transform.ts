/**
 * Exact model transformations (paper section 4, Definition 1; digest section 4.6):
 * - refinement of every spline layer onto a finer nested grid, u_f = P u_c (the refined network computes
 *   the same function everywhere, to rounding);
 * - the change of parametrisation between the spline basis (u) and the power-ReLU basis (w = A^T u).
 * In the ReLU basis refinement composes u_c = A_c^{-T} w_c, u_f = P u_c, w_f = A_f^T u_f.
 */
import { createLayer } from "../layers/index.js";
import type { Basis, Layer, SplineLayerSpec } from "../layers/layer.js";
import { SplineLayer } from "../layers/spline-layer.js";
import { basisCount, breakpoints } from "../spline/knots.js";
import { applyProlongation, prolongation } from "../spline/refine.js";

/** A new grid for one spline layer: a grid size G, or general breakpoints a = t_0 < ... < t_G = b. */
export type GridSpec = number | { breakpoints: number[] };

/** The B-spline coefficients u of a spline layer (copied; u = A^{-T} w for the ReLU basis). */
export function splineCoefficients(layer: SplineLayer, params: Float64Array): Float64Array {
  const n = layer.nIn * layer.nBasis * layer.nOut;
  const u = new Float64Array(n);
  if (layer.basis === "relu") layer.toSplineCoefficients(params, layer.offset, u, 0);
  else u.set(params.subarray(layer.offset, layer.offset + n));
  return u;
}

/** Writes u (in the layer's basis: u itself or w = A^T u) and copies the base weights. */
function storeCoefficients(layer: SplineLayer, u: Float64Array, params: Float64Array): void {
  if (layer.basis === "relu") layer.toReluWeights(u, 0, params, layer.offset);
  else params.set(u, layer.offset);
}

function copyBase(
  from: SplineLayer,
  fromParams: Float64Array,
  to: SplineLayer,
  toParams: Float64Array,
): void {
  if (!from.base) return;
  const n = 2 * from.nIn * from.nOut;
  toParams.set(fromParams.subarray(from.baseOffset, from.baseOffset + n), to.baseOffset);
}

/** Copies the symbolic edges' parameters [a, b, c, d] (same edges in both layers). */
function copySymbolic(
  from: SplineLayer,
  fromParams: Float64Array,
  to: SplineLayer,
  toParams: Float64Array,
): void {
  if (!from.symbolic) return;
  const n = from.symbolic.paramCount;
  toParams.set(fromParams.subarray(from.symbolicOffset, from.symbolicOffset + n), to.symbolicOffset);
}

/** A spline layer like `layer` with another grid and/or basis (parameters not set). */
export function respecSplineLayer(layer: SplineLayer, grid: GridSpec | null, basis: Basis): SplineLayer {
  const spec: SplineLayerSpec = { ...layer.toSpec(), basis };
  if (grid !== null) {
    if (typeof grid === "number") {
      if (!layer.knots.uniform) {
        // General knots refined to G intervals: subdivide each interval evenly.
        const factor = grid / layer.grid;
        if (!Number.isInteger(factor) || factor < 1) {
          throw new Error(
            `cannot refine general knots with G=${layer.grid} to G=${grid}: not an integer multiple (grids do not nest)`,
          );
        }
        const bp = breakpoints(layer.knots);
        const fine: number[] = [];
        for (let j = 0; j < layer.grid; j++) {
          for (let s = 0; s < factor; s++) fine.push(bp[j] + ((bp[j + 1] - bp[j]) * s) / factor);
        }
        fine.push(bp[layer.grid]);
        spec.breakpoints = fine;
        spec.grid = grid;
      } else {
        delete spec.breakpoints;
        spec.grid = grid;
      }
    } else {
      if (!grid || !Array.isArray(grid.breakpoints)) {
        throw new Error(`a grid must be a grid size or { breakpoints: [...] }, got ${JSON.stringify(grid)}`);
      }
      spec.breakpoints = grid.breakpoints.slice();
      spec.grid = grid.breakpoints.length - 1;
    }
  }
  return new SplineLayer(spec);
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
      return respecSplineLayer(l, list[k++], l.basis);
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
    l instanceof SplineLayer ? respecSplineLayer(l, null, basis) : createLayer(l.toSpec()),
  );
  return { layers: newLayers, params: transferParams(layers, params, newLayers, false) };
}

/** Moves parameters layer by layer, prolongating spline coefficients where the grid changed. */
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
  // Offsets of the old layers are those of the old network; read them before anything changes.
  const oldOffsets = oldLayers.map((l) => l.offset);
  for (let i = 0; i < oldLayers.length; i++) {
    const from = oldLayers[i];
    const to = newLayers[i];
    if (from instanceof SplineLayer && to instanceof SplineLayer) {
      const uc = splineCoefficients(from, oldParams);
      let uf = uc;
      if (refine) {
        let P: ReturnType<typeof prolongation>;
        try {
          P = prolongation(from.knots, to.knots);
        } catch (err) {
          throw new Error(`refine: layer ${i} (spline ${from.nIn}->${from.nOut}): ${(err as Error).message}`);
        }
        const { nIn, nOut } = from;
        const nf = basisCount(to.knots);
        uf = new Float64Array(nIn * nf * nOut);
        for (let p = 0; p < nIn; p++) {
          for (let q = 0; q < nOut; q++) {
            applyProlongation(P, uc, p * from.nBasis * nOut + q, nOut, uf, p * nf * nOut + q, nOut);
          }
        }
      }
      storeCoefficients(to, uf, out);
      copyBase(from, oldParams, to, out);
      copySymbolic(from, oldParams, to, out);
    } else {
      out.set(oldParams.subarray(oldOffsets[i], oldOffsets[i] + from.paramCount), to.offset);
    }
  }
  return out;
}
