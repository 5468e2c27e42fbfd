/**
 * The shared runner of the paper's PINN experiments (Burgers, Poisson with a discontinuous coefficient,
 * Allen-Cahn): an experiment is a plan of runs (`PinnPlan`: every row for every seed), each run a training
 * run recorded as plain data (`PinnRunRecord`), run here one after another (`runPinnPlan`) or on worker
 * threads (src/node/pinn-parallel.ts), and summarised into an `ExperimentResult` (DESIGN.md section 4) with
 * the final training loss, the relative L2 and max error against the reference, the residual on the finer
 * evaluation grid and the evaluation count, plus the first seed's fields (solution, reference, error) of
 * chosen rows for heat maps. Pure logic: no file system; the CLI writes the report.
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
  /**
   * Relative work of one run of the row (e.g. training steps times the cost of a step; default 1). Only
   * the order in which parallel runs start depends on it (longest first): never a result.
   */
  cost?: number;
  /**
   * The key of a row whose run this row's run may read through `PinnShare` instead of training the same
   * steps again (e.g. a row that is the first steps of another): when both are to run for a seed on one
   * thread, that row runs first. The numbers must be those of the row run alone.
   */
  reuses?: string;
  /**
   * Trains the row for one seed on the seed's problem; `share` (absent on worker threads) passes data
   * between the runs of the seed.
   */
  run(
    seed: number,
    problem: P,
    onProgress: ((p: TrainProgress) => void) | undefined,
    share?: PinnShare,
  ): TrainResult<Network>;
}

/**
 * What the runs of one seed share when they run one after another on one thread (`runPinnPlan`):
 * `willRun(key)` says whether row `key` is still to run for the seed after the current run, `put` leaves
 * a value for a later run (under a key of the plan's choosing) and `take` removes and returns it
 * (undefined when there is none).
 */
export interface PinnShare {
  willRun(key: string): boolean;
  put(key: string, value: unknown): void;
  take(key: string): unknown;
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
  onRunDone?: (info: { key: string; seed: number; record: PinnRunRecord }) => void;
  env?: EnvInfo;
  /** Keep every run's history in the rows (default true). */
  histories?: boolean;
  /**
   * Records of runs already done, by index in `pinnJobs(plan)` (e.g. read back from a run log): those runs
   * are not trained again and their records go into the output as they are.
   */
  completed?: ReadonlyMap<number, PinnRunRecord>;
}

/** What a PINN experiment returns: the result and the first seed's fields of the rows asked for. */
export interface PinnExperimentOutput {
  result: ExperimentResult;
  fields: Record<string, PinnFields>;
  /** The first seed's `extraOf` value of each row that has one (e.g. Allen-Cahn's residual spectra). */
  extras: Record<string, unknown>;
}

/** Metrics summarised per row, in table order. */
export const PINN_METRICS = ["loss", "relL2", "maxAbsErr", "evalResidual", "evaluations"] as const;

/**
 * Everything needed to run a PINN experiment's rows: its name and settings record, seeds, rows,
 * `problemFor(seed, key)` (the seed's problem for a row, fresh per run, so that resampling and attention
 * weights start the same for every row), `fieldsOf` (heat-map fields of a trained model, taken for the first
 * seed of the rows in `fieldRows`) and, optionally, `extraOf(key, seed)`: plain data a row collected during
 * its run (read right after it).
 */
export interface PinnPlan<P> {
  experiment: string;
  settings: Record<string, unknown>;
  seeds: readonly number[];
  rows: readonly PinnRow<P>[];
  problemFor(seed: number, key: string): P;
  fieldsOf(problem: P, model: Network): PinnFields;
  fieldRows: readonly string[];
  extraOf?(key: string, seed: number): unknown;
}

/** One run of a plan: a row for a seed (indices into the plan's rows and seeds). */
export interface PinnJob {
  rowIndex: number;
  seedIndex: number;
}

/**
 * The outcome of one run as plain data (structured-cloneable, so that a worker thread can send it): the
 * final training loss, the metrics against the reference, evaluations, training seconds (metrics
 * excluded), parameter count, history, status, and the fields and extra data when the plan asks for them.
 */
export interface PinnRunRecord {
  loss: number;
  relL2: number;
  maxAbsErr: number;
  evalResidual: number;
  evaluations: number;
  seconds: number;
  params: number;
  history: TrainingHistory;
  status: string;
  fields?: PinnFields;
  extra?: unknown;
}

/** The runs of a plan in table order: every row of the first seed, then of the next seed, and so on. */
export function pinnJobs(plan: PinnPlan<unknown>): PinnJob[] {
  const jobs: PinnJob[] = [];
  for (let seedIndex = 0; seedIndex < plan.seeds.length; seedIndex++)
    for (let rowIndex = 0; rowIndex < plan.rows.length; rowIndex++) jobs.push({ rowIndex, seedIndex });
  return jobs;
}

/** Throws unless the plan has at least one row and one seed. */
export function checkPinnPlan(plan: PinnPlan<unknown>): void {
  if (plan.rows.length === 0) throw new Error(`${plan.experiment}: no rows selected`);
  if (plan.seeds.length === 0) throw new Error(`${plan.experiment}: no seeds`);
}

/** Runs one (row, seed) of a plan on a fresh problem and records the outcome. */
export function runPinnJob<P>(
  plan: PinnPlan<P>,
  job: PinnJob,
  onProgress?: (p: TrainProgress) => void,
  share?: PinnShare,
): PinnRunRecord {
  const row = plan.rows[job.rowIndex];
  const seed = plan.seeds[job.seedIndex];
  if (row === undefined || seed === undefined)
    throw new Error(`${plan.experiment}: no run with row ${job.rowIndex} and seed ${job.seedIndex}`);
  const problem = plan.problemFor(seed, row.key);
  const r = row.run(seed, problem, onProgress, share);
  const h = r.history;
  const record: PinnRunRecord = {
    loss: h.loss.length > 0 ? h.loss[h.loss.length - 1] : Number.NaN,
    relL2: r.metrics.relL2 ?? Number.NaN,
    maxAbsErr: r.metrics.maxAbsErr ?? Number.NaN,
    evalResidual: r.metrics.evalResidual ?? Number.NaN,
    evaluations: r.evaluations,
    seconds: r.seconds - r.metricsSeconds,
    params: r.model.paramCount,
    history: h,
    status: r.status === "completed" ? "completed" : r.message,
  };
  if (job.seedIndex === 0 && plan.fieldRows.includes(row.key))
    record.fields = plan.fieldsOf(problem, r.model);
  const extra = plan.extraOf?.(row.key, seed);
  if (extra !== undefined) record.extra = extra;
  return record;
}

/**
 * The experiment output of a plan from the records of all its runs (`records[k]` of `pinnJobs(plan)[k]`):
 * per row the summaries of `PINN_METRICS` over seeds, the summed training seconds, the histories and
 * statuses, plus the first seed's fields and extras.
 */
export function assemblePinnOutput(
  plan: PinnPlan<unknown>,
  records: readonly PinnRunRecord[],
  wallSeconds: number,
  options: PinnRunOptions = {},
): PinnExperimentOutput {
  const jobs = pinnJobs(plan);
  if (records.length !== jobs.length)
    throw new Error(`${plan.experiment}: ${records.length} run records for ${jobs.length} runs`);
  const acc = plan.rows.map(() => ({
    values: Object.fromEntries(PINN_METRICS.map((m) => [m, [] as number[]])) as Record<string, number[]>,
    wall: 0,
    params: 0,
    histories: [] as TrainingHistory[],
    status: [] as string[],
  }));
  const fields: Record<string, PinnFields> = {};
  const extras: Record<string, unknown> = {};
  for (const [k, job] of jobs.entries()) {
    const r = records[k];
    const a = acc[job.rowIndex];
    for (const m of PINN_METRICS) a.values[m].push(r[m]);
    a.wall += r.seconds;
    a.params = r.params;
    a.histories.push(r.history);
    a.status.push(r.status);
    const key = plan.rows[job.rowIndex].key;
    if (job.seedIndex === 0) {
      if (r.fields !== undefined) fields[key] = r.fields;
      if (r.extra !== undefined) extras[key] = r.extra;
    }
  }
  const out: ResultRow[] = plan.rows.map((row, ri) => {
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
      experiment: plan.experiment,
      settings: plan.settings,
      env: options.env ?? unknownEnv(),
      wallSeconds,
      rows: out,
    },
    fields,
    extras,
  };
}

/**
 * The order in which `runPinnPlan` runs the jobs of `pinnJobs(plan)` (indices into it): seed by seed, the
 * rows in table order, except that a row that `reuses` a later row of the plan runs right after it.
 */
export function pinnSequentialOrder(plan: PinnPlan<unknown>): number[] {
  const R = plan.rows.length;
  const at = new Map(plan.rows.map((r, i) => [r.key, i]));
  const place = plan.rows.map((r, i) => {
    const p = r.reuses === undefined ? undefined : at.get(r.reuses);
    return p !== undefined && p > i ? p + 0.5 : i;
  });
  const rows = [...plan.rows.keys()].sort((a, b) => place[a] - place[b] || a - b);
  const order: number[] = [];
  for (let seedIndex = 0; seedIndex < plan.seeds.length; seedIndex++)
    for (const rowIndex of rows) order.push(seedIndex * R + rowIndex);
  return order;
}

/**
 * Runs every row for every seed of a plan, one after another, on this thread (except the runs in
 * `options.completed`), in `pinnSequentialOrder`; the runs of a seed share a `PinnShare`.
 */
export function runPinnPlan<P>(plan: PinnPlan<P>, options: PinnRunOptions = {}): PinnExperimentOutput {
  checkPinnPlan(plan);
  const t0 = performance.now();
  const jobs = pinnJobs(plan);
  const R = plan.rows.length;
  const records: PinnRunRecord[] = new Array(jobs.length);
  const pending = new Set(jobs.keys());
  for (const index of options.completed?.keys() ?? []) pending.delete(index);
  const rowAt = new Map(plan.rows.map((r, i) => [r.key, i]));
  const shares = plan.seeds.map((_, seedIndex): PinnShare => {
    const store = new Map<string, unknown>();
    return {
      willRun: (key) => {
        const r = rowAt.get(key);
        return r !== undefined && pending.has(seedIndex * R + r);
      },
      put: (key, value) => store.set(key, value),
      take: (key) => {
        const v = store.get(key);
        store.delete(key);
        return v;
      },
    };
  });
  for (const [n, index] of pinnSequentialOrder(plan).entries()) {
    const job = jobs[index];
    pending.delete(index);
    const done = options.completed?.get(index);
    if (done !== undefined) {
      records[index] = done;
      continue;
    }
    const row = plan.rows[job.rowIndex];
    const seed = plan.seeds[job.seedIndex];
    options.onRun?.({ key: row.key, row: row.describe, seed, index: n, total: jobs.length });
    const record = runPinnJob(plan, job, options.onProgress, shares[job.seedIndex]);
    options.onRunDone?.({ key: row.key, seed, record });
    records[index] = record;
  }
  return assemblePinnOutput(plan, records, (performance.now() - t0) / 1000, options);
}

/**
 * The order in which parallel runs start: longest first by the rows' `cost` (ties in table order), so that
 * the last runs to finish are short ones.
 */
export function pinnJobOrder(plan: PinnPlan<unknown>): PinnJob[] {
  const jobs = pinnJobs(plan);
  const cost = (j: PinnJob) => plan.rows[j.rowIndex].cost ?? 1;
  return jobs
    .map((job, k) => ({ job, k }))
    .sort((a, b) => cost(b.job) - cost(a.job) || a.k - b.k)
    .map((e) => e.job);
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
 * last level's Adam steps, none elsewhere, in rounds of `redrawEvery` steps with new points between them
 * (0: one round; `PolishOptions.redrawEvery`); no option at all for `steps = 0`.
 */
export function lastLevelPolish(levels: number, steps: number, redrawEvery = 0): { polish?: PolishOptions } {
  if (steps <= 0) return {};
  return {
    polish: {
      optimizer: { type: "lbfgs", preset: "pykan" },
      steps: Array.from({ length: levels }, (_, k) => (k === levels - 1 ? steps : 0)),
      ...(redrawEvery > 0 && { redrawEvery }),
    },
  };
}
