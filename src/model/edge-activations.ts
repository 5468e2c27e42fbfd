/**
 * Per-edge activation functions of a KAN (pykan's `acts` / `spline_postacts`): the learned 1D function
 * phi_{l,p,q} on edge p -> q of spline layer l (l counts spline layers only, 0-based), evaluated
 * - on the layer inputs of a sample set pushed through the network (`edgeActivations`), or
 * - on any given points, e.g. a grid over the input range (`edgeFunction`).
 * A spline edge is `sum_i u_i B_i(x)` (plus `w_b silu(x) + w_s ...` with a base term), evaluated by a
 * 1 x 1 copy of its layer, so the values are those the layer computes (linear continuation outside the
 * domain included); a symbolic edge is `c f(a x + b) + d`. Used by symbolic fitting and network plots.
 */
import { SplineLayer } from "../layers/spline-layer.js";
import { breakpoints } from "../spline/knots.js";
import type { Network } from "./network.js";
import { BLOCK } from "./slots.js";
import { splineCoefficients } from "./transform.js";

/** Index, in `model.layers`, of every spline layer (KAN layer l is `model.layers[splineLayerIndices[l]]`). */
export function splineLayerIndices(model: Network): number[] {
  const out: number[] = [];
  model.layers.forEach((l, i) => {
    if (l instanceof SplineLayer) out.push(i);
  });
  return out;
}

/** Spline layer l of the model (0-based among spline layers); throws naming l when out of range. */
export function kanLayer(model: Network, l: number): SplineLayer {
  const idx = splineLayerIndices(model);
  if (!Number.isInteger(l) || l < 0 || l >= idx.length) {
    throw new Error(
      `KAN layer ${JSON.stringify(l)} does not exist (the model has ${idx.length} spline layers)`,
    );
  }
  return model.layers[idx[l]] as SplineLayer;
}

function checkEdge(layer: SplineLayer, l: number, p: number, q: number): void {
  if (!Number.isInteger(p) || p < 0 || p >= layer.nIn)
    throw new Error(`edge (${l}, ${p}, ${q}): input ${p} is not in 0..${layer.nIn - 1}`);
  if (!Number.isInteger(q) || q < 0 || q >= layer.nOut)
    throw new Error(`edge (${l}, ${p}, ${q}): output ${q} is not in 0..${layer.nOut - 1}`);
}

/**
 * The function phi_{l,p,q} of one edge at the model's current parameters, as an evaluator on arrays
 * (a snapshot: later parameter changes are not seen).
 */
export function edgeFunction(
  model: Network,
  l: number,
  p: number,
  q: number,
): (t: Float64Array) => Float64Array {
  const layer = kanLayer(model, l);
  checkEdge(layer, l, p, q);
  const params = model.params;
  const sym = layer.symbolic;
  const k = sym ? sym.indexOf(p, q) : -1;
  if (sym && k >= 0) {
    const o = layer.symbolicOffset + 4 * k;
    const [a, b, c, d] = [params[o], params[o + 1], params[o + 2], params[o + 3]];
    const { f } = sym.fns[k];
    return (t) => t.map((v) => c * f(a * v + b) + d);
  }
  const N = layer.nBasis;
  const Q = layer.nOut;
  const u = splineCoefficients(layer, params);
  const one = new SplineLayer({
    nIn: 1,
    nOut: 1,
    order: layer.order,
    grid: layer.grid,
    domain: layer.domain,
    basis: "spline",
    base: layer.base,
    ...(layer.knots.uniform ? {} : { breakpoints: Array.from(breakpoints(layer.knots)) }),
  });
  const w = new Float64Array(one.paramCount);
  for (let i = 0; i < N; i++) w[i] = u[(p * N + i) * Q + q];
  if (layer.base) {
    w[N] = params[layer.baseOffset + p * Q + q];
    w[N + 1] = params[layer.baseOffset + layer.nIn * Q + p * Q + q];
  }
  one.prepare(w);
  return (t) => {
    const y = new Float64Array(t.length);
    for (let s = 0; s < t.length; s += BLOCK) {
      const rows = Math.min(BLOCK, t.length - s);
      one.forward(w, t, s, y, s, rows);
    }
    return y;
  };
}

/** The activations of one spline layer over a sample set. */
export interface LayerActivations {
  nIn: number;
  nOut: number;
  /** inputs[p]: the layer's input p for every sample (n values). */
  inputs: Float64Array[];
  /** values[p * nOut + q]: phi_{p,q}(inputs[p]) for every sample (n values). */
  values: Float64Array[];
  /** meanAbs[p * nOut + q]: mean over samples of |phi_{p,q}| (pykan's edge activation scale). */
  meanAbs: Float64Array;
}

/**
 * Pushes n samples `x[s*nIn + i]` (network units: no scalers applied) through the model and returns, for
 * every spline layer, its inputs and every edge's values on them.
 */
export function edgeActivations(model: Network, x: Float64Array, n: number): LayerActivations[] {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`edgeActivations needs at least one sample, got n = ${n}`);
  if (!(x instanceof Float64Array) || x.length < n * model.nIn)
    throw new Error(`edgeActivations: x must be a Float64Array of n * nIn = ${n * model.nIn} values`);
  model.prepare();
  const out: LayerActivations[] = [];
  let cur = x.subarray(0, n * model.nIn);
  let l = 0;
  for (const layer of model.layers) {
    if (layer instanceof SplineLayer) {
      const P = layer.nIn;
      const Q = layer.nOut;
      const inputs = Array.from({ length: P }, (_, p) => {
        const col = new Float64Array(n);
        for (let s = 0; s < n; s++) col[s] = cur[s * P + p];
        return col;
      });
      const values: Float64Array[] = [];
      const meanAbs = new Float64Array(P * Q);
      for (let p = 0; p < P; p++) {
        for (let q = 0; q < Q; q++) {
          const v = edgeFunction(model, l, p, q)(inputs[p]);
          let acc = 0;
          for (let s = 0; s < n; s++) acc += Math.abs(v[s]);
          meanAbs[p * Q + q] = acc / n;
          values.push(v);
        }
      }
      out.push({ nIn: P, nOut: Q, inputs, values, meanAbs });
      l++;
    }
    const next = new Float64Array(n * layer.nOut);
    for (let s = 0; s < n; s += BLOCK) {
      const rows = Math.min(BLOCK, n - s);
      layer.forward(model.params, cur, s * layer.nIn, next, s * layer.nOut, rows);
    }
    cur = next;
  }
  return out;
}
