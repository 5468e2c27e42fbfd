/**
 * Pruning (KAN paper arXiv 2404.19756, section 2.5.1; pykan's `prune`): ranks every edge by its score
 * (mean |phi| over samples, `edgeScores`), then
 * - removes each hidden node whose largest incoming score or largest outgoing score is below `threshold`
 *   (pykan's node rule: a node is kept only if it has an important input edge and an important output
 *   edge), together with all its edges: the layers become narrower;
 * - masks each remaining edge whose own score is below `edgeThreshold` (its coefficients are set to zero
 *   and stay zero in later training, `SplineLayerSpec.mask`).
 * The pruned model computes exactly (to rounding) what the original computes with the removed edges set
 * to zero: the same function on the remaining paths. Inputs and outputs are never removed.
 */
import { ElementwiseLayer } from "../layers/elementwise.js";
import type { LayerSpec, SplineLayerSpec } from "../layers/layer.js";
import { SplineLayer } from "../layers/spline-layer.js";
import { describe, rejectUnknownKeys, requireFinite } from "../util/validate.js";
import type { Network } from "./network.js";
import { edgeScores, type LayerScores } from "./sparsity.js";

/** Options of `prune` / `pruneModel`. */
export interface PruneOptions {
  /** Samples in the user's units (rows or a flat row-major array) on which the edges are scored. */
  x: number[][] | Float64Array;
  /** Node threshold on the scores (pykan's `node_th`). Default 1e-2. */
  threshold?: number;
  /** Edge threshold (pykan's `edge_th`, whose default there is 3e-2). Default: `threshold`. */
  edgeThreshold?: number;
}

/** What `pruneModel` returns: the smaller model and what was removed. */
export interface PruneResult<M extends Network = Network> {
  /** The smaller model (a new one; the input model is unchanged). */
  model: M;
  /** Kept node indices (into the original model) of every node layer: inputs, hidden layers, outputs. */
  keptNodes: number[][];
  /** Edges masked (set to zero) among the kept nodes, as [spline layer, input, output] in new indices. */
  maskedEdges: [number, number, number][];
  /** The edge scores the decision was made on (original indices). */
  scores: LayerScores[];
  /** Parameters before and after. */
  paramsBefore: number;
  paramsAfter: number;
}

const PRUNE_KEYS = ["x", "threshold", "edgeThreshold"] as const;

/** Prunes hidden nodes and edges of a KAN whose scores fall below the thresholds (see the module comment). */
export function pruneModel<M extends Network>(model: M, options: PruneOptions): PruneResult<M> {
  if (typeof options !== "object" || options === null)
    throw new Error(`prune: options must be an object with samples x, got ${describe(options)}`);
  rejectUnknownKeys("prune", options, PRUNE_KEYS);
  if (options.x === undefined)
    throw new Error("prune: needs samples x (e.g. the training inputs) to score the edges on");
  const th = requireFinite("prune: threshold", options.threshold ?? 1e-2);
  const eth = requireFinite("prune: edgeThreshold", options.edgeThreshold ?? th);
  if (th < 0 || eth < 0) throw new Error(`prune: thresholds must be >= 0, got ${th} and ${eth}`);
  // Structure: spline layers, optionally with elementwise layers (same width) between them.
  const layers = model.layers;
  for (const [i, l] of layers.entries()) {
    if (!(l instanceof SplineLayer) && !(l instanceof ElementwiseLayer))
      throw new Error(
        `prune: layer ${i} is a ${l.type} layer; prune works on KANs (spline layers, optionally with elementwise layers between them)`,
      );
  }
  const scores = edgeScores(model, options.x);
  const L = scores.length;
  // Node layers: 0 = inputs, k = outputs of spline layer k-1.
  const widths = [scores[0].nIn, ...scores.map((s) => s.nOut)];
  const kept: number[][] = widths.map((w) => Array.from({ length: w }, (_, i) => i));
  for (let k = 1; k < L; k++) {
    const inc = scores[k - 1].scores;
    const out = scores[k].scores;
    const keep: number[] = [];
    let best = 0;
    for (let i = 0; i < widths[k]; i++) {
      let maxIn = 0;
      for (let p = 0; p < widths[k - 1]; p++) maxIn = Math.max(maxIn, inc[p][i]);
      let maxOut = 0;
      for (let q = 0; q < widths[k + 1]; q++) maxOut = Math.max(maxOut, out[i][q]);
      const score = Math.min(maxIn, maxOut);
      best = Math.max(best, score);
      if (maxIn >= th && maxOut >= th) keep.push(i);
    }
    if (keep.length === 0)
      throw new Error(
        `prune: threshold ${th} removes every node of hidden layer ${k} (its best node scores ${best.toExponential(3)}); nothing would remain of the network. Use a threshold below ${best.toExponential(3)}`,
      );
    kept[k] = keep;
  }
  // Edge masks among the kept nodes.
  const masked: [number, number, number][] = [];
  const masks: Uint8Array[] = [];
  for (let k = 0; k < L; k++) {
    const layer = layers[scores[k].layer] as SplineLayer;
    const ins = kept[k];
    const outs = kept[k + 1];
    const m = new Uint8Array(ins.length * outs.length);
    let live = 0;
    let best = 0;
    ins.forEach((p, a) => {
      outs.forEach((q, b) => {
        const wasLive = layer.mask ? layer.mask[p * layer.nOut + q] !== 0 : true;
        const s = scores[k].scores[p][q];
        if (wasLive) best = Math.max(best, s);
        if (wasLive && s >= eth) {
          m[a * outs.length + b] = 1;
          live++;
        } else if (wasLive) masked.push([k, a, b]);
      });
    });
    if (live === 0)
      throw new Error(
        `prune: edgeThreshold ${eth} removes every edge of spline layer ${k} (its best edge scores ${best.toExponential(3)}); nothing would remain of the network. Use a threshold below ${best.toExponential(3)}`,
      );
    masks.push(m);
  }
  // New layers and parameters.
  const specs: LayerSpec[] = [];
  const chunks: Float64Array[] = [];
  let k = 0; // spline layers seen
  for (const layer of layers) {
    if (layer instanceof ElementwiseLayer) {
      const spec = layer.toSpec();
      specs.push({ ...spec, width: kept[k].length });
      chunks.push(new Float64Array(0));
      continue;
    }
    const sl = layer as SplineLayer;
    const ins = kept[k];
    const outs = kept[k + 1];
    const spec: SplineLayerSpec = { ...sl.toSpec(), nIn: ins.length, nOut: outs.length };
    const m = masks[k];
    if (m.every((v) => v === 1)) delete spec.mask;
    else spec.mask = Array.from(m);
    specs.push(spec);
    const N = sl.nBasis;
    const P2 = ins.length;
    const Q2 = outs.length;
    const out = new Float64Array(P2 * N * Q2 + (sl.base ? 2 * P2 * Q2 : 0));
    const src = model.params;
    ins.forEach((p, a) => {
      outs.forEach((q, b) => {
        const live = m[a * Q2 + b] === 1;
        for (let i = 0; i < N; i++)
          out[(a * N + i) * Q2 + b] = live ? src[sl.offset + (p * N + i) * sl.nOut + q] : 0;
        if (sl.base) {
          const PQ = sl.nIn * sl.nOut;
          out[P2 * N * Q2 + a * Q2 + b] = live ? src[sl.baseOffset + p * sl.nOut + q] : 0;
          out[P2 * N * Q2 + P2 * Q2 + a * Q2 + b] = live ? src[sl.baseOffset + PQ + p * sl.nOut + q] : 0;
        }
      });
    });
    chunks.push(out);
    k++;
  }
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const params = new Float64Array(total);
  let off = 0;
  for (const c of chunks) {
    params.set(c, off);
    off += c.length;
  }
  const Ctor = model.constructor as new (init: {
    layers: LayerSpec[];
    params: Float64Array;
    scalers: Network["scalers"];
  }) => M;
  const pruned = new Ctor({ layers: specs, params, scalers: structuredClone(model.scalers) });
  return {
    model: pruned,
    keptNodes: kept,
    maskedEdges: masked,
    scores,
    paramsBefore: model.paramCount,
    paramsAfter: pruned.paramCount,
  };
}

/** The smaller model of `pruneModel` (pykan's `model.prune()`). */
export function prune<M extends Network>(model: M, options: PruneOptions): M {
  return pruneModel(model, options).model;
}
