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
import type { KnotVector } from "../spline/knots.js";
import type { JetShape } from "./jet.js";
import {
  jetChannelsCombine,
  jetChannelsForward,
  jetChannelsInputGrad,
  loadInputJet,
} from "./jet-channels.js";
import { cubicBackward, cubicForward, cubicJetBackward, cubicJetForward } from "./spline-kernel-cubic.js";
import { sharedArena, stagePairs } from "./wasm/kernels.js";

/** y[yo + s*Q + q] = sum_p sum_m b_{j+m}(x_sp) coef[coff + ((p*N + j + m)*Q + q)]. */
export function splineForward(
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
  scratch: Float64Array,
): void {
  if (kv.uniform && kv.order === 4) {
    const k = sharedArena(coef, x, y);
    if (k !== undefined) {
      k.fwd(
        P,
        Q,
        kv.intervals,
        kv.a,
        kv.b,
        kv.invh,
        coef.byteOffset + coff * 8,
        x.byteOffset + xo * 8,
        y.byteOffset + yo * 8,
        rows,
      );
    } else cubicForward(kv, P, Q, coef, coff, x, xo, y, yo, rows);
  } else splineForwardGeneric(kv, P, Q, coef, coff, x, xo, y, yo, rows, scratch);
}

/** The generic forward (any order, any knots) through `evalBasisAt`. */
export function splineForwardGeneric(
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
  scratch: Float64Array,
): void {
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

/**
 * Backward of `splineForward`: adds `b_{j+m}(x) gy[s][q]` into g[goff + ((p*N + j + m)*Q + q)] and, if gx
 * is not null, writes gx[s*P + p] = sum_m b'_{j+m}(x) sum_q coef[...] gy[s][q] (one fused pass).
 */
export function splineBackward(
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
  scratch: Float64Array,
): void {
  if (kv.uniform && kv.order === 4) {
    const k = sharedArena(coef, x, gy, g, gx);
    if (k !== undefined) {
      k.bwd(
        P,
        Q,
        kv.intervals,
        kv.a,
        kv.b,
        kv.invh,
        coef.byteOffset + coff * 8,
        x.byteOffset + xo * 8,
        gy.byteOffset,
        gx === null ? 0 : gx.byteOffset,
        gx === null ? 0 : 1,
        g.byteOffset + goff * 8,
        rows,
      );
    } else cubicBackward(kv, P, Q, coef, coff, x, xo, gy, gx, g, goff, rows);
  } else splineBackwardGeneric(kv, P, Q, coef, coff, x, xo, gy, gx, g, goff, rows, scratch);
}

/** The generic backward (any order, any knots) through `evalBasisAt`. */
export function splineBackwardGeneric(
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
  scratch: Float64Array,
): void {
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

/**
 * Jet forward of a spline layer (x and y in jet layout, layers/jet.ts): per edge
 * y = phi(x), y'_k = phi'(x) x'_k, y''_kl = phi''(x) x'_k x'_l + phi'(x) x''_kl, summed over inputs.
 * For each (sample, input) one pass over the outputs forms phi, phi', phi'' (kept in `f1`, `f2`), then each
 * derivative channel is updated in its own contiguous pass. `scratch` needs 4r + 2M + D entries, `f1`
 * and `f2` Q entries.
 */
export function splineJetForward(
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
  shape: JetShape,
  scratch: Float64Array,
  f1: Float64Array,
  f2: Float64Array,
): void {
  if (kv.uniform && kv.order === 4) {
    const k = sharedArena(coef, x, y);
    if (k !== undefined && Q <= k.maxQ && shape.C <= k.maxC) {
      stagePairs(k, shape);
      k.jetFwd(
        P,
        Q,
        kv.intervals,
        kv.a,
        kv.b,
        kv.invh,
        coef.byteOffset + coff * 8,
        x.byteOffset + xo * 8,
        y.byteOffset + yo * 8,
        rows,
        shape.D,
        shape.M,
        k.pairs,
        k.work,
      );
    } else cubicJetForward(kv, P, Q, coef, coff, x, xo, y, yo, rows, shape, scratch, f1, f2);
  } else splineJetForwardGeneric(kv, P, Q, coef, coff, x, xo, y, yo, rows, shape, scratch, f1, f2);
}

/** The generic jet forward (any order, any knots) through `evalBasisAt`. */
export function splineJetForwardGeneric(
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
  shape: JetShape,
  scratch: Float64Array,
  f1: Float64Array,
  f2: Float64Array,
): void {
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

/**
 * Reverse pass through `splineJetForward`. With G_c the output-channel gradients of edge (p, q),
 * A1 = sum_k G_k x'_k + sum_m G_m x''_m and A2 = sum_m G_m x'_k x'_l:
 *   dL/dc_i += b_i G_0 + b'_i A1 + b''_i A2,
 *   dL/dx += sum_q (G_0 phi' + A1 phi'' + A2 phi'''),
 *   dL/dx'_k += sum_q G_k phi' + over pairs containing k: sum_q G_m phi'' x'_other (both orders),
 *   dL/dx''_m += sum_q G_m phi'.
 * gx is written. `scratch` needs 4r + 2M + D entries; `f1`, `f2`, `a1`, `a2` Q entries.
 */
export function splineJetBackward(
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
  shape: JetShape,
  scratch: Float64Array,
  f1: Float64Array,
  f2: Float64Array,
  a1: Float64Array,
  a2: Float64Array,
): void {
  if (kv.uniform && kv.order === 4) {
    const k = sharedArena(coef, x, gy, g, gx);
    if (k !== undefined && Q <= k.maxQ && shape.C <= k.maxC) {
      stagePairs(k, shape);
      k.jetBwd(
        P,
        Q,
        kv.intervals,
        kv.a,
        kv.b,
        kv.invh,
        coef.byteOffset + coff * 8,
        x.byteOffset + xo * 8,
        gy.byteOffset,
        gx === null ? 0 : gx.byteOffset,
        gx === null ? 0 : 1,
        g.byteOffset + goff * 8,
        rows,
        shape.D,
        shape.M,
        k.pairs,
        k.work,
      );
    } else {
      cubicJetBackward(kv, P, Q, coef, coff, x, xo, gy, gx, g, goff, rows, shape, scratch, f1, f2, a1, a2);
    }
  } else {
    splineJetBackwardGeneric(
      kv,
      P,
      Q,
      coef,
      coff,
      x,
      xo,
      gy,
      gx,
      g,
      goff,
      rows,
      shape,
      scratch,
      f1,
      f2,
      a1,
      a2,
    );
  }
}

/** The generic reverse jet pass (any order, any knots) through `evalBasisAt`. */
export function splineJetBackwardGeneric(
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
  shape: JetShape,
  scratch: Float64Array,
  f1: Float64Array,
  f2: Float64Array,
  a1: Float64Array,
  a2: Float64Array,
): void {
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
