/** Markdown tables and number formatting shared by every report. */
import { fmt } from "../util/format.js";
import type { ExperimentResult, MetricSummary, ResultRow } from "./result.js";

/** Re-exported for the public entry (`fmt` lives in util/format.ts). */
export { fmt };

/** A metric over seeds as "mean (std)", e.g. `1.65e-3 (4.18e-5)`; just the mean for one seed. */
export function fmtMeanStd(s: MetricSummary | null | undefined, digits = 3): string {
  if (s === null || s === undefined) return "-";
  if (s.std === null || s.values.length < 2) return fmt(s.mean, digits);
  return `${fmt(s.mean, digits)} (${fmt(s.std, digits)})`;
}

/** Makes a string safe inside a markdown table cell: escapes `|`, joins lines. */
function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** A GitHub-flavoured markdown table; numeric columns are right-aligned. */
export function markdownTable(header: string[], rows: (string | number)[][], numeric?: boolean[]): string {
  const cells = rows.map((row) => row.map((c) => (typeof c === "number" ? fmt(c) : cell(c))));
  const head = header.map(cell);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? "").length)));
  const isNum =
    numeric ?? header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === "number"));
  const line = (row: string[]) =>
    `| ${row.map((c, i) => (isNum[i] ? (c ?? "").padStart(widths[i]) : (c ?? "").padEnd(widths[i]))).join(" | ")} |`;
  const sep = `|${widths.map((w, i) => (isNum[i] ? `${"-".repeat(w + 1)}:` : `${"-".repeat(w + 2)}`)).join("|")}|`;
  return [line(head), sep, ...cells.map(line)].join("\n");
}

/** Reference numbers (e.g. the paper's) shown beside the measured ones. */
export interface ReferenceColumn {
  /** Column header, e.g. "paper testMse". */
  header: string;
  /** The reference value for a row; `null`/`undefined` prints "-". Strings are printed as given. */
  value: (row: ResultRow, index: number) => number | string | null | undefined;
}

export interface ResultTableOptions {
  /** Metrics to show, in order (default: every metric of any row, in order of first appearance). */
  metrics?: readonly string[];
  /** Headers for the metric columns (default: the metric name). */
  metricHeaders?: Readonly<Record<string, string>>;
  /**
   * Reference numbers placed after the metric columns: one value per row (header "paper"), one
   * column, or several.
   */
  paper?: readonly (number | string | null | undefined)[] | ReferenceColumn | readonly ReferenceColumn[];
  /** Significant digits (default 3). */
  digits?: number;
  /** Show the params column (default true). */
  params?: boolean;
  /** Show the wall seconds column (default true). */
  wallSeconds?: boolean;
}

/** Metric names over all rows, in order of first appearance. */
export function metricNames(rows: readonly ResultRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.metrics)) seen.add(k);
  return [...seen];
}

function referenceColumns(paper: ResultTableOptions["paper"]): ReferenceColumn[] {
  if (paper === undefined) return [];
  if (Array.isArray(paper)) {
    if (paper.length > 0 && typeof paper[0] === "object" && paper[0] !== null)
      return paper as ReferenceColumn[];
    const values = paper as readonly (number | string | null | undefined)[];
    return [{ header: "paper", value: (_row, i) => values[i] }];
  }
  return [paper as ReferenceColumn];
}

/**
 * A markdown table of result rows: model, basis, fidelity, one "mean (std)" column per metric, optional
 * reference columns, params and wall seconds.
 */
export function resultTable(
  result: ExperimentResult | readonly ResultRow[],
  options: ResultTableOptions = {},
): string {
  const rows: readonly ResultRow[] = Array.isArray(result) ? result : (result as ExperimentResult).rows;
  const digits = options.digits ?? 3;
  const metrics = options.metrics ?? metricNames(rows);
  const refs = referenceColumns(options.paper);
  const showParams = options.params ?? true;
  const showWall = options.wallSeconds ?? true;
  const header = ["model", "basis", "fidelity"];
  const numeric = [false, false, false];
  for (const m of metrics) header.push(options.metricHeaders?.[m] ?? m);
  for (const r of refs) header.push(r.header);
  if (showParams) header.push("params");
  if (showWall) header.push("wall s");
  while (numeric.length < header.length) numeric.push(true);
  const body = rows.map((row, i) => {
    const line: string[] = [row.model, row.basis, row.fidelity];
    for (const m of metrics) line.push(fmtMeanStd(row.metrics[m], digits));
    for (const r of refs) {
      const v = r.value(row, i);
      line.push(typeof v === "string" ? v : fmt(v, digits));
    }
    if (showParams) line.push(String(row.params));
    if (showWall) line.push(fmt(row.wallSeconds, digits));
    return line;
  });
  return markdownTable(header, body, numeric);
}

function settingValue(v: unknown): string {
  if (typeof v === "number") return fmt(v, 6);
  if (typeof v === "string") return v;
  return JSON.stringify(v) ?? String(v);
}

/**
 * A whole markdown report: title, the result table, settings and environment. `title` defaults to the
 * experiment name; `plots` are image paths (relative to the markdown file) embedded after the table.
 */
export function resultMarkdown(
  result: ExperimentResult,
  options: ResultTableOptions & { title?: string; notes?: string; plots?: readonly string[] } = {},
): string {
  const out: string[] = [`# ${options.title ?? result.experiment}`, ""];
  if (options.notes) out.push(options.notes, "");
  const seeds = Math.max(
    0,
    ...result.rows.flatMap((r) => Object.values(r.metrics).map((s) => s.values.length)),
  );
  if (seeds > 1) out.push(`Metrics are mean (sample standard deviation) over ${seeds} seeds.`, "");
  out.push(resultTable(result, options), "");
  for (const p of options.plots ?? []) out.push(`![${cell(p)}](${encodeURI(p)})`, "");
  const settings = Object.entries(result.settings);
  if (settings.length > 0) {
    out.push("## Settings", "");
    out.push(
      markdownTable(
        ["setting", "value"],
        settings.map(([k, v]) => [k, settingValue(v)]),
        [false, false],
      ),
    );
    out.push("");
  }
  const e = result.env;
  out.push(
    "## Environment",
    "",
    `${e.mlkan ? `mlkan ${e.mlkan}, ` : ""}Node ${e.node} on ${e.platform}${e.arch ? `/${e.arch}` : ""}, ` +
      `${e.cpu} (${e.cores} cores), ${e.date}; total wall time ${fmt(result.wallSeconds)} s.`,
    "",
  );
  return out.join("\n");
}
