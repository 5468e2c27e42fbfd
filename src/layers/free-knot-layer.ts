/**
 * The free-knot spline KAN layer (arXiv 2505.18131: "the 1D locations of the spline knots [are] trained
 * simultaneously with the weights"): the layer of paper eq. 6 (`x_q = sum_p phi_pq(x_p)`, no base term)
 * whose interior knots are trainable. The knots of each knot group come from G logits by the monotone
 * parametrisation of spline/knot-param.ts (cumulative softmax of the interval widths with a minimum
 * spacing `minGap (b - a) / G`; the endpoints a, b stay fixed; theta = 0 is the uniform grid). The r - 1
 * extension knots on each side are fixed at the uniform spacing (b - a) / G beyond a and b.
 *
 * - `share`: which edges share one knot vector: "layer" (all edges), "input" (the edges leaving input p,
 *   pykan's grid layout and the multichannel-MLP reading: channel h_pj = sigma(x_p - t_pj) is shared by all
 *   outputs q), or "edge" (every edge its own knots; the basis is then evaluated per edge, not per input).
 * - `basis: "spline"`: trainable B-spline coefficients u and logits theta. `basis: "relu"`: trainable
 *   power-ReLU weights w = A(t)^T u and logits theta; the edge is `sum_j w_j ReLU(x - t_j)^(r-1)` on
 *   [a, b] with *moving* ReLU breakpoints t_j (the multichannel MLP with trainable, ordered biases). Each
 *   step rebuilds A(t) (closed form, O(G r^2) per knot vector), solves u = A^{-T} w, and the knot gradient
 *   gets the extra term `-u^T (dA/dt_k) A^{-1} g_u` of the moving change of basis.
 * - Gradients with respect to the knots are exact (spline/basis-knot-grad.ts), accumulated per sample as
 *   `dL/dt_k += sum_m (sum_q gy_q c_{j+m,q}) db_{j+m}/dt_k` (one reverse sweep per (sample, knot vector)),
 *   then mapped to the logits in `finishGradient`.
 * - `trainKnots: false` freezes the knots (their gradient is zero), e.g. for one level of a multilevel run.
 *
 * Parameter layout: coefficients `c[(p*N + i)*Q + q]` (N = G + r - 1, as `SplineLayer`), then the logits of
 * group k at `G*k .. G*k + G - 1`. Outside [a, b] each edge continues linearly (DESIGN.md section 1).
 * Jets (PINN losses through input derivatives) are not supported by this layer yet.
 */

import { evalBasisAt, MAX_DERIV } from "../spline/basis.js";
import {
  addChangeOfBasisKnotGradient,
  changeOfBasisInto,
  knotTapeBackward,
  knotTapeForward,
} from "../spline/basis-knot-grad.js";
import { applyAT, type ChangeOfBasis, solveA, solveAT } from "../spline/change-of-basis.js";
import {
  breakpointsFromLogits,
  logitGradient,
  logitsFromBreakpoints,
  requireMinGap,
} from "../spline/knot-param.js";
import { buildKnotTables, TABLE_MAX_ORDER } from "../spline/knot-tables.js";
import { findInterval, type KnotVector, knotVector } from "../spline/knots.js";
import { applyProlongation, insertionProlongation } from "../spline/refine.js";
import type { Rng } from "../util/random.js";
import { requireDomain, requireInteger, requirePositive } from "../util/validate.js";
import type { JetContext, JetShape } from "./jet.js";
import type { Basis, FreeKnotLayerSpec, KnotSharing, Layer } from "./layer.js";

export type { FreeKnotLayerSpec, KnotSharing } from "./layer.js";

/** Default minimum knot spacing (fraction of the uniform spacing). */
export const DEFAULT_MIN_GAP = 0.1;

const SHARES: readonly KnotSharing[] = ["layer", "input", "edge"];

/** A spline KAN layer with trainable knots (see the file header). */
export class FreeKnotLayer implements Layer {
  /**
   * Largest knot-derivative table (doubles) a layer builds; above it (or for r > TABLE_MAX_ORDER) the
   * layer runs the tape kernels. Read at construction; tests set 0 to exercise the tape kernels.
   */
  static tableLimit = 1 << 22;
  readonly type = "free-spline";
  readonly nIn: number;
  readonly nOut: number;
  readonly order: number;
  readonly grid: number;
  readonly domain: [number, number];
  readonly basis: Basis;
  readonly share: KnotSharing;
  readonly minGap: number;
  /** Train the knots (true) or keep them frozen (false); may be switched between levels. */
  trainKnots: boolean;
  readonly initStd: number;
  /** Basis functions per edge, G + r - 1. */
  readonly nBasis: number;
  /** Number of knot vectors (1, nIn or nIn * nOut). */
  readonly groups: number;
  readonly paramCount: number;
  offset = 0;
  /** Optional name used in error messages (default: the shape and parameter offset). */
  label = "";
  private readonly initBreakpoints: number[] | undefined;
  /** The current knot vector of each group (interior knots rewritten by every `prepare`). */
  private readonly kvs: KnotVector[];
  /** Softmax of the logits of each group (kept for the gradient). */
  private readonly soft: Float64Array;
  private readonly bp: Float64Array;
  /** Change of basis per group (relu only). */
  private readonly As: ChangeOfBasis[];
  /** u = A^{-T} w (relu only). */
  private readonly uBuf: Float64Array | null;
  private readonly sc = new Float64Array((MAX_DERIV + 1) * 16);
  private readonly gb = new Float64Array(16);
  private readonly gtScratch: Float64Array;
  /**
   * Table kernels (knots shared per layer or input, r <= TABLE_MAX_ORDER): per group and interval the
   * polynomial tables of the basis (V) and of its knot derivatives (D, rebuilt lazily by the first backward
   * after a prepare), and the per-interval moments M[m][e] += G_m u^e of a backward call, contracted with D
   * into the knot gradient at its end (16 multiply-adds per sample instead of a reverse de Boor sweep).
   */
  private readonly useTables: boolean;
  private readonly V: Float64Array;
  private readonly D: Float64Array;
  private readonly M: Float64Array;
  private readonly touched: Uint8Array;
  private readonly touchedList: Int32Array;
  private nTouched = 0;
  /** Prepare counter, and the counter at which each cell's D table was last built (lazy D). */
  private epoch = 1;
  private readonly dEpoch: Int32Array;
  private readonly pw = new Float64Array(16);
  /**
   * Interval lookup (table kernels): [a, b] cut into 2G equal buckets; bucketStart[k*2G + i] is the interval
   * of group k holding the bucket's left end, from which a short walk finds the interval of x (the same
   * interval as the binary search, at a few comparisons: knots are at least minGap (b - a)/G apart).
   */
  private readonly bucketStart: Int32Array;
  private readonly bucketScale: number;

  constructor(spec: Omit<FreeKnotLayerSpec, "type">) {
    this.nIn = requireInteger("free-knot layer nIn", spec.nIn, 1);
    this.nOut = requireInteger("free-knot layer nOut", spec.nOut, 1);
    this.domain = requireDomain("free-knot layer domain", spec.domain);
    this.order = requireInteger(
      "free-knot spline order (>= 2: knot derivatives of order-1 splines vanish)",
      spec.order,
      2,
      12,
    );
    this.grid = requireInteger("free-knot grid size G", spec.grid, 1);
    if (spec.basis !== "spline" && spec.basis !== "relu") {
      throw new Error(`basis must be "spline" or "relu", got ${JSON.stringify(spec.basis)}`);
    }
    this.basis = spec.basis;
    const share = spec.share ?? "input";
    if (!SHARES.includes(share)) {
      throw new Error(`free-knot share must be "layer", "input" or "edge", got ${JSON.stringify(share)}`);
    }
    this.share = share;
    this.minGap = requireMinGap(spec.minGap ?? DEFAULT_MIN_GAP);
    this.trainKnots = spec.trainKnots !== false;
    this.initStd = spec.initStd === undefined ? 0.1 : requirePositive("initStd", spec.initStd);
    const [a, b] = this.domain;
    const G = this.grid;
    const r = this.order;
    if (spec.breakpoints !== undefined) {
      const bp = spec.breakpoints;
      if (!Array.isArray(bp) || bp.length !== G + 1 || bp[0] !== a || bp[G] !== b) {
        throw new Error(
          `free-knot breakpoints must be G + 1 = ${G + 1} values from ${a} to ${b}, got ${JSON.stringify(bp)}`,
        );
      }
      logitsFromBreakpoints(bp, this.minGap, "free-knot breakpoints"); // validates order and spacing
      this.initBreakpoints = bp.slice();
    }
    this.nBasis = G + r - 1;
    this.groups = share === "layer" ? 1 : share === "input" ? this.nIn : this.nIn * this.nOut;
    const nCoef = this.nIn * this.nBasis * this.nOut;
    this.paramCount = nCoef + this.groups * G;
    // Knot vectors: uniform to start with, extension knots at the uniform spacing (fixed for good).
    const h = (b - a) / G;
    const t0 = new Float64Array(G + 2 * r - 1);
    for (let k = 0; k < t0.length; k++) {
      const i = k - r + 1;
      t0[k] = i === 0 ? a : i === G ? b : a + i * h;
    }
    this.kvs = [];
    for (let k = 0; k < this.groups; k++) this.kvs.push(knotVector(t0, r));
    this.soft = new Float64Array(this.groups * G);
    this.bp = new Float64Array(G + 1);
    this.As = [];
    if (this.basis === "relu") {
      const N = this.nBasis;
      for (let k = 0; k < this.groups; k++)
        this.As.push({ size: N, order: r, band: new Float64Array(N * (r + 1)) });
    }
    this.uBuf = this.basis === "relu" ? new Float64Array(nCoef) : null;
    this.gtScratch = new Float64Array(t0.length);
    // Tables need groups * G * 2r^3 doubles for D: up to tableLimit (4 Mi doubles, 32 MiB by default).
    this.useTables = r <= TABLE_MAX_ORDER && this.groups * G * 2 * r * r * r <= FreeKnotLayer.tableLimit;
    const cells = this.useTables ? this.groups * G : 0;
    this.V = new Float64Array(cells * r * r);
    this.D = new Float64Array(cells * 2 * r * r * r);
    this.M = new Float64Array(cells * r * r);
    this.touched = new Uint8Array(cells);
    this.touchedList = new Int32Array(cells);
    this.dEpoch = new Int32Array(cells);
    this.bucketStart = new Int32Array(this.useTables ? this.groups * 2 * G : 0);
    this.bucketScale = (2 * G) / (b - a);
  }

  /** Offset of the logits in the network's parameter vector. */
  get logitOffset(): number {
    return this.offset + this.nIn * this.nBasis * this.nOut;
  }

  /** Knot group of edge (p, q). */
  groupOf(p: number, q: number): number {
    return this.share === "layer" ? 0 : this.share === "input" ? p : p * this.nOut + q;
  }

  private name(): string {
    return (
      this.label || `free-knot spline layer ${this.nIn}->${this.nOut} (parameters at offset ${this.offset})`
    );
  }

  /**
   * The knot vector of group k for the given parameters (a copy: extension knots included). Calls
   * `prepare`, so use it outside training steps (reports, plots).
   */
  knotsOf(params: Float64Array, k: number): KnotVector {
    this.prepare(params);
    return knotVector(this.kvs[k].t, this.order);
  }

  /** The breakpoints t_0 .. t_G of every group (arrays of G + 1 values), for reports and plots. */
  breakpointsOf(params: Float64Array): number[][] {
    this.prepare(params);
    const r = this.order;
    return this.kvs.map((kv) => Array.from(kv.t.subarray(r - 1, r + this.grid)));
  }

  init(params: Float64Array, rng: Rng): void {
    const nCoef = this.nIn * this.nBasis * this.nOut;
    rng.fillNormal(params, 0, this.initStd, this.offset, this.offset + nCoef);
    const G = this.grid;
    const theta = this.initBreakpoints
      ? logitsFromBreakpoints(this.initBreakpoints, this.minGap, "free-knot breakpoints")
      : new Float64Array(G);
    for (let k = 0; k < this.groups; k++) params.set(theta, this.logitOffset + k * G);
    if (this.uBuf) {
      // The random draw is the B-spline coefficients; store w = A(t)^T u.
      this.updateKnots(params);
      const u = params.slice(this.offset, this.offset + nCoef);
      this.storeCoefficients(u, params, this.offset);
    }
  }

  /** Rewrites the interior knots of every group from the logits (no allocation). */
  private updateKnots(params: Float64Array): void {
    const [a, b] = this.domain;
    const G = this.grid;
    const r = this.order;
    const lo = this.logitOffset;
    for (let k = 0; k < this.groups; k++) {
      try {
        breakpointsFromLogits(params, lo + k * G, G, a, b, this.minGap, this.soft, k * G, this.bp, 0);
      } catch (err) {
        throw new Error(`${this.name()}, knot group ${k}: ${(err as Error).message}`);
      }
      const t = this.kvs[k].t;
      for (let i = 1; i < G; i++) t[r - 1 + i] = this.bp[i];
      if (this.uBuf) changeOfBasisInto(this.kvs[k], this.As[k]);
      if (this.useTables) {
        buildKnotTables(this.kvs[k], this.V, k * G * r * r, null, 0);
        const kv = this.kvs[k];
        const nb = 2 * G;
        for (let i = 0; i < nb; i++) this.bucketStart[k * nb + i] = findInterval(kv, a + (i * (b - a)) / nb);
      }
    }
    this.epoch = this.epoch === 0x7fffffff ? 1 : this.epoch + 1;
    if (this.epoch === 1) this.dEpoch.fill(0);
  }

  /** Writes B-spline coefficients u (layout of the parameters) into params at `at`, in the layer's basis. */
  private storeCoefficients(u: Float64Array, params: Float64Array, at: number): void {
    if (!this.uBuf) {
      params.set(u, at);
      return;
    }
    const { nIn: P, nOut: Q, nBasis: N } = this;
    const col = new Float64Array(N);
    const tmp = new Float64Array(N);
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < Q; q++) {
        const base = p * N * Q + q;
        for (let i = 0; i < N; i++) col[i] = u[base + i * Q];
        applyAT(this.As[this.groupOf(p, q)], col, 0, 1, tmp, 0, 1);
        for (let i = 0; i < N; i++) params[at + base + i * Q] = tmp[i];
      }
    }
  }

  prepare(params: Float64Array): void {
    this.updateKnots(params);
    const u = this.uBuf;
    if (!u) return;
    const { nIn: P, nOut: Q, nBasis: N } = this;
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < Q; q++) {
        const base = p * N * Q + q;
        solveAT(this.As[this.groupOf(p, q)], params, this.offset + base, Q, u, base, Q);
      }
    }
  }

  /** The B-spline coefficients after `prepare` (a copy, parameter layout). */
  splineCoefficients(params: Float64Array): Float64Array {
    this.prepare(params);
    const n = this.nIn * this.nBasis * this.nOut;
    return this.uBuf ? this.uBuf.slice() : params.slice(this.offset, this.offset + n);
  }

  forward(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    rows: number,
  ): void {
    if (this.useTables) {
      this.forwardTables(params, x, xo, y, yo, rows);
      return;
    }
    const { nIn: P, nOut: Q, nBasis: N, order: r } = this;
    const coef = this.uBuf ?? params;
    const co = this.uBuf ? 0 : this.offset;
    const sc = this.sc;
    const perEdge = this.share === "edge";
    for (let s = 0; s < rows; s++) {
      const ys = yo + s * Q;
      for (let q = 0; q < Q; q++) y[ys + q] = 0;
      for (let p = 0; p < P; p++) {
        const v = x[xo + s * P + p];
        let j = 0;
        if (this.useTables) j = this.tableBasis(this.groupOf(p, 0), v, false);
        else if (!perEdge) j = evalBasisAt(this.kvs[this.groupOf(p, 0)], v, 0, sc, 0);
        for (let q = 0; q < Q; q++) {
          if (perEdge) j = evalBasisAt(this.kvs[p * Q + q], v, 0, sc, 0);
          let acc = 0;
          const cb = co + (p * N + j) * Q + q;
          for (let m = 0; m < r; m++) acc += coef[cb + m * Q] * sc[m];
          y[ys + q] += acc;
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
    const { nIn: P, nOut: Q, nBasis: N, order: r, grid: G } = this;
    const coef = this.uBuf ?? params;
    const co = this.uBuf ? 0 : this.offset;
    const sc = this.sc;
    const gb = this.gb;
    const knots = this.trainKnots;
    const perEdge = this.share === "edge";
    const lo = this.logitOffset;
    const go = this.offset;
    const M = this.M;
    const pw = this.pw;
    const touched = this.touched;
    const touchedList = this.touchedList;
    // Inputs outer, samples inner (input p's coefficient rows stay in cache) when the knot groups of
    // different inputs are disjoint: every gradient entry then receives its terms in the same order as
    // samples outer (same bits). Knots shared by the layer keep samples outer.
    const pOuter = this.share !== "layer";
    const nOuter = pOuter ? P : rows;
    const nInner = pOuter ? rows : P;
    for (let io = 0; io < nOuter; io++) {
      for (let ii = 0; ii < nInner; ii++) {
        const s = pOuter ? ii : io;
        const p = pOuter ? io : ii;
        const gys = s * Q;
        const v = x[xo + s * P + p];
        let dx = 0;
        if (this.useTables && perEdge) {
          for (let q = 0; q < Q; q++) {
            const k = p * Q + q;
            const j = this.tableBasis(k, v, true);
            const gq = gy[gys + q];
            const mb0 = (k * G + j) * r * r;
            for (let m = 0; m < r; m++) {
              const at = (p * N + j + m) * Q + q;
              const acc = gq * coef[co + at];
              g[go + at] += gq * sc[m];
              dx += acc * sc[r + m];
              if (knots) {
                const mb = mb0 + m * r;
                for (let e = 0; e < r; e++) M[mb + e] += acc * pw[e];
              }
            }
            if (knots) {
              const cell = k * G + j;
              if (touched[cell] === 0) {
                touched[cell] = 1;
                touchedList[this.nTouched++] = cell;
              }
            }
          }
        } else if (this.useTables) {
          const k = this.groupOf(p, 0);
          const j = this.tableBasis(k, v, true);
          if (r === 4) {
            // Cubic: one pass over the outputs with the four values in registers.
            const b0 = sc[0];
            const b1 = sc[1];
            const b2 = sc[2];
            const b3 = sc[3];
            const c0 = co + (p * N + j) * Q;
            const g0 = go + (p * N + j) * Q;
            let a0 = 0;
            let a1 = 0;
            let a2 = 0;
            let a3 = 0;
            for (let q = 0; q < Q; q++) {
              const gq = gy[gys + q];
              const c = c0 + q;
              const gi = g0 + q;
              a0 += gq * coef[c];
              a1 += gq * coef[c + Q];
              a2 += gq * coef[c + 2 * Q];
              a3 += gq * coef[c + 3 * Q];
              g[gi] += gq * b0;
              g[gi + Q] += gq * b1;
              g[gi + 2 * Q] += gq * b2;
              g[gi + 3 * Q] += gq * b3;
            }
            dx += a0 * sc[4] + a1 * sc[5] + a2 * sc[6] + a3 * sc[7];
            if (knots) {
              const mb = (k * G + j) * 16;
              const p0 = pw[0];
              const p1 = pw[1];
              const p2 = pw[2];
              const p3 = pw[3];
              M[mb] += a0 * p0;
              M[mb + 1] += a0 * p1;
              M[mb + 2] += a0 * p2;
              M[mb + 3] += a0 * p3;
              M[mb + 4] += a1 * p0;
              M[mb + 5] += a1 * p1;
              M[mb + 6] += a1 * p2;
              M[mb + 7] += a1 * p3;
              M[mb + 8] += a2 * p0;
              M[mb + 9] += a2 * p1;
              M[mb + 10] += a2 * p2;
              M[mb + 11] += a2 * p3;
              M[mb + 12] += a3 * p0;
              M[mb + 13] += a3 * p1;
              M[mb + 14] += a3 * p2;
              M[mb + 15] += a3 * p3;
            }
          } else
            for (let m = 0; m < r; m++) {
              const row = (p * N + j + m) * Q;
              const bm = sc[m];
              let acc = 0;
              for (let q = 0; q < Q; q++) {
                const gq = gy[gys + q];
                acc += gq * coef[co + row + q];
                g[go + row + q] += gq * bm;
              }
              dx += acc * sc[r + m];
              if (knots) {
                // Moments of interval j: M[m][e] += G_m * (d/dt of the effective value)'s u-weights.
                const mb = ((k * G + j) * r + m) * r;
                for (let e = 0; e < r; e++) M[mb + e] += acc * pw[e];
              }
            }
          if (knots) {
            const cell = k * G + j;
            if (touched[cell] === 0) {
              touched[cell] = 1;
              touchedList[this.nTouched++] = cell;
            }
          }
        } else if (!perEdge) {
          const k = this.groupOf(p, 0);
          const kv = this.kvs[k];
          const j = knotTapeForward(kv, v, sc, 0);
          for (let m = 0; m < r; m++) {
            const row = (p * N + j + m) * Q;
            const bm = sc[m];
            let acc = 0;
            for (let q = 0; q < Q; q++) {
              const gq = gy[gys + q];
              acc += gq * coef[co + row + q];
              g[go + row + q] += gq * bm;
            }
            gb[m] = acc;
            dx += acc * sc[r + m];
          }
          if (knots) this.addKnotGradient(kv, j, g, lo + k * G);
        } else {
          for (let q = 0; q < Q; q++) {
            const k = p * Q + q;
            const kv = this.kvs[k];
            const j = knotTapeForward(kv, v, sc, 0);
            const gq = gy[gys + q];
            for (let m = 0; m < r; m++) {
              const at = (p * N + j + m) * Q + q;
              const acc = gq * coef[co + at];
              g[go + at] += gq * sc[m];
              gb[m] = acc;
              dx += acc * sc[r + m];
            }
            if (knots) this.addKnotGradient(kv, j, g, lo + k * G);
          }
        }
        if (gx) gx[s * P + p] = dx;
      }
    }
    // The moments of the table kernels are contracted into g once per reduction slot (`endSlot`), or by
    // `finishGradient` when the layer is driven directly (not by a network).
  }

  /** Contracts the knot moments accumulated by the slot's backward passes into g (see `Layer.endSlot`). */
  endSlot(g: Float64Array): void {
    if (this.nTouched > 0) this.contractMoments(g, this.logitOffset);
  }

  /** The forward pass on the tables (knots per layer or input), everything in locals. */
  private forwardTables(
    params: Float64Array,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    rows: number,
  ): void {
    const { nIn: P, nOut: Q, nBasis: N, order: r, grid: G } = this;
    const coef = this.uBuf ?? params;
    const co = this.uBuf ? 0 : this.offset;
    const V = this.V;
    const sc = this.sc;
    const perInput = this.share === "input";
    const kvs = this.kvs;
    const rr = r * r;
    if (this.share === "edge") {
      for (let s = 0; s < rows; s++) {
        const ys = yo + s * Q;
        for (let q = 0; q < Q; q++) y[ys + q] = 0;
        for (let p = 0; p < P; p++) {
          const v = x[xo + s * P + p];
          for (let q = 0; q < Q; q++) {
            const j = this.tableBasis(p * Q + q, v, false);
            const cb = co + (p * N + j) * Q + q;
            let acc = 0;
            for (let m = 0; m < r; m++) acc += coef[cb + m * Q] * sc[m];
            y[ys + q] += acc;
          }
        }
      }
      return;
    }
    // Inputs outer, samples inner (input p's coefficient rows stay in cache); every output still sums
    // its inputs in order p = 0 .. P-1 (same bits as samples outer).
    y.fill(0, yo, yo + rows * Q);
    for (let p = 0; p < P; p++) {
      for (let s = 0; s < rows; s++) {
        const ys = yo + s * Q;
        const v = x[xo + s * P + p];
        const k = perInput ? p : 0;
        const kv = kvs[k];
        const t = kv.t;
        let xe = v;
        let ext = 0;
        if (v < kv.a) {
          xe = kv.a;
          ext = v - kv.a;
        } else if (v > kv.b) {
          xe = kv.b;
          ext = v - kv.b;
        }
        const j = this.span(k, xe);
        const lo = t[j + r - 1];
        const ih = 1 / (t[j + r] - lo);
        const u = (xe - lo) * ih;
        const vb = (k * G + j) * rr;
        if (ext === 0) {
          for (let m = 0; m < r; m++) {
            const cb = vb + m * r;
            let val = V[cb + r - 1];
            for (let e = r - 2; e >= 0; e--) val = val * u + V[cb + e];
            sc[m] = val;
          }
        } else {
          for (let m = 0; m < r; m++) {
            const cb = vb + m * r;
            let val = V[cb + r - 1];
            let der = 0;
            for (let e = r - 2; e >= 0; e--) {
              der = der * u + val;
              val = val * u + V[cb + e];
            }
            sc[m] = val + ext * der * ih;
          }
        }
        const cb = co + (p * N + j) * Q;
        if (r === 4) {
          // Cubic: the four basis values in registers, one pass over the outputs.
          const b0 = sc[0];
          const b1 = sc[1];
          const b2 = sc[2];
          const b3 = sc[3];
          for (let q = 0; q < Q; q++) {
            const c = cb + q;
            y[ys + q] += coef[c] * b0 + coef[c + Q] * b1 + coef[c + 2 * Q] * b2 + coef[c + 3 * Q] * b3;
          }
        } else {
          for (let q = 0; q < Q; q++) {
            let acc = 0;
            for (let m = 0; m < r; m++) acc += coef[cb + m * Q + q] * sc[m];
            y[ys + q] += acc;
          }
        }
      }
    }
  }

  /**
   * The interval j in [0, G) of group k holding xe in [a, b] (or NaN): the largest j with t_j <= xe,
   * 0 if none, exactly as `findInterval`, by the bucket table and a walk.
   */
  private span(k: number, xe: number): number {
    const G = this.grid;
    const nb = 2 * G;
    const t = this.kvs[k].t;
    const off = this.order - 1;
    if (G <= 8) {
      // Few intervals: the plain binary search is as fast.
      let j = 0;
      let hi = G - 1;
      while (j < hi) {
        const mid = (j + hi + 1) >> 1;
        if (t[off + mid] <= xe) j = mid;
        else hi = mid - 1;
      }
      return j;
    }
    let bkt = Math.floor((xe - this.domain[0]) * this.bucketScale);
    if (!(bkt >= 0)) bkt = 0;
    else if (bkt >= nb) bkt = nb - 1;
    let j = this.bucketStart[k * nb + bkt];
    while (j > 0 && t[off + j] > xe) j--;
    while (j < G - 1 && t[off + j + 1] <= xe) j++;
    return j;
  }

  /**
   * Table evaluation at x for group k: values into sc[0 .. r), slopes into sc[r .. 2r) (linear
   * continuation outside [a, b]); with `moments`, the u-weights of the knot derivatives of the effective
   * values into this.pw (u^e, plus ext * e u^(e-1) / h outside). Returns the span j.
   */
  private tableBasis(k: number, x: number, moments: boolean): number {
    const r = this.order;
    const kv = this.kvs[k];
    const t = kv.t;
    let xe = x;
    let ext = 0;
    if (x < kv.a) {
      xe = kv.a;
      ext = x - kv.a;
    } else if (x > kv.b) {
      xe = kv.b;
      ext = x - kv.b;
    }
    const j = this.span(k, xe);
    const lo = t[j + r - 1];
    const ih = 1 / (t[j + r] - lo);
    const u = (xe - lo) * ih;
    const vb = (k * this.grid + j) * r * r;
    const V = this.V;
    const sc = this.sc;
    for (let m = 0; m < r; m++) {
      const cb = vb + m * r;
      let val = V[cb + r - 1];
      let der = 0;
      for (let e = r - 2; e >= 0; e--) {
        der = der * u + val;
        val = val * u + V[cb + e];
      }
      const slope = der * ih;
      sc[r + m] = slope;
      sc[m] = val + ext * slope;
    }
    if (moments) {
      const pw = this.pw;
      let pe = 1;
      if (ext === 0) {
        for (let e = 0; e < r; e++) {
          pw[e] = pe;
          pe *= u;
        }
      } else {
        let prev = 0;
        const c = ext * ih;
        for (let e = 0; e < r; e++) {
          pw[e] = pe + c * e * prev;
          prev = pe;
          pe *= u;
        }
      }
    }
    return j;
  }

  /**
   * Contracts the moments of the touched intervals with the knot-derivative tables into g (and clears them).
   * D is built lazily, per touched interval, once per prepare (a cell's table does not depend on which cells
   * are built). b_{j+m} depends only on the knots j+m .. j+m+r, so D is zero outside kk in [m, m + r]
   * (exactly: the reverse sweep never reaches those knots) and those terms are skipped.
   */
  private contractMoments(g: Float64Array, lo: number): void {
    const r = this.order;
    const G = this.grid;
    const r2 = 2 * r;
    const M = this.M;
    const D = this.D;
    const dEpoch = this.dEpoch;
    const epoch = this.epoch;
    for (let c = 0; c < this.nTouched; c++) {
      const cell = this.touchedList[c];
      this.touched[cell] = 0;
      const k = Math.floor(cell / G);
      const j = cell - k * G;
      if (dEpoch[cell] !== epoch) {
        buildKnotTables(this.kvs[k], null, 0, D, k * G * r * r2 * r, j, j + 1);
        dEpoch[cell] = epoch;
      }
      const mb = cell * r * r;
      const db = cell * r * r2 * r;
      for (let kk = 0; kk < r2; kk++) {
        const i = j + kk - r + 1; // breakpoint index of knot j + kk
        if (i < 1 || i > G - 1) continue;
        let acc = 0;
        const m0 = kk > r ? kk - r : 0;
        const m1 = kk < r - 1 ? kk : r - 1;
        if (r === 4) {
          for (let m = m0; m <= m1; m++) {
            const dm = db + (m * 8 + kk) * 4;
            const mm = mb + m * 4;
            acc += M[mm] * D[dm];
            acc += M[mm + 1] * D[dm + 1];
            acc += M[mm + 2] * D[dm + 2];
            acc += M[mm + 3] * D[dm + 3];
          }
        } else {
          for (let m = m0; m <= m1; m++) {
            const dm = db + (m * r2 + kk) * r;
            const mm = mb + m * r;
            for (let e = 0; e < r; e++) acc += M[mm + e] * D[dm + e];
          }
        }
        g[lo + k * G + i] += acc;
      }
      for (let e = mb; e < mb + r * r; e++) M[e] = 0;
    }
    this.nTouched = 0;
  }

  /** Reverse sweep of the last tape with adjoints gb, interior knot gradients into g[at + i], i = 1..G-1. */
  private addKnotGradient(kv: KnotVector, j: number, g: Float64Array, at: number): void {
    const r = this.order;
    const gt = this.gtScratch;
    const hi = j + 2 * r;
    for (let k = j; k < hi; k++) gt[k] = 0;
    knotTapeBackward(kv, this.gb, 0, gt, 0);
    // Knot index k of t is breakpoint i = k - r + 1; only i = 1 .. G-1 are free.
    const kLo = Math.max(j, r);
    const kHi = Math.min(hi - 1, this.grid + r - 2);
    for (let k = kLo; k <= kHi; k++) g[at + k - r + 1] += gt[k];
  }

  forwardJet(
    _params: Float64Array,
    _x: Float64Array,
    _xo: number,
    _y: Float64Array,
    _yo: number,
    _rows: number,
    _shape: JetShape,
    _ctx: JetContext,
  ): void {
    throw new Error(
      `${this.name()}: jets (losses through input derivatives, PINNs) are not supported with free knots`,
    );
  }

  backwardJet(
    _params: Float64Array,
    _x: Float64Array,
    _xo: number,
    _gy: Float64Array,
    _gx: Float64Array | null,
    _g: Float64Array,
    _rows: number,
    _shape: JetShape,
    _ctx: JetContext,
  ): void {
    throw new Error(
      `${this.name()}: jets (losses through input derivatives, PINNs) are not supported with free knots`,
    );
  }

  finishGradient(_params: Float64Array, g: Float64Array): void {
    const { nIn: P, nOut: Q, nBasis: N, grid: G } = this;
    const lo = this.logitOffset;
    if (this.nTouched > 0) this.contractMoments(g, lo); // driven directly: no endSlot ran
    const nCoef = P * N * Q;
    if (this.uBuf) {
      // grad_w = A^{-1} grad_u per edge, then the knot term of the moving change of basis.
      const gt = this.gtScratch;
      const r = this.order;
      for (let k = 0; k < this.groups; k++) {
        if (!this.trainKnots) break;
        gt.fill(0);
        for (let p = 0; p < P; p++) {
          for (let q = 0; q < Q; q++) {
            if (this.groupOf(p, q) !== k) continue;
            const base = p * N * Q + q;
            solveA(this.As[k], g, this.offset + base, Q, g, this.offset + base, Q);
            addChangeOfBasisKnotGradient(
              this.kvs[k],
              this.As[k],
              this.uBuf,
              base,
              Q,
              g,
              this.offset + base,
              Q,
              gt,
              0,
            );
          }
        }
        for (let i = 1; i < G; i++) g[lo + k * G + i] += gt[r - 1 + i];
      }
      if (!this.trainKnots) {
        for (let p = 0; p < P; p++) {
          for (let q = 0; q < Q; q++) {
            const base = this.offset + p * N * Q + q;
            solveA(this.As[this.groupOf(p, q)], g, base, Q, g, base, Q);
          }
        }
      }
    }
    if (!this.trainKnots) {
      g.fill(0, lo, lo + this.groups * G);
      return;
    }
    const [a, b] = this.domain;
    for (let k = 0; k < this.groups; k++) {
      logitGradient(g, lo + k * G, G, a, b, this.minGap, this.soft, k * G, g, lo + k * G);
    }
    // A non-finite knot gradient with finite coefficient gradients is a knot problem: name the layer.
    for (let i = lo; i < lo + this.groups * G; i++) {
      if (Number.isFinite(g[i])) continue;
      for (let c = this.offset; c < this.offset + nCoef; c++) if (!Number.isFinite(g[c])) return;
      const k = Math.floor((i - lo) / G);
      throw new Error(
        `${this.name()}: non-finite knot gradient ${g[i]} for logit ${i - lo - k * G} of knot group ${k} (knots ${Array.from(this.kvs[k].t).join(", ")})`,
      );
    }
  }

  toSpec(): FreeKnotLayerSpec {
    const spec: FreeKnotLayerSpec = {
      type: "free-spline",
      nIn: this.nIn,
      nOut: this.nOut,
      order: this.order,
      grid: this.grid,
      domain: [this.domain[0], this.domain[1]],
      basis: this.basis,
      share: this.share,
      minGap: this.minGap,
    };
    if (!this.trainKnots) spec.trainKnots = false;
    if (this.initBreakpoints) spec.breakpoints = this.initBreakpoints.slice();
    if (this.initStd !== 0.1) spec.initStd = this.initStd;
    return spec;
  }

  /**
   * The same layer on a grid refined by an integer factor (2: midpoint insertion), in `basis` (default
   * this layer's). Parameters are not set: use `FreeKnotLayer.transfer`.
   */
  refinedTo(grid: number, basis: Basis = this.basis): FreeKnotLayer {
    requireInteger("free-knot refined grid size", grid, 1);
    if (grid % this.grid !== 0) {
      throw new Error(
        `cannot refine free knots with G=${this.grid} to G=${grid}: not an integer multiple (grids do not nest)`,
      );
    }
    const spec = this.toSpec();
    delete spec.breakpoints;
    return new FreeKnotLayer({ ...spec, grid, basis });
  }

  /**
   * The layer on a finer grid for `Network.refine` (`SplineLayer.refined`'s counterpart): a grid size that
   * is an integer multiple of G (free knots are parameters, so breakpoint lists are refused).
   */
  refined(grid: number | { breakpoints: number[] }): FreeKnotLayer {
    if (typeof grid !== "number") {
      throw new Error(
        `free-knot layers refine to a grid size (their knots are parameters), got ${JSON.stringify(grid)}`,
      );
    }
    return this.refinedTo(grid);
  }

  /** The same layer in another basis (parameters not set: use `transferTo`). */
  withBasis(basis: Basis): FreeKnotLayer {
    return this.refinedTo(this.grid, basis);
  }

  /** `FreeKnotLayer.transfer(this, params, to, out)`: refines when `to` has more intervals. */
  transferTo(params: Float64Array, to: FreeKnotLayer, out: Float64Array): void {
    FreeKnotLayer.transfer(this, params, to, out);
  }

  /**
   * Moves the parameters of `from` (in `fromParams`) to `to` (into `toParams` at `to.offset`), refining
   * exactly when `to` has an integer multiple m of the intervals: every interval of every group is split
   * into m equal parts (m = 2: midpoint insertion; logits repeated m times, which keeps the coarse knots and
   * the minimum spacing), and the coefficients are prolongated by knot insertion (spline/refine.ts), so the
   * function is unchanged on the whole real line (to rounding). Also converts between the bases.
   */
  static transfer(
    from: FreeKnotLayer,
    fromParams: Float64Array,
    to: FreeKnotLayer,
    toParams: Float64Array,
  ): void {
    if (from.nIn !== to.nIn || from.nOut !== to.nOut || from.order !== to.order || from.share !== to.share) {
      throw new Error("free-knot transfer: layers differ in shape, order or knot sharing");
    }
    const m = to.grid / from.grid;
    if (!Number.isInteger(m) || m < 1) {
      throw new Error(`free-knot transfer: G=${from.grid} does not nest in G=${to.grid}`);
    }
    const uc = from.splineCoefficients(fromParams);
    // Logits: repeat each coarse logit m times.
    const G = from.grid;
    for (let k = 0; k < from.groups; k++) {
      for (let i = 0; i < G; i++) {
        const v = fromParams[from.logitOffset + k * G + i];
        for (let s = 0; s < m; s++) toParams[to.logitOffset + k * to.grid + i * m + s] = v;
      }
    }
    to.updateKnots(toParams);
    const { nIn: P, nOut: Q } = from;
    const nc = from.nBasis;
    const nf = to.nBasis;
    const uf = new Float64Array(P * nf * Q);
    const Ps = from.kvs.map((kv, k) => (m === 1 ? null : insertionProlongation(kv, to.kvs[k])));
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < Q; q++) {
        const Pk = Ps[from.groupOf(p, q)];
        if (Pk === null) {
          for (let i = 0; i < nc; i++) uf[(p * nf + i) * Q + q] = uc[(p * nc + i) * Q + q];
        } else applyProlongation(Pk, uc, p * nc * Q + q, Q, uf, p * nf * Q + q, Q);
      }
    }
    to.storeCoefficients(uf, toParams, to.offset);
  }
}
