/**
 * Sparse KAN-layer kernels (paper eq. 6): `y_q = sum_p sum_i c[p][i][q] b_i(x_p)` with the coefficient
 * tensor laid out `[p][i][q]` (outputs contiguous). For each (sample, input) the r nonzero basis values
 * are computed once and shared by all Q outputs, so an edge costs O(r) per sample for any grid size.
 * Loops run input-major over a block of samples, so one input's coefficients stay in cache.
 */
import { evalBasisAt } from "../spline/basis.js";
import type { KnotVector } from "../spline/knots.js";

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
  const r = kv.order;
  const N = kv.intervals + r - 1;
  y.fill(0, yo, yo + rows * Q);
  for (let p = 0; p < P; p++) {
    const pbase = coff + p * N * Q;
    for (let s = 0; s < rows; s++) {
      const j = evalBasisAt(kv, x[xo + s * P + p], 0, scratch, 0);
      const ys = yo + s * Q;
      let wo = pbase + j * Q;
      for (let m = 0; m < r; m++) {
        const v = scratch[m];
        for (let q = 0; q < Q; q++) y[ys + q] += v * coef[wo + q];
        wo += Q;
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
