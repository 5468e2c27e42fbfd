/**
 * B-spline basis evaluation (paper eq. 2, digest section 1.3 and 6): at any x only the r functions
 * `I = j .. j+r-1` of the interval j are nonzero. They are computed once per (sample, input) and shared
 * across all outputs, so a spline edge costs O(r) per sample, independent of the grid size.
 *
 * - Uniform knots: the local truncated-power stencil
 *   `b(x) = 1/(r-1)! sum_{s=0..r} (-1)^s C(r,s) (u - s)_+^{r-1}` on the local coordinate u = (x - t_i)/h,
 *   expanded once per order into the r polynomial pieces on [0, 1) (exact integer arithmetic, one
 *   rounding) and evaluated by Horner: non-recursive, no cancellation between the global ReLU terms.
 * - General knots: de Boor's triangular scheme with derivatives (Piegl and Tiller, algorithm A2.3).
 * - Outside [a, b] every edge continues linearly from its value and slope at the nearer end (DESIGN.md
 *   section 1), so the "basis values" there are `b(a) + (x - a) b'(a)`, slopes `b'(a)`, and zero
 *   curvature (likewise at b, from the left).
 *
 * Output layout for one point: `out[off + d*r + m]` = d-th derivative of basis `span + m`.
 */
import { findInterval, isUniformCubic, type KnotVector, MAX_ORDER } from "./knots.js";

/** Highest derivative order the kernels return. */
export const MAX_DERIV = 3;

/**
 * Polynomial pieces of the uniform (cardinal) B-spline of order r on its r unit intervals, from the
 * truncated-power stencil. `table[(d*r + m)*r + e]` is the coefficient of u^e in the d-th derivative (with
 * respect to the local coordinate u in [0, 1)) of the basis function `span + m` on its interval.
 */
export function uniformPieceTable(r: number): Float64Array {
  let table = pieceCache[r];
  if (table) return table;
  table = new Float64Array((MAX_DERIV + 1) * r * r);
  let fact = 1;
  for (let k = 2; k < r; k++) fact *= k;
  for (let m = 0; m < r; m++) {
    // Basis `span + m` starts r-1-m intervals to the left: its local stencil argument is u + (r-1-m).
    const piece = r - 1 - m;
    const c = new Float64Array(r); // coefficients of u^e, times (r-1)!
    for (let s = 0; s <= piece; s++) {
      const sign = s % 2 === 0 ? 1 : -1;
      const w = sign * binomial(r, s);
      const shift = piece - s; // (u + shift)^{r-1}
      for (let e = 0; e < r; e++) c[e] += w * binomial(r - 1, e) * shift ** (r - 1 - e);
    }
    for (let d = 0; d <= MAX_DERIV; d++) {
      for (let e = 0; e + d < r; e++) {
        let f = 1;
        for (let q = 0; q < d; q++) f *= e + d - q;
        table[(d * r + m) * r + e] = (c[e + d] * f) / fact;
      }
    }
  }
  pieceCache[r] = table;
  return table;
}
const pieceCache: (Float64Array | undefined)[] = [];

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let v = 1;
  for (let i = 1; i <= k; i++) v = (v * (n - k + i)) / i;
  return Math.round(v);
}

// Scratch for de Boor (per module instance, so per worker thread).
const ndu = new Float64Array(MAX_ORDER * MAX_ORDER);
const leftW = new Float64Array(MAX_ORDER);
const rightW = new Float64Array(MAX_ORDER);
const aW = new Float64Array(2 * MAX_ORDER);

/**
 * Evaluates at x the r nonzero basis functions and their derivatives of orders 1..nd (nd <= 3) into
 * `out[off + d*r + m]`, and returns the first nonzero basis index (the span). Allocation free.
 */
export function evalBasisAt(kv: KnotVector, x: number, nd: number, out: Float64Array, off: number): number {
  if (isUniformCubic(kv)) return cubicUniformAt(kv, x, nd, out, off);
  const r = kv.order;
  const j = findInterval(kv, x);
  // Point where the polynomial piece is evaluated: x itself inside [a, b], else the nearer end.
  let xe = x;
  let ext = 0;
  if (x < kv.a) {
    xe = kv.a;
    ext = x - kv.a;
  } else if (x > kv.b) {
    xe = kv.b;
    ext = x - kv.b;
  }
  const ndEval = ext !== 0 && nd < 1 ? 1 : nd;
  if (kv.uniform) evalUniformPiece(kv, r, j, xe, ndEval, out, off);
  else evalDeBoor(kv, r, j, xe, ndEval, out, off);
  if (ext !== 0) {
    // Linear continuation: value + ext * slope; slope unchanged; curvature and higher vanish.
    for (let m = 0; m < r; m++) out[off + m] += ext * out[off + r + m];
    for (let d = 2; d <= nd; d++) for (let m = 0; m < r; m++) out[off + d * r + m] = 0;
  }
  return j;
}

function evalUniformPiece(
  kv: KnotVector,
  r: number,
  j: number,
  x: number,
  nd: number,
  out: Float64Array,
  off: number,
): void {
  const table = uniformPieceTable(r);
  const invh = kv.invh;
  const u = (x - kv.a) * invh - j;
  let scale = 1;
  for (let d = 0; d <= nd; d++) {
    const deg = r - 1 - d;
    for (let m = 0; m < r; m++) {
      if (deg < 0) {
        out[off + d * r + m] = 0;
        continue;
      }
      const base = (d * r + m) * r;
      let acc = table[base + deg];
      for (let e = deg - 1; e >= 0; e--) acc = acc * u + table[base + e];
      out[off + d * r + m] = acc * scale;
    }
    scale *= invh;
  }
}

function evalDeBoor(
  kv: KnotVector,
  r: number,
  j: number,
  x: number,
  nd: number,
  out: Float64Array,
  off: number,
): void {
  const t = kv.t;
  const p = r - 1;
  const K = j + p; // t[K] <= x < t[K+1]
  const R = MAX_ORDER;
  ndu[0] = 1;
  for (let jj = 1; jj <= p; jj++) {
    leftW[jj] = x - t[K + 1 - jj];
    rightW[jj] = t[K + jj] - x;
    let saved = 0;
    for (let rr = 0; rr < jj; rr++) {
      ndu[jj * R + rr] = rightW[rr + 1] + leftW[jj - rr];
      const temp = ndu[rr * R + jj - 1] / ndu[jj * R + rr];
      ndu[rr * R + jj] = saved + rightW[rr + 1] * temp;
      saved = leftW[jj - rr] * temp;
    }
    ndu[jj * R + jj] = saved;
  }
  for (let m = 0; m <= p; m++) out[off + m] = ndu[m * R + p];
  for (let d = 1; d <= nd; d++) for (let m = 0; m <= p; m++) out[off + d * r + m] = 0;
  const ndMax = Math.min(nd, p);
  if (ndMax < 1) return;
  for (let rr = 0; rr <= p; rr++) {
    let s1 = 0;
    let s2 = MAX_ORDER;
    aW[0] = 1;
    for (let k = 1; k <= ndMax; k++) {
      let dsum = 0;
      const rk = rr - k;
      const pk = p - k;
      if (rr >= k) {
        aW[s2] = aW[s1] / ndu[(pk + 1) * R + rk];
        dsum = aW[s2] * ndu[rk * R + pk];
      }
      const j1 = rk >= -1 ? 1 : -rk;
      const j2 = rr - 1 <= pk ? k - 1 : p - rr;
      for (let jj = j1; jj <= j2; jj++) {
        aW[s2 + jj] = (aW[s1 + jj] - aW[s1 + jj - 1]) / ndu[(pk + 1) * R + rk + jj];
        dsum += aW[s2 + jj] * ndu[(rk + jj) * R + pk];
      }
      if (rr <= pk) {
        aW[s2 + k] = -aW[s1 + k - 1] / ndu[(pk + 1) * R + rr];
        dsum += aW[s2 + k] * ndu[rr * R + pk];
      }
      out[off + k * r + rr] = dsum;
      const tmp = s1;
      s1 = s2;
      s2 = tmp;
    }
  }
  let fac = p;
  for (let k = 1; k <= ndMax; k++) {
    for (let m = 0; m <= p; m++) out[off + k * r + m] *= fac;
    fac *= p - k;
  }
}

/** The double nearest 1/6: the cubic basis multiplies by it (a multiplication is cheaper than a division). */
export const ONE_SIXTH = 1 / 6;

/**
 * Uniform cubic B-splines (r = 4), the truncated-power stencil expanded into its four pieces on the local
 * coordinate u = (x - t_j) / h in [0, 1]:
 * b = ((1-u)^3, 3u^3 - 6u^2 + 4, -3u^3 + 3u^2 + 3u + 1, u^3) * ONE_SIXTH,
 * with derivatives up to order 3 and the linear continuation outside [a, b]. This is the canonical
 * evaluation for uniform cubics: the fused kernels (layers/spline-kernel-cubic.ts) and their WASM twins
 * (layers/wasm/spline-cubic.wat) repeat exactly these operations, so every path gives the same bits.
 */
export function cubicUniformAt(
  kv: KnotVector,
  x: number,
  nd: number,
  out: Float64Array,
  off: number,
): number {
  const a = kv.a;
  const invh = kv.invh;
  let xe = x;
  let ext = 0;
  if (x < a) {
    xe = a;
    ext = x - a;
  } else if (x > kv.b) {
    xe = kv.b;
    ext = x - kv.b;
  }
  const t = (xe - a) * invh;
  // The interval of xe (the same floor((xe - a) / h) clamped to [0, n - 1]); a NaN x takes interval 0,
  // like the fused kernels and their WASM twins, so its NaN reaches every value.
  const j = findInterval(kv, xe);
  const u = t - j;
  const w = 1 - u;
  const u2 = u * u;
  const w2 = w * w;
  let b0 = w2 * w * ONE_SIXTH;
  let b1 = (u2 * (3 * u - 6) + 4) * ONE_SIXTH;
  let b2 = (((3 - 3 * u) * u + 3) * u + 1) * ONE_SIXTH;
  let b3 = u2 * u * ONE_SIXTH;
  if (nd >= 1 || ext !== 0) {
    const d0 = -0.5 * w2 * invh;
    const d1 = 0.5 * u * (3 * u - 4) * invh;
    const d2 = 0.5 * ((2 - 3 * u) * u + 1) * invh;
    const d3 = 0.5 * u2 * invh;
    if (ext !== 0) {
      b0 += ext * d0;
      b1 += ext * d1;
      b2 += ext * d2;
      b3 += ext * d3;
    }
    if (nd >= 1) {
      out[off + 4] = d0;
      out[off + 5] = d1;
      out[off + 6] = d2;
      out[off + 7] = d3;
    }
  }
  out[off] = b0;
  out[off + 1] = b1;
  out[off + 2] = b2;
  out[off + 3] = b3;
  if (nd >= 2) {
    if (ext !== 0) out.fill(0, off + 8, off + 4 * (nd + 1));
    else {
      const ih2 = invh * invh;
      out[off + 8] = w * ih2;
      out[off + 9] = (3 * u - 2) * ih2;
      out[off + 10] = (1 - 3 * u) * ih2;
      out[off + 11] = u * ih2;
      if (nd >= 3) {
        const ih3 = ih2 * invh;
        out[off + 12] = -ih3;
        out[off + 13] = 3 * ih3;
        out[off + 14] = -3 * ih3;
        out[off + 15] = ih3;
      }
    }
  }
  return j;
}

/**
 * Batch evaluation: for each x[s], `span[s]` and `out[s*(nd+1)*r + d*r + m]`. The caller provides the
 * arrays (no allocation per call).
 */
export function evalBasis(
  kv: KnotVector,
  x: ArrayLike<number>,
  nd: number,
  span: Int32Array,
  out: Float64Array,
): void {
  const stride = (nd + 1) * kv.order;
  if (span.length < x.length || out.length < x.length * stride) {
    throw new Error(
      `evalBasis: output arrays too small for ${x.length} points (span ${span.length}, out ${out.length}, need ${x.length * stride})`,
    );
  }
  if (nd < 0 || nd > MAX_DERIV || !Number.isInteger(nd)) {
    throw new Error(`derivative order must be an integer in [0, ${MAX_DERIV}], got ${nd}`);
  }
  for (let s = 0; s < x.length; s++) span[s] = evalBasisAt(kv, x[s], nd, out, s * stride);
}

const oneScratch = new Float64Array((MAX_DERIV + 1) * MAX_ORDER);

/**
 * Value (or d-th derivative, d <= 3) at x of the spline sum_I coef[off + I*stride] b_I(x).
 */
export function evalSpline(
  kv: KnotVector,
  coef: ArrayLike<number>,
  x: number,
  d = 0,
  off = 0,
  stride = 1,
): number {
  const r = kv.order;
  const j = evalBasisAt(kv, x, d, oneScratch, 0);
  let acc = 0;
  for (let m = 0; m < r; m++) acc += coef[off + (j + m) * stride] * oneScratch[d * r + m];
  return acc;
}
