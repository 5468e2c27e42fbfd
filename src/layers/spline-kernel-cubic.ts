/**
 * Fused kernels for the common case: uniform knots, cubic splines (r = 4). The basis of
 * `cubicUniformAt` (spline/basis.ts) is computed inline, with exactly the same operations, so these
 * kernels give the same bits as the generic ones; the four-term sums over the nonzero basis functions
 * are unrolled. Layout and semantics as in spline-kernel.ts.
 *
 * A NaN input takes interval 0 (`!(j >= 0)`), as in the WASM twins (wasm/spline-cubic.wat, whose row index
 * is a saturating truncation): its NaN then reaches the outputs, the input gradient and the coefficient
 * gradient rows 0-3 of that input, on both backends alike.
 */

import { ONE_SIXTH } from "../spline/basis.js";
import {
  jetChannelsCombine,
  jetChannelsForward,
  jetChannelsInputGrad,
  loadInputJet,
} from "./jet-channels.js";
import type {
  SplineBackwardArgs,
  SplineForwardArgs,
  SplineJetBackwardArgs,
  SplineJetForwardArgs,
} from "./spline-kernel-args.js";

export function cubicForward(args: SplineForwardArgs): void {
  const { kv, P, Q, coef, coff, x, xo, y, yo, rows } = args;
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
      if (!(j >= 0)) j = 0; // also NaN (see above)
      const u = t - j;
      const w = 1 - u;
      const u2 = u * u;
      const w2 = w * w;
      let b0 = w2 * w * ONE_SIXTH;
      let b1 = (u2 * (3 * u - 6) + 4) * ONE_SIXTH;
      let b2 = (((3 - 3 * u) * u + 3) * u + 1) * ONE_SIXTH;
      let b3 = u2 * u * ONE_SIXTH;
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

export function cubicBackward(args: SplineBackwardArgs): void {
  const { kv, P, Q, coef, coff, x, xo, gy, gx, g, goff, rows } = args;
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
      if (!(j >= 0)) j = 0; // also NaN (see above)
      const u = t - j;
      const w = 1 - u;
      const u2 = u * u;
      const w2 = w * w;
      let b0 = w2 * w * ONE_SIXTH;
      let b1 = (u2 * (3 * u - 6) + 4) * ONE_SIXTH;
      let b2 = (((3 - 3 * u) * u + 3) * u + 1) * ONE_SIXTH;
      let b3 = u2 * u * ONE_SIXTH;
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

/**
 * Jet forward for uniform cubics; same operations as the generic `splineJetForward` (its value channel
 * equals `cubicForward` bit for bit).
 */
export function cubicJetForward(args: SplineJetForwardArgs): void {
  const { kv, P, Q, coef, coff, x, xo, y, yo, rows, shape, scratch, f1, f2 } = args;
  const { C, D, M } = shape;
  const a = kv.a;
  const bEnd = kv.b;
  const invh = kv.invh;
  const ih2 = invh * invh;
  const n = kv.intervals;
  const NQ = (n + 3) * Q;
  const xx = 16;
  const dx = xx + M;
  const d2x = dx + D;
  y.fill(0, yo, yo + rows * C * Q);
  for (let p = 0; p < P; p++) {
    const pbase = coff + p * NQ;
    for (let s = 0; s < rows; s++) {
      const xb = xo + s * C * P + p;
      const xv = x[xb];
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
      if (!(j >= 0)) j = 0; // also NaN (see above)
      const u = t - j;
      const w = 1 - u;
      const u2 = u * u;
      const w2 = w * w;
      let b0 = w2 * w * ONE_SIXTH;
      let b1 = (u2 * (3 * u - 6) + 4) * ONE_SIXTH;
      let b2 = (((3 - 3 * u) * u + 3) * u + 1) * ONE_SIXTH;
      let b3 = u2 * u * ONE_SIXTH;
      const d0 = -0.5 * w2 * invh;
      const d1 = 0.5 * u * (3 * u - 4) * invh;
      const d2 = 0.5 * ((2 - 3 * u) * u + 1) * invh;
      const d3 = 0.5 * u2 * invh;
      let e0 = 0;
      let e1 = 0;
      let e2 = 0;
      let e3 = 0;
      if (ext !== 0) {
        b0 += ext * d0;
        b1 += ext * d1;
        b2 += ext * d2;
        b3 += ext * d3;
      } else {
        e0 = w * ih2;
        e1 = (3 * u - 2) * ih2;
        e2 = (1 - 3 * u) * ih2;
        e3 = u * ih2;
      }
      loadInputJet(shape, x, xb, P, scratch, xx, dx, d2x);
      const w0 = pbase + j * Q;
      const w1 = w0 + Q;
      const w2o = w1 + Q;
      const w3 = w2o + Q;
      const ys = yo + s * C * Q;
      for (let q = 0; q < Q; q++) {
        const c0 = coef[w0 + q];
        const c1 = coef[w1 + q];
        const c2 = coef[w2o + q];
        const c3 = coef[w3 + q];
        y[ys + q] += b0 * c0 + b1 * c1 + b2 * c2 + b3 * c3;
        f1[q] = d0 * c0 + d1 * c1 + d2 * c2 + d3 * c3;
        f2[q] = e0 * c0 + e1 * c1 + e2 * c2 + e3 * c3;
      }
      jetChannelsForward(shape, y, ys, Q, scratch, xx, dx, d2x, f1, f2);
    }
  }
}

/** Reverse pass through `cubicJetForward`; same operations as the generic `splineJetBackward`. */
export function cubicJetBackward(args: SplineJetBackwardArgs): void {
  const { kv, P, Q, coef, coff, x, xo, gy, gx, g, goff, rows, shape, scratch, f1, f2, a1, a2 } = args;
  const { C, D, M } = shape;
  const a = kv.a;
  const bEnd = kv.b;
  const invh = kv.invh;
  const ih2 = invh * invh;
  const ih3 = ih2 * invh;
  const n = kv.intervals;
  const NQ = (n + 3) * Q;
  const xx = 16;
  const dx = xx + M;
  const d2x = dx + D;
  for (let p = 0; p < P; p++) {
    const pc = coff + p * NQ;
    const pg = goff + p * NQ;
    for (let s = 0; s < rows; s++) {
      const xb = xo + s * C * P + p;
      const xv = x[xb];
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
      if (!(j >= 0)) j = 0; // also NaN (see above)
      const u = t - j;
      const w = 1 - u;
      const u2 = u * u;
      const w2 = w * w;
      let b0 = w2 * w * ONE_SIXTH;
      let b1 = (u2 * (3 * u - 6) + 4) * ONE_SIXTH;
      let b2 = (((3 - 3 * u) * u + 3) * u + 1) * ONE_SIXTH;
      let b3 = u2 * u * ONE_SIXTH;
      const d0 = -0.5 * w2 * invh;
      const d1 = 0.5 * u * (3 * u - 4) * invh;
      const d2 = 0.5 * ((2 - 3 * u) * u + 1) * invh;
      const d3 = 0.5 * u2 * invh;
      let e0 = 0;
      let e1 = 0;
      let e2 = 0;
      let e3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      if (ext !== 0) {
        b0 += ext * d0;
        b1 += ext * d1;
        b2 += ext * d2;
        b3 += ext * d3;
      } else {
        e0 = w * ih2;
        e1 = (3 * u - 2) * ih2;
        e2 = (1 - 3 * u) * ih2;
        e3 = u * ih2;
        t0 = -ih3;
        t1 = 3 * ih3;
        t2 = -3 * ih3;
        t3 = ih3;
      }
      loadInputJet(shape, x, xb, P, scratch, xx, dx, d2x);
      const gs = s * C * Q;
      jetChannelsCombine(shape, gy, gs, Q, scratch, xx, dx, d2x, a1, a2);
      const c0o = pc + j * Q;
      const c1o = c0o + Q;
      const c2o = c1o + Q;
      const c3o = c2o + Q;
      const g0o = pg + j * Q;
      const g1o = g0o + Q;
      const g2o = g1o + Q;
      const g3o = g2o + Q;
      let acc0 = 0;
      for (let q = 0; q < Q; q++) {
        const gv = gy[gs + q];
        const s1 = a1[q];
        const s2 = a2[q];
        const c0 = coef[c0o + q];
        const c1 = coef[c1o + q];
        const c2 = coef[c2o + q];
        const c3 = coef[c3o + q];
        const v1 = d0 * c0 + d1 * c1 + d2 * c2 + d3 * c3;
        const v2 = e0 * c0 + e1 * c1 + e2 * c2 + e3 * c3;
        const v3 = t0 * c0 + t1 * c1 + t2 * c2 + t3 * c3;
        g[g0o + q] += b0 * gv + d0 * s1 + e0 * s2;
        g[g1o + q] += b1 * gv + d1 * s1 + e1 * s2;
        g[g2o + q] += b2 * gv + d2 * s1 + e2 * s2;
        g[g3o + q] += b3 * gv + d3 * s1 + e3 * s2;
        acc0 += gv * v1 + s1 * v2 + s2 * v3;
        f1[q] = v1;
        f2[q] = v2;
      }
      if (gx) {
        const gxb = s * C * P + p;
        gx[gxb] = acc0;
        jetChannelsInputGrad(shape, gy, gs, Q, scratch, dx, f1, f2, gx, gxb, P);
      }
    }
  }
}
