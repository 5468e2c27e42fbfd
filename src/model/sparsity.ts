/**
 * Edge importance and pykan's sparsity regulariser (KAN paper arXiv 2404.19756, section 2.5.1).
 *
 * - Edge score (the paper's L1 norm of an activation): `|phi_pq|_1 = (1/n) sum_s |phi_pq(x_sp)|`, the
 *   mean absolute activation of edge p -> q of a spline layer over n samples, where x_sp is the layer's
 *   input (the previous layers' output) for sample s and phi_pq the whole edge function (spline, plus
 *   the base term w_b silu(x) for pykan-style layers). `edgeScores` returns them; prune and the network
 *   plot rank edges and nodes by them.
 * - Regulariser (paper eq. 2.17-2.20 as pykan's `reg` computes it), summed over spline layers l:
 *     lambL1 * sum_pq A_pq  +  lambEntropy * S_l  +  lambCoef * sum_pq mean_i |u_pqi|
 *       +  lambCoefDiff * sum_pq mean_i |u_pq(i+1) - u_pqi|,
 *   with A_pq the edge scores of layer l, S_l = -sum_pq a_pq log2(a_pq + 1e-4) the entropy of the layer's
 *   normalised scores a_pq = A_pq / sum A (pykan's 1e-4 keeps it differentiable at a = 0; S_l = 0 when
 *   every score is 0) and u the B-spline coefficients of every edge. The trainer adds `lamb` times this
 *   to the loss (`fit(..., { lamb, lambL1, lambEntropy, lambCoef, lambCoefDiff })`, src/train/sparsity.ts).
 *
 * The gradient is exact (with sign(0) = 0 at the kinks of |.|): the scores depend on the layer's own
 * coefficients and, through its inputs, on every earlier layer, so `valueAndGradient` runs a forward pass
 * over all samples (keeping every layer's activations), forms dReg/dA per edge, then a backward pass that
 * injects at each spline layer the derivative of its scores with respect to its coefficients and inputs.
 * Buffers are allocated once per regulariser (per model), none per evaluation.
 */
import { sigmoid } from "../layers/elementwise.js";
import type { Layer } from "../layers/layer.js";
import { SplineLayer } from "../layers/spline-layer.js";
import { evalBasisAt, MAX_DERIV } from "../spline/basis.js";
import { solveA } from "../spline/change-of-basis.js";
import { describe, rejectUnknownKeys, requireFinite } from "../util/validate.js";
import { type Network, toFlat } from "./network.js";
import { BLOCK } from "./slots.js";

/** Weights of the regulariser's terms (pykan's `lamb_l1`, `lamb_entropy`, `lamb_coef`, `lamb_coefdiff`). */
export interface SparsityWeights {
  /** Weight of the L1 term (sum of edge scores). pykan default 1. */
  lambL1?: number;
  /** Weight of the entropy term. pykan default 2. */
  lambEntropy?: number;
  /** Weight of the mean absolute B-spline coefficient per edge. pykan default 0. */
  lambCoef?: number;
  /** Weight of the mean absolute difference of neighbouring coefficients per edge. pykan default 0. */
  lambCoefDiff?: number;
}

/** pykan's defaults of the term weights. */
export const SPARSITY_DEFAULTS: Required<SparsityWeights> = Object.freeze({
  lambL1: 1,
  lambEntropy: 2,
  lambCoef: 0,
  lambCoefDiff: 0,
});

const WEIGHT_KEYS = ["lambL1", "lambEntropy", "lambCoef", "lambCoefDiff"] as const;

/** Validated weights with pykan's defaults filled in (each finite and >= 0). */
export function sparsityWeights(w: SparsityWeights = {}, where = "sparsity"): Required<SparsityWeights> {
  if (typeof w !== "object" || w === null)
    throw new Error(`${where}: weights must be an object, got ${describe(w)}`);
  rejectUnknownKeys(where, w, WEIGHT_KEYS);
  const out = { ...SPARSITY_DEFAULTS };
  for (const k of WEIGHT_KEYS) {
    const v = w[k];
    if (v === undefined) continue;
    requireFinite(`${where}: ${k}`, v);
    if (v < 0) throw new Error(`${where}: ${k} must be >= 0, got ${v}`);
    out[k] = v;
  }
  return out;
}

/** pykan's epsilon inside the entropy's logarithm. */
const ENTROPY_EPS = 1e-4;

/** Scores of one spline layer: `scores[p][q]` for edge p -> q (input p, output q). */
export interface LayerScores {
  /** Index of the layer in `model.layers`. */
  layer: number;
  nIn: number;
  nOut: number;
  /** Mean |phi_pq| over the samples, `scores[p][q]`. */
  scores: number[][];
}

/**
 * Per-edge importance of every spline layer: the mean absolute activation `(1/n) sum_s |phi_pq(x_sp)|`
 * of each edge over the samples (the paper's L1 norm of an activation, section 2.5.1). `x` is in the
 * user's units (the model's input scaler is applied, as in `predict`): rows, or a flat row-major array.
 * Scores are in the units of the layer's outputs (the normalised target units for the last layer).
 */
export function edgeScores(model: Network, x: number[][] | Float64Array): LayerScores[] {
  const flat = Array.isArray(x) ? toFlat(x, model.nIn, "x") : Float64Array.from(x);
  if (flat.length === 0 || flat.length % model.nIn !== 0) {
    throw new Error(
      `edgeScores: x has ${flat.length} values, need a positive multiple of the ${model.nIn} inputs`,
    );
  }
  for (let i = 0; i < flat.length; i++) {
    if (!Number.isFinite(flat[i])) throw new Error(`edgeScores: x[${i}] must be finite, got ${flat[i]}`);
  }
  const n = flat.length / model.nIn;
  const inS = model.scalers.input;
  if (inS) {
    for (let s = 0; s < n; s++)
      for (let p = 0; p < model.nIn; p++)
        flat[s * model.nIn + p] = (flat[s * model.nIn + p] - inS.shift[p]) / inS.scale[p];
  }
  return edgeScoresScaled(model, flat, n);
}

/** `edgeScores` for inputs already in the model's (scaled) units, n samples. */
export function edgeScoresScaled(model: Network, x: Float64Array, n: number): LayerScores[] {
  const reg = new SparsityRegularizer(model, n, { lambL1: 0, lambEntropy: 0 });
  reg.scores(x);
  return reg.layerScores();
}

/**
 * The sparsity regulariser of one model for batches of `n` samples (see the module comment). Holds the
 * activations of every layer for all n samples and the work buffers; allocation free afterwards.
 */
export class SparsityRegularizer {
  readonly weights: Required<SparsityWeights>;
  private readonly model: Network;
  private readonly n: number;
  /** Activations of every layer for all n samples (acts[l][s*nOut_l + q]). */
  private readonly acts: Float64Array[];
  /** Per spline layer (by layer index): edge scores A[p*Q + q], dReg/dA, B-spline coefficients u. */
  private readonly A: (Float64Array | null)[];
  private readonly dA: (Float64Array | null)[];
  private readonly u: (Float64Array | null)[];
  private readonly gu: (Float64Array | null)[];
  private readonly gp: Float64Array;
  private readonly gA: Float64Array;
  private readonly gB: Float64Array;
  private readonly basis = new Float64Array((MAX_DERIV + 1) * 16);
  private readonly phi: Float64Array;
  private readonly dphi: Float64Array;
  /** Value of each term at the last evaluation. */
  readonly terms = { l1: 0, entropy: 0, coef: 0, coefDiff: 0 };

  constructor(model: Network, n: number, weights: SparsityWeights = {}) {
    if (model.splineLayers.length === 0)
      throw new Error("sparsity regularisation needs a model with spline layers (a KAN), this one has none");
    this.weights = sparsityWeights(weights);
    this.model = model;
    this.n = n;
    const layers = model.layers;
    this.acts = layers.map((l) => new Float64Array(n * l.nOut));
    const spline = (l: Layer) => (l instanceof SplineLayer ? l : null);
    this.A = layers.map((l) => (spline(l) ? new Float64Array(l.nIn * l.nOut) : null));
    this.dA = layers.map((l) => (spline(l) ? new Float64Array(l.nIn * l.nOut) : null));
    this.u = layers.map((l) => {
      const s = spline(l);
      return s ? new Float64Array(s.nIn * s.nBasis * s.nOut) : null;
    });
    this.gu = layers.map((l) => {
      const s = spline(l);
      return s ? new Float64Array(s.nIn * s.nBasis * s.nOut) : null;
    });
    this.gp = new Float64Array(model.paramCount);
    const maxWidth = Math.max(model.nIn, ...layers.map((l) => l.nOut));
    this.gA = new Float64Array(BLOCK * maxWidth);
    this.gB = new Float64Array(BLOCK * maxWidth);
    this.phi = new Float64Array(maxWidth);
    this.dphi = new Float64Array(maxWidth);
  }

  /** Copies the B-spline coefficients u of every spline layer from the model's parameters. */
  private loadCoefficients(): void {
    const { params, layers } = this.model;
    layers.forEach((l, i) => {
      const u = this.u[i];
      if (!(l instanceof SplineLayer) || !u) return;
      if (l.basis === "relu") l.toSplineCoefficients(params, l.offset, u, 0);
      else u.set(params.subarray(l.offset, l.offset + u.length));
    });
  }

  /**
   * phi_pq(v) and phi_pq'(v) for all outputs q of input p of layer `li` into this.phi / this.dphi; leaves
   * the basis values in this.basis and returns the span.
   */
  private edgeValues(li: number, layer: SplineLayer, p: number, v: number): number {
    const u = this.u[li] as Float64Array;
    const params = this.model.params;
    const { nIn: P, nOut: Q, nBasis: N } = layer;
    const r = layer.order;
    const b = this.basis;
    const j = evalBasisAt(layer.knots, v, 1, b, 0);
    const phi = this.phi;
    const dphi = this.dphi;
    for (let q = 0; q < Q; q++) {
      let f = 0;
      let d = 0;
      for (let m = 0; m < r; m++) {
        const c = u[(p * N + j + m) * Q + q];
        f += c * b[m];
        d += c * b[r + m];
      }
      phi[q] = f;
      dphi[q] = d;
    }
    if (layer.base) {
      const sg = sigmoid(v);
      const silu = v * sg;
      const dsilu = sg + v * sg * (1 - sg);
      const wb = layer.baseOffset;
      const ws = wb + P * Q;
      for (let q = 0; q < Q; q++) {
        const w = params[ws + p * Q + q];
        phi[q] = w * phi[q] + params[wb + p * Q + q] * silu;
        dphi[q] = w * dphi[q] + params[wb + p * Q + q] * dsilu;
      }
    }
    return j;
  }

  /** Forward over all samples (keeping the activations) and the edge scores of every spline layer. */
  scores(x: Float64Array): void {
    const model = this.model;
    const n = this.n;
    if (x.length < n * model.nIn) throw new Error(`x has length ${x.length}, need ${n * model.nIn}`);
    model.prepare();
    this.loadCoefficients();
    const layers = model.layers;
    for (let start = 0; start < n; start += BLOCK) {
      const rows = Math.min(BLOCK, n - start);
      let src = x;
      let so = start * model.nIn;
      for (let l = 0; l < layers.length; l++) {
        const layer = layers[l];
        layer.forward(model.params, src, so, this.acts[l], start * layer.nOut, rows);
        src = this.acts[l];
        so = start * layer.nOut;
      }
    }
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l];
      const A = this.A[l];
      if (!(layer instanceof SplineLayer) || !A) continue;
      A.fill(0);
      const input = l === 0 ? x : this.acts[l - 1];
      const { nIn: P, nOut: Q } = layer;
      for (let s = 0; s < n; s++) {
        for (let p = 0; p < P; p++) {
          this.edgeValues(l, layer, p, input[s * P + p]);
          for (let q = 0; q < Q; q++) A[p * Q + q] += Math.abs(this.phi[q]);
        }
      }
      for (let e = 0; e < A.length; e++) A[e] /= n;
    }
  }

  /** The scores of the last `scores` call, per spline layer. */
  layerScores(): LayerScores[] {
    const out: LayerScores[] = [];
    this.model.layers.forEach((layer, l) => {
      const A = this.A[l];
      if (!(layer instanceof SplineLayer) || !A) return;
      const scores: number[][] = [];
      for (let p = 0; p < layer.nIn; p++)
        scores.push(Array.from(A.subarray(p * layer.nOut, (p + 1) * layer.nOut)));
      out.push({ layer: l, nIn: layer.nIn, nOut: layer.nOut, scores });
    });
    return out;
  }

  /**
   * The regulariser at the model's current parameters for the n samples x (model units), and its exact
   * gradient with respect to `model.params`, written into `grad` (length paramCount, overwritten).
   */
  valueAndGradient(x: Float64Array, grad: Float64Array): number {
    const model = this.model;
    if (grad.length !== model.paramCount)
      throw new Error(`gradient array has length ${grad.length}, need ${model.paramCount}`);
    const { lambL1, lambEntropy, lambCoef, lambCoefDiff } = this.weights;
    this.scores(x);
    const layers = model.layers;
    const n = this.n;
    let l1 = 0;
    let entropy = 0;
    // dReg/dA per edge: lambL1 + lambEntropy dS/dA.
    for (let l = 0; l < layers.length; l++) {
      const A = this.A[l];
      const dA = this.dA[l];
      if (!A || !dA) continue;
      let T = 0;
      for (let e = 0; e < A.length; e++) T += A[e];
      l1 += T;
      dA.fill(lambL1);
      if (T > 0 && lambEntropy !== 0) {
        // S = -sum_e a_e L(a_e), L(a) = log2(a + eps); s_e = dS/da_e; dS/dA_f = (s_f - sum_e s_e a_e) / T.
        let S = 0;
        let sa = 0;
        for (let e = 0; e < A.length; e++) {
          const a = A[e] / T;
          S -= a * Math.log2(a + ENTROPY_EPS);
          const se = -(Math.log2(a + ENTROPY_EPS) + a / ((a + ENTROPY_EPS) * Math.LN2));
          dA[e] = se; // temporarily s_e
          sa += se * a;
        }
        entropy += S;
        for (let e = 0; e < A.length; e++) dA[e] = lambL1 + (lambEntropy * (dA[e] - sa)) / T;
      }
    }
    // Backward: gp in the layers' prepared coordinates (as Layer.backward accumulates).
    const gp = this.gp;
    gp.fill(0);
    for (let start = 0; start < n; start += BLOCK) {
      const rows = Math.min(BLOCK, n - start);
      let gy = this.gA;
      let gx = this.gB;
      let live = false; // whether gy holds a nonzero gradient from the layers above
      for (let l = layers.length - 1; l >= 0; l--) {
        const layer = layers[l];
        const input = l === 0 ? x : this.acts[l - 1];
        const io = start * layer.nIn;
        if (live) layer.backward(model.params, input, io, gy, l === 0 ? null : gx, gp, rows);
        else if (l > 0) gx.fill(0, 0, rows * layer.nIn);
        const dA = this.dA[l];
        if (layer instanceof SplineLayer && dA) {
          this.injectScoreGradient(l, layer, input, io, rows, dA, l === 0 ? null : gx, gp);
          live = true;
        }
        const t = gy;
        gy = gx;
        gx = t;
      }
    }
    model.finishGradient(gp);
    grad.set(gp);
    // Coefficient terms, on u; mapped to the trainable parametrisation (w = A^T u: grad_w = A^{-1} grad_u).
    let coef = 0;
    let coefDiff = 0;
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l];
      const u = this.u[l];
      const gu = this.gu[l];
      if (!(layer instanceof SplineLayer) || !u || !gu) continue;
      const { nIn: P, nOut: Q, nBasis: N } = layer;
      gu.fill(0);
      for (let p = 0; p < P; p++) {
        for (let q = 0; q < Q; q++) {
          for (let i = 0; i < N; i++) {
            const k = (p * N + i) * Q + q;
            coef += Math.abs(u[k]) / N;
            gu[k] += (lambCoef * Math.sign(u[k])) / N;
          }
          if (N > 1) {
            for (let i = 0; i + 1 < N; i++) {
              const k0 = (p * N + i) * Q + q;
              const k1 = k0 + Q;
              const d = u[k1] - u[k0];
              coefDiff += Math.abs(d) / (N - 1);
              const gd = (lambCoefDiff * Math.sign(d)) / (N - 1);
              gu[k1] += gd;
              gu[k0] -= gd;
            }
          }
        }
      }
      if (lambCoef === 0 && lambCoefDiff === 0) continue;
      if (layer.A) {
        for (let p = 0; p < P; p++)
          for (let q = 0; q < Q; q++) solveA(layer.A, gu, p * N * Q + q, Q, gu, p * N * Q + q, Q);
      }
      for (let k = 0; k < gu.length; k++) grad[layer.offset + k] += gu[k];
      if (layer.mask) layer.zeroMasked(grad);
    }
    this.terms.l1 = l1;
    this.terms.entropy = entropy;
    this.terms.coef = coef;
    this.terms.coefDiff = coefDiff;
    return lambL1 * l1 + lambEntropy * entropy + lambCoef * coef + lambCoefDiff * coefDiff;
  }

  /**
   * Adds, for one block, the derivative of sum_pq dA_pq A_pq through the layer's own parameters (into gp,
   * prepared coordinates) and through its inputs (added into gx, when given).
   */
  private injectScoreGradient(
    l: number,
    layer: SplineLayer,
    input: Float64Array,
    io: number,
    rows: number,
    dA: Float64Array,
    gx: Float64Array | null,
    gp: Float64Array,
  ): void {
    const { nIn: P, nOut: Q, nBasis: N } = layer;
    const r = layer.order;
    const inv = 1 / this.n;
    const b = this.basis;
    const wb = layer.baseOffset;
    for (let s = 0; s < rows; s++) {
      for (let p = 0; p < P; p++) {
        const v = input[io + s * P + p];
        const j = this.edgeValues(l, layer, p, v);
        let acc = 0;
        let sg = 0;
        if (layer.base) sg = sigmoid(v);
        for (let q = 0; q < Q; q++) {
          const w = dA[p * Q + q] * inv * Math.sign(this.phi[q]);
          if (w === 0) continue;
          acc += w * this.dphi[q];
          // Prepared coordinates: effective coefficients (w_s u, or u) and the base weight w_b.
          for (let m = 0; m < r; m++) gp[layer.offset + (p * N + j + m) * Q + q] += w * b[m];
          if (layer.base) gp[wb + p * Q + q] += w * v * sg;
        }
        if (gx) gx[s * P + p] += acc;
      }
    }
  }
}
