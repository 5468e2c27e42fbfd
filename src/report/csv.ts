/** CSV output (RFC 4180) of result rows and training histories. */
import type { TrainingHistory } from "../train/history.js";
import { metricNames } from "./markdown.js";
import { type ExperimentResult, type ResultRow, rowHistories } from "./result.js";

/** A cell value of a CSV table. */
export type CsvValue = string | number | boolean | null | undefined;

/** Options of the CSV writer: the line ending. */
export interface CsvOptions {
  /** Line ending (default "\r\n", as RFC 4180 specifies). */
  eol?: string;
}

/**
 * One CSV field. Numbers keep full precision (shortest round-trip form); NaN, null and undefined are
 * empty; fields holding a comma, a double quote, CR or LF are quoted with inner quotes doubled.
 */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    return String(v);
  }
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document: a header line and one line per row, each line ending with `eol`. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly CsvValue[])[],
  options: CsvOptions = {},
): string {
  const eol = options.eol ?? "\r\n";
  const lines = [header.map(csvField).join(","), ...rows.map((r) => r.map(csvField).join(","))];
  return lines.map((l) => l + eol).join("");
}

/**
 * Result rows as CSV: model, basis, fidelity, params, wallSeconds, then `<metric>_mean`, `<metric>_std`
 * and `<metric>_n` for every metric (`metrics` picks and orders them).
 */
export function resultCsv(
  result: ExperimentResult | readonly ResultRow[],
  options: CsvOptions & { metrics?: readonly string[] } = {},
): string {
  const rows: readonly ResultRow[] = Array.isArray(result) ? result : (result as ExperimentResult).rows;
  const metrics = options.metrics ?? metricNames(rows);
  const header = ["model", "basis", "fidelity", "params", "wallSeconds"];
  for (const m of metrics) header.push(`${m}_mean`, `${m}_std`, `${m}_n`);
  const body = rows.map((r) => {
    const line: CsvValue[] = [r.model, r.basis, r.fidelity, r.params, r.wallSeconds];
    for (const m of metrics) {
      const s = r.metrics[m];
      line.push(s?.mean, s?.std, s?.values.length);
    }
    return line;
  });
  return toCsv(header, body, options);
}

/** Index of the level each record belongs to (the last level whose startStep is <= the index). */
export function levelOfRecords(h: TrainingHistory): Int32Array {
  const out = new Int32Array(h.step.length).fill(-1);
  for (let l = 0; l < h.levels.length; l++) {
    const end = l + 1 < h.levels.length ? h.levels[l + 1].startStep : h.step.length;
    for (let i = h.levels[l].startStep; i < end && i < out.length; i++) out[i] = l;
  }
  return out;
}

/** A grid size for display: `10`, or `5;10` when layers differ. */
export function gridText(grid: number | readonly number[]): string {
  return typeof grid === "number" ? String(grid) : grid.join(";");
}

/**
 * A training history as CSV: step, loss, each metric, wallSeconds, level (0-based index into
 * `history.levels`) and grid. Several histories (one per seed) get a leading `run` column (0-based).
 */
export function historyCsv(
  history: TrainingHistory | readonly TrainingHistory[],
  options: CsvOptions & { metrics?: readonly string[] } = {},
): string {
  const many = Array.isArray(history);
  const hs: readonly TrainingHistory[] = many ? history : [history as TrainingHistory];
  const metrics = options.metrics ?? [...new Set(hs.flatMap((h) => Object.keys(h.metrics)))];
  const header = [...(many ? ["run"] : []), "step", "loss", ...metrics, "wallSeconds", "level", "grid"];
  const body: CsvValue[][] = [];
  hs.forEach((h, run) => {
    const level = levelOfRecords(h);
    for (let i = 0; i < h.step.length; i++) {
      const l = level[i];
      body.push([
        ...(many ? [run] : []),
        h.step[i],
        h.loss[i],
        ...metrics.map((m) => h.metrics[m]?.[i]),
        h.wallSeconds[i],
        l >= 0 ? l : undefined,
        l >= 0 ? gridText(h.levels[l].grid) : undefined,
      ]);
    }
  });
  return toCsv(header, body, options);
}

/** The histories of every row that has one, as CSV with leading model, basis, fidelity, run columns. */
export function resultHistoryCsv(
  result: ExperimentResult | readonly ResultRow[],
  options: CsvOptions = {},
): string {
  const rows: readonly ResultRow[] = Array.isArray(result) ? result : (result as ExperimentResult).rows;
  const metrics = [...new Set(rows.flatMap((r) => rowHistories(r).flatMap((h) => Object.keys(h.metrics))))];
  const header = [
    "model",
    "basis",
    "fidelity",
    "run",
    "step",
    "loss",
    ...metrics,
    "wallSeconds",
    "level",
    "grid",
  ];
  const body: CsvValue[][] = [];
  for (const r of rows) {
    rowHistories(r).forEach((h, run) => {
      const level = levelOfRecords(h);
      for (let i = 0; i < h.step.length; i++) {
        const l = level[i];
        body.push([
          r.model,
          r.basis,
          r.fidelity,
          run,
          h.step[i],
          h.loss[i],
          ...metrics.map((m) => h.metrics[m]?.[i]),
          h.wallSeconds[i],
          l >= 0 ? l : undefined,
          l >= 0 ? gridText(h.levels[l].grid) : undefined,
        ]);
      }
    });
  }
  return toCsv(header, body, options);
}
