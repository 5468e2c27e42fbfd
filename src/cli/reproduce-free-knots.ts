/**
 * `mlkan reproduce free-knots`: fixed uniform vs trainable knots, single level vs multilevel, spline vs
 * power-ReLU basis, at equal parameter counts (src/experiments/free-knots.ts); prints the table and writes
 * the report (markdown, JSON, CSV, loss/test-MSE plots and the plots of where the knots went).
 */
import { basename } from "node:path";
import type { Command } from "commander";
import {
  type FreeKnotProblem,
  type FreeKnotResultRow,
  type FreeKnotSettings,
  freeKnotSettings,
  runFreeKnots,
} from "../experiments/free-knots.js";
import type { Basis } from "../layers/layer.js";
import { collectEnv } from "../node/env.js";
import { writeFileAtomic } from "../node/fs.js";
import { writeReport } from "../node/write.js";
import { resultMarkdown, resultTable } from "../report/markdown.js";
import { renderChart, type Series } from "../report/plot/chart.js";
import { resultPlots } from "../report/plots.js";
import { type ExperimentResult, resultToJson } from "../report/result.js";
import { progressReporter } from "../train/progress.js";
import { fmt } from "../util/format.js";
import { positiveInt } from "./args.js";
import { parseThreads, THREADS_FLAGS, THREADS_HELP, withThreads } from "./threads-option.js";

/** Options of `mlkan reproduce free-knots`, as commander parses them (strings until validated). */
export interface FreeKnotCliOptions {
  quick?: boolean;
  seeds?: string;
  out: string;
  json?: string;
  problems?: string;
  bases?: string;
  trainNum?: string;
  testNum?: string;
  png?: boolean;
  threads?: string;
}

/** Settings from the command line. */
export function freeKnotSettingsFromCli(o: FreeKnotCliOptions): FreeKnotSettings {
  const s = freeKnotSettings(o.quick === true);
  if (o.seeds !== undefined) {
    const n = positiveInt("--seeds", o.seeds);
    s.seeds = Array.from({ length: n }, (_, i) => 1234 + i);
  }
  if (o.problems !== undefined) {
    const list = o.problems.split(",").map((p) => p.trim());
    for (const p of list)
      if (p !== "sharp" && p !== "regression")
        throw new Error(`--problems: unknown problem ${JSON.stringify(p)} (known: sharp, regression)`);
    s.problems = list as FreeKnotProblem[];
  }
  if (o.bases !== undefined) {
    const list = o.bases.split(",").map((p) => p.trim());
    for (const b of list)
      if (b !== "spline" && b !== "relu")
        throw new Error(`--bases: unknown basis ${JSON.stringify(b)} (known: spline, relu)`);
    s.bases = list as Basis[];
  }
  if (o.trainNum !== undefined) {
    const n = positiveInt("--train-num", o.trainNum);
    s.sharp.trainNum = n;
    s.regression.trainNum = n;
  }
  if (o.testNum !== undefined) {
    const n = positiveInt("--test-num", o.testNum);
    s.sharp.testNum = n;
    s.regression.testNum = n;
  }
  return s;
}

function rowsOf(result: ExperimentResult, problem: string): FreeKnotResultRow[] {
  return (result.rows as FreeKnotResultRow[]).filter((r) => r.key?.startsWith(`${problem}-`));
}

const SHORT: Record<string, string> = {
  "spline-free-single": "free, single (spline)",
  "spline-free-multilevel": "free, multilevel (spline)",
  "relu-free-single": "free, single (ReLU)",
  "relu-free-multilevel": "free, multilevel (ReLU)",
};

/**
 * Where the knots went. Sharp problem: the target, the first seed's fitted curves, and one row of knot
 * markers per free-knot run (the uniform grid of the fixed rows for reference). Regression: one row of
 * markers per edge of each free-knot run.
 */
export function knotPlots(result: ExperimentResult): Record<string, string> {
  const out: Record<string, string> = {};
  const sharp = rowsOf(result, "sharp");
  if (sharp.length > 0) {
    const series: Series[] = [];
    const k = Number(/tanh\((\d+(?:\.\d+)?)/.exec(sharp[0].model)?.[1] ?? 50);
    const xs = Array.from({ length: 801 }, (_, i) => -1 + i / 400);
    series.push({
      label: `target tanh(${k} x)`,
      x: xs,
      y: xs.map((x) => Math.tanh(k * x)),
      color: "#000000",
      width: 1,
    });
    for (const r of sharp) {
      if (!r.curve || !r.key.endsWith("-single") || !r.key.includes("-spline-")) continue;
      series.push({
        label: `fit: ${r.key.includes("-free-") ? "free knots G=20" : "fixed knots G=40"}`,
        x: r.curve.map((p) => p[0]),
        y: r.curve.map((p) => p[1]),
        dash: r.key.includes("-free-") ? undefined : "6 3",
      });
    }
    let level = -1.25;
    const fixed = sharp.find((r) => r.key.includes("-fixed-"));
    if (fixed) {
      const G = 40;
      series.push({
        label: "uniform knots (fixed, G=40)",
        x: Array.from({ length: G + 1 }, (_, i) => -1 + (2 * i) / G),
        y: new Array(G + 1).fill(level),
        mode: "markers",
        marker: "circle",
        markerSize: 2.5,
        color: "#888888",
      });
      level -= 0.15;
    }
    for (const r of sharp) {
      if (!r.knots) continue;
      const name = SHORT[r.key.replace(/^sharp-/, "")] ?? r.key;
      for (const bp of r.knots) {
        series.push({
          label: `knots: ${name}`,
          x: bp,
          y: bp.map(() => level),
          mode: "markers",
          markerSize: 3,
        });
      }
      level -= 0.15;
    }
    out["sharp-knots"] = renderChart({
      title: `free-knots: where the knots went, tanh(${k} x) (first seed)`,
      xLabel: "x",
      yLabel: "f(x); knot rows below",
      series,
      width: 900,
      height: 520,
      legend: "right",
    });
  }
  const reg = rowsOf(result, "regression").filter((r) => r.knots);
  if (reg.length > 0) {
    const series: Series[] = [];
    let level = 0;
    for (const r of reg) {
      const name = SHORT[r.key.replace(/^regression-/, "")] ?? r.key;
      const knots = r.knots ?? [];
      const x: number[] = [];
      const y: number[] = [];
      knots.forEach((bp, e) => {
        for (const v of bp) {
          x.push(v);
          y.push(level + e * 0.15);
        }
      });
      series.push({ label: `${name}: edges 1-${knots.length}`, x, y, mode: "markers", markerSize: 2.5 });
      level += knots.length * 0.15 + 0.4;
    }
    out["regression-knots"] = renderChart({
      title: "free-knots: knots of the spline layer's edges, regression (first seed)",
      xLabel: "knot position (sigmoid output in [0, 1])",
      yLabel: "run / edge",
      series,
      width: 900,
      height: 480,
      legend: "right",
    });
  }
  return out;
}

/** Loss and test-MSE plots per problem, and the knot plots. */
export function freeKnotPlots(result: ExperimentResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const problem of ["sharp", "regression"]) {
    const rows = rowsOf(result, problem).map((r) => ({
      ...r,
      model: "",
      basis: r.basis,
      fidelity: r.fidelity,
    }));
    if (rows.length === 0) continue;
    const plots = resultPlots(
      { ...result, experiment: `free-knots, ${problem}`, rows },
      { quantities: ["loss", "testMse"] },
    );
    for (const [q, svg] of Object.entries(plots)) out[`${problem}-${q}`] = svg;
  }
  return { ...out, ...knotPlots(result) };
}

const TABLE = {
  metrics: ["trainMse", "testMse", "evaluations"],
  metricHeaders: { trainMse: "train MSE", testMse: "test MSE", evaluations: "evals/run" },
};

/** What the table says about the abstract's claims, computed from the numbers (medians would be sturdier). */
export function freeKnotNotes(result: ExperimentResult): string {
  const rows = result.rows as FreeKnotResultRow[];
  const mse = (key: string) => rows.find((r) => r.key === key)?.metrics.testMse?.mean;
  const lines: string[] = [];
  for (const problem of ["sharp", "regression"]) {
    for (const basis of ["spline", "relu"]) {
      for (const schedule of ["single", "multilevel"]) {
        const fixed = mse(`${problem}-${basis}-fixed-${schedule}`);
        const free = mse(`${problem}-${basis}-free-${schedule}`);
        if (fixed === undefined || free === undefined) continue;
        const better = free < fixed;
        lines.push(
          `- ${problem}, ${basis} basis, ${schedule}: free knots test MSE ${fmt(free)} vs fixed ${fmt(fixed)} (${better ? `free ${fmt(fixed / free)}x lower` : `fixed ${fmt(free / fixed)}x lower`})`,
        );
      }
      const single = mse(`${problem}-${basis}-free-single`);
      const ml = mse(`${problem}-${basis}-free-multilevel`);
      if (single !== undefined && ml !== undefined)
        lines.push(
          `- ${problem}, ${basis} basis, free knots: multilevel ${fmt(ml)} vs single level ${fmt(single)} (${ml < single ? "multilevel" : "single level"} lower)`,
        );
    }
  }
  return `Test MSE means over seeds, free vs fixed knots at equal parameter counts:\n\n${lines.join("\n")}`;
}

/** Adds `free-knots` under the `reproduce` command (passed in by cli/reproduce.ts). */
export function registerReproduceFreeKnots(reproduce: Command): void {
  reproduce
    .command("free-knots")
    .description("free-knot KANs (arXiv 2505.18131): trainable vs fixed knots, single level vs multilevel")
    .option("--quick", "reduced budget (small data, short runs, one seed): a smoke test")
    .option("--seeds <n>", "number of seeds from 1234 (default 3, quick 1)")
    .option("--problems <list>", "sharp, regression (comma separated; default both)")
    .option("--bases <list>", "spline, relu (comma separated; default both)")
    .option("--train-num <n>", "training points of both problems (default 2000 sharp, 20000 regression)")
    .option("--test-num <n>", "test points of both problems (default 2000 sharp, 20000 regression)")
    .option("--out <dir>", "output directory", "mlkan-out")
    .option("--json <file>", "also write the result JSON to this file")
    .option("--no-png", "do not render PNG copies of the plots")
    .option(THREADS_FLAGS, THREADS_HELP)
    .action((o: FreeKnotCliOptions) => withThreads(parseThreads(o.threads), () => freeKnotCommand(o)));
}

async function freeKnotCommand(o: FreeKnotCliOptions): Promise<void> {
  const settings = freeKnotSettingsFromCli(o);
  const progress = progressReporter(process.stderr);
  const result = runFreeKnots(settings, {
    env: collectEnv(),
    onProgress: progress.onProgress,
    onRun: ({ name, seed, index, total }) =>
      progress.setLabel(`[${index + 1}/${total}] ${name} seed ${seed}`),
  });
  progress.clear();
  const title = `Free-knot KANs (arXiv 2505.18131)${settings.quick ? ", quick budget" : ""}`;
  const notes = freeKnotNotes(result);
  process.stdout.write(`${title}\n\n${resultTable(result, TABLE)}\n\n${notes}\n\n`);
  const markdown = { ...TABLE, title, notes };
  const paths = await writeReport(o.out, result, {
    plots: freeKnotPlots(result),
    png: o.png === false ? false : "auto",
    markdown,
  });
  await writeFileAtomic(
    paths.markdown,
    resultMarkdown(result, { ...markdown, plots: paths.svg.map((f) => basename(f)) }),
  );
  if (o.json) await writeFileAtomic(o.json, resultToJson(result));
  const files = [paths.markdown, paths.json, paths.csv, ...paths.svg, ...paths.png];
  process.stdout.write(`total wall time ${fmt(result.wallSeconds)} s\nwrote ${files.join("\n      ")}\n`);
  for (const w of paths.warnings) process.stderr.write(`mlkan: ${w}\n`);
}
