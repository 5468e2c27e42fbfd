/**
 * Exact refinement of splines (paper section 4.5, eqs. 24-25; Definition 1 "properly nested"): a coarse
 * spline sum_I u_c[I] b_I is rewritten in the finer basis, u_f = P u_c, with the same function on
 * [a, b] and therefore (linear continuation, DESIGN.md section 1) on the whole real line.
 *
 * - Dyadic (G -> 2G, uniform): `u_f[J] = sum_I 2^(1-r) C(r, J - 2I + r - 1) u_c[I]`. The paper prints
 *   2^(-r): an erratum (digest section 4.5).
 * - Integer factor m (uniform): the cardinal two-scale relation N_r(x/m) = sum_k a_k N_r(x - k) with
 *   sum_k a_k z^k = m^(1-r) (1 + z + ... + z^(m-1))^r.
 * - General nested knots: knot insertion by blossoming. The fine coefficient of b'_J is the blossom of the
 *   coarse polynomial piece on any interval of [a, b] inside supp b'_J, evaluated at the fine knots
 *   t'_{J+1} .. t'_{J+r-1} (dual functionals, de Boor-Fix). This needs only the coarse interior knots to be
 *   fine knots; extension knots are rebuilt for the fine grid.
 *
 * P is stored row-wise with a fixed width: `u_f[J] = sum_k weights[J*width + k] * u_c[start[J] + k]`.
 */
import { binomial } from "./basis.js";
import { basisCount, breakpoints, type KnotVector } from "./knots.js";

/**
 * The prolongation matrix P (u_f = P u_c, eq. 25), stored row-wise with a fixed width (see the file header).
 */
export interface Prolongation {
  readonly nCoarse: number;
  readonly nFine: number;
  readonly width: number;
  readonly start: Int32Array;
  readonly weights: Float64Array;
}

function emptyProlongation(nCoarse: number, nFine: number, width: number): Prolongation {
  return {
    nCoarse,
    nFine,
    width,
    start: new Int32Array(nFine),
    weights: new Float64Array(nFine * width),
  };
}

/**
 * Uniform refinement by an integer factor m of a spline of order r on G coarse intervals (m = 2 is the
 * paper's dyadic prolongation eq. 25 with the corrected factor 2^(1-r)).
 */
export function uniformProlongation(r: number, G: number, m: number): Prolongation {
  // a_k: coefficients of m^(1-r) (1 + z + ... + z^(m-1))^r, k = 0 .. r(m-1).
  let poly = [1];
  for (let q = 0; q < r; q++) {
    const next = new Array<number>(poly.length + m - 1).fill(0);
    for (let i = 0; i < poly.length; i++) for (let s = 0; s < m; s++) next[i + s] += poly[i];
    poly = next;
  }
  const scale = m ** (1 - r);
  const a = poly.map((c) => c * scale);
  if (m === 2) for (let k = 0; k <= r; k++) a[k] = 2 ** (1 - r) * binomial(r, k);
  const nc = G + r - 1;
  const nf = m * G + r - 1;
  const shift = (m - 1) * (r - 1);
  const P = emptyProlongation(nc, nf, r);
  for (let J = 0; J < nf; J++) {
    // k = J - m I + shift in [0, r(m-1)].
    const lo = Math.max(0, Math.ceil((J + shift - r * (m - 1)) / m));
    const hi = Math.min(nc - 1, Math.floor((J + shift) / m));
    const start = Math.max(0, Math.min(lo, nc - r));
    P.start[J] = start;
    for (let I = lo; I <= hi; I++) P.weights[J * r + (I - start)] = a[J - m * I + shift];
  }
  return P;
}

/** Dyadic prolongation G -> 2G (eq. 25 with the corrected factor 2^(1-r)). */
export function dyadicProlongation(r: number, G: number): Prolongation {
  return uniformProlongation(r, G, 2);
}

/**
 * Knot insertion for nested general knots by blossoming. Throws when the knots do not nest (names the
 * first coarse knot missing from the fine grid).
 */
export function insertionProlongation(coarse: KnotVector, fine: KnotVector): Prolongation {
  requireNested(coarse, fine);
  const r = coarse.order;
  const nc = basisCount(coarse);
  const nf = basisCount(fine);
  const tc = coarse.t;
  const tf = fine.t;
  const P = emptyProlongation(nc, nf, r);
  // Blossom of the coarse piece on coarse interval k as a linear map of c[k .. k+r-1]: run de Boor's
  // triangle on the r unit vectors at once (d[m][e] = weight of c[k+e] in intermediate point m).
  const d = new Float64Array(r * r);
  const args = new Float64Array(Math.max(r - 1, 1));
  const fineMid = (q: number) => 0.5 * (tf[q + r - 1] + tf[q + r]);
  for (let J = 0; J < nf; J++) {
    // Fine intervals in supp b'_J: q in [J-r+1, J], restricted to [0, nFineIntervals-1]; take the middle.
    const qlo = Math.max(0, J - r + 1);
    const qhi = Math.min(fine.intervals - 1, J);
    const q = Math.min(qhi, Math.max(qlo, J - Math.floor((r - 1) / 2)));
    const k = coarseIntervalOf(coarse, fineMid(q));
    for (let l = 0; l < r - 1; l++) args[l] = tf[J + 1 + l];
    d.fill(0);
    for (let m = 0; m < r; m++) d[m * r + m] = 1;
    for (let l = 1; l <= r - 1; l++) {
      const u = args[l - 1];
      for (let m = r - 1; m >= l; m--) {
        const ti = tc[k + m];
        const alpha = (u - ti) / (tc[k + m + r - l] - ti);
        for (let e = 0; e < r; e++) d[m * r + e] = (1 - alpha) * d[(m - 1) * r + e] + alpha * d[m * r + e];
      }
    }
    P.start[J] = k;
    for (let e = 0; e < r; e++) P.weights[J * r + e] = d[(r - 1) * r + e];
  }
  return P;
}

function coarseIntervalOf(kv: KnotVector, x: number): number {
  const t = kv.t;
  const off = kv.order - 1;
  let lo = 0;
  let hi = kv.intervals - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t[off + mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Relative tolerance for deciding that a coarse knot is also a fine knot. */
const NEST_TOL = 1e-10;

/** Throws unless `fine` refines `coarse`: same order and domain, coarse breakpoints among fine ones. */
export function requireNested(coarse: KnotVector, fine: KnotVector): void {
  if (coarse.order !== fine.order) {
    throw new Error(`cannot refine: spline order changes from ${coarse.order} to ${fine.order}`);
  }
  const tol = NEST_TOL * (coarse.b - coarse.a);
  if (Math.abs(coarse.a - fine.a) > tol || Math.abs(coarse.b - fine.b) > tol) {
    throw new Error(
      `cannot refine: domain changes from [${coarse.a}, ${coarse.b}] to [${fine.a}, ${fine.b}] (grids do not nest)`,
    );
  }
  const bc = breakpoints(coarse);
  const bf = breakpoints(fine);
  let f = 0;
  for (let i = 0; i < bc.length; i++) {
    while (f < bf.length && bf[f] < bc[i] - tol) f++;
    if (f >= bf.length || Math.abs(bf[f] - bc[i]) > tol) {
      throw new Error(
        `cannot refine: coarse knot ${bc[i]} (breakpoint ${i} of G=${coarse.intervals}) is not a knot of the fine grid G=${fine.intervals} (grids do not nest)`,
      );
    }
  }
}

/**
 * The exact prolongation between nested knot vectors: the closed forms for uniform knots refined by an
 * integer factor, knot insertion otherwise.
 */
export function prolongation(coarse: KnotVector, fine: KnotVector): Prolongation {
  requireNested(coarse, fine);
  if (coarse.uniform && fine.uniform && fine.intervals % coarse.intervals === 0) {
    return uniformProlongation(coarse.order, coarse.intervals, fine.intervals / coarse.intervals);
  }
  return insertionProlongation(coarse, fine);
}

/**
 * Applies P to a strided coefficient vector: `uf[fo + J*fs] = sum_k P_Jk uc[co + k*cs]`.
 */
export function applyProlongation(
  P: Prolongation,
  uc: ArrayLike<number>,
  co: number,
  cs: number,
  uf: Float64Array,
  fo: number,
  fs: number,
): void {
  const w = P.width;
  for (let J = 0; J < P.nFine; J++) {
    const s = P.start[J];
    let acc = 0;
    for (let k = 0; k < w; k++) {
      const wt = P.weights[J * w + k];
      if (wt !== 0) acc += wt * uc[co + (s + k) * cs];
    }
    uf[fo + J * fs] = acc;
  }
}
