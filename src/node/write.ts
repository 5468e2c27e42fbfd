/** Writing a whole report to a directory (Node only). */
import { join, resolve } from "node:path";
import { historyCsv, resultCsv, resultHistoryCsv } from "../report/csv.js";
import { type ResultTableOptions, resultMarkdown } from "../report/markdown.js";
import { resultPlots } from "../report/plots.js";
import { type ExperimentResult, resultToJson, rowHistories, validateResult } from "../report/result.js";
import { writeFileAtomic } from "./fs.js";
import { type PngOptions, svgToPng } from "./png.js";

export interface WriteReportOptions {
  /** File stem (default: the experiment name); files are `<name>.md`, `<name>.json`, ... */
  name?: string;
  /**
   * Plots as `{ plotName: svg }` (written as `<name>-<plotName>.svg` and `.png`). Default: the standard
   * history plots of `resultPlots` when rows have histories; `false` writes none.
   */
  plots?: Readonly<Record<string, string>> | false;
  /** Also write PNGs: true (fail if the renderer is missing), false, or "auto" (default: when available). */
  png?: boolean | "auto";
  pngOptions?: PngOptions;
  /** Options of the markdown table and page (metric columns, paper column, title, notes). */
  markdown?: ResultTableOptions & { title?: string; notes?: string };
  /** Write `<name>-history.csv` with every row's per-step history when there is one (default true). */
  historyCsv?: boolean;
}

export interface ReportPaths {
  markdown: string;
  json: string;
  csv: string;
  /** `<name>-history.csv`, when written. */
  historyCsv?: string;
  svg: string[];
  png: string[];
  /** Things skipped, e.g. PNGs when the renderer is not installed. */
  warnings: string[];
}

/** A file-name-safe version of `s` (letters, digits, `.`, `_`, `-`). */
export function safeFileStem(s: string): string {
  const t = s
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|-+$/g, "")
    .slice(0, 100);
  return t === "" ? "result" : t;
}

/**
 * Writes a result as `<name>.json` (the result JSON), `<name>.csv` (the table), `<name>.md` (markdown
 * page with the table and the plots), `<name>-history.csv`, and each plot as SVG and PNG, every file
 * atomically (see `writeFileAtomic`). The result is validated first, so a malformed result writes
 * nothing. Returns the absolute paths written.
 */
export async function writeReport(
  dir: string,
  result: ExperimentResult,
  options: WriteReportOptions = {},
): Promise<ReportPaths> {
  const checked = validateResult(result);
  const root = resolve(dir);
  const stem = safeFileStem(options.name ?? checked.experiment);
  const plots = options.plots === false ? {} : (options.plots ?? resultPlots(checked));
  const plotFiles = Object.entries(plots).map(([k, svg]) => {
    if (typeof svg !== "string" || !svg.includes("<svg"))
      throw new Error(`writeReport: plots[${JSON.stringify(k)}] must be an SVG string`);
    return { stem: `${stem}-${safeFileStem(k)}`, svg };
  });
  const names = new Set(plotFiles.map((p) => p.stem));
  if (names.size !== plotFiles.length) throw new Error("writeReport: two plots map to the same file name");

  const paths: ReportPaths = {
    markdown: join(root, `${stem}.md`),
    json: join(root, `${stem}.json`),
    csv: join(root, `${stem}.csv`),
    svg: [],
    png: [],
    warnings: [],
  };
  await writeFileAtomic(paths.json, resultToJson(checked));
  await writeFileAtomic(paths.csv, resultCsv(checked));
  const withHistory = checked.rows.filter((r) => rowHistories(r).length > 0);
  if ((options.historyCsv ?? true) && withHistory.length > 0) {
    paths.historyCsv = join(root, `${stem}-history.csv`);
    const text =
      checked.rows.length === 1 && withHistory.length === 1
        ? historyCsv(withHistory[0].history!)
        : resultHistoryCsv(checked);
    await writeFileAtomic(paths.historyCsv, text);
  }
  await writeFileAtomic(
    paths.markdown,
    resultMarkdown(checked, { ...options.markdown, plots: plotFiles.map((p) => `${p.stem}.svg`) }),
  );
  for (const p of plotFiles) {
    const file = join(root, `${p.stem}.svg`);
    await writeFileAtomic(file, p.svg);
    paths.svg.push(file);
  }
  const png = options.png ?? "auto";
  if (png !== false) {
    for (const p of plotFiles) {
      let bytes: Uint8Array;
      try {
        bytes = await svgToPng(p.svg, options.pngOptions);
      } catch (e) {
        if (png === true) throw e;
        paths.warnings.push(`PNG skipped: ${(e as Error).message}`);
        break;
      }
      const file = join(root, `${p.stem}.png`);
      await writeFileAtomic(file, bytes);
      paths.png.push(file);
    }
  }
  return paths;
}
