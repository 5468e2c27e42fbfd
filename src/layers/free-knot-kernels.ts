/**
 * Forward and backward kernels of the free-knot spline layer (layers/free-knot-layer.ts) on a kernel
 * record: the layer's shape, its current knot vectors and scratch, and the table state
 * (layers/free-knot-tables.ts) when the knots are shared per layer or input and r <= TABLE_MAX_ORDER.
 *
 * Contract: `coef` holds the B-spline coefficients `c[(p*N + i)*Q + q]` from offset `co` (the parameters,
 * or u = A^{-T} w of the relu basis); `y[yo + s*Q + q] = sum_p phi_pq(x[xo + s*P + p])` with linear
 * continuation outside [a, b]. The backward pass adds the coefficient gradients to `g[go + ...]`, writes
 * `gx` (if given), and, with `knots`, adds the knot gradients with respect to the interior breakpoints
 * t_1 .. t_{G-1} of group k to `g[lo + k*G + i]`: directly by a reverse de Boor sweep (tape kernels, see
 * spline/basis-knot-grad.ts), or as moments the caller contracts later (`FreeKnotTables.contract`). The
 * summation order of every output and gradient entry is fixed (inputs in order p = 0 .. P-1, samples in
 * order), so results do not depend on the loop nesting chosen here. No allocation.
 */
import { evalBasisAt } from "../spline/basis.js";
import { knotTapeBackward, knotTapeForward } from "../spline/basis-knot-grad.js";
import type { KnotVector } from "../spline/knots.js";
import type { FreeKnotTables } from "./free-knot-tables.js";
import type { KnotSharing } from "./layer.js";

/** What the free-knot kernels read of their layer (shape, knots, scratch, tables). */
export interface FreeKnotKernel {
  /** Inputs P. */
  readonly nIn: number;
  /** Outputs Q. */
  readonly nOut: number;
  /** Basis functions per edge N = G + r - 1. */
  readonly nBasis: number;
  /** Spline order r. */
  readonly order: number;
  /** Intervals G. */
  readonly grid: number;
  /** Knot sharing (group of edge (p, q): 0, p or p*Q + q). */
  readonly share: KnotSharing;
  /** Current knot vector of every group. */
  readonly kvs: KnotVector[];
  /** Table state, or null for the tape kernels. */
  readonly tables: FreeKnotTables | null;
  /** Basis values and slopes of one point ((MAX_DERIV + 1) * 16 doubles). */
  readonly sc: Float64Array;
  /** Adjoints of the r basis values of one point (16 doubles). */
  readonly gb: Float64Array;
  /** Knot-gradient scratch (one knot vector long). */
  readonly gt: Float64Array;
}

/** Forward pass of a free-knot layer over `rows` samples (see the file header). */
export function freeKnotForward(
  kern: FreeKnotKernel,
  coef: Float64Array,
  co: number,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  rows: number,
): void {
  if (kern.tables) {
    forwardTables(kern, kern.tables, coef, co, x, xo, y, yo, rows);
    return;
  }
  const { nIn: P, nOut: Q, nBasis: N, order: r } = kern;
  const sc = kern.sc;
  const perEdge = kern.share === "edge";
  const shared = kern.share === "layer";
  for (let s = 0; s < rows; s++) {
    const ys = yo + s * Q;
    for (let q = 0; q < Q; q++) y[ys + q] = 0;
    for (let p = 0; p < P; p++) {
      const v = x[xo + s * P + p];
      let j = 0;
      if (!perEdge) j = evalBasisAt(kern.kvs[shared ? 0 : p], v, 0, sc, 0);
      for (let q = 0; q < Q; q++) {
        if (perEdge) j = evalBasisAt(kern.kvs[p * Q + q], v, 0, sc, 0);
        let acc = 0;
        const cb = co + (p * N + j) * Q + q;
        for (let m = 0; m < r; m++) acc += coef[cb + m * Q] * sc[m];
        y[ys + q] += acc;
      }
    }
  }
}

/** The forward pass on the tables (knots per layer or input), everything in locals. */
function forwardTables(
  kern: FreeKnotKernel,
  tables: FreeKnotTables,
  coef: Float64Array,
  co: number,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  rows: number,
): void {
  const { nIn: P, nOut: Q, nBasis: N, order: r, grid: G } = kern;
  const V = tables.V;
  const loc = tables.loc;
  const sc = kern.sc;
  const perInput = kern.share === "input";
  const rr = r * r;
  if (kern.share === "edge") {
    for (let s = 0; s < rows; s++) {
      const ys = yo + s * Q;
      for (let q = 0; q < Q; q++) y[ys + q] = 0;
      for (let p = 0; p < P; p++) {
        const v = x[xo + s * P + p];
        for (let q = 0; q < Q; q++) {
          const j = tables.evaluate(p * Q + q, v, false);
          const cb = co + (p * N + j) * Q + q;
          let acc = 0;
          for (let m = 0; m < r; m++) acc += coef[cb + m * Q] * sc[m];
          y[ys + q] += acc;
        }
      }
    }
    return;
  }
  // Inputs outer, samples inner (input p's coefficient rows stay in cache); every output still sums
  // its inputs in order p = 0 .. P-1 (same bits as samples outer).
  y.fill(0, yo, yo + rows * Q);
  for (let p = 0; p < P; p++) {
    for (let s = 0; s < rows; s++) {
      const ys = yo + s * Q;
      const v = x[xo + s * P + p];
      const k = perInput ? p : 0;
      const j = tables.locate(k, v);
      const u = loc[0];
      const ih = loc[1];
      const ext = loc[2];
      const vb = (k * G + j) * rr;
      if (ext === 0) {
        for (let m = 0; m < r; m++) {
          const cb = vb + m * r;
          let val = V[cb + r - 1];
          for (let e = r - 2; e >= 0; e--) val = val * u + V[cb + e];
          sc[m] = val;
        }
      } else {
        for (let m = 0; m < r; m++) {
          const cb = vb + m * r;
          let val = V[cb + r - 1];
          let der = 0;
          for (let e = r - 2; e >= 0; e--) {
            der = der * u + val;
            val = val * u + V[cb + e];
          }
          sc[m] = val + ext * der * ih;
        }
      }
      const cb = co + (p * N + j) * Q;
      if (r === 4) {
        // Cubic: the four basis values in registers, one pass over the outputs.
        const b0 = sc[0];
        const b1 = sc[1];
        const b2 = sc[2];
        const b3 = sc[3];
        for (let q = 0; q < Q; q++) {
          const c = cb + q;
          y[ys + q] += coef[c] * b0 + coef[c + Q] * b1 + coef[c + 2 * Q] * b2 + coef[c + 3 * Q] * b3;
        }
      } else {
        for (let q = 0; q < Q; q++) {
          let acc = 0;
          for (let m = 0; m < r; m++) acc += coef[cb + m * Q + q] * sc[m];
          y[ys + q] += acc;
        }
      }
    }
  }
}

/**
 * Backward pass of a free-knot layer over `rows` samples (see the file header): coefficient gradients at
 * `go`, knot gradients (with `knots`) at `lo`, input gradients into gx.
 */
export function freeKnotBackward(
  kern: FreeKnotKernel,
  coef: Float64Array,
  co: number,
  go: number,
  lo: number,
  knots: boolean,
  x: Float64Array,
  xo: number,
  gy: Float64Array,
  gx: Float64Array | null,
  g: Float64Array,
  rows: number,
): void {
  const { nIn: P, nOut: Q, nBasis: N, order: r, grid: G } = kern;
  const sc = kern.sc;
  const gb = kern.gb;
  const perEdge = kern.share === "edge";
  const shared = kern.share === "layer";
  const tables = kern.tables;
  // Inputs outer, samples inner (input p's coefficient rows stay in cache) when the knot groups of
  // different inputs are disjoint: every gradient entry then receives its terms in the same order as
  // samples outer (same bits). Knots shared by the layer keep samples outer.
  const pOuter = !shared;
  const nOuter = pOuter ? P : rows;
  const nInner = pOuter ? rows : P;
  for (let io = 0; io < nOuter; io++) {
    for (let ii = 0; ii < nInner; ii++) {
      const s = pOuter ? ii : io;
      const p = pOuter ? io : ii;
      const gys = s * Q;
      const v = x[xo + s * P + p];
      let dx = 0;
      if (tables && perEdge) {
        const M = tables.M;
        const pw = tables.pw;
        for (let q = 0; q < Q; q++) {
          const k = p * Q + q;
          const j = tables.evaluate(k, v, true);
          const gq = gy[gys + q];
          const mb0 = (k * G + j) * r * r;
          for (let m = 0; m < r; m++) {
            const at = (p * N + j + m) * Q + q;
            const acc = gq * coef[co + at];
            g[go + at] += gq * sc[m];
            dx += acc * sc[r + m];
            if (knots) {
              const mb = mb0 + m * r;
              for (let e = 0; e < r; e++) M[mb + e] += acc * pw[e];
            }
          }
          if (knots) tables.touch(k * G + j);
        }
      } else if (tables) {
        const M = tables.M;
        const pw = tables.pw;
        const k = shared ? 0 : p;
        const j = tables.evaluate(k, v, true);
        if (r === 4) {
          // Cubic: one pass over the outputs with the four values in registers.
          const b0 = sc[0];
          const b1 = sc[1];
          const b2 = sc[2];
          const b3 = sc[3];
          const c0 = co + (p * N + j) * Q;
          const g0 = go + (p * N + j) * Q;
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          let a3 = 0;
          for (let q = 0; q < Q; q++) {
            const gq = gy[gys + q];
            const c = c0 + q;
            const gi = g0 + q;
            a0 += gq * coef[c];
            a1 += gq * coef[c + Q];
            a2 += gq * coef[c + 2 * Q];
            a3 += gq * coef[c + 3 * Q];
            g[gi] += gq * b0;
            g[gi + Q] += gq * b1;
            g[gi + 2 * Q] += gq * b2;
            g[gi + 3 * Q] += gq * b3;
          }
          dx += a0 * sc[4] + a1 * sc[5] + a2 * sc[6] + a3 * sc[7];
          if (knots) {
            const mb = (k * G + j) * 16;
            const p0 = pw[0];
            const p1 = pw[1];
            const p2 = pw[2];
            const p3 = pw[3];
            M[mb] += a0 * p0;
            M[mb + 1] += a0 * p1;
            M[mb + 2] += a0 * p2;
            M[mb + 3] += a0 * p3;
            M[mb + 4] += a1 * p0;
            M[mb + 5] += a1 * p1;
            M[mb + 6] += a1 * p2;
            M[mb + 7] += a1 * p3;
            M[mb + 8] += a2 * p0;
            M[mb + 9] += a2 * p1;
            M[mb + 10] += a2 * p2;
            M[mb + 11] += a2 * p3;
            M[mb + 12] += a3 * p0;
            M[mb + 13] += a3 * p1;
            M[mb + 14] += a3 * p2;
            M[mb + 15] += a3 * p3;
          }
        } else
          for (let m = 0; m < r; m++) {
            const bm = sc[m];
            const acc = accumulateRow(gy, gys, coef, co, g, go, (p * N + j + m) * Q, Q, bm);
            dx += acc * sc[r + m];
            if (knots) {
              // Moments of interval j: M[m][e] += G_m * (d/dt of the effective value)'s u-weights.
              const mb = ((k * G + j) * r + m) * r;
              for (let e = 0; e < r; e++) M[mb + e] += acc * pw[e];
            }
          }
        if (knots) tables.touch(k * G + j);
      } else if (!perEdge) {
        const k = shared ? 0 : p;
        const kv = kern.kvs[k];
        const j = knotTapeForward(kv, v, sc, 0);
        for (let m = 0; m < r; m++) {
          const acc = accumulateRow(gy, gys, coef, co, g, go, (p * N + j + m) * Q, Q, sc[m]);
          gb[m] = acc;
          dx += acc * sc[r + m];
        }
        if (knots) addKnotGradient(kern, kv, j, g, lo + k * G);
      } else {
        for (let q = 0; q < Q; q++) {
          const k = p * Q + q;
          const kv = kern.kvs[k];
          const j = knotTapeForward(kv, v, sc, 0);
          const gq = gy[gys + q];
          for (let m = 0; m < r; m++) {
            const at = (p * N + j + m) * Q + q;
            const acc = gq * coef[co + at];
            g[go + at] += gq * sc[m];
            gb[m] = acc;
            dx += acc * sc[r + m];
          }
          if (knots) addKnotGradient(kern, kv, j, g, lo + k * G);
        }
      }
      if (gx) gx[s * P + p] = dx;
    }
  }
}

/**
 * One coefficient row of one sample (knots shared over the outputs): adds gy_q * b_m to the gradient of
 * c_{row + q} for every output q and returns the adjoint `sum_q gy_q c_{row + q}` of the basis value b_m.
 */
function accumulateRow(
  gy: Float64Array,
  gys: number,
  coef: Float64Array,
  co: number,
  g: Float64Array,
  go: number,
  row: number,
  Q: number,
  bm: number,
): number {
  let acc = 0;
  for (let q = 0; q < Q; q++) {
    const gq = gy[gys + q];
    acc += gq * coef[co + row + q];
    g[go + row + q] += gq * bm;
  }
  return acc;
}

/** Reverse sweep of the last tape with adjoints gb, interior knot gradients into g[at + i], i = 1..G-1. */
function addKnotGradient(kern: FreeKnotKernel, kv: KnotVector, j: number, g: Float64Array, at: number): void {
  const r = kern.order;
  const gt = kern.gt;
  const hi = j + 2 * r;
  for (let k = j; k < hi; k++) gt[k] = 0;
  knotTapeBackward(kv, kern.gb, 0, gt, 0);
  // Knot index k of t is breakpoint i = k - r + 1; only i = 1 .. G-1 are free.
  const kLo = Math.max(j, r);
  const kHi = Math.min(hi - 1, kern.grid + r - 2);
  for (let k = kLo; k <= kHi; k++) g[at + k - r + 1] += gt[k];
}
