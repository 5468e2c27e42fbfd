/**
 * The shared runner of the paper's PINN experiments (Burgers, Poisson with a discontinuous coefficient,
 * Allen-Cahn): every row for every seed, each row a training run that returns a `TrainResult`, summarised
 * into an `ExperimentResult` (DESIGN.md section 4) with the final training loss, the relative L2 and max
 * error against the reference, the residual on the finer evaluation grid and the evaluation count, plus
 * the first seed's fields (solution, reference, error) of chosen rows for heat maps. Pure logic: no file
 * system; the CLI writes the report.
 */
import type { Basis, SplineLayerSpec } from "../layers/layer.js";
import type { Network } from "../model/network.js";
import type { AdamSpec } from "../optim/factory.js";
import type { GridFields } from "../problems/pde/jet-terms.js";
import type { EnvInfo, ExperimentResult, ResultRow } from "../report/result.js";
import { summarize, unknownEnv } from "../report/result.js";
import type { TrainingHistory } from "../train/history.js";
import type { PolishOptions, TrainProgress, TrainResult } from "../train/trainer.js";
import { fmt } from "../util/format.js";

/** Model, basis and fidelity labels of a row. */
export interface PinnRowDescription {
  model: string;
  basis: string;
  fidelity: string;
}

/** One row of a PINN table. */
export interface PinnRow<P> {
  key: string;
  describe: PinnRowDescription;
  /** Trains the row for one seed on the seed's problem. */
  run(seed: number, problem: P, onProgress: ((p: TrainProgress) => void) | undefined): TrainResult<Network>;
}

/** Solution, reference and |error| fields of one trained model. */
export type PinnFields = GridFields;

/** Callbacks and environment record of a paper PINN run. */
export interface PinnRunOptions {
  onProgress?: (p: TrainProgress) => void;
  onRun?: (info: {
    key: string;
    row: PinnRowDescription;
    seed: number;
    index: number;
    total: number;
  }) => void;
  onRunDone?: (info: { key: string; seed: number; result: TrainResult<Network> }) => void;
  env?: EnvInfo;
  /** Keep every run's history in the rows (default true). */
  histories?: boolean;
}

/** What a PINN experiment returns: the result and the first seed's fields of the rows asked for. */
export interface PinnExperimentOutput {
  result: ExperimentResult;
  fields: Record<string, PinnFields>;
}

/** Metrics summarised per row, in table order. */
export const PINN_METRICS = ["loss", "relL2", "maxAbsErr", "evalResidual", "evaluations"] as const;

/**
 * Runs every row for every seed. `problemFor(seed, key)` builds the seed's problem for a row (fresh per
 * row, so that resampling and attention weights start the same for every row); `fieldsOf` extracts
 * heat-map fields of a trained model (called for the first seed of rows in `fieldRows`).
 */
export function runPinnRows<P>(
  experiment: string,
  settings: Record<string, unknown>,
  seeds: readonly number[],
  rows: readonly PinnRow<P>[],
  problemFor: (seed: number, key: string) => P,
  fieldsOf: (problem: P, model: Network) => PinnFields,
  fieldRows: readonly string[],
  options: PinnRunOptions = {},
): PinnExperimentOutput {
  if (rows.length === 0) throw new Error(`${experiment}: no rows selected`);
  if (seeds.length === 0) throw new Error(`${experiment}: no seeds`);
  const t0 = performance.now();
  const acc = rows.map(() => ({
    values: Object.fromEntries(PINN_METRICS.map((m) => [m, [] as number[]])) as Record<string, number[]>,
    wall: 0,
    params: 0,
    histories: [] as TrainingHistory[],
    status: [] as string[],
  }));
  const fields: Record<string, PinnFields> = {};
  const total = rows.length * seeds.length;
  let index = 0;
  for (const [si, seed] of seeds.entries()) {
    for (const [ri, row] of rows.entries()) {
      options.onRun?.({ key: row.key, row: row.describe, seed, index: index++, total });
      const problem = problemFor(seed, row.key);
      const r = row.run(seed, problem, options.onProgress);
      options.onRunDone?.({ key: row.key, seed, result: r });
      const a = acc[ri];
      const loss = r.history.loss.length > 0 ? r.history.loss[r.history.loss.length - 1] : Number.NaN;
      a.values.loss.push(loss);
      a.values.relL2.push(r.metrics.relL2 ?? Number.NaN);
      a.values.maxAbsErr.push(r.metrics.maxAbsErr ?? Number.NaN);
      a.values.evalResidual.push(r.metrics.evalResidual ?? Number.NaN);
      a.values.evaluations.push(r.evaluations);
      a.wall += r.seconds - r.metricsSeconds;
      a.params = r.model.paramCount;
      a.histories.push(r.history);
      a.status.push(r.status === "completed" ? "completed" : r.message);
      if (si === 0 && fieldRows.includes(row.key)) fields[row.key] = fieldsOf(problem, r.model);
    }
  }
  const out: ResultRow[] = rows.map((row, ri) => {
    const a = acc[ri];
    const r = {
      ...row.describe,
      params: a.params,
      wallSeconds: a.wall,
      metrics: Object.fromEntries(PINN_METRICS.map((m) => [m, summarize(a.values[m])])),
      key: row.key,
      status: a.status,
    } as ResultRow;
    if (options.histories ?? true) r.history = a.histories;
    return r;
  });
  return {
    result: {
      experiment,
      settings,
      env: options.env ?? unknownEnv(),
      wallSeconds: (performance.now() - t0) / 1000,
      rows: out,
    },
    fields,
  };
}

/** The row key stored in a result row. */
export function pinnRowKey(row: ResultRow): string | undefined {
  const k = (row as ResultRow & { key?: unknown }).key;
  return typeof k === "string" ? k : undefined;
}

/** Mean of a row's metric (null when the row is missing). */
export function pinnMean(result: ExperimentResult, key: string, metric: string): number | null {
  const r = result.rows.find((x) => pinnRowKey(x) === key);
  return r?.metrics[metric]?.mean ?? null;
}

/**
 * Robust facts of a multilevel history: the loss right after each refinement equals the loss before it
 * (relative change, max over refinements), and the final loss of each level (in order).
 */
export function levelFacts(h: TrainingHistory): { refinementJump: number; levelFinal: number[] } {
  let jump = 0;
  const fin: number[] = [];
  for (let k = 0; k < h.levels.length; k++) {
    const lv = h.levels[k];
    if (lv.finalLoss !== undefined) fin.push(lv.finalLoss);
    if (k > 0) {
      const prev = h.levels[k - 1].finalLoss;
      if (prev !== undefined && lv.initialLoss !== undefined)
        jump = Math.max(jump, Math.abs(lv.initialLoss - prev) / Math.abs(prev));
    }
  }
  return { refinementJump: jump, levelFinal: fin };
}

/** One target of a PINN experiment: what is checked, the measured value as text, met (null: undecided). */
export interface PinnCheck {
  target: string;
  value: string;
  met: boolean | null;
}

/** The first seed's training history of a row (undefined when the row or its history is missing). */
export function firstHistory(row: ResultRow | undefined): TrainingHistory | undefined {
  return Array.isArray(row?.history) ? row?.history[0] : row?.history;
}

/**
 * The refinement checks of row `key` (first seed), none when it has no history: the loss is kept across
 * every refinement (max relative jump <= 1e-9, named `jumpTarget`) and, with `staircaseTarget`, the final
 * loss falls at every level (ratios of consecutive level-final losses > 1).
 */
export function refinementChecks(
  result: ExperimentResult,
  key: string,
  jumpTarget: string,
  staircaseTarget?: string,
): PinnCheck[] {
  const h = firstHistory(result.rows.find((r) => pinnRowKey(r) === key));
  if (!h) return [];
  const f = levelFacts(h);
  const out: PinnCheck[] = [
    { target: jumpTarget, value: fmt(f.refinementJump), met: f.refinementJump <= 1e-9 },
  ];
  if (staircaseTarget !== undefined) {
    const drops = f.levelFinal.slice(1).map((v, i) => f.levelFinal[i] / v);
    out.push({
      target: staircaseTarget,
      value: drops.map((d) => `${fmt(d)}x`).join(", "),
      met: drops.length > 0 && drops.every((d) => d > 1),
    });
  }
  return out;
}

/** Markdown table lines (header included) of the checks: target, measured, met (yes / **no** / -). */
export function checkTableLines(checks: readonly PinnCheck[]): string[] {
  return [
    "| target | measured | met |",
    "|---|---|---|",
    ...checks.map((c) => `| ${c.target} | ${c.value} | ${c.met === null ? "-" : c.met ? "yes" : "**no**"} |`),
  ];
}

/**
 * Markdown table rows (no header) of the level-final losses of every multilevel row (first seed, rows
 * with at least two levels): `| key | l_1 -> l_2 ... |`, plus `extra(h)` as one more column when given.
 */
export function levelLossLines(result: ExperimentResult, extra?: (h: TrainingHistory) => string): string[] {
  const lines: string[] = [];
  for (const r of result.rows) {
    const h = firstHistory(r);
    if (!h || h.levels.length < 2) continue;
    const losses = levelFacts(h)
      .levelFinal.map((v) => fmt(v))
      .join(" -> ");
    lines.push(extra ? `| ${pinnRowKey(r)} | ${losses} | ${extra(h)} |` : `| ${pinnRowKey(r)} | ${losses} |`);
  }
  return lines;
}

/**
 * The spline layer of the paper's PINN models: cubic (order 4) on [-1, 1] with G = `grid` intervals and
 * N(0, initStd^2) initial coefficients, in `basis` (default "spline").
 */
export function pinnSplineSpec(
  nIn: number,
  nOut: number,
  grid: number,
  initStd: number,
  basis: Basis = "spline",
): SplineLayerSpec {
  return { type: "spline", nIn, nOut, order: 4, grid, domain: [-1, 1], basis, initStd };
}

/**
 * Adam for each level of a multilevel run, as the paper re-creates it (10-step warm-up from 1e-4), with the
 * rate then decaying exponentially within the level: `lr * gamma^(step - 10)` after the ramp, with
 * `gamma = (lrEnd / lr)^(1/n)` for a level of `n` steps (so the level ends at `lrEnd * gamma^-11`, within
 * a few percent of `lrEnd`). Used by the `best` rows.
 */
export function decayingAdamPerLevel(
  who: string,
  lr: number,
  lrEnd: number,
  steps: readonly number[],
): AdamSpec[] {
  if (!(lr > 0 && lrEnd > 0 && lrEnd <= lr))
    throw new Error(`${who}: need 0 < lrEnd <= lr, got lr ${lr}, lrEnd ${lrEnd}`);
  return steps.map((n) => ({
    type: "adam",
    lr,
    warmup: { steps: 10, startLr: 1e-4 },
    schedule: { type: "exponential", gamma: (lrEnd / lr) ** (1 / Math.max(1, n)) },
  }));
}

/**
 * The `polish` option of `trainMultilevel` for the best rows: `steps` L-BFGS steps (pykan preset) after the
 * last level's Adam steps, none elsewhere; no option at all for `steps = 0`.
 */
export function lastLevelPolish(levels: number, steps: number): { polish?: PolishOptions } {
  if (steps <= 0) return {};
  return {
    polish: {
      optimizer: { type: "lbfgs", preset: "pykan" },
      steps: Array.from({ length: levels }, (_, k) => (k === levels - 1 ? steps : 0)),
    },
  };
}
