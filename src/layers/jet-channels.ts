/**
 * Jet channel arithmetic shared by the layers' jet kernels (layout and channels as in jet.ts): the chain
 * rule to second order through an elementwise map (`elementwiseJet*`, used by the elementwise and
 * feature layers) and the per-(sample, input) channel sums of the spline kernels (`loadInputJet`,
 * `jetChannels*`, used by the generic and fused-cubic spline kernels alike).
 */
import type { JetShape } from "./jet.js";
/**
 * Jet propagation through an elementwise map y = shift + scale f(x) given f, f', f'' at x:
 * y' = scale f' x', y''_{kl} = scale (f'' x'_k x'_l + f' x''_{kl}).
 * Writes channels of unit `p` in J layout (input and output at the same width W).
 */
export function elementwiseJetForward(
  shape: JetShape,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  Win: number,
  pin: number,
  Wout: number,
  pout: number,
  s: number,
  f0: number,
  f1: number,
  f2: number,
): void {
  const { C, D, M, pairK, pairL } = shape;
  const xb = xo + s * C * Win + pin;
  const yb = yo + s * C * Wout + pout;
  y[yb] = f0;
  for (let k = 0; k < D; k++) y[yb + (1 + k) * Wout] = f1 * x[xb + (1 + k) * Win];
  for (let m = 0; m < M; m++) {
    const dk = x[xb + (1 + pairK[m]) * Win];
    const dl = x[xb + (1 + pairL[m]) * Win];
    y[yb + (1 + D + m) * Wout] = f2 * dk * dl + f1 * x[xb + (1 + D + m) * Win];
  }
}

/**
 * Reverse of `elementwiseJetForward` (f, f', f'', f''' at x; f0 unused): accumulates dLoss/d(input
 * channels) into gx (J layout at width Win, unit pin) from dLoss/d(output channels) in gy.
 */
export function elementwiseJetBackward(
  shape: JetShape,
  x: Float64Array,
  xo: number,
  gy: Float64Array,
  gx: Float64Array,
  Win: number,
  pin: number,
  Wout: number,
  pout: number,
  s: number,
  f1: number,
  f2: number,
  f3: number,
): void {
  const { C, D, M, pairK, pairL } = shape;
  const xb = xo + s * C * Win + pin;
  const gb = s * C * Wout + pout;
  const gxb = s * C * Win + pin;
  let g0 = gy[gb] * f1;
  for (let k = 0; k < D; k++) {
    const gk = gy[gb + (1 + k) * Wout];
    g0 += gk * f2 * x[xb + (1 + k) * Win];
    gx[gxb + (1 + k) * Win] += gk * f1;
  }
  for (let m = 0; m < M; m++) {
    const gm = gy[gb + (1 + D + m) * Wout];
    const k = pairK[m];
    const l = pairL[m];
    const dk = x[xb + (1 + k) * Win];
    const dl = x[xb + (1 + l) * Win];
    g0 += gm * (f3 * dk * dl + f2 * x[xb + (1 + D + m) * Win]);
    gx[gxb + (1 + D + m) * Win] += gm * f1;
    gx[gxb + (1 + k) * Win] += gm * f2 * dl;
    gx[gxb + (1 + l) * Win] += gm * f2 * dk;
  }
  gx[gxb] += g0;
}

/** Loads x'_k, x''_m and the products x'_k x'_l of input unit p (jet layout at width P) into scratch. */
export function loadInputJet(
  shape: JetShape,
  x: Float64Array,
  xb: number,
  P: number,
  scratch: Float64Array,
  xx: number,
  dx: number,
  d2x: number,
): void {
  const { D, M, pairK, pairL } = shape;
  for (let k = 0; k < D; k++) scratch[dx + k] = x[xb + (1 + k) * P];
  for (let m = 0; m < M; m++) {
    scratch[xx + m] = scratch[dx + pairK[m]] * scratch[dx + pairL[m]];
    scratch[d2x + m] = x[xb + (1 + D + m) * P];
  }
}

/** Derivative channels of one (sample, input): y'_k += phi' x'_k, y''_m += phi'' x'_k x'_l + phi' x''_m. */
export function jetChannelsForward(
  shape: JetShape,
  y: Float64Array,
  ys: number,
  Q: number,
  scratch: Float64Array,
  xx: number,
  dx: number,
  d2x: number,
  f1: Float64Array,
  f2: Float64Array,
): void {
  const { D, M } = shape;
  for (let k = 0; k < D; k++) {
    const dk = scratch[dx + k];
    const yk = ys + (1 + k) * Q;
    for (let q = 0; q < Q; q++) y[yk + q] += f1[q] * dk;
  }
  for (let m = 0; m < M; m++) {
    const pm = scratch[xx + m];
    const sm = scratch[d2x + m];
    const ym = ys + (1 + D + m) * Q;
    for (let q = 0; q < Q; q++) y[ym + q] += f2[q] * pm + f1[q] * sm;
  }
}

/**
 * A1 = sum_k G_k x'_k + sum_m G_m x''_m and A2 = sum_m G_m x'_k x'_l per output q (into a1, a2), from the
 * output-channel gradients of one sample (gy in jet layout, row offset gs).
 */
export function jetChannelsCombine(
  shape: JetShape,
  gy: Float64Array,
  gs: number,
  Q: number,
  scratch: Float64Array,
  xx: number,
  dx: number,
  d2x: number,
  a1: Float64Array,
  a2: Float64Array,
): void {
  const { D, M } = shape;
  a1.fill(0, 0, Q);
  a2.fill(0, 0, Q);
  for (let k = 0; k < D; k++) {
    const dk = scratch[dx + k];
    const gk = gs + (1 + k) * Q;
    for (let q = 0; q < Q; q++) a1[q] += gy[gk + q] * dk;
  }
  for (let m = 0; m < M; m++) {
    const sm = scratch[d2x + m];
    const pm = scratch[xx + m];
    const gm = gs + (1 + D + m) * Q;
    for (let q = 0; q < Q; q++) {
      a1[q] += gy[gm + q] * sm;
      a2[q] += gy[gm + q] * pm;
    }
  }
}

/**
 * Input-jet gradients of one (sample, input) from the derivative channels: dL/dx'_k = sum_q G_k phi'
 * plus the pair terms sum_q G_m phi'' x'_other, dL/dx''_m = sum_q G_m phi'. Writes channels 1.. of gx.
 */
export function jetChannelsInputGrad(
  shape: JetShape,
  gy: Float64Array,
  gs: number,
  Q: number,
  scratch: Float64Array,
  dx: number,
  f1: Float64Array,
  f2: Float64Array,
  gx: Float64Array,
  gxb: number,
  P: number,
): void {
  const { D, M, pairK, pairL } = shape;
  for (let k = 0; k < D; k++) {
    const gk = gs + (1 + k) * Q;
    let acc = 0;
    for (let q = 0; q < Q; q++) acc += gy[gk + q] * f1[q];
    gx[gxb + (1 + k) * P] = acc;
  }
  for (let m = 0; m < M; m++) {
    const gm = gs + (1 + D + m) * Q;
    let acc1 = 0;
    let acc2 = 0;
    for (let q = 0; q < Q; q++) {
      acc1 += gy[gm + q] * f1[q];
      acc2 += gy[gm + q] * f2[q];
    }
    gx[gxb + (1 + D + m) * P] = acc1;
    gx[gxb + (1 + pairK[m]) * P] += acc2 * scratch[dx + pairL[m]];
    gx[gxb + (1 + pairL[m]) * P] += acc2 * scratch[dx + pairK[m]];
  }
}

/**
 * `elementwiseJetForward` for every unit of a block at once, where input and output share the width W
 * (the elementwise layer): the derivative channels of `rows` samples from the scaled f', f'' per (sample
 * s, unit p) in `f` (three planes of n = rows W entries: scale f' at f[s W + p], scale f'' at
 * f[n + s W + p], scale f''' at f[2n + s W + p]). The value channel is the caller's. Channel by
 * channel over contiguous units, with each element's operations those of `elementwiseJetForward` in its
 * order, so the bits are the same.
 */
export function elementwiseJetForwardBlock(
  shape: JetShape,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  rows: number,
  W: number,
  f: Float64Array,
): void {
  const { C, D, M, pairK, pairL } = shape;
  const n = rows * W;
  for (let s = 0; s < rows; s++) {
    const xb = xo + s * C * W;
    const yb = yo + s * C * W;
    const fb = s * W;
    for (let k = 0; k < D; k++) {
      const xk = xb + (1 + k) * W;
      const yk = yb + (1 + k) * W;
      for (let p = 0; p < W; p++) y[yk + p] = f[fb + p] * x[xk + p];
    }
    for (let m = 0; m < M; m++) {
      const xk = xb + (1 + pairK[m]) * W;
      const xl = xb + (1 + pairL[m]) * W;
      const xm = xb + (1 + D + m) * W;
      const ym = yb + (1 + D + m) * W;
      for (let p = 0; p < W; p++) {
        const c = fb + p;
        y[ym + p] = f[c + n] * x[xk + p] * x[xl + p] + f[c] * x[xm + p];
      }
    }
  }
}

/**
 * Reverse of `elementwiseJetForwardBlock`: writes dLoss/d(input channels) of the block into gx (zeroed
 * first) from gy, with `g0` a scratch of at least W entries. Each element gets the operations of
 * `elementwiseJetBackward` in its order (value gradient: f' term, then the first-derivative terms in k
 * order, then the pair terms in m order), so the bits are the same.
 */
export function elementwiseJetBackwardBlock(
  shape: JetShape,
  x: Float64Array,
  xo: number,
  gy: Float64Array,
  gx: Float64Array,
  rows: number,
  W: number,
  f: Float64Array,
  g0: Float64Array,
): void {
  const { C, D, M, pairK, pairL } = shape;
  gx.fill(0, 0, rows * C * W);
  const n = rows * W;
  for (let s = 0; s < rows; s++) {
    const xb = xo + s * C * W;
    const gb = s * C * W;
    const fb = s * W;
    for (let p = 0; p < W; p++) g0[p] = gy[gb + p] * f[fb + p];
    for (let k = 0; k < D; k++) {
      const ck = (1 + k) * W;
      for (let p = 0; p < W; p++) {
        const c = fb + p;
        const gk = gy[gb + ck + p];
        g0[p] += gk * f[c + n] * x[xb + ck + p];
        gx[gb + ck + p] += gk * f[c];
      }
    }
    for (let m = 0; m < M; m++) {
      const ck = (1 + pairK[m]) * W;
      const cl = (1 + pairL[m]) * W;
      const cm = (1 + D + m) * W;
      for (let p = 0; p < W; p++) {
        const c = fb + p;
        const f1 = f[c];
        const f2 = f[c + n];
        const gm = gy[gb + cm + p];
        const dk = x[xb + ck + p];
        const dl = x[xb + cl + p];
        g0[p] += gm * (f[c + 2 * n] * dk * dl + f2 * x[xb + cm + p]);
        gx[gb + cm + p] += gm * f1;
        gx[gb + ck + p] += gm * f2 * dl;
        gx[gb + cl + p] += gm * f2 * dk;
      }
    }
    for (let p = 0; p < W; p++) gx[gb + p] += g0[p];
  }
}
