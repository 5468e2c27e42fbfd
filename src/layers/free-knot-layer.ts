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
 *
 * This file holds the layer (validation, parameters, knots from logits, change of basis, gradient
 * finishing, refinement and transfer); the per-sample kernels are in layers/free-knot-kernels.ts and the
 * interval tables of the fast kernels in layers/free-knot-tables.ts.
 */

import { MAX_DERIV } from "../spline/basis.js";
import { addChangeOfBasisKnotGradient, changeOfBasisInto } from "../spline/basis-knot-grad.js";
import { applyAT, type ChangeOfBasis, solveA, solveAT } from "../spline/change-of-basis.js";
import {
  breakpointsFromLogits,
  logitGradient,
  logitsFromBreakpoints,
  requireMinGap,
} from "../spline/knot-param.js";
import { TABLE_MAX_ORDER } from "../spline/knot-tables.js";
import { type KnotVector, knotVector } from "../spline/knots.js";
import { applyProlongation, insertionProlongation } from "../spline/refine.js";
import type { Rng } from "../util/random.js";
import { requireDomain, requireInteger, requirePositive } from "../util/validate.js";
import { type FreeKnotKernel, freeKnotBackward, freeKnotForward } from "./free-knot-kernels.js";
import { FreeKnotTables } from "./free-knot-tables.js";
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
  private readonly gtScratch: Float64Array;
  /**
   * Table kernels (knots shared per layer or input, r <= TABLE_MAX_ORDER; layers/free-knot-tables.ts), or
   * null for the tape kernels (spline/basis-knot-grad.ts).
   */
  private readonly tables: FreeKnotTables | null;
  /** The record the kernels of layers/free-knot-kernels.ts run on. */
  private readonly kern: FreeKnotKernel;

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
    const useTables = r <= TABLE_MAX_ORDER && this.groups * G * 2 * r * r * r <= FreeKnotLayer.tableLimit;
    this.tables = useTables ? new FreeKnotTables(this.kvs, r, G, this.domain, this.sc) : null;
    this.kern = {
      nIn: this.nIn,
      nOut: this.nOut,
      nBasis: this.nBasis,
      order: r,
      grid: G,
      share,
      kvs: this.kvs,
      tables: this.tables,
      sc: this.sc,
      gb: new Float64Array(16),
      gt: this.gtScratch,
    };
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
      this.tables?.rebuild(k);
    }
    this.tables?.nextEpoch();
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
    freeKnotForward(this.kern, this.uBuf ?? params, this.uBuf ? 0 : this.offset, x, xo, y, yo, rows);
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
    const coef = this.uBuf ?? params;
    const co = this.uBuf ? 0 : this.offset;
    freeKnotBackward(
      this.kern,
      coef,
      co,
      this.offset,
      this.logitOffset,
      this.trainKnots,
      x,
      xo,
      gy,
      gx,
      g,
      rows,
    );
    // The moments of the table kernels are contracted into g once per reduction slot (`endSlot`), or by
    // `finishGradient` when the layer is driven directly (not by a network).
  }

  /** Contracts the knot moments accumulated by the slot's backward passes into g (see `Layer.endSlot`). */
  endSlot(g: Float64Array): void {
    if (this.tables && this.tables.nTouched > 0) this.tables.contract(g, this.logitOffset);
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
    if (this.tables && this.tables.nTouched > 0) this.tables.contract(g, lo); // driven directly: no endSlot ran
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
