/**
 * The network diagram of a KAN, as pykan's `model.plot()`: node rows from the inputs (bottom) to the
 * outputs (top); between two rows, one small box per edge p -> q (ordered by input, then output) showing
 * the edge's learned activation phi(x) over the range its input takes on the samples; a line from input
 * node p to the box and from the box to output node q. Every edge is drawn with opacity
 * `tanh(beta * score)` (pykan's beta, default 3), where the score is the edge's mean |phi| over the
 * samples divided by the largest in its layer (or scores given by the caller). Symbolic edges are drawn
 * in red with their function's name; pruned edges (a mask from the caller) as faint dashed lines with an
 * empty box. Input and output names label the bottom and top rows.
 */

import type { SplineLayer } from "../../layers/spline-layer.js";
import { edgeActivations, edgeFunction, splineLayerIndices } from "../../model/edge-activations.js";
import type { Network } from "../../model/network.js";
import { applyScaler } from "../../model/scalers.js";
import { INK } from "./palette.js";
import { el, num, svgDocument, textEl } from "./svg.js";

/** Options of `plotModel`: names, opacity sharpness, importance scores and drawing settings. */
export interface NetworkPlotOptions {
  /** Input names (default x_1, x_2, ...). */
  names?: string[];
  /** Output names (default y_1, ...). */
  outNames?: string[];
  /** Opacity sharpness: alpha = tanh(beta * score) (pykan's beta, default 3). */
  beta?: number;
  /**
   * Importance scores in [0, 1] per KAN layer: flat `[p * nOut + q]`, or `{ scores: number[][] }` as
   * `edgeScores` returns (each layer then divided by its largest). Default: mean |phi| on `x`, normalised.
   */
  scores?: (ArrayLike<number> | { scores: number[][] })[];
  /**
   * Per KAN layer, a pruned flag per edge `[p * nOut + q]` (truthy: pruned, drawn dashed and empty). Edges
   * masked in the layer (`SplineLayer.mask`, set by `prune`) are drawn as pruned in any case.
   */
  pruned?: ArrayLike<number | boolean>[];
  /** Per KAN layer, a pruned flag per output node (drawn hollow); inputs of layer l+1 follow layer l. */
  prunedNodes?: ArrayLike<number | boolean>[];
  /** Title above the diagram. */
  title?: string;
  /** Side of an activation box in pixels (default 44). */
  box?: number;
}

const SYMBOLIC_COLOR = "#c0392b";
const CURVE_COLOR = "#111111";
const PRUNED_COLOR = "#9a9a9a";

/** Inputs in the network's units (the model's input scaler applied, as `predict` does). */
function scaledInputs(model: Network, x: number[][] | Float64Array): { x: Float64Array; n: number } {
  let flat: Float64Array;
  if (x instanceof Float64Array) flat = Float64Array.from(x);
  else if (Array.isArray(x)) {
    flat = new Float64Array(x.length * model.nIn);
    x.forEach((row, s) => {
      if (!Array.isArray(row) || row.length !== model.nIn)
        throw new Error(`plotModel: sample ${s} must have ${model.nIn} values, got ${JSON.stringify(row)}`);
      for (let p = 0; p < model.nIn; p++) flat[s * model.nIn + p] = row[p];
    });
  } else throw new Error("plotModel: x must be a Float64Array (n * nIn, row-major) or an array of rows");
  const n = flat.length / model.nIn;
  if (!Number.isInteger(n) || n < 1)
    throw new Error(
      `plotModel needs samples x (at least one row of ${model.nIn} inputs): each edge is drawn over the range its input takes on them`,
    );
  for (let i = 0; i < flat.length; i++)
    if (!Number.isFinite(flat[i])) throw new Error(`plotModel: x[${i}] is not finite (${flat[i]})`);
  return { x: applyScaler(flat, model.nIn, model.scalers.input), n };
}

function flag(a: ArrayLike<number | boolean> | undefined, i: number): boolean {
  return a !== undefined && Boolean(a[i]);
}

/**
 * SVG of the network with every edge's learned activation drawn on it (pykan's `model.plot()`).
 * `x`: samples in the user's units (rows, or n * nIn row-major), needed for the activation ranges and
 * the importance scores. Throws for a model without spline layers or without samples.
 */
export function plotModel(
  model: Network,
  x: number[][] | Float64Array,
  opts: NetworkPlotOptions = {},
): string {
  const idx = splineLayerIndices(model);
  if (idx.length === 0) throw new Error("plotModel: the model has no KAN (spline) layers to draw");
  const { x: xs, n } = scaledInputs(model, x);
  const acts = edgeActivations(model, xs, n);
  const L = acts.length;
  const widths = [acts[0].nIn, ...acts.map((a) => a.nOut)];
  const names = opts.names ?? Array.from({ length: widths[0] }, (_, i) => `x${sub(i + 1)}`);
  const outNames = opts.outNames ?? Array.from({ length: widths[L] }, (_, i) => `y${sub(i + 1)}`);
  if (names.length !== widths[0])
    throw new Error(`plotModel: names lists ${names.length} inputs but the model has ${widths[0]}`);
  if (outNames.length !== widths[L])
    throw new Error(`plotModel: outNames lists ${outNames.length} outputs but the model has ${widths[L]}`);
  const beta = opts.beta ?? 3;
  if (!(beta > 0)) throw new Error(`plotModel: beta must be positive, got ${beta}`);
  const B = opts.box ?? 44;
  const gap = Math.round(B * 0.3);
  const slot = B + gap;
  const rowW = Math.max(...acts.map((a) => a.nIn * a.nOut * slot), ...widths.map((w) => w * slot * 1.5), 160);
  const margin = 30;
  const W = Math.max(rowW + 2 * margin, opts.title ? opts.title.length * 8 + 40 : 0);
  const left = (W - rowW) / 2;
  const D = B + 34; // vertical distance node row -> box centre -> next node row
  const top = (opts.title ? 34 : 12) + 24;
  const H = top + 2 * D * L + 36;
  const nodeY = (l: number) => top + 2 * D * (L - l);
  const nodeX = (l: number, k: number) => left + ((k + 0.5) * rowW) / widths[l];
  const parts: string[] = [];
  if (opts.title)
    parts.push(textEl(W / 2, 22, opts.title, { "text-anchor": "middle", "font-size": 14, fill: INK.text }));
  const lines: string[] = [];
  const boxes: string[] = [];
  acts.forEach((a, l) => {
    const layer = model.layers[idx[l]] as SplineLayer;
    const P = a.nIn;
    const Q = a.nOut;
    const E = P * Q;
    let maxScore = 0;
    for (let e = 0; e < E; e++) maxScore = Math.max(maxScore, a.meanAbs[e]);
    const given = flatScores(opts.scores?.[l]);
    if (given !== undefined && given.length !== E)
      throw new Error(`plotModel: scores[${l}] has ${given.length} values, layer ${l} has ${E} edges`);
    const y0 = nodeY(l);
    const y1 = nodeY(l + 1);
    const yb = (y0 + y1) / 2;
    const rowStart = left + (rowW - E * slot) / 2;
    const curves = Array.from({ length: E }, (_, e) =>
      edgeCurve(model, l, Math.floor(e / Q), e % Q, a.inputs[Math.floor(e / Q)]),
    );
    let layerSpan = 0;
    for (const c of curves) if (c.hi >= c.lo) layerSpan = Math.max(layerSpan, c.hi - c.lo);
    const minSpan = 0.02 * layerSpan;
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < Q; q++) {
        const e = p * Q + q;
        const score = given !== undefined ? given[e] : maxScore > 0 ? a.meanAbs[e] / maxScore : 0;
        const pruned = flag(opts.pruned?.[l], e) || (layer.mask !== null && layer.mask[e] === 0);
        const alpha = pruned ? 0.35 : Math.tanh(beta * Math.max(0, score));
        const symK = layer.symbolic ? layer.symbolic.indexOf(p, q) : -1;
        const color = pruned ? PRUNED_COLOR : symK >= 0 ? SYMBOLIC_COLOR : CURVE_COLOR;
        const bx = rowStart + e * slot + gap / 2;
        const cx = bx + B / 2;
        const lineAttrs = {
          stroke: color,
          "stroke-width": 1.2,
          "stroke-opacity": num(alpha),
          "stroke-dasharray": pruned ? "3 3" : null,
        };
        lines.push(
          el("line", { x1: nodeX(l, p), y1: y0, x2: cx, y2: yb + B / 2, ...lineAttrs }),
          el("line", { x1: cx, y1: yb - B / 2, x2: nodeX(l + 1, q), y2: y1, ...lineAttrs }),
        );
        const frame = el("rect", {
          x: bx,
          y: yb - B / 2,
          width: B,
          height: B,
          fill: "white",
          stroke: color,
          "stroke-width": symK >= 0 ? 1.4 : 0.8,
          "stroke-opacity": num(Math.max(alpha, pruned ? 0.35 : 0.08)),
          "stroke-dasharray": pruned ? "3 3" : null,
        });
        let content = "";
        if (!pruned) content = curvePath(curves[e], minSpan, bx, yb - B / 2, B, color, alpha);
        else
          content = textEl(cx, yb + 4, "pruned", {
            "text-anchor": "middle",
            "font-size": 8,
            fill: PRUNED_COLOR,
          });
        if (symK >= 0 && !pruned) {
          const label = layer.symbolic?.fns[symK].name ?? "";
          content += textEl(bx + B - 2, yb - B / 2 - 3, label, {
            "text-anchor": "end",
            "font-size": 10,
            fill: SYMBOLIC_COLOR,
            "fill-opacity": num(Math.max(alpha, 0.5)),
          });
        }
        boxes.push(`<g>${frame}${content}</g>`);
      }
    }
  });
  const nodes: string[] = [];
  for (let l = 0; l <= L; l++) {
    for (let k = 0; k < widths[l]; k++) {
      const off = l > 0 && flag(opts.prunedNodes?.[l - 1], k);
      nodes.push(
        el("circle", {
          cx: nodeX(l, k),
          cy: nodeY(l),
          r: 4.5,
          fill: off ? "white" : INK.axis,
          stroke: off ? PRUNED_COLOR : INK.axis,
          "stroke-width": 1.2,
        }),
      );
    }
  }
  const labels: string[] = [];
  const label = (x: number, y: number, s: string) =>
    textEl(x, y, s, { "text-anchor": "middle", "font-size": 13, fill: INK.text });
  for (let k = 0; k < names.length; k++) labels.push(label(nodeX(0, k), nodeY(0) + 22, names[k]));
  for (let k = 0; k < outNames.length; k++) labels.push(label(nodeX(L, k), nodeY(L) - 12, outNames[k]));
  parts.push(...lines, ...boxes, ...nodes, ...labels);
  return svgDocument(W, H, parts.join("\n"), { title: opts.title ?? "KAN network" });
}

/** Flat scores of one layer; `edgeScores`-style `scores[p][q]` are divided by the layer's largest. */
function flatScores(
  s: ArrayLike<number> | { scores: number[][] } | undefined,
): ArrayLike<number> | undefined {
  if (s === undefined || !("scores" in s)) return s as ArrayLike<number> | undefined;
  const flat = s.scores.flat();
  const max = Math.max(0, ...flat);
  return max > 0 ? flat.map((v) => v / max) : flat;
}

/** Subscript digits for default names (x₁, y₁). */
function sub(k: number): string {
  return String(k).replace(/[0-9]/g, (d) => String.fromCharCode(0x2080 + Number(d)));
}

/** The curve of edge (l, p, q) over the range of its inputs, scaled into the box. */
/** Points per drawn curve. */
const CURVE_POINTS = 48;

/** Edge (l, p, q) on CURVE_POINTS points across the range of its inputs, and the span of its values. */
function edgeCurve(
  model: Network,
  l: number,
  p: number,
  q: number,
  inputs: Float64Array,
): { y: Float64Array; lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of inputs) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const m = CURVE_POINTS;
  const t = new Float64Array(m);
  for (let i = 0; i < m; i++) t[i] = lo + ((hi - lo) * i) / (m - 1);
  const y = edgeFunction(model, l, p, q)(t);
  let ylo = Number.POSITIVE_INFINITY;
  let yhi = Number.NEGATIVE_INFINITY;
  for (const v of y) {
    if (!Number.isFinite(v)) continue;
    ylo = Math.min(ylo, v);
    yhi = Math.max(yhi, v);
  }
  return { y, lo: ylo, hi: yhi };
}

/**
 * The curve scaled into its box: each box is scaled to its own values (as pykan), but never to a span
 * below `minSpan` (a small fraction of the largest in the layer), so a near-constant edge shows flat.
 */
function curvePath(
  curve: { y: Float64Array; lo: number; hi: number },
  minSpan: number,
  bx: number,
  by: number,
  B: number,
  color: string,
  alpha: number,
): string {
  const { y } = curve;
  let { lo: ylo, hi: yhi } = curve;
  if (!(yhi >= ylo)) return "";
  const span = Math.max(yhi - ylo, minSpan, 1e-300);
  const mid = (ylo + yhi) / 2;
  ylo = mid - span / 2;
  const m = y.length;
  const pad = B * 0.12;
  const px = (i: number) => bx + pad + ((B - 2 * pad) * i) / (m - 1);
  const py = (v: number) => by + B - pad - ((B - 2 * pad) * (v - ylo)) / span;
  let d = "";
  for (let i = 0; i < m; i++) {
    if (!Number.isFinite(y[i])) continue;
    d += `${d === "" ? "M" : "L"}${num(px(i))} ${num(py(y[i]))}`;
  }
  return el("path", {
    d,
    fill: "none",
    stroke: color,
    "stroke-width": 1.6,
    "stroke-opacity": num(alpha),
    "stroke-linejoin": "round",
  });
}
