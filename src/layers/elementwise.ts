/**
 * Elementwise layers: MLP activations (tanh, sigmoid, ReLU, SiLU) and the normalisation layers that keep
 * inputs of the next spline layer inside its domain (digest section 1.4 and 7, open question 1): a
 * sigmoid or tanh squashed onto [a, b], or a fixed affine map of a known input range onto [a, b].
 * All share y = shift + scale * f(x); none has parameters. In a network's WASM arena, tanh and sigmoid
 * layers run the kernels of wasm/elementwise.wat (the same bits: fdlibm's tanh and exp, as V8's Math).
 */

import type { Rng } from "../util/random.js";
import { requireDomain, requireFinite, requireInteger } from "../util/validate.js";
import type { JetContext, JetShape } from "./jet.js";
import { elementwiseJetBackwardBlock, elementwiseJetForwardBlock } from "./jet-channels.js";
import type { ActivationFn, ElementwiseLayerSpec, Layer } from "./layer.js";
import { sharedArena, stagePairs } from "./wasm/kernels.js";

const FNS: readonly ActivationFn[] = ["tanh", "sigmoid", "relu", "silu", "identity"];
/** The functions with WASM kernels (elementwise.wat), by their kind code there. */
const WASM_KIND: Partial<Record<ActivationFn, number>> = { tanh: 0, sigmoid: 1 };

/** f and its derivatives up to order 3 at x, written to out[0..3]. */
export function activationDerivs(fn: ActivationFn, x: number, out: Float64Array): void {
  switch (fn) {
    case "tanh": {
      const t = Math.tanh(x);
      const s = 1 - t * t;
      out[0] = t;
      out[1] = s;
      out[2] = -2 * t * s;
      out[3] = s * (6 * t * t - 2);
      return;
    }
    case "sigmoid": {
      const sg = sigmoid(x);
      const d1 = sg * (1 - sg);
      out[0] = sg;
      out[1] = d1;
      out[2] = d1 * (1 - 2 * sg);
      out[3] = d1 * (1 - 6 * d1);
      return;
    }
    case "silu": {
      const sg = sigmoid(x);
      const d1 = sg * (1 - sg);
      const d2 = d1 * (1 - 2 * sg);
      out[0] = x * sg;
      out[1] = sg + x * d1;
      out[2] = 2 * d1 + x * d2;
      out[3] = 3 * d2 + x * d1 * (1 - 6 * d1);
      return;
    }
    case "relu":
      out[0] = x > 0 ? x : 0;
      out[1] = x > 0 ? 1 : 0;
      out[2] = 0;
      out[3] = 0;
      return;
    case "identity":
      out[0] = x;
      out[1] = 1;
      out[2] = 0;
      out[3] = 0;
      return;
  }
}

/** Numerically safe logistic function. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * The activation's jet factors over a block in jet layout (sample s, unit p at x[xo + s C W + p]): writes
 * scale f', scale f'', scale f''' to three planes of n = rows W entries, f[i], f[n + i], f[2n + i] with
 * i = s W + p, and, when y is given, the value channel y[yo + s C W + p] = shift + scale f. One loop per
 * function; each number is computed with the operations of `activationDerivs` in its order (the same
 * bits).
 */
export function activationJetDerivs(
  fn: ActivationFn,
  scale: number,
  shift: number,
  x: Float64Array,
  xo: number,
  C: number,
  W: number,
  rows: number,
  y: Float64Array | null,
  yo: number,
  f: Float64Array,
): void {
  const d = JET_DERIVS;
  const n = rows * W;
  for (let s = 0; s < rows; s++) {
    const xs = xo + s * C * W;
    const ys = yo + s * C * W;
    const fs = s * W;
    for (let p = 0; p < W; p++) {
      const v = x[xs + p];
      let d0: number;
      let d1: number;
      let d2: number;
      let d3: number;
      switch (fn) {
        case "tanh": {
          const t = Math.tanh(v);
          const u = 1 - t * t;
          d0 = t;
          d1 = u;
          d2 = -2 * t * u;
          d3 = u * (6 * t * t - 2);
          break;
        }
        case "sigmoid": {
          const sg = sigmoid(v);
          const e1 = sg * (1 - sg);
          d0 = sg;
          d1 = e1;
          d2 = e1 * (1 - 2 * sg);
          d3 = e1 * (1 - 6 * e1);
          break;
        }
        default:
          activationDerivs(fn, v, d);
          d0 = d[0];
          d1 = d[1];
          d2 = d[2];
          d3 = d[3];
      }
      if (y) y[ys + p] = shift + scale * d0;
      const c = fs + p;
      f[c] = scale * d1;
      f[c + n] = scale * d2;
      f[c + 2 * n] = scale * d3;
    }
  }
}
const JET_DERIVS = new Float64Array(4);

/**
 * Parameter-free elementwise layer y = shift + scale f(x) (activations and the normalisations onto a spline
 * domain).
 */
export class ElementwiseLayer implements Layer {
  readonly type = "elementwise";
  readonly nIn: number;
  readonly nOut: number;
  readonly paramCount = 0;
  offset = 0;
  readonly fn: ActivationFn;
  readonly scale: number;
  readonly shift: number;
  readonly label: string | undefined;

  constructor(spec: Omit<ElementwiseLayerSpec, "type">) {
    requireInteger("elementwise layer width", spec.width, 1);
    if (!FNS.includes(spec.fn)) {
      throw new Error(`unknown activation ${JSON.stringify(spec.fn)} (known: ${FNS.join(", ")})`);
    }
    requireFinite("elementwise scale", spec.scale);
    requireFinite("elementwise shift", spec.shift);
    this.nIn = spec.width;
    this.nOut = spec.width;
    this.fn = spec.fn;
    this.scale = spec.scale;
    this.shift = spec.shift;
    this.label = spec.label;
    this.g0 = new Float64Array(this.nIn);
    this.wasmKind = WASM_KIND[spec.fn] ?? -1;
  }

  /** Kind code of the WASM kernels for this function, -1 for none (the JS loops). */
  private readonly wasmKind: number;

  /** Length of the jet factor cache for blocks of up to `rows` samples (placed in a network's arena). */
  bufferLength(rows: number): number {
    return 3 * rows * this.nIn;
  }

  /**
   * Moves the jet factor cache to an array from `alloc` (a network's WASM memory) sized for blocks of up
   * to `rows` samples, so that tanh and sigmoid jets run the WASM kernels there.
   */
  placeBuffers(alloc: (n: number) => Float64Array, rows: number): void {
    this.jetCache = alloc(this.bufferLength(rows));
    this.jetCacheX = null;
  }

  init(_params: Float64Array, _rng: Rng): void {}
  prepare(_params: Float64Array): void {}
  finishGradient(_params: Float64Array, _g: Float64Array): void {}

  forward(
    _params: Float64Array,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    rows: number,
  ): void {
    // One loop per function: no per-element dispatch, no boxed intermediate values.
    const n = rows * this.nIn;
    const scale = this.scale;
    const shift = this.shift;
    const k = this.wasmKind >= 0 ? sharedArena(x, y) : undefined;
    if (k !== undefined) {
      k.ewFwd(this.wasmKind, scale, shift, x.byteOffset + 8 * xo, y.byteOffset + 8 * yo, n);
      return;
    }
    switch (this.fn) {
      case "tanh":
        for (let k = 0; k < n; k++) y[yo + k] = shift + scale * Math.tanh(x[xo + k]);
        return;
      case "sigmoid":
        for (let k = 0; k < n; k++) y[yo + k] = shift + scale * sigmoid(x[xo + k]);
        return;
      case "silu":
        for (let k = 0; k < n; k++) {
          const v = x[xo + k];
          y[yo + k] = shift + scale * (v * sigmoid(v));
        }
        return;
      case "relu":
        for (let k = 0; k < n; k++) {
          const v = x[xo + k];
          y[yo + k] = shift + scale * (v > 0 ? v : 0);
        }
        return;
      case "identity":
        for (let k = 0; k < n; k++) y[yo + k] = shift + scale * x[xo + k];
        return;
    }
  }

  backward(
    _params: Float64Array,
    x: Float64Array,
    xo: number,
    gy: Float64Array,
    gx: Float64Array | null,
    _g: Float64Array,
    rows: number,
  ): void {
    if (!gx) return;
    const n = rows * this.nIn;
    const scale = this.scale;
    const k = this.wasmKind >= 0 ? sharedArena(x, gy, gx) : undefined;
    if (k !== undefined) {
      k.ewBwd(this.wasmKind, scale, x.byteOffset + 8 * xo, gy.byteOffset, gx.byteOffset, n);
      return;
    }
    switch (this.fn) {
      case "tanh":
        for (let k = 0; k < n; k++) {
          const t = Math.tanh(x[xo + k]);
          gx[k] = gy[k] * scale * (1 - t * t);
        }
        return;
      case "sigmoid":
        for (let k = 0; k < n; k++) {
          const sg = sigmoid(x[xo + k]);
          gx[k] = gy[k] * scale * (sg * (1 - sg));
        }
        return;
      case "silu":
        for (let k = 0; k < n; k++) {
          const v = x[xo + k];
          const sg = sigmoid(v);
          gx[k] = gy[k] * scale * (sg + v * sg * (1 - sg));
        }
        return;
      case "relu":
        for (let k = 0; k < n; k++) gx[k] = gy[k] * scale * (x[xo + k] > 0 ? 1 : 0);
        return;
      case "identity":
        for (let k = 0; k < n; k++) gx[k] = gy[k] * scale;
        return;
    }
  }

  /**
   * scale f', scale f'', scale f''' per (row, unit) of the last `forwardJet` block, kept for the
   * `backwardJet` of the same block (the network runs a block's reverse pass right after its forward
   * pass), which then skips re-evaluating the activation: the same numbers either way. One `backwardJet`
   * consumes it.
   */
  private jetCache: Float64Array = new Float64Array(0);
  private jetCacheX: Float64Array | null = null;
  private jetCacheXo = -1;
  private jetCacheRows = -1;
  /** Per-unit value-gradient sums of one sample in `backwardJet`. */
  private readonly g0: Float64Array;

  forwardJet(
    _params: Float64Array,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    rows: number,
    shape: JetShape,
    _ctx: JetContext,
  ): void {
    const W = this.nIn;
    if (this.jetCache.length < 3 * rows * W) this.jetCache = new Float64Array(3 * rows * W);
    this.jetCacheX = x;
    this.jetCacheXo = xo;
    this.jetCacheRows = rows;
    const f = this.jetCache;
    const k = this.wasmKind >= 0 ? sharedArena(f, x, y) : undefined;
    if (k !== undefined && shape.C <= k.maxC) {
      stagePairs(k, shape);
      const { C, D, M } = shape;
      const xb = x.byteOffset + 8 * xo;
      const yb = y.byteOffset + 8 * yo;
      k.ewJetFwd(this.wasmKind, this.scale, this.shift, xb, yb, f.byteOffset, C, W, rows, D, M, k.pairs);
      return;
    }
    activationJetDerivs(this.fn, this.scale, this.shift, x, xo, shape.C, W, rows, y, yo, f);
    elementwiseJetForwardBlock(shape, x, xo, y, yo, rows, W, f);
  }

  backwardJet(
    _params: Float64Array,
    x: Float64Array,
    xo: number,
    gy: Float64Array,
    gx: Float64Array | null,
    _g: Float64Array,
    rows: number,
    shape: JetShape,
    _ctx: JetContext,
  ): void {
    if (!gx) return;
    const W = this.nIn;
    const cached = this.jetCacheX === x && this.jetCacheXo === xo && this.jetCacheRows === rows;
    this.jetCacheX = null;
    if (this.jetCache.length < 3 * rows * W) this.jetCache = new Float64Array(3 * rows * W);
    const f = this.jetCache;
    const k = this.wasmKind >= 0 ? sharedArena(f, x, gy, gx) : undefined;
    if (k !== undefined && shape.C <= k.maxC) {
      stagePairs(k, shape);
      const { C, D, M } = shape;
      const xb = x.byteOffset + 8 * xo;
      const have = cached ? 1 : 0;
      const { wasmKind: kind, scale, shift } = this;
      k.ewJetBwd(
        kind,
        scale,
        shift,
        xb,
        gy.byteOffset,
        gx.byteOffset,
        f.byteOffset,
        have,
        C,
        W,
        rows,
        D,
        M,
        k.pairs,
      );
      return;
    }
    if (!cached) {
      activationJetDerivs(this.fn, this.scale, this.shift, x, xo, shape.C, W, rows, null, 0, this.jetCache);
    }
    elementwiseJetBackwardBlock(shape, x, xo, gy, gx, rows, W, this.jetCache, this.g0);
  }

  toSpec(): ElementwiseLayerSpec {
    const spec: ElementwiseLayerSpec = {
      type: "elementwise",
      width: this.nIn,
      fn: this.fn,
      scale: this.scale,
      shift: this.shift,
    };
    if (this.label !== undefined) spec.label = this.label;
    return spec;
  }
}

/** An MLP activation layer. */
export function activation(fn: ActivationFn, width: number): ElementwiseLayer {
  return new ElementwiseLayer({ width, fn, scale: 1, shift: 0, label: "activation" });
}

/**
 * Maps that normalise activations onto a spline domain [a, b]: sigmoid, tanh, or affine from a given input
 * range.
 */
export type NormalizeFn = "sigmoid" | "tanh" | "affine";

/**
 * A normalisation layer onto the spline domain [a, b]: `sigmoid` gives a + (b - a) sigmoid(x) (for
 * [-1, 1] this is 2 sigmoid(x) - 1), `tanh` gives (a + b)/2 + (b - a)/2 tanh(x), and `affine` maps the
 * given input range [lo, hi] linearly onto [a, b].
 */
export function normalize(
  fn: NormalizeFn,
  width: number,
  domain: [number, number],
  inputRange?: [number, number],
): ElementwiseLayer {
  const [a, b] = requireDomain("normalisation domain", domain);
  switch (fn) {
    case "sigmoid":
      return new ElementwiseLayer({
        width,
        fn: "sigmoid",
        scale: b - a,
        shift: a,
        label: `normalize sigmoid onto [${a}, ${b}]`,
      });
    case "tanh":
      return new ElementwiseLayer({
        width,
        fn: "tanh",
        scale: (b - a) / 2,
        shift: (a + b) / 2,
        label: `normalize tanh onto [${a}, ${b}]`,
      });
    case "affine": {
      if (!inputRange) throw new Error("affine normalisation needs the input range [lo, hi]");
      const [lo, hi] = requireDomain("affine input range", inputRange);
      const scale = (b - a) / (hi - lo);
      return new ElementwiseLayer({
        width,
        fn: "identity",
        scale,
        shift: a - scale * lo,
        label: `normalize affine [${lo}, ${hi}] onto [${a}, ${b}]`,
      });
    }
    default:
      throw new Error(`unknown normalisation ${JSON.stringify(fn)} (known: sigmoid, tanh, affine)`);
  }
}
