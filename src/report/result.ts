/**
 * The result JSON every `mlkan reproduce ...` command writes (DESIGN.md section 4), its validator and
 * its serializer. Browser-safe: `collectEnv` (which needs `node:os`) lives in `./env.ts`.
 *
 * JSON has no NaN or Infinity: `resultToJson` writes every non-finite number as `null`, and
 * `validateResult` reads `null` back as NaN where a number is expected (history arrays, metric values
 * and means). `std` is the exception: there `null` means "one value, no spread".
 */
import type { LevelRecord, TrainingHistory } from "../train/history.js";
import { describe } from "../util/validate.js";

/** A metric over seeds: mean, sample standard deviation (n - 1; `null` for one value) and the values. */
export interface MetricSummary {
  mean: number;
  std: number | null;
  values: number[];
}

/** Where a result was computed (see `collectEnv` in the Node entry). */
export interface EnvInfo {
  /** Node version, e.g. "v20.20.2" (or a browser's user agent). */
  node: string;
  /** Operating system, e.g. "linux". */
  platform: string;
  /** CPU model name. */
  cpu: string;
  /** Logical CPU cores available to the process. */
  cores: number;
  /** ISO 8601 date and time the run started. */
  date: string;
  /** CPU architecture, e.g. "x64". */
  arch?: string;
  /** mlkan version. */
  mlkan?: string;
}

/**
 * The environment record of a run whose caller gave none (pure experiments run in browsers too, where
 * the Node entry's `collectEnv` is not available): every field "unknown" except the date.
 */
export function unknownEnv(): EnvInfo {
  return { node: "unknown", platform: "unknown", cpu: "unknown", cores: 1, date: new Date().toISOString() };
}

/** One row of a result table: one model / basis / fidelity, summarised over seeds. */
export interface ResultRow {
  model: string;
  basis: string;
  /** "coarse", "fine", "multilevel", or a stage such as "grid 20". */
  fidelity: string;
  /** Trainable parameter count (of the final level). */
  params: number;
  /** Wall seconds, summed over seeds. */
  wallSeconds: number;
  /** Metric name (trainMse, testMse, testRmse, loss, relL2, maxAbsErr, ...) to its summary over seeds. */
  metrics: Record<string, MetricSummary>;
  /** The training history, or one per seed; plots can be redrawn from it. */
  history?: TrainingHistory | TrainingHistory[];
}

/** The result JSON of an experiment: settings, environment, rows with histories and summaries. */
export interface ExperimentResult {
  /** Experiment name, e.g. "regression" or "burgers"; also the default file stem of a report. */
  experiment: string;
  /** The settings the run used (seeds, steps, grids, ...), free form. */
  settings: Record<string, unknown>;
  env: EnvInfo;
  /** Wall seconds of the whole experiment. */
  wallSeconds: number;
  rows: ResultRow[];
}

/** Mean, sample standard deviation (divisor n - 1; `null` for one value) and a copy of the values. */
export function summarize(values: readonly number[]): MetricSummary {
  if (!Array.isArray(values) || values.length === 0)
    throw new Error(`summarize: values must be a non-empty array of numbers, got ${describe(values)}`);
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (typeof values[i] !== "number")
      throw new Error(`summarize: values[${i}] must be a number, got ${describe(values[i])}`);
    sum += values[i];
  }
  const mean = sum / n;
  if (n === 1) return { mean, std: null, values: [values[0]] };
  // Two passes: the textbook one-pass formula loses digits when the spread is small against the mean.
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (n - 1)), values: values.slice() };
}

/** The histories of a row as an array (empty when it has none). */
export function rowHistories(row: ResultRow): TrainingHistory[] {
  if (row.history === undefined) return [];
  return Array.isArray(row.history) ? row.history : [row.history];
}

/** A short label for a row: "model basis fidelity" without empty parts. */
export function rowLabel(row: ResultRow): string {
  return [row.model, row.basis, row.fidelity].filter((s) => s !== "").join(" ");
}

// ---------------------------------------------------------------------------------------------------
// Validation

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function reqObject(name: string, v: unknown): Obj {
  if (!isObject(v)) throw new Error(`${name} must be an object, got ${describe(v)}`);
  return v;
}

function reqString(name: string, v: unknown): string {
  if (typeof v !== "string") throw new Error(`${name} must be a string, got ${describe(v)}`);
  return v;
}

function reqNonNegative(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
    throw new Error(`${name} must be a finite number >= 0, got ${describe(v)}`);
  return v;
}

function reqCount(name: string, v: unknown, min = 0): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min)
    throw new Error(`${name} must be an integer >= ${min}, got ${describe(v)}`);
  return v;
}

/** A number, or `null` (JSON's spelling of a non-finite number), read back as NaN. */
function reqNumberOrNull(name: string, v: unknown): number {
  if (v === null) return Number.NaN;
  if (typeof v !== "number") throw new Error(`${name} must be a number or null, got ${describe(v)}`);
  return v;
}

function reqNumberArray(name: string, v: unknown, length?: number): number[] {
  // Typed arrays (e.g. a Float64Array history) are read as plain arrays.
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) v = Array.from(v as unknown as ArrayLike<number>);
  if (!Array.isArray(v)) throw new Error(`${name} must be an array of numbers, got ${describe(v)}`);
  if (length !== undefined && v.length !== length)
    throw new Error(`${name} must have length ${length} (as history.step), got length ${v.length}`);
  return v.map((x, i) => reqNumberOrNull(`${name}[${i}]`, x));
}

function validateMetric(name: string, v: unknown): MetricSummary {
  const o = reqObject(name, v);
  const values = reqNumberArray(`${name}.values`, o.values);
  if (values.length === 0) throw new Error(`${name}.values must not be empty`);
  const mean = reqNumberOrNull(`${name}.mean`, o.mean);
  let std: number | null;
  if (o.std === null) {
    std = null;
  } else if (typeof o.std === "number") {
    if (o.std < 0) throw new Error(`${name}.std must be >= 0 or null, got ${o.std}`);
    std = o.std;
  } else {
    throw new Error(`${name}.std must be a number or null, got ${describe(o.std)}`);
  }
  return { mean, std, values };
}

function validateLevel(name: string, v: unknown, steps: number): LevelRecord {
  const o = reqObject(name, v);
  let grid: number | number[];
  if (Array.isArray(o.grid)) {
    if (o.grid.length === 0) throw new Error(`${name}.grid must not be empty`);
    grid = o.grid.map((g, i) => reqCount(`${name}.grid[${i}]`, g, 1));
  } else {
    grid = reqCount(`${name}.grid`, o.grid, 1);
  }
  const startStep = reqCount(`${name}.startStep`, o.startStep);
  if (startStep > steps)
    throw new Error(`${name}.startStep must be <= the number of steps (${steps}), got ${startStep}`);
  const params = reqCount(`${name}.params`, o.params);
  return { ...o, grid, startStep, params };
}

/** Checks a `TrainingHistory` (e.g. read from JSON) and returns a copy with `null` read as NaN. */
export function validateHistory(v: unknown, name = "history"): TrainingHistory {
  const o = reqObject(name, v);
  const step = reqNumberArray(`${name}.step`, o.step);
  const n = step.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(step[i])) throw new Error(`${name}.step[${i}] must be finite, got ${step[i]}`);
    if (i > 0 && !(step[i] > step[i - 1]))
      throw new Error(`${name}.step must be increasing, got ${step[i - 1]} then ${step[i]} at index ${i}`);
  }
  const loss = reqNumberArray(`${name}.loss`, o.loss, n);
  const wallSeconds = reqNumberArray(`${name}.wallSeconds`, o.wallSeconds, n);
  const m = reqObject(`${name}.metrics`, o.metrics);
  const metrics: Record<string, number[]> = {};
  for (const [k, arr] of Object.entries(m)) metrics[k] = reqNumberArray(`${name}.metrics.${k}`, arr, n);
  if (!Array.isArray(o.levels)) throw new Error(`${name}.levels must be an array, got ${describe(o.levels)}`);
  const levels = o.levels.map((l, i) => validateLevel(`${name}.levels[${i}]`, l, n));
  for (let i = 1; i < levels.length; i++) {
    if (levels[i].startStep < levels[i - 1].startStep)
      throw new Error(`${name}.levels[${i}].startStep must not decrease, got ${levels[i].startStep}`);
  }
  return { ...o, step, loss, metrics, wallSeconds, levels };
}

function validateEnv(name: string, v: unknown): EnvInfo {
  const o = reqObject(name, v);
  return {
    ...o,
    node: reqString(`${name}.node`, o.node),
    platform: reqString(`${name}.platform`, o.platform),
    cpu: reqString(`${name}.cpu`, o.cpu),
    cores: reqCount(`${name}.cores`, o.cores, 1),
    date: reqString(`${name}.date`, o.date),
  };
}

function validateRow(name: string, v: unknown): ResultRow {
  const o = reqObject(name, v);
  const metricsIn = reqObject(`${name}.metrics`, o.metrics);
  const metrics: Record<string, MetricSummary> = {};
  for (const [k, s] of Object.entries(metricsIn)) metrics[k] = validateMetric(`${name}.metrics.${k}`, s);
  const row: ResultRow = {
    ...o,
    model: reqString(`${name}.model`, o.model),
    basis: reqString(`${name}.basis`, o.basis),
    fidelity: reqString(`${name}.fidelity`, o.fidelity),
    params: reqCount(`${name}.params`, o.params),
    wallSeconds: reqNonNegative(`${name}.wallSeconds`, o.wallSeconds),
    metrics,
  };
  if (o.history === undefined) {
    delete row.history;
  } else if (Array.isArray(o.history)) {
    if (o.history.length === 0) throw new Error(`${name}.history must not be an empty array`);
    row.history = o.history.map((h, i) => validateHistory(h, `${name}.history[${i}]`));
  } else {
    row.history = validateHistory(o.history, `${name}.history`);
  }
  return row;
}

/**
 * Checks that `v` is an `ExperimentResult` (e.g. parsed from a result JSON) and returns a checked copy
 * with `null` numbers read back as NaN. Throws an `Error` naming the first bad field, e.g.
 * `result.rows[2].metrics.testMse.std must be a number or null, got "x"`. Unknown extra fields are kept.
 */
export function validateResult(v: unknown, name = "result"): ExperimentResult {
  const o = reqObject(name, v);
  if (!Array.isArray(o.rows)) throw new Error(`${name}.rows must be an array, got ${describe(o.rows)}`);
  return {
    ...o,
    experiment: reqString(`${name}.experiment`, o.experiment),
    settings: reqObject(`${name}.settings`, o.settings),
    env: validateEnv(`${name}.env`, o.env),
    wallSeconds: reqNonNegative(`${name}.wallSeconds`, o.wallSeconds),
    rows: o.rows.map((r, i) => validateRow(`${name}.rows[${i}]`, r)),
  };
}

/** Parses and validates a result JSON text. */
export function parseResult(text: string, name = "result"): ExperimentResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name}: not valid JSON (${(e as Error).message})`);
  }
  return validateResult(parsed, name);
}

// ---------------------------------------------------------------------------------------------------
// Serialization

function isFlat(v: unknown[]): boolean {
  return v.every((x) => x === null || typeof x !== "object");
}

function stringifyValue(v: unknown, indent: string): string | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? JSON.stringify(v) : "null";
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (typeof (v as { toJSON?: unknown }).toJSON === "function")
    return stringifyValue((v as { toJSON(): unknown }).toJSON(), indent);
  const inner = `${indent}  `;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const arr = Array.from(v as ArrayLike<unknown>);
    if (arr.length === 0) return "[]";
    const items = arr.map((x) => stringifyValue(x, inner) ?? "null");
    // Arrays of numbers and strings (per-step histories) stay on one line.
    if (isFlat(arr)) return `[${items.join(", ")}]`;
    return `[\n${items.map((s) => inner + s).join(",\n")}\n${indent}]`;
  }
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    const s = stringifyValue(x, inner);
    if (s !== undefined) parts.push(`${inner}${JSON.stringify(k)}: ${s}`);
  }
  if (parts.length === 0) return "{}";
  return `{\n${parts.join(",\n")}\n${indent}}`;
}

/**
 * Deterministic, readable JSON: objects indented by two spaces, flat arrays (per-step histories) on one
 * line, non-finite numbers as `null`; ends with a newline.
 */
export function resultToJson(result: ExperimentResult | unknown): string {
  return `${stringifyValue(result, "") ?? "null"}\n`;
}
