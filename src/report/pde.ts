/**
 * Report helpers for PDE problems (problems/pde): heat maps of the model's solution, the exact or
 * reference solution and the error on the problem's evaluation grid (2-D grids only).
 */
import type { Network } from "../model/network.js";
import type { PdeProblem } from "../problems/pde/problem.js";
import { renderHeatmaps } from "./plot/heatmap.js";

export interface PdeHeatmapOptions {
  /** Figure title (default: the problem's name). */
  title?: string;
  /** Name of the model in the panel titles (default "model"). */
  label?: string;
  /** Output index for multi-output models (default 0). */
  output?: number;
}

/**
 * An SVG figure with three panels (solution, reference, error = solution - reference) on the problem's
 * evaluation grid, or null when the problem has no exact/reference solution or its evaluation points are
 * not a 2-D tensor grid. Solution and reference share the reference's colour range (values outside it
 * take the end colours); the error is on a diverging scale symmetric about 0.
 */
export function pdeHeatmaps(
  problem: PdeProblem,
  model: Network,
  opts: PdeHeatmapOptions = {},
): string | null {
  const ev = problem.evaluate(model);
  const counts = ev?.counts;
  if (!ev || !counts || counts.length !== 2) return null;
  const [nx, ny] = counts;
  const o = opts.output ?? 0;
  const pick = (a: Float64Array) => {
    const out = new Float64Array(ev.n);
    for (let i = 0; i < ev.n; i++) out[i] = a[i * problem.nOut + o];
    return out;
  };
  const d = problem.domain;
  const label = opts.label ?? "model";
  // Solution and reference share the reference's colour range, so equal colours mean equal values.
  const ref = pick(ev.reference);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of ref) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range: [number, number] | undefined = lo < hi ? [lo, hi] : undefined;
  return renderHeatmaps({
    title: opts.title ?? problem.name,
    nx,
    ny,
    x: [d.lo[0], d.hi[0]],
    y: [d.lo[1], d.hi[1]],
    xLabel: d.names[0],
    yLabel: d.names[1],
    panels: [
      { title: `${label} solution`, values: pick(ev.u), ...(range ? { range } : {}) },
      { title: "reference", values: ref, ...(range ? { range } : {}) },
      { title: `error (${label} - reference)`, values: pick(ev.error), colorMap: "diverging" },
    ],
  });
}
