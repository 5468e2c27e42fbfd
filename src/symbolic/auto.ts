/**
 * Choosing a library function per edge (pykan's suggest_symbolic / auto_symbolic). Every candidate f is
 * fitted to the edge's activations on a sample set (fit.ts) and scored as pykan does:
 * `score = w complexity(f) + (1 - w) log2(1 + 1e-5 - R^2)` with w = `weightSimple` (default 0.8), lower
 * is better. `autoSymbolic` fixes every numeric edge to its best candidate (edges already symbolic are
 * kept, pruned edges (mask 0) left alone; other edges whose spline is exactly zero become "0").
 */

import type { SplineLayer } from "../layers/spline-layer.js";
import { SYMBOLIC_FUNCTIONS, SYMBOLIC_NAMES, symbolicFunction } from "../layers/symbolic-functions.js";
import { edgeActivations, splineLayerIndices } from "../model/edge-activations.js";
import type { Network } from "../model/network.js";
import { splineCoefficients } from "../model/transform.js";
import { fixSymbolic, type SymbolicAssignment } from "./convert.js";
import { type EdgeFit, type EdgeFitOptions, fitEdge } from "./fit.js";

/** Options of `suggestSymbolic`/`rankCandidates`: the candidate library and the complexity weight. */
export interface SuggestOptions extends EdgeFitOptions {
  /** Candidate function names (default: every library function except "0"). */
  lib?: string[];
  /** Weight w of the complexity in the score (default 0.8, pykan's). */
  weightSimple?: number;
}

/** Options of `autoSymbolic`: those of `suggestSymbolic` plus the R^2 threshold below which an edge stays a spline. */
export interface AutoSymbolicOptions extends SuggestOptions {
  /** Edges whose best R^2 is below this stay splines (default 0, pykan's). */
  r2Threshold?: number;
}

/** A scored candidate. */
export interface SymbolicCandidate extends EdgeFit {
  complexity: number;
  /** pykan's score (lower is better). */
  score: number;
}

/** What autoSymbolic did with one edge. */
export interface EdgeChoice {
  layer: number;
  in: number;
  out: number;
  /** The chosen candidate, or null when the edge stayed numeric (R^2 below the threshold) or was already symbolic. */
  choice: SymbolicCandidate | null;
  status: "fixed" | "zero" | "pruned" | "kept-symbolic" | "below-threshold";
}

function libraryNames(lib: string[] | undefined): string[] {
  if (lib === undefined) return SYMBOLIC_NAMES.filter((k) => k !== "0");
  if (!Array.isArray(lib) || lib.length === 0)
    throw new Error("lib must be a non-empty list of function names");
  for (const name of lib) symbolicFunction(name);
  return lib.slice();
}

/** Candidates for samples (x, y) of one edge, best first (pykan's score). */
export function rankCandidates(
  x: Float64Array,
  y: Float64Array,
  opts: SuggestOptions = {},
): SymbolicCandidate[] {
  const names = libraryNames(opts.lib);
  const w = opts.weightSimple ?? 0.8;
  if (!(w >= 0 && w <= 1)) throw new Error(`weightSimple must be in [0, 1], got ${w}`);
  const out = names.map((name) => {
    const fit = fitEdge(x, y, name, opts);
    const complexity = SYMBOLIC_FUNCTIONS[name].complexity;
    const r2 = Number.isFinite(fit.r2) ? Math.min(1, fit.r2) : -1e8;
    const score = w * complexity + (1 - w) * Math.log2(1 + 1e-5 - r2);
    return { ...fit, complexity, score };
  });
  return out.sort((p, q) => p.score - q.score);
}

/** Candidates for edge (l, p, q) of the model on n samples x (network units), best first. */
export function suggestSymbolic(
  model: Network,
  x: Float64Array,
  n: number,
  l: number,
  p: number,
  q: number,
  opts: SuggestOptions = {},
): SymbolicCandidate[] {
  const acts = edgeActivations(model, x, n);
  if (!Number.isInteger(l) || l < 0 || l >= acts.length)
    throw new Error(`suggestSymbolic: no KAN layer ${l}`);
  const a = acts[l];
  if (!Number.isInteger(p) || p < 0 || p >= a.nIn || !Number.isInteger(q) || q < 0 || q >= a.nOut)
    throw new Error(`suggestSymbolic: layer ${l} has no edge (${p}, ${q})`);
  return rankCandidates(a.inputs[p], a.values[p * a.nOut + q], opts);
}

function splineIsZero(
  layer: SplineLayer,
  u: Float64Array,
  params: Float64Array,
  p: number,
  q: number,
): boolean {
  const N = layer.nBasis;
  const Q = layer.nOut;
  for (let i = 0; i < N; i++) if (u[(p * N + i) * Q + q] !== 0) return false;
  if (layer.base && params[layer.baseOffset + p * Q + q] !== 0) return false;
  return true;
}

/**
 * Fixes every numeric edge of the model to its best library function on the sample set (pykan's
 * auto_symbolic). Returns the new model (this one unchanged) and what happened to each edge.
 */
export function autoSymbolic<T extends Network>(
  model: T,
  x: Float64Array,
  n: number,
  opts: AutoSymbolicOptions = {},
): { model: T; edges: EdgeChoice[] } {
  libraryNames(opts.lib);
  const threshold = opts.r2Threshold ?? 0;
  const acts = edgeActivations(model, x, n);
  const idx = splineLayerIndices(model);
  const edges: EdgeChoice[] = [];
  const assign: SymbolicAssignment[] = [];
  acts.forEach((a, l) => {
    const layer = model.layers[idx[l]] as SplineLayer;
    const u = splineCoefficients(layer, model.params);
    for (let p = 0; p < a.nIn; p++) {
      for (let q = 0; q < a.nOut; q++) {
        if (layer.symbolic?.has(p, q)) {
          edges.push({ layer: l, in: p, out: q, choice: null, status: "kept-symbolic" });
          continue;
        }
        if (layer.mask !== null && layer.mask[p * a.nOut + q] === 0) {
          edges.push({ layer: l, in: p, out: q, choice: null, status: "pruned" });
          continue;
        }
        if (splineIsZero(layer, u, model.params, p, q)) {
          assign.push({ layer: l, in: p, out: q, fn: "0", params: [1, 0, 0, 0] });
          edges.push({ layer: l, in: p, out: q, choice: null, status: "zero" });
          continue;
        }
        const best = rankCandidates(a.inputs[p], a.values[p * a.nOut + q], opts)[0];
        if (best.r2 >= threshold) {
          assign.push({ layer: l, in: p, out: q, fn: best.fn, params: [best.a, best.b, best.c, best.d] });
          edges.push({ layer: l, in: p, out: q, choice: best, status: "fixed" });
        } else edges.push({ layer: l, in: p, out: q, choice: best, status: "below-threshold" });
      }
    }
  });
  return { model: fixSymbolic(model, assign), edges };
}
