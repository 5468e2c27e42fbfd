/**
 * Dense linear layer y = x W + b, with W stored input-major (`W[p*nOut + q]`, then the bias) so the
 * inner loops run over contiguous outputs. Initialised as PyTorch's nn.Linear: W and b uniform in
 * +-1/sqrt(nIn).
 */

import type { Rng } from "../util/random.js";
import { requireInteger, requireParamCount } from "../util/validate.js";
import type { JetContext, JetShape } from "./jet.js";
import type { Layer, LinearLayerSpec } from "./layer.js";
import { sharedArena } from "./wasm/kernels.js";

/** Dense layer y = W x (+ b), initialised like PyTorch's nn.Linear (U(+-1/sqrt(nIn))). */
export class LinearLayer implements Layer {
  readonly type = "linear";
  readonly nIn: number;
  readonly nOut: number;
  readonly bias: boolean;
  readonly paramCount: number;
  offset = 0;

  constructor(spec: Omit<LinearLayerSpec, "type">) {
    this.nIn = requireInteger("linear layer nIn", spec.nIn, 1);
    this.nOut = requireInteger("linear layer nOut", spec.nOut, 1);
    if (typeof spec.bias !== "boolean")
      throw new Error(`linear layer bias must be true or false, got ${spec.bias}`);
    this.bias = spec.bias;
    this.paramCount = requireParamCount(
      `linear layer ${this.nIn} -> ${this.nOut}`,
      this.nIn * this.nOut + (this.bias ? this.nOut : 0),
    );
  }

  init(params: Float64Array, rng: Rng): void {
    const bound = 1 / Math.sqrt(this.nIn);
    rng.fillUniform(params, -bound, bound, this.offset, this.offset + this.paramCount);
  }

  prepare(_params: Float64Array): void {}
  finishGradient(_params: Float64Array, _g: Float64Array): void {}

  forward(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    rows: number,
  ): void {
    const { nIn: P, nOut: Q, offset: w } = this;
    const b = w + P * Q;
    // The WASM kernel takes whole blocks of four samples (the same sums, see forwardJet); JS the rest.
    const s0 = this.wasmForward(params, x, xo, y, yo, rows, 1);
    for (let s = s0; s < rows; s++) {
      const ys = yo + s * Q;
      if (this.bias) for (let q = 0; q < Q; q++) y[ys + q] = params[b + q];
      else for (let q = 0; q < Q; q++) y[ys + q] = 0;
    }
    // Two samples and four inputs per pass over q: each weight load serves two samples and each output
    // load four inputs. Every y[s, q] still adds v_p W[p, q] in p order, one rounding at a time (the
    // left-to-right sums below), so the bits are those of the plain loop `y += v W[p]` for p = 0..P-1.
    let s = s0;
    for (; s + 1 < rows; s += 2) {
      const y0 = yo + s * Q;
      const y1 = y0 + Q;
      const x0 = xo + s * P;
      const x1 = x0 + P;
      let p = 0;
      for (; p + 3 < P; p += 4) {
        const a0 = x[x0 + p];
        const a1 = x[x0 + p + 1];
        const a2 = x[x0 + p + 2];
        const a3 = x[x0 + p + 3];
        const c0 = x[x1 + p];
        const c1 = x[x1 + p + 1];
        const c2 = x[x1 + p + 2];
        const c3 = x[x1 + p + 3];
        const w0 = w + p * Q;
        const w1 = w0 + Q;
        const w2 = w1 + Q;
        const w3 = w2 + Q;
        for (let q = 0; q < Q; q++) {
          const u0 = params[w0 + q];
          const u1 = params[w1 + q];
          const u2 = params[w2 + q];
          const u3 = params[w3 + q];
          y[y0 + q] = y[y0 + q] + a0 * u0 + a1 * u1 + a2 * u2 + a3 * u3;
          y[y1 + q] = y[y1 + q] + c0 * u0 + c1 * u1 + c2 * u2 + c3 * u3;
        }
      }
      for (; p < P; p++) {
        const a = x[x0 + p];
        const c = x[x1 + p];
        const wp = w + p * Q;
        for (let q = 0; q < Q; q++) {
          const u = params[wp + q];
          y[y0 + q] += a * u;
          y[y1 + q] += c * u;
        }
      }
    }
    for (; s < rows; s++) {
      const ys = yo + s * Q;
      const xs = xo + s * P;
      for (let p = 0; p < P; p++) {
        const v = x[xs + p];
        const wp = w + p * Q;
        for (let q = 0; q < Q; q++) y[ys + q] += v * params[wp + q];
      }
    }
  }

  backward(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    gy: Float64Array,
    gx: Float64Array | null,
    g: Float64Array,
    rows: number,
  ): void {
    this.backwardRows(params, x, xo, gy, gx, g, rows, 1);
  }

  /**
   * Every jet channel maps linearly through W; the bias enters the value channel only. The jet rows
   * (sample s, channel c) are the rows s * C + c of one matrix, taken four at a time with the sums held in
   * registers: each y[r, q] still adds x[r, p] W[p, q] in p order, one rounding at a time, so the bits are
   * those of the plain loop `y += v W[p]` (the tail below). In a network's WASM memory the blocks of four
   * run in linear.wat (two outputs per f64x2 instruction, the same operations per output).
   */
  forwardJet(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    rows: number,
    shape: JetShape,
    _ctx: JetContext,
  ): void {
    const { nIn: P, nOut: Q, offset: w } = this;
    const b = w + P * Q;
    const C = shape.C;
    const R = rows * C;
    const bias = this.bias;
    let r = this.wasmForward(params, x, xo, y, yo, R, C);
    for (; r + 3 < R; r += 4) {
      const x0 = xo + r * P;
      const x1 = x0 + P;
      const x2 = x1 + P;
      const x3 = x2 + P;
      const y0 = yo + r * Q;
      const b0 = bias && r % C === 0;
      const b1 = bias && (r + 1) % C === 0;
      const b2 = bias && (r + 2) % C === 0;
      const b3 = bias && (r + 3) % C === 0;
      for (let q = 0; q < Q; q++) {
        const bq = bias ? params[b + q] : 0;
        let a0 = b0 ? bq : 0;
        let a1 = b1 ? bq : 0;
        let a2 = b2 ? bq : 0;
        let a3 = b3 ? bq : 0;
        for (let p = 0, wq = w + q; p < P; p++, wq += Q) {
          const u = params[wq];
          a0 += x[x0 + p] * u;
          a1 += x[x1 + p] * u;
          a2 += x[x2 + p] * u;
          a3 += x[x3 + p] * u;
        }
        y[y0 + q] = a0;
        y[y0 + Q + q] = a1;
        y[y0 + 2 * Q + q] = a2;
        y[y0 + 3 * Q + q] = a3;
      }
    }
    for (; r < R; r++) {
      const ys = yo + r * Q;
      if (bias && r % C === 0) for (let q = 0; q < Q; q++) y[ys + q] = params[b + q];
      else for (let q = 0; q < Q; q++) y[ys + q] = 0;
      const xs = xo + r * P;
      for (let p = 0; p < P; p++) {
        const v = x[xs + p];
        if (v === 0) continue;
        const wp = w + p * Q;
        for (let q = 0; q < Q; q++) y[ys + q] += v * params[wp + q];
      }
    }
  }

  /** Adjoint of `forwardJet`: the jet rows are rows of one matrix, the bias gets the value rows only. */
  backwardJet(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    gy: Float64Array,
    gx: Float64Array | null,
    g: Float64Array,
    rows: number,
    shape: JetShape,
    _ctx: JetContext,
  ): void {
    this.backwardRows(params, x, xo, gy, gx, g, rows * shape.C, shape.C);
  }

  /**
   * Weight, bias and input gradients of R rows; the bias gets every `biasEvery`-th row (1 for samples, C for
   * jet rows). Four rows per pass over q: each weight and gradient entry is loaded once for four rows.
   * g[p, q] still adds x[r, p] gy[r, q] in row order (left-to-right sums), the bias after them, and each
   * input gradient sums over q in order, so the bits are those of the plain per-row loop (the tail below).
   */
  private backwardRows(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    gy: Float64Array,
    gx: Float64Array | null,
    g: Float64Array,
    R: number,
    biasEvery: number,
  ): void {
    const { nIn: P, nOut: Q, offset: w } = this;
    const b = w + P * Q;
    let r = this.wasmBackward(params, x, xo, gy, gx, g, R, biasEvery);
    for (; r + 3 < R; r += 4) {
      const g0 = r * Q;
      const g1 = g0 + Q;
      const g2 = g1 + Q;
      const g3 = g2 + Q;
      const x0 = xo + r * P;
      for (let p = 0; p < P; p++) {
        const v0 = x[x0 + p];
        const v1 = x[x0 + P + p];
        const v2 = x[x0 + 2 * P + p];
        const v3 = x[x0 + 3 * P + p];
        const wp = w + p * Q;
        let acc0 = 0;
        let acc1 = 0;
        let acc2 = 0;
        let acc3 = 0;
        for (let q = 0; q < Q; q++) {
          const e0 = gy[g0 + q];
          const e1 = gy[g1 + q];
          const e2 = gy[g2 + q];
          const e3 = gy[g3 + q];
          const u = params[wp + q];
          g[wp + q] = g[wp + q] + v0 * e0 + v1 * e1 + v2 * e2 + v3 * e3;
          acc0 += u * e0;
          acc1 += u * e1;
          acc2 += u * e2;
          acc3 += u * e3;
        }
        if (gx) {
          gx[r * P + p] = acc0;
          gx[(r + 1) * P + p] = acc1;
          gx[(r + 2) * P + p] = acc2;
          gx[(r + 3) * P + p] = acc3;
        }
      }
      if (this.bias)
        for (let k = 0; k < 4; k++)
          if ((r + k) % biasEvery === 0) {
            const gk = g0 + k * Q;
            for (let q = 0; q < Q; q++) g[b + q] += gy[gk + q];
          }
    }
    for (; r < R; r++) {
      const gs = r * Q;
      const xs = xo + r * P;
      for (let p = 0; p < P; p++) {
        const v = x[xs + p];
        const wp = w + p * Q;
        let acc = 0;
        for (let q = 0; q < Q; q++) {
          const gq = gy[gs + q];
          g[wp + q] += v * gq;
          acc += params[wp + q] * gq;
        }
        if (gx) gx[r * P + p] = acc;
      }
      if (this.bias && r % biasEvery === 0) for (let q = 0; q < Q; q++) g[b + q] += gy[gs + q];
    }
  }

  /**
   * Runs the first whole blocks of four rows of a forward pass in the WASM kernel when every array is a
   * view of one network's WASM memory (bias on rows r with r % C == 0) and returns the first row left to
   * JS (0 when WASM does not apply).
   */
  private wasmForward(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    R: number,
    C: number,
  ): number {
    const k = sharedArena(params, x, y);
    if (k === undefined) return 0;
    const R4 = R - (R % 4);
    const { nIn: P, nOut: Q, offset: w } = this;
    const pb = params.byteOffset;
    k.linFwd(
      P,
      Q,
      pb + 8 * w,
      pb + 8 * (w + P * Q),
      x.byteOffset + 8 * xo,
      y.byteOffset + 8 * yo,
      R4,
      C,
      this.bias ? 1 : 0,
    );
    return R4;
  }

  /**
   * Runs the first whole blocks of four rows of `backwardRows` in the WASM kernel (the same sums in the
   * same order) when every array is a view of one network's WASM memory, and returns the first row left
   * to JS (0 when WASM does not apply).
   */
  private wasmBackward(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    gy: Float64Array,
    gx: Float64Array | null,
    g: Float64Array,
    R: number,
    biasEvery: number,
  ): number {
    const k = sharedArena(params, x, gy, g, gx);
    if (k === undefined) return 0;
    const R4 = R - (R % 4);
    const { nIn: P, nOut: Q, offset: w } = this;
    const gb = g.byteOffset;
    k.linBwd(
      P,
      Q,
      params.byteOffset + 8 * w,
      gb + 8 * (w + P * Q),
      x.byteOffset + 8 * xo,
      gy.byteOffset,
      gx === null ? 0 : gx.byteOffset,
      gx === null ? 0 : 1,
      gb + 8 * w,
      R4,
      biasEvery,
      this.bias ? 1 : 0,
    );
    return R4;
  }

  toSpec(): LinearLayerSpec {
    return { type: "linear", nIn: this.nIn, nOut: this.nOut, bias: this.bias };
  }
}
