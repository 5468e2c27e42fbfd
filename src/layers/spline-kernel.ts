/**
 * Sparse KAN-layer kernels (paper eq. 6): `y_q = sum_p sum_i c[p][i][q] b_i(x_p)` with the coefficient
 * tensor laid out `[p][i][q]` (outputs contiguous). For each (sample, input) the r nonzero basis values
 * are computed once and shared by all Q outputs, so an edge costs O(r) per sample for any grid size.
 * Loops run input-major over a block of samples, so one input's coefficients stay in cache.
 */
import { evalBasisAt } from "../spline/basis.js";
import type { KnotVector } from "../spline/knots.js";
import { cubicBackward, cubicForward } from "./spline-kernel-cubic.js";

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
  if (kv.uniform && kv.order === 4) cubicForward(kv, P, Q, coef, coff, x, xo, y, yo, rows);
  else splineForwardGeneric(kv, P, Q, coef, coff, x, xo, y, yo, rows, scratch);
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
  if (kv.uniform && kv.order === 4) cubicBackward(kv, P, Q, coef, coff, x, xo, gy, gx, g, goff, rows);
  else splineBackwardGeneric(kv, P, Q, coef, coff, x, xo, gy, gx, g, goff, rows, scratch);
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
 * Jet forward of a spline layer (x and y in jet layout, model/jet.ts): per edge
 * y = phi(x), y'_k = phi'(x) x'_k, y''_kl = phi''(x) x'_k x'_l + phi'(x) x''_kl, summed over inputs.
 * `scratch` needs 3r + 2M + D entries.
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
  C: number,
  D: number,
  M: number,
  pairK: Int32Array,
  pairL: Int32Array,
  scratch: Float64Array,
): void {
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
      for (let k = 0; k < D; k++) scratch[dx + k] = x[xb + (1 + k) * P];
      for (let m = 0; m < M; m++) {
        scratch[xx + m] = scratch[dx + pairK[m]] * scratch[dx + pairL[m]];
        scratch[d2x + m] = x[xb + (1 + D + m) * P];
      }
      const ys = yo + s * C * Q;
      const wo = pbase + j * Q;
      for (let q = 0; q < Q; q++) {
        let f0 = 0;
        let f1 = 0;
        let f2 = 0;
        for (let i = 0; i < r; i++) {
          const c = coef[wo + i * Q + q];
          f0 += scratch[i] * c;
          f1 += scratch[r + i] * c;
          f2 += scratch[2 * r + i] * c;
        }
        y[ys + q] += f0;
        for (let k = 0; k < D; k++) y[ys + (1 + k) * Q + q] += f1 * scratch[dx + k];
        for (let m = 0; m < M; m++)
          y[ys + (1 + D + m) * Q + q] += f2 * scratch[xx + m] + f1 * scratch[d2x + m];
      }
    }
  }
}

/**
 * Reverse pass through `splineJetForward`. With G_c the output-channel gradients of edge (p, q),
 * A1 = sum_k G_k x'_k + sum_m G_m x''_m and A2 = sum_m G_m x'_k x'_l:
 * dL/dc_i += b_i G_0 + b'_i A1 + b''_i A2;
 * dL/dx += G_0 phi' + A1 phi'' + A2 phi''';
 * dL/dx'_k += G_k phi' + sum over pairs containing k of G_m phi'' x'_other (twice x'_k for (k, k));
 * dL/dx''_m += G_m phi'. gx is written (zeroed first). `scratch` needs 4r + 2M + 2D + 1 + M entries.
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
  C: number,
  D: number,
  M: number,
  pairK: Int32Array,
  pairL: Int32Array,
  scratch: Float64Array,
): void {
  const r = kv.order;
  const N = kv.intervals + r - 1;
  const xx = 4 * r;
  const dx = xx + M;
  const d2x = dx + D;
  const acc = d2x + M; // acc[0] = dL/dx, acc[1+k] = dL/dx'_k, acc[1+D+m] = dL/dx''_m
  if (gx) gx.fill(0, 0, rows * C * P);
  for (let p = 0; p < P; p++) {
    const pc = coff + p * N * Q;
    const pg = goff + p * N * Q;
    for (let s = 0; s < rows; s++) {
      const xb = xo + s * C * P + p;
      const j = evalBasisAt(kv, x[xb], 3, scratch, 0);
      for (let k = 0; k < D; k++) scratch[dx + k] = x[xb + (1 + k) * P];
      for (let m = 0; m < M; m++) {
        scratch[xx + m] = scratch[dx + pairK[m]] * scratch[dx + pairL[m]];
        scratch[d2x + m] = x[xb + (1 + D + m) * P];
      }
      for (let c = 0; c < C; c++) scratch[acc + c] = 0;
      const gs = s * C * Q;
      const wc = pc + j * Q;
      const wg = pg + j * Q;
      for (let q = 0; q < Q; q++) {
        const g0 = gy[gs + q];
        let a1 = 0;
        let a2 = 0;
        for (let k = 0; k < D; k++) a1 += gy[gs + (1 + k) * Q + q] * scratch[dx + k];
        for (let m = 0; m < M; m++) {
          const gm = gy[gs + (1 + D + m) * Q + q];
          a1 += gm * scratch[d2x + m];
          a2 += gm * scratch[xx + m];
        }
        let f1 = 0;
        let f2 = 0;
        let f3 = 0;
        for (let i = 0; i < r; i++) {
          const c = coef[wc + i * Q + q];
          f1 += scratch[r + i] * c;
          f2 += scratch[2 * r + i] * c;
          f3 += scratch[3 * r + i] * c;
          g[wg + i * Q + q] += scratch[i] * g0 + scratch[r + i] * a1 + scratch[2 * r + i] * a2;
        }
        if (!gx) continue;
        scratch[acc] += g0 * f1 + a1 * f2 + a2 * f3;
        for (let k = 0; k < D; k++) scratch[acc + 1 + k] += gy[gs + (1 + k) * Q + q] * f1;
        for (let m = 0; m < M; m++) {
          const gm = gy[gs + (1 + D + m) * Q + q];
          scratch[acc + 1 + D + m] += gm * f1;
          const k = pairK[m];
          const l = pairL[m];
          scratch[acc + 1 + k] += gm * f2 * scratch[dx + l];
          scratch[acc + 1 + l] += gm * f2 * scratch[dx + k];
        }
      }
      if (gx) for (let c = 0; c < C; c++) gx[(s * C + c) * P + p] = scratch[acc + c];
    }
  }
}
