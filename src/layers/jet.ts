/**
 * Forward jets for PINNs (DESIGN.md section 3): each activation carries its value, its first derivatives
 * with respect to D chosen input coordinates, and M chosen second derivatives (pairs (k, l); the Hessian
 * diagonal is the pairs (k, k)). A block of jets is stored channel-major per sample:
 * `J[(s*C + c)*W + p]`, channel c = 0 the value, 1..D the first derivatives, 1+D..D+M the second ones,
 * C = 1 + D + M, W the layer width. Each layer propagates jets exactly (chain rule to second order) and
 * the reverse pass runs back through them, so the parameter gradient of any loss written from the jet
 * outputs costs a small constant times a plain step: no nested autograd, no finite differences.
 */
import { requireInteger } from "../util/validate.js";

export interface JetShape {
  /** Input coordinates differentiated: first derivative channel k is d/dx_{dims[k]}. */
  readonly dims: Int32Array;
  /** D = dims.length. */
  readonly D: number;
  /** Number of second-derivative channels. */
  readonly M: number;
  /** Pairs (k, l) of indices into `dims`: channel 1+D+m is d^2 / dx_{dims[k]} dx_{dims[l]}. */
  readonly pairK: Int32Array;
  readonly pairL: Int32Array;
  /** Channels per unit, 1 + D + M. */
  readonly C: number;
}

export interface JetSpec {
  /** Input coordinates to differentiate (default: all inputs). */
  dims?: number[];
  /**
   * Second derivatives as pairs of positions in `dims`, e.g. [[0, 0], [1, 1]] for the Laplacian in 2-D
   * (default: the Hessian diagonal). Use [] for first derivatives only.
   */
  pairs?: [number, number][];
}

export function jetShape(spec: JetSpec, nIn: number): JetShape {
  const dims = spec.dims ?? Array.from({ length: nIn }, (_, i) => i);
  if (!Array.isArray(dims) || dims.length === 0)
    throw new Error("jet dims must list at least one input coordinate");
  for (const [i, d] of dims.entries()) requireInteger(`jet dims[${i}]`, d, 0, nIn - 1);
  if (new Set(dims).size !== dims.length)
    throw new Error(`jet dims must be distinct, got ${JSON.stringify(dims)}`);
  const pairs = spec.pairs ?? dims.map((_, k) => [k, k] as [number, number]);
  if (!Array.isArray(pairs)) throw new Error("jet pairs must be an array of [k, l] pairs");
  const D = dims.length;
  const pairK = new Int32Array(pairs.length);
  const pairL = new Int32Array(pairs.length);
  for (const [m, pair] of pairs.entries()) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`jet pairs[${m}] must be a pair [k, l]`);
    pairK[m] = requireInteger(`jet pairs[${m}][0]`, pair[0], 0, D - 1);
    pairL[m] = requireInteger(`jet pairs[${m}][1]`, pair[1], 0, D - 1);
  }
  return { dims: Int32Array.from(dims), D, M: pairs.length, pairK, pairL, C: 1 + D + pairs.length };
}

/** Per-evaluation context handed to the layers' jet methods. */
export interface JetContext {
  /** Global index of the block's first sample. */
  start: number;
  /**
   * Side of the one-sided derivative at kinks (e.g. |x| at x = 0), per sample: -1 left, +1 right.
   * Absent: right-sided.
   */
  sides: Int8Array | null;
}
