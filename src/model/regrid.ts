/**
 * Grids that do not nest: `regrid` (any new grid) and `updateGrid` (knots from the data, pykan's
 * `update_grid_from_samples`). Unlike `refine` (exact, nested grids only) these are approximations: every
 * edge's spline s is replaced by its least-squares (L2) projection P s onto the splines of the new knot
 * vector over the new domain [a', b'],
 *
 *     P s = argmin_v  int_a'^b' (v(x) - s(x))^2 dx,   i.e.  M c = f,  M_ij = int b'_i b'_j,  f_i = int b'_i s,
 *
 * with the integrals computed exactly (Gauss-Legendre with r points on every piece between the union of
 * old and new breakpoints; s is a polynomial of degree < r there, including its linear continuation
 * outside its own domain) and the banded SPD system solved by Cholesky. Where the new splines contain s
 * (nested grids, same domain) P s = s: `regrid` then agrees with `refine` to rounding. The projection error
 * is reported per spline layer: the largest relative L2 error ||s - P s|| / ||s|| over the layer's edges
 * and the largest absolute deviation at the quadrature points. The base term (w_b silu) is carried over
 * unchanged; in the power-ReLU basis the projection acts on u and the result is stored as w = A^T u.
 */
import type { SplineLayerSpec } from "../layers/layer.js";
import type { GridSpec } from "../layers/spline-layer.js";
import { SplineLayer } from "../layers/spline-layer.js";
import { evalBasisAt, MAX_DERIV } from "../spline/basis.js";
import { gaussLegendre } from "../spline/gauss.js";
import { basisCount, breakpoints, type KnotVector } from "../spline/knots.js";
import { describe, rejectUnknownKeys, requireFinite, requireInteger } from "../util/validate.js";
import { type Network, toFlat } from "./network.js";
import { BLOCK } from "./slots.js";
import { splineCoefficients } from "./transform.js";

/** Projection error of one spline layer. */
export interface ProjectionError {
  /** Index of the layer in `model.layers`. */
  layer: number;
  /** Largest relative L2 error ||s - P s|| / ||s|| over the layer's edges (0 for an all-zero layer). */
  relL2: number;
  /**
   * Largest |s - P s| at the quadrature points, over the layer's edges (of the spline part u, i.e. before
   * the spline scale w_s of layers with a base term).
   */
  maxAbs: number;
}

/** A model moved onto new grids, with the projection error of every spline layer. */
export interface RegridResult<M extends Network = Network> {
  model: M;
  errors: ProjectionError[];
  /** The largest relative L2 error over all layers. */
  relL2: number;
  /** The largest absolute deviation over all layers. */
  maxAbs: number;
}

/** L2 projection of every edge of `layer` (coefficients u) onto `target`'s knots. */
function projectEdges(
  layer: SplineLayer,
  u: Float64Array,
  target: KnotVector,
): { uNew: Float64Array; relL2: number; maxAbs: number } {
  const kv = layer.knots;
  const r = kv.order;
  if (target.order !== r) throw new Error(`regrid: the spline order changes from ${r} to ${target.order}`);
  const { nIn: P, nOut: Q } = layer;
  const N0 = basisCount(kv);
  const N1 = basisCount(target);
  const E = P * Q;
  // Pieces: new breakpoints plus old breakpoints (and the old domain ends) inside the new domain.
  const cuts = new Set<number>(breakpoints(target));
  for (const t of breakpoints(kv)) if (t > target.a && t < target.b) cuts.add(t);
  const pts = Array.from(cuts).sort((a, b) => a - b);
  const rule = gaussLegendre(r);
  const W = r; // band: M[i][i+d], d = 0..r-1
  const M = new Float64Array(N1 * W);
  const f = new Float64Array(N1 * E); // f[i*E + e]
  const b0 = new Float64Array((MAX_DERIV + 1) * 16);
  const b1 = new Float64Array((MAX_DERIV + 1) * 16);
  const sv = new Float64Array(E);
  const norm2 = new Float64Array(E);
  const evalOld = (x: number): void => {
    const j0 = evalBasisAt(kv, x, 0, b0, 0);
    for (let p = 0; p < P; p++)
      for (let q = 0; q < Q; q++) {
        let s = 0;
        for (let m = 0; m < r; m++) s += u[(p * N0 + j0 + m) * Q + q] * b0[m];
        sv[p * Q + q] = s;
      }
  };
  const forEachPoint = (fn: (x: number, w: number) => void): void => {
    for (let k = 0; k + 1 < pts.length; k++) {
      const lo = pts[k];
      const hi = pts[k + 1];
      const half = (hi - lo) / 2;
      const mid = (hi + lo) / 2;
      for (let g = 0; g < rule.nodes.length; g++) fn(mid + half * rule.nodes[g], half * rule.weights[g]);
    }
  };
  forEachPoint((x, w) => {
    evalOld(x);
    const j1 = evalBasisAt(target, x, 0, b1, 0);
    for (let a = 0; a < r; a++) {
      const i = j1 + a;
      const wa = w * b1[a];
      for (let c = a; c < r; c++) M[i * W + (c - a)] += wa * b1[c];
      for (let e = 0; e < E; e++) f[i * E + e] += wa * sv[e];
    }
    for (let e = 0; e < E; e++) norm2[e] += w * sv[e] * sv[e];
  });
  // Banded Cholesky M = L L^T (L stored as L[i][i-d] at Lb[i*W + d]).
  const Lb = new Float64Array(N1 * W);
  for (let i = 0; i < N1; i++) {
    for (let d = Math.min(W - 1, i); d >= 0; d--) {
      const j = i - d;
      // M[j][i] = M[j*W + d]
      let s = M[j * W + d];
      for (let k = 1; k + d < W && j - k >= 0; k++) s -= Lb[i * W + d + k] * Lb[j * W + k];
      if (d === 0) {
        if (!(s > 0))
          throw new Error(`regrid: the projection system is singular at basis ${i} (knots too close?)`);
        Lb[i * W] = Math.sqrt(s);
      } else Lb[i * W + d] = s / Lb[j * W];
    }
  }
  // Solve for every edge: L y = f, L^T c = y (in place in f).
  for (let e = 0; e < E; e++) {
    for (let i = 0; i < N1; i++) {
      let s = f[i * E + e];
      for (let d = 1; d < W && i - d >= 0; d++) s -= Lb[i * W + d] * f[(i - d) * E + e];
      f[i * E + e] = s / Lb[i * W];
    }
    for (let i = N1 - 1; i >= 0; i--) {
      let s = f[i * E + e];
      for (let d = 1; d < W && i + d < N1; d++) s -= Lb[(i + d) * W + d] * f[(i + d) * E + e];
      f[i * E + e] = s / Lb[i * W];
    }
  }
  const uNew = new Float64Array(P * N1 * Q);
  for (let p = 0; p < P; p++)
    for (let i = 0; i < N1; i++)
      for (let q = 0; q < Q; q++) uNew[(p * N1 + i) * Q + q] = f[i * E + p * Q + q];
  // Errors.
  const err2 = new Float64Array(E);
  let maxAbs = 0;
  forEachPoint((x, w) => {
    evalOld(x);
    const j1 = evalBasisAt(target, x, 0, b1, 0);
    for (let p = 0; p < P; p++)
      for (let q = 0; q < Q; q++) {
        let v = 0;
        for (let m = 0; m < r; m++) v += uNew[(p * N1 + j1 + m) * Q + q] * b1[m];
        const d = v - sv[p * Q + q];
        err2[p * Q + q] += w * d * d;
        maxAbs = Math.max(maxAbs, Math.abs(d));
      }
  });
  let relL2 = 0;
  for (let e = 0; e < E; e++) if (norm2[e] > 0) relL2 = Math.max(relL2, Math.sqrt(err2[e] / norm2[e]));
  return { uNew, relL2, maxAbs };
}

/** The spec of `layer` on a new grid (a size G: uniform on the layer's domain; or breakpoints). */
function specOnGrid(layer: SplineLayer, grid: GridSpec, where: string): SplineLayerSpec {
  const spec: SplineLayerSpec = layer.toSpec();
  if (typeof grid === "number") {
    spec.grid = requireInteger(`${where}: grid size`, grid, 1);
    delete spec.breakpoints;
  } else {
    if (!grid || typeof grid !== "object" || !Array.isArray(grid.breakpoints))
      throw new Error(`${where}: a grid must be a size G or { breakpoints: [...] }, got ${describe(grid)}`);
    const bp = grid.breakpoints;
    spec.breakpoints = bp.slice();
    spec.grid = bp.length - 1;
    spec.domain = [bp[0], bp[bp.length - 1]];
  }
  return spec;
}

/** One spline layer moved onto a new grid: the new layer, its parameters and the projection error. */
function regridLayer(
  layer: SplineLayer,
  params: Float64Array,
  spec: SplineLayerSpec,
): { layer: SplineLayer; params: Float64Array; relL2: number; maxAbs: number } {
  const next = new SplineLayer(spec);
  const u = splineCoefficients(layer, params);
  const { uNew, relL2, maxAbs } = projectEdges(layer, u, next.knots);
  const out = new Float64Array(next.paramCount);
  if (next.basis === "relu") next.toReluWeights(uNew, 0, out, 0);
  else out.set(uNew);
  if (layer.base) {
    const n = 2 * layer.nIn * layer.nOut;
    out.set(params.subarray(layer.baseOffset, layer.baseOffset + n), next.nIn * next.nBasis * next.nOut);
  }
  return { layer: next, params: out, relL2, maxAbs };
}

/** Rebuilds a model of the same class from per-layer specs and parameter chunks. */
function assemble<M extends Network>(model: M, specs: unknown[], chunks: Float64Array[]): M {
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const params = new Float64Array(total);
  let off = 0;
  for (const c of chunks) {
    params.set(c, off);
    off += c.length;
  }
  const Ctor = model.constructor as new (init: {
    layers: unknown[];
    params: Float64Array;
    scalers: unknown;
  }) => M;
  return new Ctor({ layers: specs, params, scalers: structuredClone(model.scalers) });
}

function summarize<M extends Network>(model: M, errors: ProjectionError[]): RegridResult<M> {
  let relL2 = 0;
  let maxAbs = 0;
  for (const e of errors) {
    relL2 = Math.max(relL2, e.relL2);
    maxAbs = Math.max(maxAbs, e.maxAbs);
  }
  return { model, errors, relL2, maxAbs };
}

/**
 * Every spline layer moved onto a new grid by L2 projection (approximate; see the module comment):
 * `grids` is a size G (uniform on each layer's domain) or `{ breakpoints }`, for every spline layer or one
 * per spline layer. Returns a new model and the projection errors; the input model is unchanged.
 */
export function regridModel<M extends Network>(model: M, grids: GridSpec | GridSpec[]): RegridResult<M> {
  const splines = model.splineLayers;
  if (splines.length === 0) throw new Error("regrid: the model has no spline layers");
  const list: GridSpec[] = Array.isArray(grids) ? grids : splines.map(() => grids);
  if (list.length !== splines.length)
    throw new Error(`regrid: got ${list.length} grids for ${splines.length} spline layers`);
  const specs: unknown[] = [];
  const chunks: Float64Array[] = [];
  const errors: ProjectionError[] = [];
  let k = 0;
  model.layers.forEach((l, i) => {
    if (!(l instanceof SplineLayer)) {
      specs.push(l.toSpec());
      chunks.push(model.params.slice(l.offset, l.offset + l.paramCount));
      return;
    }
    const res = regridLayer(l, model.params, specOnGrid(l, list[k++], "regrid"));
    specs.push(res.layer.toSpec());
    chunks.push(res.params);
    errors.push({ layer: i, relL2: res.relL2, maxAbs: res.maxAbs });
  });
  return summarize(assemble(model, specs, chunks), errors);
}

/** Options of `updateGrid` / `updateGridModel` (pykan's `grid_eps`, and a margin). */
export interface UpdateGridOptions {
  /**
   * Blend of a uniform grid and the sample quantiles (pykan's `grid_eps`): breakpoints =
   * gridEps * uniform + (1 - gridEps) * quantiles, both from the smallest to the largest sample. 1 gives a
   * uniform grid over the sample range, 0 pure quantiles. Default 0.02 (pykan's).
   */
  gridEps?: number;
  /** Widens the sample range by this fraction of it on each side. Default 0 (pykan's). */
  margin?: number;
}

const UPDATE_KEYS = ["gridEps", "margin"] as const;

/**
 * Knots from the data (pykan's `update_grid_from_samples`): layer by layer (each layer sees the inputs
 * produced by the already-updated layers before it), the layer's G + 1 breakpoints become the blend of
 * the quantiles of its inputs (pooled over its input nodes, since a layer shares one knot vector) and a
 * uniform grid over their range; each edge is then L2-projected onto the new knots (approximate; the
 * projection errors are returned). The grid size G of every layer is kept. `x` is in the user's units.
 */
export function updateGridModel<M extends Network>(
  model: M,
  x: number[][] | Float64Array,
  options: UpdateGridOptions = {},
): RegridResult<M> {
  if (typeof options !== "object" || options === null)
    throw new Error(`updateGrid: options must be an object, got ${describe(options)}`);
  rejectUnknownKeys("updateGrid", options, UPDATE_KEYS);
  const eps = requireFinite("updateGrid: gridEps", options.gridEps ?? 0.02);
  if (eps < 0 || eps > 1) throw new Error(`updateGrid: gridEps must be in [0, 1], got ${eps}`);
  const margin = requireFinite("updateGrid: margin", options.margin ?? 0);
  if (margin < 0) throw new Error(`updateGrid: margin must be >= 0, got ${margin}`);
  if (model.splineLayers.length === 0) throw new Error("updateGrid: the model has no spline layers");
  const flat = Array.isArray(x) ? toFlat(x, model.nIn, "x") : Float64Array.from(x);
  if (flat.length === 0 || flat.length % model.nIn !== 0)
    throw new Error(
      `updateGrid: x has ${flat.length} values, need a positive multiple of the ${model.nIn} inputs`,
    );
  for (let i = 0; i < flat.length; i++)
    if (!Number.isFinite(flat[i])) throw new Error(`updateGrid: x[${i}] must be finite, got ${flat[i]}`);
  const n = flat.length / model.nIn;
  const inS = model.scalers.input;
  if (inS)
    for (let s = 0; s < n; s++)
      for (let p = 0; p < model.nIn; p++)
        flat[s * model.nIn + p] = (flat[s * model.nIn + p] - inS.shift[p]) / inS.scale[p];
  const specs: unknown[] = [];
  const chunks: Float64Array[] = [];
  const errors: ProjectionError[] = [];
  let act = flat;
  model.prepare();
  model.layers.forEach((l, i) => {
    let layer = l;
    let params = model.params;
    if (l instanceof SplineLayer) {
      const bp = sampleBreakpoints(act, l.grid, eps, margin, i);
      // gridEps = 1: uniform knots over the sample range (kept uniform, so the fast kernels apply).
      const spec =
        eps === 1
          ? { ...specOnGrid(l, l.grid, "updateGrid"), domain: [bp[0], bp[l.grid]] as [number, number] }
          : specOnGrid(l, { breakpoints: bp }, "updateGrid");
      const res = regridLayer(l, model.params, spec);
      specs.push(res.layer.toSpec());
      chunks.push(res.params);
      errors.push({ layer: i, relL2: res.relL2, maxAbs: res.maxAbs });
      layer = res.layer;
      params = new Float64Array(res.params.length);
      params.set(res.params);
      layer.offset = 0;
    } else {
      specs.push(l.toSpec());
      const chunk = model.params.slice(l.offset, l.offset + l.paramCount);
      chunks.push(chunk);
      params = chunk;
      const off = l.offset;
      l.offset = 0;
      const next = forwardAll(l, params, act, n);
      l.offset = off;
      act = next;
      return;
    }
    layer.prepare(params);
    act = forwardAll(layer, params, act, n);
  });
  return summarize(assemble(model, specs, chunks), errors);
}

/** Outputs of one layer for all n samples (parameters at the layer's offset in `params`). */
function forwardAll(
  layer: { nIn: number; nOut: number; forward: SplineLayer["forward"]; prepare(p: Float64Array): void },
  params: Float64Array,
  x: Float64Array,
  n: number,
): Float64Array {
  layer.prepare(params);
  const y = new Float64Array(n * layer.nOut);
  for (let start = 0; start < n; start += BLOCK) {
    const rows = Math.min(BLOCK, n - start);
    layer.forward(params, x, start * layer.nIn, y, start * layer.nOut, rows);
  }
  return y;
}

/** G + 1 strictly increasing breakpoints: gridEps * uniform + (1 - gridEps) * quantiles of all values. */
function sampleBreakpoints(v: Float64Array, G: number, eps: number, margin: number, layer: number): number[] {
  const sorted = Float64Array.from(v).sort();
  const n = sorted.length;
  let lo = sorted[0];
  let hi = sorted[n - 1];
  if (!(hi > lo))
    throw new Error(
      `updateGrid: the inputs of layer ${layer} are all equal (${lo}); a grid needs samples spread over an interval`,
    );
  const pad = margin * (hi - lo);
  lo -= pad;
  hi += pad;
  const bp: number[] = [];
  for (let i = 0; i <= G; i++) {
    // pykan's adaptive grid: the sorted samples at floor(i n / G), and the largest sample last.
    const q = i === G ? sorted[n - 1] : sorted[Math.floor((i * n) / G)];
    const qa = i === 0 ? lo : i === G ? hi : q;
    const uni = lo + ((hi - lo) * i) / G;
    bp.push(i === 0 ? lo : i === G ? hi : eps * uni + (1 - eps) * qa);
  }
  // Ties among quantiles (repeated samples) with gridEps = 0: spread them minimally.
  const minGap = 1e-9 * (hi - lo);
  for (let i = 1; i <= G; i++) if (!(bp[i] > bp[i - 1] + minGap)) bp[i] = bp[i - 1] + minGap;
  if (bp[G] > hi) {
    for (let i = G; i >= 1; i--) if (!(bp[i - 1] < bp[i] - minGap)) bp[i - 1] = bp[i] - minGap;
  }
  return bp;
}

/**
 * The model on `grid`: refined exactly when the grids nest (`refine`), else projected (`regridModel`).
 * Returns whether the move was exact and the projection error (0 when exact).
 */
export function refineOrProject<M extends Network>(
  model: M,
  grid: GridSpec | GridSpec[],
): { model: M; exact: boolean; relL2: number } {
  let refined: M;
  try {
    refined = model.refine(grid);
  } catch (err) {
    if (!/nest|domain changes|not a knot|integer multiple/.test((err as Error).message)) throw err;
    const res = regridModel(model, grid);
    return { model: res.model, exact: false, relL2: res.relL2 };
  }
  return { model: refined, exact: true, relL2: 0 };
}
