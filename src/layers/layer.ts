/**
 * The layer contract of the network engine. A network is a list of layers over one flat Float64Array of
 * parameters (DESIGN.md section 2); each layer owns the slice `[offset, offset + paramCount)`.
 *
 * Samples are processed in blocks of rows (row-major activations `x[s*nIn + p]`); every array argument
 * comes with an explicit offset so that no views are created inside a training step. A step is:
 * `prepare` once per layer (per-step reparametrisations such as u = A^{-T} w), then for each block a
 * forward and a backward pass that *accumulate* the parameter gradient into `g` at the layer's offset,
 * then `finishGradient` once (mapping the accumulated gradient back to the trainable parametrisation).
 */

import type { Rng } from "../util/random.js";
import type { JetContext, JetShape } from "./jet.js";
import type { SymbolicEdgeSpec } from "./symbolic-edges.js";

/**
 * The layer contract (see the file header): sizes, a parameter slice, prepare/forward/backward, jets, and
 * its spec.
 */
export interface Layer {
  readonly type: string;
  readonly nIn: number;
  readonly nOut: number;
  readonly paramCount: number;
  /** Start of this layer's parameters in the network's vector (assigned by the network). */
  offset: number;
  /** Writes freshly initialised parameters into params[offset ..]. */
  init(params: Float64Array, rng: Rng): void;
  /** Per-step preparation from the current parameters; cheap (no per-sample work). */
  prepare(params: Float64Array): void;
  /** y[yo + s*nOut + q] for rows samples from x[xo + s*nIn + p]. */
  forward(params: Float64Array, x: Float64Array, xo: number, y: Float64Array, yo: number, rows: number): void;
  /**
   * Given the layer input x and dLoss/dy, adds dLoss/dparams into g[offset ..] (in the prepared
   * coordinates) and, if gx is not null, writes dLoss/dx into gx.
   */
  backward(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    gy: Float64Array,
    gx: Float64Array | null,
    g: Float64Array,
    rows: number,
  ): void;
  /**
   * Jet forward (jet.ts): x and y in jet layout `[(s*C + c)*width + unit]`, rows samples.
   */
  forwardJet(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    rows: number,
    shape: JetShape,
    ctx: JetContext,
  ): void;
  /**
   * Reverse pass through the jets: adds dLoss/dparams into g and, if gx is not null, *writes* dLoss/d(input
   * jet channels) into gx (jet layout, offset 0).
   */
  backwardJet(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    gy: Float64Array,
    gx: Float64Array | null,
    g: Float64Array,
    rows: number,
    shape: JetShape,
    ctx: JetContext,
  ): void;
  /**
   * Optional: called once after the blocks of a reduction slot (`Network.gradientSlot`), to add into g
   * gradient terms the layer accumulated across the slot's blocks (free-knot layers contract their knot
   * moments here, once per slot instead of once per block).
   */
  endSlot?(g: Float64Array): void;
  /** Maps the accumulated gradient in g[offset ..] to the trainable parametrisation (after reduction). */
  finishGradient(params: Float64Array, g: Float64Array): void;
  /** The serialisable description (without parameters). */
  toSpec(): LayerSpec;
}

/**
 * Parametrisation of a spline layer: B-spline coefficients u ("spline") or power-ReLU weights w = A^T u
 * ("relu", eq. 7).
 */
export type Basis = "spline" | "relu";

/** Serialisable description of a spline KAN layer (paper eq. 6). */
export interface SplineLayerSpec {
  type: "spline";
  nIn: number;
  nOut: number;
  /** Spline order r (degree r - 1; pykan's k is the degree). */
  order: number;
  /** Number of intervals G on the domain (ignored when `breakpoints` is given). */
  grid: number;
  domain: [number, number];
  /** General (non-uniform) knots: the breakpoints a = t_0 < ... < t_G = b. */
  breakpoints?: number[];
  /** Trainable parametrisation: B-spline coefficients u, or power-ReLU weights w = A^T u (eq. 7). */
  basis: Basis;
  /** pykan-style edge `w_b * silu(x) + w_s * spline(x)` instead of the paper's plain spline (eq. 6). */
  base?: boolean;
  /** Standard deviation of the N(0, std^2) initial spline coefficients (default 0.1). */
  initStd?: number;
  /** Edges replaced by library functions `c f(a x + b) + d` (layers/symbolic-edges.ts). */
  symbolic?: SymbolicEdgeSpec[];
  /**
   * Pruned edges (pykan's `mask`): nIn * nOut entries `mask[p*nOut + q]`, 1 for a live edge and 0 for a
   * removed one. A removed edge's coefficients (and base weights) are zero at initialisation and get a
   * zero gradient, so it computes 0 and stays 0 while training. Absent: every edge is live.
   */
  mask?: number[];
}

/** Serialisable description of a dense layer y = W x (+ b). */
export interface LinearLayerSpec {
  type: "linear";
  nIn: number;
  nOut: number;
  bias: boolean;
}

/** Scalar functions of elementwise layers. */
export type ActivationFn = "tanh" | "sigmoid" | "relu" | "silu" | "identity";

/**
 * Elementwise map y = shift + scale * f(x). MLP activations use scale 1, shift 0; normalisation layers
 * map onto a spline domain [a, b] (sigmoid: a + (b-a) sigmoid(x); tanh: mid + half tanh(x); affine: a
 * given input range [lo, hi] onto [a, b]).
 */
export interface ElementwiseLayerSpec {
  type: "elementwise";
  width: number;
  fn: ActivationFn;
  scale: number;
  shift: number;
  /** Informative label ("activation", "normalize sigmoid onto [0, 1]", ...). */
  label?: string;
}

/** Scalar maps of a feature layer: z, |z|, cos(pi z), sin(pi z), asinh(g z) / asinh(g). */
export type FeatureKind = "identity" | "abs" | "cos" | "sin" | "asinh";

/** One output feature of a feature layer: a map of z = scale * x_input + shift. */
export interface Feature {
  /** Input coordinate. */
  input: number;
  kind: FeatureKind;
  /** z = scale * x + shift (defaults 1 and 0). */
  scale?: number;
  shift?: number;
  /**
   * Gain g > 0 of the `asinh` kind (default 1; only that kind takes one): asinh(g z) / asinh(g), a graded
   * coordinate with slope g / asinh(g) at z = 0 (layers/features.ts).
   */
  gain?: number;
}

/** Serialisable description of a feature layer (nIn inputs, one output per feature). */
export interface FeatureLayerSpec {
  type: "features";
  nIn: number;
  features: Feature[];
}

/** Which edges of a free-knot layer share one trainable knot vector. */
export type KnotSharing = "layer" | "input" | "edge";

/**
 * Serialisable description of a free-knot spline layer (layers/free-knot-layer.ts; the knots themselves
 * live in the parameters, as logits).
 */
export interface FreeKnotLayerSpec {
  type: "free-spline";
  nIn: number;
  nOut: number;
  /** Spline order r >= 2 (degree r - 1). */
  order: number;
  /** Number of intervals G on the domain. */
  grid: number;
  /** Domain [a, b]; a and b are fixed knots. */
  domain: [number, number];
  /** Trainable parametrisation: B-spline coefficients, or power-ReLU weights w = A(t)^T u. */
  basis: Basis;
  /** Knot groups: one knot vector per layer, per input node, or per edge. Default "input". */
  share?: KnotSharing;
  /** Minimum knot spacing as a fraction of the uniform spacing (b - a) / G, in (0, 1). Default 0.1. */
  minGap?: number;
  /** Whether the knots are trained (false: frozen, zero gradient). Default true. */
  trainKnots?: boolean;
  /** Initial breakpoints a = t_0 < ... < t_G = b of every group (default uniform). */
  breakpoints?: number[];
  /** Standard deviation of the N(0, std^2) initial spline coefficients (default 0.1). */
  initStd?: number;
}

/** Serialisable description of any layer (`createLayer` builds it). */
export type LayerSpec =
  | SplineLayerSpec
  | LinearLayerSpec
  | ElementwiseLayerSpec
  | FeatureLayerSpec
  | FreeKnotLayerSpec;
