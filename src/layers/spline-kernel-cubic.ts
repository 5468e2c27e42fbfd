/**
 * Fused kernels for the common case: uniform knots, cubic splines (r = 4). The basis of
 * `cubicUniformAt` (spline/basis.ts) is computed inline, with exactly the same operations, so these
 * kernels give the same bits as the generic ones; the four-term sums over the nonzero basis functions
 * are unrolled. Layout and semantics as in spline-kernel.ts.
 */
import type { KnotVector } from "../spline/knots.js";

export function cubicForward(
  kv: KnotVector,
  P: number,
  Q: number,
  coef: Float64Array,
  coff: number,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  rows: number,
): void {
  const a = kv.a;
  const bEnd = kv.b;
  const invh = kv.invh;
  const n = kv.intervals;
  const NQ = (n + 3) * Q;
  y.fill(0, yo, yo + rows * Q);
  for (let p = 0; p < P; p++) {
    const pbase = coff + p * NQ;
    for (let s = 0; s < rows; s++) {
      const xv = x[xo + s * P + p];
      let xe = xv;
      let ext = 0;
      if (xv < a) {
        xe = a;
        ext = xv - a;
      } else if (xv > bEnd) {
        xe = bEnd;
        ext = xv - bEnd;
      }
      const t = (xe - a) * invh;
      let j = Math.floor(t);
      if (j > n - 1) j = n - 1;
      if (j < 0) j = 0;
      const u = t - j;
      const w = 1 - u;
      const u2 = u * u;
      const w2 = w * w;
      let b0 = (w2 * w) / 6;
      let b1 = (u2 * (3 * u - 6) + 4) / 6;
      let b2 = (((3 - 3 * u) * u + 3) * u + 1) / 6;
      let b3 = (u2 * u) / 6;
      if (ext !== 0) {
        b0 += ext * (-0.5 * w2 * invh);
        b1 += ext * (0.5 * u * (3 * u - 4) * invh);
        b2 += ext * (0.5 * ((2 - 3 * u) * u + 1) * invh);
        b3 += ext * (0.5 * u2 * invh);
      }
      const w0 = pbase + j * Q;
      const w1 = w0 + Q;
      const w2o = w1 + Q;
      const w3 = w2o + Q;
      const ys = yo + s * Q;
      for (let q = 0; q < Q; q++) {
        y[ys + q] += b0 * coef[w0 + q] + b1 * coef[w1 + q] + b2 * coef[w2o + q] + b3 * coef[w3 + q];
      }
    }
  }
}

export function cubicBackward(
  kv: KnotVector,
  P: number,
  Q: number,
  coef: Float64Array,
  coff: number,
  x: Float64Array,
  xo: number,
  gy: Float64Array,
  gx: Float64Array | null,
  g: Float64Array,
  goff: number,
  rows: number,
): void {
  const a = kv.a;
  const bEnd = kv.b;
  const invh = kv.invh;
  const n = kv.intervals;
  const NQ = (n + 3) * Q;
  for (let p = 0; p < P; p++) {
    const pc = coff + p * NQ;
    const pg = goff + p * NQ;
    for (let s = 0; s < rows; s++) {
      const xv = x[xo + s * P + p];
      let xe = xv;
      let ext = 0;
      if (xv < a) {
        xe = a;
        ext = xv - a;
      } else if (xv > bEnd) {
        xe = bEnd;
        ext = xv - bEnd;
      }
      const t = (xe - a) * invh;
      let j = Math.floor(t);
      if (j > n - 1) j = n - 1;
      if (j < 0) j = 0;
      const u = t - j;
      const w = 1 - u;
      const u2 = u * u;
      const w2 = w * w;
      let b0 = (w2 * w) / 6;
      let b1 = (u2 * (3 * u - 6) + 4) / 6;
      let b2 = (((3 - 3 * u) * u + 3) * u + 1) / 6;
      let b3 = (u2 * u) / 6;
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
      const c0 = pc + j * Q;
      const c1 = c0 + Q;
      const c2 = c1 + Q;
      const c3 = c2 + Q;
      const g0 = pg + j * Q;
      const g1 = g0 + Q;
      const g2 = g1 + Q;
      const g3 = g2 + Q;
      const gs = s * Q;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let q = 0; q < Q; q++) {
        const gq = gy[gs + q];
        g[g0 + q] += b0 * gq;
        g[g1 + q] += b1 * gq;
        g[g2 + q] += b2 * gq;
        g[g3 + q] += b3 * gq;
        a0 += coef[c0 + q] * gq;
        a1 += coef[c1 + q] * gq;
        a2 += coef[c2 + q] * gq;
        a3 += coef[c3 + q] * gq;
      }
      if (gx) gx[s * P + p] = d0 * a0 + d1 * a1 + d2 * a2 + d3 * a3;
    }
  }
}
