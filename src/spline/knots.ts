/**
 * Knot vectors of the paper's section 2 (digest section 1.3): `n` intervals on `[a, b]`, strictly
 * increasing knots `t_{1-r} < ... < t_0 = a < ... < t_n = b < ... < t_{n+r-1}`, extended by `r - 1`
 * knots beyond each end, and `n + r - 1` B-splines `b_i^[r]`, `i = 1-r .. n-1`, of order `r`
 * (degree `r - 1`).
 *
 * Arrays are zero-based: `t[k]` holds the paper's `t_{k-r+1}`, so `t[r-1] = a` and `t[n+r-1] = b`, and
 * basis function `I` (the paper's `i = I - r + 1`) is supported on `[t[I], t[I+r]]`. On interval
 * `j` (`t[j+r-1] <= x < t[j+r]`, `j = 0 .. n-1`) the nonzero basis functions are `I = j .. j+r-1`.
 */
import { requireDomain, requireFinite, requireInteger } from "../util/validate.js";

export interface KnotVector {
  /** Spline order r (degree r - 1). */
  readonly order: number;
  /** Number of intervals n (the grid size G) on [a, b]. */
  readonly intervals: number;
  readonly a: number;
  readonly b: number;
  /** All n + 2r - 1 knots, extension knots included. */
  readonly t: Float64Array;
  /** True for knots built by `uniformKnots`: evaluation then uses the local stencil. */
  readonly uniform: boolean;
  /** Knot spacing for uniform knots, NaN otherwise. */
  readonly h: number;
  /** 1 / h for uniform knots (every kernel computes local coordinates as (x - a) * invh), NaN otherwise. */
  readonly invh: number;
}

/** Largest supported order; the basis kernels allocate their tables up to this. */
export const MAX_ORDER = 12;

/** Number of basis functions, n + r - 1. */
export function basisCount(kv: KnotVector): number {
  return kv.intervals + kv.order - 1;
}

function requireOrder(r: unknown): number {
  return requireInteger("spline order r", r, 1, MAX_ORDER);
}

/** Uniform knots: G intervals on [a, b], extended by r - 1 knots of the same spacing on each side. */
export function uniformKnots(domain: readonly [number, number], G: number, r: number): KnotVector {
  const [a, b] = requireDomain("domain", domain);
  requireInteger("grid size G", G, 1);
  requireOrder(r);
  const h = (b - a) / G;
  if (!(h > 0) || !Number.isFinite(h))
    throw new Error(`domain [${a}, ${b}] with G = ${G} gives spacing ${h}`);
  const t = new Float64Array(G + 2 * r - 1);
  for (let k = 0; k < t.length; k++) {
    const i = k - r + 1;
    // Exact endpoints; interior knots as a + i h.
    t[k] = i === 0 ? a : i === G ? b : a + i * h;
  }
  return { order: r, intervals: G, a, b, t, uniform: true, h, invh: 1 / h };
}

/**
 * General knots from the breakpoints `a = t_0 < ... < t_n = b` on the domain. The r - 1 extension knots
 * on each side continue the spacing of the first and last interval, unless given explicitly in
 * `extension` ({ left, right }, each r - 1 knots, increasing, outside [a, b]).
 */
export function generalKnots(
  breakpoints: ArrayLike<number>,
  r: number,
  extension?: { left: ArrayLike<number>; right: ArrayLike<number> },
): KnotVector {
  requireOrder(r);
  const n = breakpoints.length - 1;
  if (n < 1) throw new Error(`breakpoints must hold at least 2 values (a and b), got ${breakpoints.length}`);
  for (let i = 0; i <= n; i++) requireFinite(`breakpoints[${i}]`, breakpoints[i]);
  for (let i = 1; i <= n; i++) {
    if (!(breakpoints[i] > breakpoints[i - 1])) {
      throw new Error(
        `breakpoints must be strictly increasing, got breakpoints[${i - 1}] = ${breakpoints[i - 1]} >= breakpoints[${i}] = ${breakpoints[i]}`,
      );
    }
  }
  const t = new Float64Array(n + 2 * r - 1);
  for (let i = 0; i <= n; i++) t[i + r - 1] = breakpoints[i];
  const a = breakpoints[0];
  const b = breakpoints[n];
  if (extension) {
    if (extension.left.length !== r - 1 || extension.right.length !== r - 1) {
      throw new Error(
        `extension knots must be r - 1 = ${r - 1} on each side, got ${extension.left.length} left and ${extension.right.length} right`,
      );
    }
    for (let k = 0; k < r - 1; k++) {
      t[k] = requireFinite(`extension.left[${k}]`, extension.left[k]);
      t[n + r + k] = requireFinite(`extension.right[${k}]`, extension.right[k]);
    }
  } else {
    const hl = breakpoints[1] - a;
    const hr = b - breakpoints[n - 1];
    for (let k = 1; k < r; k++) {
      t[r - 1 - k] = a - k * hl;
      t[n + r - 1 + k] = b + k * hr;
    }
  }
  return knotVector(t, r);
}

/**
 * A knot vector from all n + 2r - 1 knots (extension knots included); validates that they are finite
 * and strictly increasing.
 */
export function knotVector(knots: ArrayLike<number>, r: number): KnotVector {
  requireOrder(r);
  const n = knots.length - 2 * r + 1;
  if (n < 1) {
    throw new Error(`a knot vector of order ${r} needs at least ${2 * r} knots, got ${knots.length}`);
  }
  const t = Float64Array.from(knots as ArrayLike<number>);
  for (let k = 0; k < t.length; k++) requireFinite(`knots[${k}]`, t[k]);
  for (let k = 1; k < t.length; k++) {
    if (!(t[k] > t[k - 1])) {
      throw new Error(
        `knots must be strictly increasing, got knots[${k - 1}] = ${t[k - 1]} >= knots[${k}] = ${t[k]}`,
      );
    }
  }
  return {
    order: r,
    intervals: n,
    a: t[r - 1],
    b: t[n + r - 1],
    t,
    uniform: false,
    h: Number.NaN,
    invh: Number.NaN,
  };
}

/** The breakpoints t_0 .. t_n on [a, b]. */
export function breakpoints(kv: KnotVector): Float64Array {
  return kv.t.slice(kv.order - 1, kv.order + kv.intervals);
}

/**
 * Interval index j in [0, n-1] used to evaluate at x: the interval containing x for x in [a, b) (x = b
 * belongs to the last interval), 0 left of a and n - 1 right of b.
 */
export function findInterval(kv: KnotVector, x: number): number {
  const n = kv.intervals;
  if (!(x > kv.a)) return 0;
  if (!(x < kv.b)) return n - 1;
  if (kv.uniform) {
    const j = Math.floor((x - kv.a) * kv.invh);
    return j < 0 ? 0 : j >= n ? n - 1 : j;
  }
  // Binary search among the breakpoints t[r-1 .. n+r-1].
  const t = kv.t;
  const off = kv.order - 1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t[off + mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Whether splines on these knots take the fused uniform-cubic paths (`cubicUniformAt`, the cubic and
 * WASM layer kernels): uniform knots and order r = 4. The one predicate for that choice.
 */
export function isUniformCubic(kv: { readonly uniform: boolean; readonly order: number }): boolean {
  return kv.uniform && kv.order === 4;
}

/** A short human description, e.g. "uniform G=5 r=4 on [0, 1]". */
export function describeKnots(kv: KnotVector): string {
  return `${kv.uniform ? "uniform" : "general"} G=${kv.intervals} r=${kv.order} on [${kv.a}, ${kv.b}]`;
}

/**
 * True when a grid of `fine` intervals nests in one of `coarse` intervals by even subdivision: `fine` is
 * an integer multiple of `coarse` (factor 1 included). The one grid-size nesting rule of the library
 * (the trainer's level check, the refinement of general knots to a grid size, the CLI's --grids).
 */
export function gridsNest(coarse: number, fine: number): boolean {
  return (
    Number.isInteger(coarse) && coarse >= 1 && Number.isInteger(fine) && fine >= coarse && fine % coarse === 0
  );
}

/** Refines knots by an integer factor: every interval on [a, b] is split into `factor` equal parts. */
export function subdivideKnots(kv: KnotVector, factor: number): KnotVector {
  requireInteger("refinement factor", factor, 1);
  if (kv.uniform) return uniformKnots([kv.a, kv.b], kv.intervals * factor, kv.order);
  const bp = breakpoints(kv);
  const fine = new Float64Array(kv.intervals * factor + 1);
  for (let j = 0; j < kv.intervals; j++) {
    const lo = bp[j];
    const hi = bp[j + 1];
    for (let s = 0; s < factor; s++) fine[j * factor + s] = s === 0 ? lo : lo + ((hi - lo) * s) / factor;
  }
  fine[fine.length - 1] = kv.b;
  return generalKnots(fine, kv.order);
}
