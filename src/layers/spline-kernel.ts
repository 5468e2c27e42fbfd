/**
 * Sparse KAN-layer kernels (paper eq. 6): `y_q = sum_p sum_i c[p][i][q] b_i(x_p)` with the coefficient
 * tensor laid out `[p][i][q]` (outputs contiguous). For each (sample, input) the r nonzero basis values
 * are computed once and shared by all Q outputs, so an edge costs O(r) per sample for any grid size.
 * Loops run input-major over a block of samples, so one input's coefficients stay in cache.
 *
 * Dispatch: uniform cubic splines (the common case) run the fused kernels of spline-kernel-cubic.ts, or
 * their WebAssembly twins (wasm/) when every array the kernel touches is a view of one network's WASM
 * arena; both give the same bits. Everything else runs the generic kernels.
 */

import { evalBasisAt } from "../spline/basis.js";
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

/** The generic forward (any order, any knots) through `evalBasisAt`. */
export function splineForwardGeneric(args: SplineForwardArgs): void {
  const { kv, P, Q, coef, coff, x, xo, y, yo, rows, scratch } = args;
  const r = kv.order;
  const N = kv.intervals + r - 1;
  y.fill(0, yo, yo + rows * Q);
  for (let p = 0; p < P; p++) {
    const pbase = coff + p * N * Q;
    for (let s = 0; s < rows; s++) {
      const j = evalBasisAt(kv, x[xo + s * P + p], 0, scratch, 0);
      const ys = yo + s * Q;
      const wo = pbase + j * Q;
      // phi_pq(x) = sum_m b_m c[m][q] first, then one update of y (the jet kernel sums the same way, so
      // its value channel equals this forward pass bit for bit).
      for (let q = 0; q < Q; q++) {
        let acc = 0;
        for (let m = 0; m < r; m++) acc += scratch[m] * coef[wo + m * Q + q];
        y[ys + q] += acc;
      }
    }
  }
}

/** The generic backward (any order, any knots) through `evalBasisAt`. */
export function splineBackwardGeneric(args: SplineBackwardArgs): void {
  const { kv, P, Q, coef, coff, x, xo, gy, gx, g, goff, rows, scratch } = args;
  const r = kv.order;
  const N = kv.intervals + r - 1;
  for (let p = 0; p < P; p++) {
    const pc = coff + p * N * Q;
    const pg = goff + p * N * Q;
    for (let s = 0; s < rows; s++) {
      const j = evalBasisAt(kv, x[xo + s * P + p], 1, scratch, 0);
      const gs = s * Q;
      let acc = 0;
      for (let m = 0; m < r; m++) {
        const v = scratch[m];
        const wc = pc + (j + m) * Q;
        const wg = pg + (j + m) * Q;
        let dot = 0;
        for (let q = 0; q < Q; q++) {
          const gq = gy[gs + q];
          g[wg + q] += v * gq;
          dot += coef[wc + q] * gq;
        }
        acc += scratch[r + m] * dot;
      }
      if (gx) gx[s * P + p] = acc;
    }
  }
}

/** The generic jet forward (any order, any knots) through `evalBasisAt`. */
export function splineJetForwardGeneric(args: SplineJetForwardArgs): void {
  const { kv, P, Q, coef, coff, x, xo, y, yo, rows, shape, scratch, f1, f2 } = args;
  const { C, D, M } = shape;
  const r = kv.order;
  const N = kv.intervals + r - 1;
  const xx = 4 * r; // scratch[xx + m] = x'_k x'_l
  const dx = xx + M; // scratch[dx + k] = x'_k
  const d2x = dx + D; // scratch[d2x + m] = x''_kl
  y.fill(0, yo, yo + rows * C * Q);
  for (let p = 0; p < P; p++) {
    const pbase = coff + p * N * Q;
    for (let s = 0; s < rows; s++) {
      const xb = xo + s * C * P + p;
      const j = evalBasisAt(kv, x[xb], 2, scratch, 0);
      loadInputJet(shape, x, xb, P, scratch, xx, dx, d2x);
      const ys = yo + s * C * Q;
      const wo = pbase + j * Q;
      for (let q = 0; q < Q; q++) {
        let v0 = 0;
        let v1 = 0;
        let v2 = 0;
        for (let i = 0; i < r; i++) {
          const c = coef[wo + i * Q + q];
          v0 += scratch[i] * c;
          v1 += scratch[r + i] * c;
          v2 += scratch[2 * r + i] * c;
        }
        y[ys + q] += v0;
        f1[q] = v1;
        f2[q] = v2;
      }
      jetChannelsForward(shape, y, ys, Q, scratch, xx, dx, d2x, f1, f2);
    }
  }
}

/** The generic reverse jet pass (any order, any knots) through `evalBasisAt`. */
export function splineJetBackwardGeneric(args: SplineJetBackwardArgs): void {
  const { kv, P, Q, coef, coff, x, xo, gy, gx, g, goff, rows, shape, scratch, f1, f2, a1, a2 } = args;
  const { C, D, M } = shape;
  const r = kv.order;
  const N = kv.intervals + r - 1;
  const xx = 4 * r;
  const dx = xx + M;
  const d2x = dx + D;
  for (let p = 0; p < P; p++) {
    const pc = coff + p * N * Q;
    const pg = goff + p * N * Q;
    for (let s = 0; s < rows; s++) {
      const xb = xo + s * C * P + p;
      const j = evalBasisAt(kv, x[xb], 3, scratch, 0);
      loadInputJet(shape, x, xb, P, scratch, xx, dx, d2x);
      const gs = s * C * Q;
      jetChannelsCombine(shape, gy, gs, Q, scratch, xx, dx, d2x, a1, a2);
      const wc = pc + j * Q;
      const wg = pg + j * Q;
      let acc0 = 0;
      for (let q = 0; q < Q; q++) {
        const g0 = gy[gs + q];
        const c1 = a1[q];
        const c2 = a2[q];
        let v1 = 0;
        let v2 = 0;
        let v3 = 0;
        for (let i = 0; i < r; i++) {
          const c = coef[wc + i * Q + q];
          v1 += scratch[r + i] * c;
          v2 += scratch[2 * r + i] * c;
          v3 += scratch[3 * r + i] * c;
          g[wg + i * Q + q] += scratch[i] * g0 + scratch[r + i] * c1 + scratch[2 * r + i] * c2;
        }
        acc0 += g0 * v1 + c1 * v2 + c2 * v3;
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
