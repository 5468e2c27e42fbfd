/**
 * Basis-evaluation benchmark: evaluations per second of the r nonzero B-splines (values, and values with
 * derivatives up to order 2) for a batch of points. Timings only; never asserted in tests.
 */
import { evalBasis } from "../spline/basis.js";
import { breakpoints, generalKnots, type KnotVector, uniformKnots } from "../spline/knots.js";
import { Rng } from "../util/random.js";

/**
 * One row of the basis-evaluation benchmark: knots, order r, grid G, derivative orders, batch and timings.
 */
export interface BasisBenchRow {
  knots: "uniform" | "general";
  order: number;
  grid: number;
  derivs: number;
  batch: number;
  medianMs: number;
  minMs: number;
  /** Points evaluated per second (each point yields r values per derivative order). */
  evalsPerSec: number;
}

function timeIt(fn: () => void, repeats: number): { median: number; min: number } {
  fn();
  const times: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((p, q) => p - q);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

/**
 * Times `evalBasis` on uniform and general knots (orders, grids, derivative counts) and returns one row
 * each.
 */
export function basisBenchmark(
  opts: { batch?: number; repeats?: number; grids?: number[] } = {},
): BasisBenchRow[] {
  const batch = opts.batch ?? 100_000;
  const repeats = opts.repeats ?? 15;
  const grids = opts.grids ?? [5, 1000];
  const r = 4;
  const rng = new Rng(1);
  const x = rng.fillUniform(new Float64Array(batch), -1, 1);
  const rows: BasisBenchRow[] = [];
  for (const G of grids) {
    const uni = uniformKnots([-1, 1], G, r);
    const gen = generalKnots(breakpoints(uni), r);
    for (const [name, kv] of [
      ["uniform", uni],
      ["general", gen],
    ] as [BasisBenchRow["knots"], KnotVector][]) {
      for (const nd of [0, 2]) {
        const span = new Int32Array(batch);
        const out = new Float64Array(batch * (nd + 1) * r);
        const t = timeIt(() => evalBasis(kv, x, nd, span, out), repeats);
        rows.push({
          knots: name,
          order: r,
          grid: G,
          derivs: nd,
          batch,
          medianMs: t.median,
          minMs: t.min,
          evalsPerSec: batch / (t.median / 1000),
        });
      }
    }
  }
  return rows;
}
