/**
 * The parameter-light layers as ONNX subgraphs: dense linear layers (MatMul + Add, W stored input-major
 * as `[nIn, nOut]`, exactly mlkan's layout), elementwise maps `shift + scale f(x)` (Sigmoid, Tanh, Relu,
 * silu = x / (1 + Exp(-x)), identity), and input feature maps `f(scale x_i + shift)` (Gather of the input
 * columns, then identity, Abs, Cos(pi z) or Sin(pi z), chosen per feature by Where). `emitLayer`
 * dispatches on the layer class and names any layer it does not know.
 */
import { ElementwiseLayer } from "../layers/elementwise.js";
import { FeatureLayer } from "../layers/features.js";
import type { FeatureKind, Layer } from "../layers/layer.js";
import { LinearLayer } from "../layers/linear.js";
import { SplineLayer } from "../layers/spline-layer.js";
import type { OnnxGraph } from "./onnx-graph.js";
import { emitSplineLayer } from "./onnx-spline.js";

/** y = x W + b. */
export function emitLinearLayer(
  g: OnnxGraph,
  layer: LinearLayer,
  params: Float64Array,
  x: string,
  tag: string,
): string {
  const { nIn: P, nOut: Q, offset } = layer;
  const W = g.floats(`${tag}.weight`, params.subarray(offset, offset + P * Q), [P, Q]);
  let y = g.matmul(x, W, `${tag}.xw`);
  if (layer.bias)
    y = g.add(
      y,
      g.floats(`${tag}.bias`, params.subarray(offset + P * Q, offset + P * Q + Q), [Q]),
      `${tag}.out`,
    );
  return y;
}

/** y = shift + scale f(x). */
export function emitElementwiseLayer(g: OnnxGraph, layer: ElementwiseLayer, x: string, tag: string): string {
  let y: string;
  switch (layer.fn) {
    case "sigmoid":
      y = g.unary("Sigmoid", x, `${tag}.sigmoid`);
      break;
    case "tanh":
      y = g.unary("Tanh", x, `${tag}.tanh`);
      break;
    case "relu":
      y = g.unary("Relu", x, `${tag}.relu`);
      break;
    case "silu":
      y = g.silu(x, `${tag}.silu`);
      break;
    case "identity":
      y = x;
      break;
    default:
      throw new Error(`ONNX export: unknown activation ${JSON.stringify(layer.fn)} in ${tag}`);
  }
  if (layer.scale !== 1) y = g.mul(y, g.scalar(layer.scale), `${tag}.scaled`);
  if (layer.shift !== 0) y = g.add(y, g.scalar(layer.shift), `${tag}.shifted`);
  return y;
}

/** Feature o = f_o(scale_o x[input_o] + shift_o). */
export function emitFeatureLayer(g: OnnxGraph, layer: FeatureLayer, x: string, tag: string): string {
  const F = layer.features;
  const cols = g.gather(
    x,
    g.ints(
      `${tag}.inputs`,
      F.map((f) => f.input),
      [F.length],
    ),
    1,
    `${tag}.cols`,
  );
  let z = cols;
  if (F.some((f) => f.scale !== 1))
    z = g.mul(
      z,
      g.floats(
        `${tag}.scale`,
        F.map((f) => f.scale),
        [F.length],
      ),
    );
  if (F.some((f) => f.shift !== 0))
    z = g.add(
      z,
      g.floats(
        `${tag}.shift`,
        F.map((f) => f.shift),
        [F.length],
      ),
    );
  const kinds = [...new Set(F.map((f) => f.kind))];
  const apply = (kind: FeatureKind): string => {
    switch (kind) {
      case "identity":
        return z;
      case "abs":
        return g.unary("Abs", z, `${tag}.abs`);
      case "cos":
        return g.unary("Cos", g.mul(z, g.scalar(Math.PI)), `${tag}.cos`);
      case "sin":
        return g.unary("Sin", g.mul(z, g.scalar(Math.PI)), `${tag}.sin`);
      case "asinh": {
        // asinh(w) = sign(w) log(|w| + sqrt(w^2 + 1)), w = g z (ONNX Runtime has no float64 Asinh)
        const w = g.mul(
          z,
          g.floats(
            `${tag}.gain`,
            F.map((f) => f.gain),
            [F.length],
          ),
        );
        const aw = g.unary("Abs", w, `${tag}.abs_w`);
        const root = g.unary("Sqrt", g.add(g.mul(w, w), g.scalar(1)), `${tag}.root`);
        const mag = g.unary("Log", g.add(aw, root), `${tag}.log`);
        const signed = g.mul(g.unary("Sign", w, `${tag}.sign`), mag);
        return g.div(
          signed,
          g.floats(
            `${tag}.norm`,
            F.map((f) => f.norm),
            [F.length],
          ),
          `${tag}.asinh`,
        );
      }
    }
  };
  let y = apply(kinds[0]);
  for (const kind of kinds.slice(1)) {
    const mask = F.map((f) => (f.kind === kind ? 1 : 0));
    const isKind = g.greater(g.floats(`${tag}.is_${kind}`, mask, [F.length]), g.scalar(0.5));
    y = g.where(isKind, apply(kind), y, `${tag}.features`);
  }
  return y;
}

/** Emits one layer on x; throws for a layer class the exporter does not know, naming it. */
export function emitLayer(
  g: OnnxGraph,
  layer: Layer,
  index: number,
  params: Float64Array,
  x: string,
): string {
  const tag = `layer${index}.${layer.type}`;
  if (layer instanceof SplineLayer) return emitSplineLayer(g, layer, params, x, tag);
  if (layer instanceof LinearLayer) return emitLinearLayer(g, layer, params, x, tag);
  if (layer instanceof ElementwiseLayer) return emitElementwiseLayer(g, layer, x, tag);
  if (layer instanceof FeatureLayer) return emitFeatureLayer(g, layer, x, tag);
  const cls = (layer as object).constructor?.name ?? "unknown class";
  throw new Error(
    `ONNX export does not know layer ${index} of type ${JSON.stringify(layer.type)} (${cls}); it exports spline, linear, elementwise and features layers`,
  );
}
