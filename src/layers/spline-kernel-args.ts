/**
 * Named arguments of the spline-layer kernels (paper eq. 6; layouts in spline-kernel.ts and jet.ts).
 * A layer keeps one record per pass and refills it before each call, so a step allocates nothing; the
 * generic, fused-cubic and WASM kernels all read the same records.
 */
import type { KnotVector } from "../spline/knots.js";
import type { JetShape } from "./jet.js";

/** What every pass reads: the knots, the edge counts and the coefficients `coef[coff + (p*N + i)*Q + q]`. */
export interface SplineKernelHead {
  /** Knot vector shared by all edges of the layer (N = intervals + order - 1 basis functions). */
  kv: KnotVector;
  /** Inputs P and outputs Q of the layer. */
  P: number;
  Q: number;
  /** Coefficient tensor [p][i][q] and its offset. */
  coef: Float64Array;
  coff: number;
  /** Inputs of `rows` samples, row-major (`x[xo + s*P + p]`, or jet layout for the jet passes). */
  x: Float64Array;
  xo: number;
  rows: number;
  /** Basis work space of the generic kernels (at least 4r entries; the jet passes need 4r + 2M + D). */
  scratch: Float64Array;
}

/** Forward pass: `y[yo + s*Q + q] = sum_p phi_pq(x_sp)` (overwritten). */
export interface SplineForwardArgs extends SplineKernelHead {
  y: Float64Array;
  yo: number;
}

/**
 * Backward pass: adds dLoss/dcoef into `g` from `goff` (the layer's offset in the gradient) and, when
 * `gx` is not null, writes dLoss/dx into it; `gy` holds dLoss/dy of the block (offset 0).
 */
export interface SplineBackwardArgs extends SplineKernelHead {
  gy: Float64Array;
  gx: Float64Array | null;
  g: Float64Array;
  goff: number;
}

/** Jet forward: as the forward pass on jets of `shape` (per-output work vectors f1, f2 of Q entries). */
export interface SplineJetForwardArgs extends SplineForwardArgs {
  shape: JetShape;
  f1: Float64Array;
  f2: Float64Array;
}

/** Jet backward: as the backward pass on jets (per-output work vectors f1, f2, a1, a2 of Q entries). */
export interface SplineJetBackwardArgs extends SplineBackwardArgs {
  shape: JetShape;
  f1: Float64Array;
  f2: Float64Array;
  a1: Float64Array;
  a2: Float64Array;
}
