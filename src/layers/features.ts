/**
 * Input feature maps (DESIGN.md section 3) as a parameter-free layer: each output feature applies one
 * scalar function to an affine image of one input coordinate, z = a x_i + b:
 *
 * - `identity`: z (with a, b this is the affine scaling of an input, so derivatives of the network come
 *   out in the user's coordinates);
 * - `abs`: |z|, the level-set feature of the cusp-capturing PINN (digest section 5.2: inputs (x, y, |x|));
 *   at z = 0 the derivative is one-sided, the side chosen per point (`JetContext.sides`, right by default);
 * - `cos`, `sin`: cos(pi z), sin(pi z), periodic embeddings;
 * - `asinh`: asinh(g z) / asinh(g) with a gain g > 0, a graded coordinate (a stretched mesh): odd,
 *   increasing, [-1, 1] onto itself, with slope g / A at z = 0 and g / (A sqrt(1 + g^2)) at |z| = 1
 *   (A = asinh(g); g = 10: 3.3 and 0.33), so uniform knots downstream are that much denser near z = 0,
 *   where a front or boundary layer is expected (the Burgers shock at x = 0). Its derivatives, with
 *   u = g^2 z^2: g / (A sqrt(1 + u)), -g^3 z / (A (1 + u)^(3/2)), g^3 (2u - 1) / (A (1 + u)^(5/2)).
 */

import type { Rng } from "../util/random.js";
import { requireFinite, requireInteger, requirePositive } from "../util/validate.js";
import type { JetContext, JetShape } from "./jet.js";
import { elementwiseJetBackward, elementwiseJetForward } from "./jet-channels.js";
import type { Feature, FeatureKind, FeatureLayerSpec, Layer } from "./layer.js";

const KINDS: readonly FeatureKind[] = ["identity", "abs", "cos", "sin", "asinh"];

/** One feature as the layer holds it: every option filled in, and asinh(gain) of the `asinh` kind. */
interface ResolvedFeature extends Required<Feature> {
  /** asinh(gain): the `asinh` kind's normalisation (1 for the other kinds). */
  norm: number;
}

/**
 * f(z) of feature `f` at the input value x, z = scale x + shift, and its derivatives with respect to x
 * (chain rule through z) into out[0..3]; `side` is the one-sided derivative's side at the kink of `abs`.
 */
function featureDerivs(f: ResolvedFeature, x: number, side: number, out: Float64Array): void {
  const { scale: a, gain, norm } = f;
  const z = a * x + f.shift;
  switch (f.kind) {
    case "identity":
      out[0] = z;
      out[1] = a;
      out[2] = 0;
      out[3] = 0;
      return;
    case "abs": {
      const sgn = z > 0 ? 1 : z < 0 ? -1 : side;
      out[0] = Math.abs(z);
      out[1] = sgn * a;
      out[2] = 0;
      out[3] = 0;
      return;
    }
    case "cos": {
      const w = Math.PI * a;
      const c = Math.cos(Math.PI * z);
      const s = Math.sin(Math.PI * z);
      out[0] = c;
      out[1] = -w * s;
      out[2] = -w * w * c;
      out[3] = w * w * w * s;
      return;
    }
    case "sin": {
      const w = Math.PI * a;
      const c = Math.cos(Math.PI * z);
      const s = Math.sin(Math.PI * z);
      out[0] = s;
      out[1] = w * c;
      out[2] = -w * w * s;
      out[3] = -w * w * w * c;
      return;
    }
    case "asinh": {
      const ag = a * gain;
      const u = gain * z * (gain * z);
      const q = Math.sqrt(1 + u);
      const q3 = q * q * q;
      out[0] = Math.asinh(gain * z) / norm;
      out[1] = ag / (norm * q);
      out[2] = (-ag * ag * gain * z) / (norm * q3);
      out[3] = (ag * ag * ag * (2 * u - 1)) / (norm * q3 * q * q);
      return;
    }
  }
}

/**
 * Parameter-free layer of input features (identity, |z|, cos, sin, asinh of z = a x_i + b); see the file
 * header.
 */
export class FeatureLayer implements Layer {
  readonly type = "features";
  readonly nIn: number;
  readonly nOut: number;
  readonly paramCount = 0;
  offset = 0;
  readonly features: ResolvedFeature[];
  private readonly d = new Float64Array(4);

  constructor(spec: Omit<FeatureLayerSpec, "type">) {
    this.nIn = requireInteger("feature layer nIn", spec.nIn, 1);
    if (!Array.isArray(spec.features) || spec.features.length === 0) {
      throw new Error("a feature layer needs a non-empty list of features");
    }
    this.features = spec.features.map((f, i) => {
      if (!KINDS.includes(f.kind)) {
        throw new Error(
          `features[${i}].kind must be one of ${KINDS.join(", ")}, got ${JSON.stringify(f.kind)}`,
        );
      }
      if (f.gain !== undefined && f.kind !== "asinh") {
        throw new Error(
          `features[${i}].gain is the asinh kind's; a ${JSON.stringify(f.kind)} feature takes none, got ${f.gain}`,
        );
      }
      const gain = f.gain === undefined ? 1 : requirePositive(`features[${i}].gain`, f.gain);
      return {
        input: requireInteger(`features[${i}].input`, f.input, 0, this.nIn - 1),
        kind: f.kind,
        scale: f.scale === undefined ? 1 : requireFinite(`features[${i}].scale`, f.scale),
        shift: f.shift === undefined ? 0 : requireFinite(`features[${i}].shift`, f.shift),
        gain,
        norm: f.kind === "asinh" ? Math.asinh(gain) : 1,
      };
    });
    this.nOut = this.features.length;
  }

  init(_params: Float64Array, _rng: Rng): void {}
  prepare(_params: Float64Array): void {}
  finishGradient(_params: Float64Array, _g: Float64Array): void {}

  forward(
    _params: Float64Array,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    rows: number,
  ): void {
    const { nIn: P, nOut: Q, d } = this;
    for (let s = 0; s < rows; s++) {
      for (let o = 0; o < Q; o++) {
        const f = this.features[o];
        featureDerivs(f, x[xo + s * P + f.input], 1, d);
        y[yo + s * Q + o] = d[0];
      }
    }
  }

  backward(
    _params: Float64Array,
    x: Float64Array,
    xo: number,
    gy: Float64Array,
    gx: Float64Array | null,
    _g: Float64Array,
    rows: number,
  ): void {
    if (!gx) return;
    const { nIn: P, nOut: Q, d } = this;
    gx.fill(0, 0, rows * P);
    for (let s = 0; s < rows; s++) {
      for (let o = 0; o < Q; o++) {
        const f = this.features[o];
        featureDerivs(f, x[xo + s * P + f.input], 1, d);
        gx[s * P + f.input] += d[1] * gy[s * Q + o];
      }
    }
  }

  forwardJet(
    _params: Float64Array,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    rows: number,
    shape: JetShape,
    ctx: JetContext,
  ): void {
    const { nIn: P, nOut: Q, d } = this;
    for (let s = 0; s < rows; s++) {
      const side = ctx.sides ? ctx.sides[ctx.start + s] : 1;
      for (let o = 0; o < Q; o++) {
        const f = this.features[o];
        featureDerivs(f, x[xo + s * shape.C * P + f.input], side, d);
        elementwiseJetForward(shape, x, xo, y, yo, P, f.input, Q, o, s, d[0], d[1], d[2]);
      }
    }
  }

  backwardJet(
    _params: Float64Array,
    x: Float64Array,
    xo: number,
    gy: Float64Array,
    gx: Float64Array | null,
    _g: Float64Array,
    rows: number,
    shape: JetShape,
    ctx: JetContext,
  ): void {
    if (!gx) return;
    const { nIn: P, nOut: Q, d } = this;
    gx.fill(0, 0, rows * shape.C * P);
    for (let s = 0; s < rows; s++) {
      const side = ctx.sides ? ctx.sides[ctx.start + s] : 1;
      for (let o = 0; o < Q; o++) {
        const f = this.features[o];
        featureDerivs(f, x[xo + s * shape.C * P + f.input], side, d);
        elementwiseJetBackward(shape, x, xo, gy, gx, P, f.input, Q, o, s, d[1], d[2], d[3]);
      }
    }
  }

  toSpec(): FeatureLayerSpec {
    return {
      type: "features",
      nIn: this.nIn,
      features: this.features.map((f) => {
        const out: Feature = { input: f.input, kind: f.kind };
        if (f.scale !== 1) out.scale = f.scale;
        if (f.shift !== 0) out.shift = f.shift;
        if (f.gain !== 1) out.gain = f.gain; // only asinh features have a gain other than 1
        return out;
      }),
    };
  }
}
