/**
 * The spline KAN layer (paper eq. 6): P inputs, Q outputs, one spline of order r on every edge,
 * `x_q = sum_p phi_pq(x_p)`, `phi_pq = sum_i c[p][i][q] b_i` (no bias, no base term), all edges of the
 * layer sharing one knot vector. Two parametrisations of the same layer:
 *
 * - `basis: "spline"`: the trainable weights are the B-spline coefficients u (the KAN, eq. 14b).
 * - `basis: "relu"`: the trainable weights are the power-ReLU weights w = A^T u of the multichannel MLP
 *   (eq. 7, digest section 2.5). Each step solves u = A^{-T} w (banded, O(G r) per edge), evaluates the
 *   local spline, and maps the gradient back with grad_w = A^{-1} grad_u (eqs. 15-16).
 *
 * Optional pykan-style edges `w_b silu(x) + w_s spline(x)` (`base: true`) for pykan-compatible models.
 * Optional symbolic edges (`symbolic`, layers/symbolic-edges.ts): listed edges compute `c f(a x + b) + d`
 * instead of their spline, whose coefficients (and base weights) are held at zero.
 * Outside the domain each edge continues linearly (DESIGN.md section 1).
 */

import { MAX_DERIV } from "../spline/basis.js";
import { applyAT, type ChangeOfBasis, changeOfBasis, solveA, solveAT } from "../spline/change-of-basis.js";
import {
  basisCount,
  breakpoints,
  generalKnots,
  gridsNest,
  isUniformCubic,
  type KnotVector,
  subdivideKnots,
  uniformKnots,
} from "../spline/knots.js";
import { applyProlongation, prolongation } from "../spline/refine.js";
import type { Rng } from "../util/random.js";
import { requireDomain, requireInteger, requireParamCount, requirePositive } from "../util/validate.js";
import { activationDerivs, sigmoid } from "./elementwise.js";
import type { JetContext, JetShape } from "./jet.js";
import type { Basis, Layer, SplineLayerSpec } from "./layer.js";
import type {
  SplineBackwardArgs,
  SplineForwardArgs,
  SplineJetBackwardArgs,
  SplineJetForwardArgs,
} from "./spline-kernel-args.js";
import {
  CUBIC_KERNELS,
  chooseSplineKernels,
  GENERIC_KERNELS,
  type KernelChoice,
  type SplineKernels,
} from "./spline-kernels.js";

/** Placeholder jet shape of the argument records before the first jet pass. */
const NO_SHAPE: JetShape = Object.freeze({
  dims: new Int32Array(0),
  D: 0,
  M: 0,
  pairK: new Int32Array(0),
  pairL: new Int32Array(0),
  C: 1,
});

import { SymbolicEdges } from "./symbolic-edges.js";

/** Standard deviation of the N(0, std^2) initial B-spline coefficients when a spec gives none. */
export const DEFAULT_INIT_STD = 0.1;

/** A new grid for one spline layer: a grid size G, or general breakpoints a = t_0 < ... < t_G = b. */
export type GridSpec = number | { breakpoints: number[] };

/** The spline KAN layer (paper eq. 6) in the spline or power-ReLU parametrisation; see the file header. */
export class SplineLayer implements Layer {
  readonly type = "spline";
  readonly nIn: number;
  readonly nOut: number;
  readonly knots: KnotVector;
  readonly basis: Basis;
  readonly base: boolean;
  readonly initStd: number;
  /** Edges replaced by library functions `c f(a x + b) + d` (symbolic-edges.ts), or null. */
  readonly symbolic: SymbolicEdges | null;
  /** Edge mask `mask[p*nOut + q]` (1 live, 0 pruned), or null when every edge is live. */
  readonly mask: Uint8Array | null;
  /** Edges whose spline part is off (pruned or symbolic): `splineOff[p*nOut + q]` = 1, or null if none. */
  private readonly splineOff: Uint8Array | null;
  /** Basis functions per edge, G + r - 1. */
  readonly nBasis: number;
  readonly paramCount: number;
  offset = 0;
  /** Change of basis (relu parametrisation only). */
  readonly A: ChangeOfBasis | null;
  /** u = A^{-T} w (relu only). */
  private uBuf: Float64Array | null;
  /** Effective coefficients w_s * u (base term) with symbolic edges zeroed (symbolic edges), if needed. */
  private effBuf: Float64Array | null;
  /** Base weights w_b with symbolic edges zeroed (base term and symbolic edges only). */
  private wbBuf: Float64Array | null;
  private readonly scratch = new Float64Array((MAX_DERIV + 1) * 16);
  private jetScratch = new Float64Array(0);
  private readonly perOutput: Float64Array[] = [];
  private readonly silu = new Float64Array(4);
  /** The kernel record every pass calls, chosen in `prepare` (`chooseSplineKernels`). */
  private kernels: SplineKernels;
  /** One named-argument record per pass, refilled before each call (no allocation per step). */
  private readonly fwdArgs: SplineJetForwardArgs;
  private readonly bwdArgs: SplineJetBackwardArgs;

  constructor(spec: Omit<SplineLayerSpec, "type">) {
    this.nIn = requireInteger("spline layer nIn", spec.nIn, 1);
    this.nOut = requireInteger("spline layer nOut", spec.nOut, 1);
    const domain = requireDomain("spline layer domain", spec.domain);
    const r = requireInteger("spline order", spec.order, 1, 12);
    if (!spec.breakpoints) {
      const G = requireInteger("grid size G", spec.grid, 1);
      const per = G + r - 1 + (spec.base === true ? 2 : 0);
      requireParamCount(
        `spline layer ${this.nIn} -> ${this.nOut} with grid ${G}`,
        this.nIn * this.nOut * per,
      );
    }
    this.knots = spec.breakpoints
      ? checkBreakpointDomain(generalKnots(spec.breakpoints, r), domain)
      : uniformKnots(domain, requireInteger("grid size G", spec.grid, 1), r);
    if (spec.basis !== "spline" && spec.basis !== "relu") {
      throw new Error(`basis must be "spline" or "relu", got ${JSON.stringify(spec.basis)}`);
    }
    this.basis = spec.basis;
    this.base = spec.base === true;
    this.initStd = spec.initStd === undefined ? DEFAULT_INIT_STD : requirePositive("initStd", spec.initStd);
    this.nBasis = basisCount(this.knots);
    this.mask = spec.mask === undefined ? null : parseMask(spec.mask, this.nIn, this.nOut);
    const nCoef = this.nIn * this.nBasis * this.nOut;
    this.symbolic =
      spec.symbolic !== undefined && (!Array.isArray(spec.symbolic) || spec.symbolic.length > 0)
        ? new SymbolicEdges(spec.symbolic, this.nIn, this.nOut)
        : null;
    this.paramCount =
      nCoef + (this.base ? 2 * this.nIn * this.nOut : 0) + (this.symbolic ? this.symbolic.paramCount : 0);
    this.A = this.basis === "relu" ? changeOfBasis(this.knots) : null;
    this.uBuf = this.basis === "relu" ? new Float64Array(nCoef) : null;
    this.effBuf = this.base || this.symbolic ? new Float64Array(nCoef) : null;
    this.wbBuf = this.base && this.symbolic ? new Float64Array(this.nIn * this.nOut) : null;
    let off: Uint8Array | null = null;
    if (this.mask || this.symbolic) {
      off = new Uint8Array(this.nIn * this.nOut);
      for (let e = 0; e < off.length; e++)
        off[e] = (this.mask !== null && this.mask[e] === 0) || this.symbolic?.mask[e] === 1 ? 1 : 0;
    }
    this.splineOff = off;
    this.kernels = isUniformCubic(this.knots) ? CUBIC_KERNELS : GENERIC_KERNELS;
    const none = new Float64Array(0);
    const head = { kv: this.knots, P: this.nIn, Q: this.nOut, coef: none, coff: 0, x: none, xo: 0, rows: 0 };
    this.fwdArgs = { ...head, scratch: this.scratch, y: none, yo: 0, shape: NO_SHAPE, f1: none, f2: none };
    this.bwdArgs = {
      ...head,
      scratch: this.scratch,
      gy: none,
      gx: null,
      g: none,
      goff: 0,
      shape: NO_SHAPE,
      f1: none,
      f2: none,
      a1: none,
      a2: none,
    };
  }

  /**
   * Which kernels the passes run for parameters `params` (after `prepare(params)`) and why: the generic
   * kernels for other orders or general knots, else the WASM kernels when the coefficients the kernels
   * read are in a network's WASM memory, else the fused cubic JS kernels.
   */
  kernelChoice(params: Float64Array): KernelChoice {
    return chooseSplineKernels(this.knots, this.coefSource(params)[0]);
  }

  /** Order r of the splines. */
  get order(): number {
    return this.knots.order;
  }

  /** Grid size G. */
  get grid(): number {
    return this.knots.intervals;
  }

  get domain(): [number, number] {
    return [this.knots.a, this.knots.b];
  }

  /** Offset of the base weights w_b[p][q] and spline scales w_s[p][q] (base term only). */
  get baseOffset(): number {
    return this.offset + this.nIn * this.nBasis * this.nOut;
  }

  /** Offset of the symbolic edges' parameters [a, b, c, d] per edge (after the base weights). */
  get symbolicOffset(): number {
    return this.baseOffset + (this.base ? 2 * this.nIn * this.nOut : 0);
  }

  init(params: Float64Array, rng: Rng): void {
    const nCoef = this.nIn * this.nBasis * this.nOut;
    rng.fillNormal(params, 0, this.initStd, this.offset, this.offset + nCoef);
    if (this.A) this.toReluWeights(params, this.offset, params, this.offset);
    if (this.base) {
      const bound = 1 / Math.sqrt(this.nIn);
      const PQ = this.nIn * this.nOut;
      rng.fillUniform(params, -bound, bound, this.baseOffset, this.baseOffset + PQ);
      params.fill(bound, this.baseOffset + PQ, this.baseOffset + 2 * PQ);
    }
    if (this.symbolic) this.symbolic.init(params, this.symbolicOffset);
    if (this.splineOff) this.zeroMasked(params);
  }

  /**
   * Zeroes the spline entries of every edge whose spline is off (pruned: mask 0, or symbolic) in a
   * parameter or gradient vector: their coefficients (in either basis: w = A^T u is zero with u) and
   * their base weights.
   */
  zeroMasked(v: Float64Array): void {
    const off = this.splineOff;
    if (!off) return;
    const { nIn: P, nOut: Q, nBasis: N } = this;
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < Q; q++) {
        if (off[p * Q + q] === 0) continue;
        for (let i = 0; i < N; i++) v[this.offset + (p * N + i) * Q + q] = 0;
        if (this.base) {
          v[this.baseOffset + p * Q + q] = 0;
          v[this.baseOffset + P * Q + p * Q + q] = 0;
        }
      }
    }
  }

  private rejectJets(): void {
    if (this.symbolic) {
      throw new Error(
        `spline layer ${this.nIn}->${this.nOut} has ${this.symbolic.count} symbolic edge(s): jets (input derivatives) are not supported for symbolic edges`,
      );
    }
  }

  /** w = A^T u for every edge (src and dst may be the same array only if offsets differ by none). */
  toReluWeights(src: Float64Array, so: number, dst: Float64Array, dO: number): void {
    const A = this.A ?? changeOfBasis(this.knots);
    const { nIn: P, nOut: Q, nBasis: N } = this;
    const tmp = new Float64Array(N);
    const col = new Float64Array(N);
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < Q; q++) {
        const base = p * N * Q + q;
        for (let i = 0; i < N; i++) col[i] = src[so + base + i * Q];
        applyAT(A, col, 0, 1, tmp, 0, 1);
        for (let i = 0; i < N; i++) dst[dO + base + i * Q] = tmp[i];
      }
    }
  }

  /** u = A^{-T} w for every edge into dst. */
  toSplineCoefficients(src: Float64Array, so: number, dst: Float64Array, dO: number): void {
    const A = this.A ?? changeOfBasis(this.knots);
    const { nIn: P, nOut: Q, nBasis: N } = this;
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < Q; q++) {
        const base = p * N * Q + q;
        solveAT(A, src, so + base, Q, dst, dO + base, Q);
      }
    }
  }

  /** Lengths of the per-step coefficient buffers (u for relu, w_s u for the base term), if any. */
  bufferLengths(): number[] {
    const out: number[] = [];
    if (this.uBuf) out.push(this.uBuf.length);
    if (this.effBuf) out.push(this.effBuf.length);
    return out;
  }

  /**
   * Moves the per-step coefficient buffers to arrays from `alloc` (a network's WASM memory, so that the
   * kernels reading them can run in WASM). Their content is rebuilt by every `prepare`.
   */
  placeBuffers(alloc: (n: number) => Float64Array): void {
    if (this.uBuf) this.uBuf = alloc(this.uBuf.length);
    if (this.effBuf) this.effBuf = alloc(this.effBuf.length);
  }

  /** Where the B-spline coefficients u live after `prepare`. */
  private uSource(params: Float64Array): [Float64Array, number] {
    return this.uBuf ? [this.uBuf, 0] : [params, this.offset];
  }

  /** Where the effective coefficients (w_s u, or u) live after `prepare`. */
  private coefSource(params: Float64Array): [Float64Array, number] {
    return this.effBuf ? [this.effBuf, 0] : this.uSource(params);
  }

  prepare(params: Float64Array): void {
    this.kernels = this.kernelChoice(params).kernels;
    if (this.uBuf) this.toSplineCoefficients(params, this.offset, this.uBuf, 0);
    if (this.effBuf) {
      const [u, uo] = this.uSource(params);
      const { nIn: P, nOut: Q, nBasis: N } = this;
      const ws = this.baseOffset + P * Q;
      const mask = this.splineOff;
      for (let p = 0; p < P; p++) {
        for (let i = 0; i < N; i++) {
          const row = (p * N + i) * Q;
          for (let q = 0; q < Q; q++) {
            const v = this.base ? params[ws + p * Q + q] * u[uo + row + q] : u[uo + row + q];
            this.effBuf[row + q] = mask !== null && mask[p * Q + q] === 1 ? 0 : v;
          }
        }
      }
    }
    if (this.wbBuf && this.splineOff) {
      const mask = this.splineOff;
      for (let k = 0; k < this.wbBuf.length; k++)
        this.wbBuf[k] = mask[k] === 1 ? 0 : params[this.baseOffset + k];
    }
  }

  /** Where the base weights w_b[p][q] are read (with symbolic edges zeroed when there are any). */
  private wbSource(params: Float64Array): [Float64Array, number] {
    return this.wbBuf ? [this.wbBuf, 0] : [params, this.baseOffset];
  }

  forward(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    rows: number,
  ): void {
    const [coef, coff] = this.coefSource(params);
    const a: SplineForwardArgs = this.fwdArgs;
    a.coef = coef;
    a.coff = coff;
    a.x = x;
    a.xo = xo;
    a.y = y;
    a.yo = yo;
    a.rows = rows;
    a.scratch = this.scratch;
    this.kernels.forward(a);
    if (this.symbolic) this.symbolic.forward(params, this.symbolicOffset, x, xo, y, yo, rows);
    if (this.base) {
      const { nIn: P, nOut: Q } = this;
      const [wa, wb] = this.wbSource(params);
      for (let s = 0; s < rows; s++) {
        for (let p = 0; p < P; p++) {
          const v = x[xo + s * P + p];
          const b = v * sigmoid(v);
          for (let q = 0; q < Q; q++) y[yo + s * Q + q] += b * wa[wb + p * Q + q];
        }
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
    const [coef, coff] = this.coefSource(params);
    const a: SplineBackwardArgs = this.bwdArgs;
    a.coef = coef;
    a.coff = coff;
    a.x = x;
    a.xo = xo;
    a.gy = gy;
    a.gx = gx;
    a.g = g;
    a.goff = this.offset;
    a.rows = rows;
    a.scratch = this.scratch;
    this.kernels.backward(a);
    if (this.symbolic) this.symbolic.backward(params, this.symbolicOffset, x, xo, gy, gx, g, rows);
    if (this.base) {
      const { nIn: P, nOut: Q } = this;
      const wb = this.baseOffset;
      const [wa, wo] = this.wbSource(params);
      for (let s = 0; s < rows; s++) {
        for (let p = 0; p < P; p++) {
          const v = x[xo + s * P + p];
          const sg = sigmoid(v);
          const b = v * sg;
          const db = sg + v * sg * (1 - sg);
          let acc = 0;
          for (let q = 0; q < Q; q++) {
            const gq = gy[s * Q + q];
            g[wb + p * Q + q] += b * gq;
            acc += wa[wo + p * Q + q] * gq;
          }
          if (gx) gx[s * P + p] += db * acc;
        }
      }
    }
  }

  /** Four per-output work vectors of the jet kernels (phi', phi'', A1, A2). */
  private outputWork(): Float64Array[] {
    if (this.perOutput.length === 0)
      for (let k = 0; k < 4; k++) this.perOutput.push(new Float64Array(this.nOut));
    return this.perOutput;
  }

  private jetWork(shape: JetShape): Float64Array {
    const need = 4 * this.order + 3 * shape.M + 2 * shape.D + 1 + 2 * shape.C;
    if (this.jetScratch.length < need) this.jetScratch = new Float64Array(need);
    return this.jetScratch;
  }

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
    this.rejectJets();
    const [coef, coff] = this.coefSource(params);
    const { C } = shape;
    const { nIn: P, nOut: Q } = this;
    const sc = this.jetWork(shape);
    const [f1, f2] = this.outputWork();
    const a = this.fwdArgs;
    a.coef = coef;
    a.coff = coff;
    a.x = x;
    a.xo = xo;
    a.y = y;
    a.yo = yo;
    a.rows = rows;
    a.shape = shape;
    a.scratch = sc;
    a.f1 = f1;
    a.f2 = f2;
    this.kernels.jetForward(a);
    if (!this.base) return;
    // Base term w_b silu(x): the silu jet of input p, times w_b[p][q], into every output channel.
    const wb = this.baseOffset;
    const bj = sc.length - C;
    for (let s = 0; s < rows; s++) {
      for (let p = 0; p < P; p++) {
        this.siluJet(x, xo, s, p, shape, sc, bj);
        for (let c = 0; c < C; c++) {
          const v = sc[bj + c];
          const ys = yo + (s * C + c) * Q;
          for (let q = 0; q < Q; q++) y[ys + q] += v * params[wb + p * Q + q];
        }
      }
    }
  }

  /** The jet channels of silu(x_p) for sample s into sc[at .. at+C). */
  private siluJet(
    x: Float64Array,
    xo: number,
    s: number,
    p: number,
    shape: JetShape,
    sc: Float64Array,
    at: number,
  ): void {
    const { C, D, M, pairK, pairL } = shape;
    const P = this.nIn;
    const xb = xo + s * C * P + p;
    activationDerivs("silu", x[xb], this.silu);
    const [f0, f1, f2] = [this.silu[0], this.silu[1], this.silu[2]];
    sc[at] = f0;
    for (let k = 0; k < D; k++) sc[at + 1 + k] = f1 * x[xb + (1 + k) * P];
    for (let m = 0; m < M; m++) {
      sc[at + 1 + D + m] =
        f2 * x[xb + (1 + pairK[m]) * P] * x[xb + (1 + pairL[m]) * P] + f1 * x[xb + (1 + D + m) * P];
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
    this.rejectJets();
    const [coef, coff] = this.coefSource(params);
    const { C, D, M, pairK, pairL } = shape;
    const { nIn: P, nOut: Q } = this;
    const sc = this.jetWork(shape);
    const [f1, f2, a1, a2] = this.outputWork();
    const a = this.bwdArgs;
    a.coef = coef;
    a.coff = coff;
    a.x = x;
    a.xo = xo;
    a.gy = gy;
    a.gx = gx;
    a.g = g;
    a.goff = this.offset;
    a.rows = rows;
    a.shape = shape;
    a.scratch = sc;
    a.f1 = f1;
    a.f2 = f2;
    a.a1 = a1;
    a.a2 = a2;
    this.kernels.jetBackward(a);
    if (!this.base) return;
    const wb = this.baseOffset;
    const bj = sc.length - C;
    const gsum = sc.length - 2 * C;
    for (let s = 0; s < rows; s++) {
      for (let p = 0; p < P; p++) {
        this.siluJet(x, xo, s, p, shape, sc, bj);
        // dL/dw_b[p][q] = sum_c silu_c G_c[q]; dL/d(silu channel c) = sum_q w_b[p][q] G_c[q].
        for (let c = 0; c < C; c++) {
          const gs = (s * C + c) * Q;
          const v = sc[bj + c];
          let acc = 0;
          for (let q = 0; q < Q; q++) {
            const gq = gy[gs + q];
            g[wb + p * Q + q] += v * gq;
            acc += params[wb + p * Q + q] * gq;
          }
          sc[gsum + c] = acc;
        }
        if (!gx) continue;
        const xb = xo + s * C * P + p;
        const f1 = this.silu[1];
        const f2 = this.silu[2];
        const f3 = this.silu[3];
        let g0 = sc[gsum] * f1;
        for (let k = 0; k < D; k++) {
          const gk = sc[gsum + 1 + k];
          g0 += gk * f2 * x[xb + (1 + k) * P];
          gx[(s * C + 1 + k) * P + p] += gk * f1;
        }
        for (let m = 0; m < M; m++) {
          const gm = sc[gsum + 1 + D + m];
          const dk = x[xb + (1 + pairK[m]) * P];
          const dl = x[xb + (1 + pairL[m]) * P];
          g0 += gm * (f3 * dk * dl + f2 * x[xb + (1 + D + m) * P]);
          gx[(s * C + 1 + D + m) * P + p] += gm * f1;
          gx[(s * C + 1 + pairK[m]) * P + p] += gm * f2 * dl;
          gx[(s * C + 1 + pairL[m]) * P + p] += gm * f2 * dk;
        }
        gx[s * C * P + p] += g0;
      }
    }
  }

  finishGradient(params: Float64Array, g: Float64Array): void {
    const { nIn: P, nOut: Q, nBasis: N } = this;
    this.zeroMasked(g);
    if (this.base) {
      // g holds dL/d(w_s u); chain rule to w_s and to u.
      const [u, uo] = this.uSource(params);
      const ws = this.baseOffset + P * Q;
      for (let p = 0; p < P; p++) {
        for (let i = 0; i < N; i++) {
          const row = (p * N + i) * Q;
          for (let q = 0; q < Q; q++) {
            const ge = g[this.offset + row + q];
            g[ws + p * Q + q] += u[uo + row + q] * ge;
            g[this.offset + row + q] = params[ws + p * Q + q] * ge;
          }
        }
      }
    }
    if (this.A) {
      // grad_w = A^{-1} grad_u, per edge, in place.
      for (let p = 0; p < P; p++) {
        for (let q = 0; q < Q; q++) {
          const base = this.offset + p * N * Q + q;
          solveA(this.A, g, base, Q, g, base, Q);
        }
      }
    }
  }

  /**
   * The same layer (sizes, order, domain, basis, base term, initStd) on another grid, parameters not set:
   * a grid size G (uniform knots stay uniform; general knots are subdivided evenly, which needs G to be a
   * multiple of this grid, `gridsNest`), or explicit breakpoints. Whether explicit or uniform grids nest in
   * this one is checked when the coefficients move (`transferTo`), by the prolongation itself.
   */
  refined(grid: GridSpec): SplineLayer {
    const spec: SplineLayerSpec = this.toSpec();
    if (typeof grid === "number") {
      if (!this.knots.uniform) {
        if (!gridsNest(this.grid, grid)) {
          throw new Error(
            `cannot refine general knots with G=${this.grid} to G=${grid}: not an integer multiple (grids do not nest)`,
          );
        }
        spec.breakpoints = Array.from(breakpoints(subdivideKnots(this.knots, grid / this.grid)));
      } else delete spec.breakpoints;
      spec.grid = grid;
    } else {
      if (!grid || !Array.isArray(grid.breakpoints)) {
        throw new Error(`a grid must be a grid size or { breakpoints: [...] }, got ${JSON.stringify(grid)}`);
      }
      spec.breakpoints = grid.breakpoints.slice();
      spec.grid = grid.breakpoints.length - 1;
    }
    return new SplineLayer(spec);
  }

  /** The same layer parametrised in another basis (same knots; parameters not set). */
  withBasis(basis: Basis): SplineLayer {
    return new SplineLayer({ ...this.toSpec(), basis });
  }

  /** A copy of the B-spline coefficients u of this layer in `params` (u = A^{-T} w for the ReLU basis). */
  splineCoefficients(params: Float64Array): Float64Array {
    const n = this.nIn * this.nBasis * this.nOut;
    const u = new Float64Array(n);
    if (this.basis === "relu") this.toSplineCoefficients(params, this.offset, u, 0);
    else u.set(params.subarray(this.offset, this.offset + n));
    return u;
  }

  /**
   * Writes this layer's function (parameters in `params` at this layer's offset) as parameters of `to`
   * (in `out` at `to.offset`): the B-spline coefficients, prolongated exactly onto `to`'s knots when
   * `prolongate` (paper eq. 25, Definition 1; throws when the knots do not nest), expressed in `to`'s
   * basis, and the base weights and symbolic edges' parameters copied. `to` has this layer's sizes,
   * order, base term and symbolic edges.
   */
  transferTo(params: Float64Array, to: SplineLayer, out: Float64Array, prolongate: boolean): void {
    const uc = this.splineCoefficients(params);
    let uf = uc;
    if (prolongate) {
      const P = prolongation(this.knots, to.knots);
      const { nIn, nOut } = this;
      const nf = to.nBasis;
      uf = new Float64Array(nIn * nf * nOut);
      for (let p = 0; p < nIn; p++) {
        for (let q = 0; q < nOut; q++) {
          applyProlongation(P, uc, p * this.nBasis * nOut + q, nOut, uf, p * nf * nOut + q, nOut);
        }
      }
    }
    if (to.basis === "relu") to.toReluWeights(uf, 0, out, to.offset);
    else out.set(uf, to.offset);
    if (this.base) {
      const n = 2 * this.nIn * this.nOut;
      out.set(params.subarray(this.baseOffset, this.baseOffset + n), to.baseOffset);
    }
    if (this.symbolic) {
      const n = this.symbolic.paramCount;
      out.set(params.subarray(this.symbolicOffset, this.symbolicOffset + n), to.symbolicOffset);
    }
  }

  toSpec(): SplineLayerSpec {
    const spec: SplineLayerSpec = {
      type: "spline",
      nIn: this.nIn,
      nOut: this.nOut,
      order: this.order,
      grid: this.grid,
      domain: this.domain,
      basis: this.basis,
    };
    if (!this.knots.uniform) spec.breakpoints = Array.from(breakpoints(this.knots));
    if (this.base) spec.base = true;
    if (this.initStd !== DEFAULT_INIT_STD) spec.initStd = this.initStd;
    if (this.symbolic) spec.symbolic = this.symbolic.toSpec();
    if (this.mask) spec.mask = Array.from(this.mask);
    return spec;
  }
}

function parseMask(mask: unknown, P: number, Q: number): Uint8Array {
  if (!Array.isArray(mask) || mask.length !== P * Q) {
    throw new Error(
      `spline layer mask must be an array of nIn * nOut = ${P * Q} entries (0 or 1), got ${Array.isArray(mask) ? `length ${mask.length}` : typeof mask}`,
    );
  }
  const out = new Uint8Array(P * Q);
  mask.forEach((v, i) => {
    if (v !== 0 && v !== 1)
      throw new Error(`spline layer mask[${i}] must be 0 or 1, got ${JSON.stringify(v)}`);
    out[i] = v;
  });
  return out;
}

function checkBreakpointDomain(kv: KnotVector, domain: [number, number]): KnotVector {
  if (kv.a !== domain[0] || kv.b !== domain[1]) {
    throw new Error(
      `breakpoints run from ${kv.a} to ${kv.b} but the layer domain is [${domain[0]}, ${domain[1]}]`,
    );
  }
  return kv;
}
