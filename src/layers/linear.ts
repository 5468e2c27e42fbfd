/**
 * Dense linear layer y = x W + b, with W stored input-major (`W[p*nOut + q]`, then the bias) so the
 * inner loops run over contiguous outputs. Initialised as PyTorch's nn.Linear: W and b uniform in
 * +-1/sqrt(nIn).
 */
import type { JetContext, JetShape } from "../model/jet.js";
import type { Rng } from "../util/random.js";
import { requireInteger } from "../util/validate.js";
import type { Layer, LinearLayerSpec } from "./layer.js";

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
    this.paramCount = this.nIn * this.nOut + (this.bias ? this.nOut : 0);
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
    for (let s = 0; s < rows; s++) {
      const ys = yo + s * Q;
      if (this.bias) for (let q = 0; q < Q; q++) y[ys + q] = params[b + q];
      else for (let q = 0; q < Q; q++) y[ys + q] = 0;
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
    const { nIn: P, nOut: Q, offset: w } = this;
    const b = w + P * Q;
    for (let s = 0; s < rows; s++) {
      const gs = s * Q;
      const xs = xo + s * P;
      for (let p = 0; p < P; p++) {
        const v = x[xs + p];
        const wp = w + p * Q;
        let acc = 0;
        for (let q = 0; q < Q; q++) {
          const gq = gy[gs + q];
          g[wp + q] += v * gq;
          acc += params[wp + q] * gq;
        }
        if (gx) gx[s * P + p] = acc;
      }
      if (this.bias) for (let q = 0; q < Q; q++) g[b + q] += gy[gs + q];
    }
  }

  /** Every jet channel maps linearly through W; the bias enters the value channel only. */
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
    for (let s = 0; s < rows; s++) {
      for (let c = 0; c < C; c++) {
        const ys = yo + (s * C + c) * Q;
        if (this.bias && c === 0) for (let q = 0; q < Q; q++) y[ys + q] = params[b + q];
        else for (let q = 0; q < Q; q++) y[ys + q] = 0;
        const xs = xo + (s * C + c) * P;
        for (let p = 0; p < P; p++) {
          const v = x[xs + p];
          if (v === 0) continue;
          const wp = w + p * Q;
          for (let q = 0; q < Q; q++) y[ys + q] += v * params[wp + q];
        }
      }
    }
  }

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
    const { nIn: P, nOut: Q, offset: w } = this;
    const b = w + P * Q;
    const C = shape.C;
    for (let s = 0; s < rows; s++) {
      for (let c = 0; c < C; c++) {
        const gs = (s * C + c) * Q;
        const xs = xo + (s * C + c) * P;
        for (let p = 0; p < P; p++) {
          const v = x[xs + p];
          const wp = w + p * Q;
          let acc = 0;
          for (let q = 0; q < Q; q++) {
            const gq = gy[gs + q];
            g[wp + q] += v * gq;
            acc += params[wp + q] * gq;
          }
          if (gx) gx[(s * C + c) * P + p] = acc;
        }
        if (this.bias && c === 0) for (let q = 0; q < Q; q++) g[b + q] += gy[gs + q];
      }
    }
  }

  toSpec(): LinearLayerSpec {
    return { type: "linear", nIn: this.nIn, nOut: this.nOut, bias: this.bias };
  }
}
