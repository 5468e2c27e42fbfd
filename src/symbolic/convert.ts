/**
 * Turning edges of a KAN into symbolic edges (pykan's fix_symbolic) and back to splines: returns a new
 * model of the same class whose listed edges compute `c f(a x + b) + d` (layers/symbolic-edges.ts) with
 * trainable a, b, c, d, every other parameter copied. A symbolic edge's spline coefficients (and base
 * weights) are set to zero and stay there while training.
 */
import type { SplineLayerSpec } from "../layers/layer.js";
import { SplineLayer } from "../layers/spline-layer.js";
import type { SymbolicEdgeSpec } from "../layers/symbolic-edges.js";
import { symbolicFunction } from "../layers/symbolic-functions.js";
import { kanLayer, splineLayerIndices } from "../model/edge-activations.js";
import type { Network } from "../model/network.js";
import { rebuildLike } from "../model/rebuild.js";

/** One edge to make symbolic: KAN layer l (0-based among spline layers), input, output, function. */
export interface SymbolicAssignment {
  layer: number;
  in: number;
  out: number;
  /** Library function name ("sin", "x^2", ...; layers/symbolic-functions.ts). */
  fn: string;
  /** Initial [a, b, c, d] (default [1, 0, 1, 0]). */
  params?: [number, number, number, number];
}

/** An edge address: KAN layer l, input p, output q. */
export interface EdgeAddress {
  layer: number;
  in: number;
  out: number;
}

function rebuildWith<T extends Network>(
  model: T,
  change: (l: number, edges: SymbolicEdgeSpec[], values: Map<string, number[]>) => void,
): T {
  const idx = splineLayerIndices(model);
  const specs = model.layerSpecs();
  const values: Map<string, number[]>[] = idx.map(() => new Map());
  idx.forEach((li, l) => {
    const layer = model.layers[li] as SplineLayer;
    const sym = layer.symbolic;
    const list: SymbolicEdgeSpec[] = sym ? sym.toSpec() : [];
    if (sym) {
      for (let k = 0; k < sym.count; k++) {
        const o = layer.symbolicOffset + 4 * k;
        values[l].set(`${sym.p[k]},${sym.q[k]}`, Array.from(model.params.subarray(o, o + 4)));
      }
    }
    change(l, list, values[l]);
    const spec = specs[li] as SplineLayerSpec;
    if (list.length > 0) spec.symbolic = list;
    else delete spec.symbolic;
  });
  // New parameter vector: every layer's leading block (coefficients and base) copied, symbolic part written.
  const layers = specs;
  const probe = rebuildLike(model, layers);
  const params = new Float64Array(probe.paramCount);
  model.layers.forEach((old, i) => {
    const neu = probe.layers[i];
    const lead =
      old instanceof SplineLayer
        ? old.paramCount - (old.symbolic ? old.symbolic.paramCount : 0)
        : old.paramCount;
    params.set(model.params.subarray(old.offset, old.offset + lead), neu.offset);
  });
  idx.forEach((li, l) => {
    const layer = probe.layers[li] as SplineLayer;
    const sym = layer.symbolic;
    if (!sym) return;
    for (let k = 0; k < sym.count; k++) {
      const v = values[l].get(`${sym.p[k]},${sym.q[k]}`) ?? [1, 0, 1, 0];
      params.set(v, layer.symbolicOffset + 4 * k);
    }
    layer.zeroMasked(params);
  });
  return rebuildLike(model, layers, params);
}

/**
 * A copy of `model` with the listed edges symbolic (replacing an edge's earlier function if it had one).
 * Throws naming a bad layer, edge or function name.
 */
export function fixSymbolic<T extends Network>(model: T, edges: readonly SymbolicAssignment[]): T {
  for (const e of edges) {
    const layer = kanLayer(model, e.layer);
    if (!Number.isInteger(e.in) || e.in < 0 || e.in >= layer.nIn)
      throw new Error(`fixSymbolic: layer ${e.layer} has no input ${JSON.stringify(e.in)}`);
    if (!Number.isInteger(e.out) || e.out < 0 || e.out >= layer.nOut)
      throw new Error(`fixSymbolic: layer ${e.layer} has no output ${JSON.stringify(e.out)}`);
    symbolicFunction(e.fn);
    if (e.params !== undefined && (e.params.length !== 4 || !e.params.every(Number.isFinite)))
      throw new Error(`fixSymbolic: params of edge (${e.layer}, ${e.in}, ${e.out}) must be 4 finite numbers`);
  }
  return rebuildWith(model, (l, list, values) => {
    for (const e of edges) {
      if (e.layer !== l) continue;
      const key = `${e.in},${e.out}`;
      const at = list.findIndex((s) => s.in === e.in && s.out === e.out);
      if (at >= 0) list[at] = { in: e.in, out: e.out, fn: e.fn };
      else list.push({ in: e.in, out: e.out, fn: e.fn });
      values.set(key, e.params ? [...e.params] : [1, 0, 1, 0]);
    }
  });
}

/**
 * A copy of `model` where the listed edges are splines again (pykan's unfix_symbolic). Their spline
 * coefficients are zero (the spline was masked): retrain to fit them.
 */
export function unfixSymbolic<T extends Network>(model: T, edges: readonly EdgeAddress[]): T {
  for (const e of edges) {
    const sym = kanLayer(model, e.layer).symbolic;
    if (!sym?.has(e.in, e.out))
      throw new Error(`unfixSymbolic: edge (${e.layer}, ${e.in}, ${e.out}) is not symbolic`);
  }
  return rebuildWith(model, (l, list, values) => {
    for (const e of edges) {
      if (e.layer !== l) continue;
      const at = list.findIndex((s) => s.in === e.in && s.out === e.out);
      list.splice(at, 1);
      values.delete(`${e.in},${e.out}`);
    }
  });
}
