/**
 * `mlkan reproduce continual`: the KAN paper's continual-learning toy (src/experiments/continual.ts):
 * a table of every region's error after each phase for a KAN and an MLP, and one plot per phase with both
 * models' predictions over [-1, 1], the target and the phase's samples.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import {
  type ContinualCurves,
  type ContinualSettings,
  continualSettings,
  runContinual,
} from "../experiments/continual.js";
import { collectEnv } from "../node/env.js";
import { writeFileAtomic } from "../node/fs.js";
import { writeReport } from "../node/write.js";
import { fmt, resultTable } from "../report/markdown.js";
import { renderChart, type Series } from "../report/plot/chart.js";
import { type ExperimentResult, resultToJson } from "../report/result.js";
import { progressReporter } from "../train/progress.js";
import { positiveInt } from "./args.js";
import { parseThreads, THREADS_FLAGS, THREADS_HELP, withThreads } from "./threads-option.js";

/** Command-line options of `reproduce continual` (as commander passes them). */
export interface ContinualCliOptions {
  quick?: boolean;
  steps?: string;
  out: string;
  json?: string;
  png?: boolean;
  threads?: string;
}

/** Settings from the command line, on top of the defaults (or the quick budget). */
export function continualSettingsFromCli(o: ContinualCliOptions): ContinualSettings {
  const s = continualSettings(o.quick === true);
  if (o.steps !== undefined) s.steps = positiveInt("--steps", o.steps);
  return s;
}

/** One chart per phase: target (grey), the phase's samples, and each model's prediction. */
export function continualPlots(curves: ContinualCurves): Record<string, string> {
  const out: Record<string, string> = {};
  const labels = Object.keys(curves.predictions);
  const colors = ["#0072b2", "#d55e00"];
  curves.samples.forEach((smp, p) => {
    const series: Series[] = [
      { label: "target", x: curves.x, y: curves.truth, color: "#999999", width: 1.2, dash: "5 3" },
      {
        label: `phase ${p + 1} samples`,
        x: smp.x,
        y: smp.y,
        mode: "markers",
        color: "#000000",
        markerSize: 1.6,
      },
      ...labels.map(
        (l, i): Series => ({
          label: l,
          x: curves.x,
          y: curves.predictions[l][p],
          color: colors[i % 2],
          width: 1.8,
        }),
      ),
    ];
    out[`phase${p + 1}`] = renderChart({
      series,
      title: `continual learning: after phase ${p + 1} of ${curves.samples.length}`,
      xLabel: "x",
      yLabel: "y",
      xDomain: [-1, 1],
      yDomain: [-1, 2],
      nice: false,
      legend: "right",
      width: 820,
      height: 360,
    });
  });
  return out;
}

/** Table options: each region's RMSE, the mean over earlier regions, and the forgetting. */
export function continualTableOptions(regions: number) {
  const metrics = [
    ...Array.from({ length: regions }, (_, r) => `rmseRegion${r + 1}`),
    "rmseEarlier",
    "forgetting",
  ];
  const metricHeaders: Record<string, string> = {
    rmseEarlier: "earlier regions (mean)",
    forgetting: "forgetting",
  };
  for (let r = 0; r < regions; r++) metricHeaders[`rmseRegion${r + 1}`] = `region ${r + 1}`;
  return { metrics, metricHeaders, params: true };
}

/** Registers `reproduce continual` under the given `reproduce` command. */
export function registerContinual(reproduce: Command): void {
  reproduce
    .command("continual")
    .description("the KAN paper's continual learning: five Gaussian peaks, one region at a time, KAN vs MLP")
    .option("--quick", "smoke budget: 20 L-BFGS steps per phase instead of 100")
    .option("--steps <n>", "L-BFGS steps per phase (default 100)")
    .option("--out <dir>", "output directory", "mlkan-out")
    .option("--json <file>", "also write the result JSON to this file")
    .option("--no-png", "do not render PNG copies of the plots")
    .option(THREADS_FLAGS, THREADS_HELP)
    .action((o: ContinualCliOptions) => withThreads(parseThreads(o.threads), () => continualCommand(o)));
}

function summary(result: ExperimentResult, regions: number): string {
  const lines: string[] = [];
  for (const label of [...new Set(result.rows.map((r) => r.model))]) {
    const last = result.rows.filter((r) => r.model === label).at(-1);
    if (!last) continue;
    const earlier = last.metrics.rmseEarlier?.mean ?? Number.NaN;
    const forget = last.metrics.forgetting?.mean ?? Number.NaN;
    lines.push(
      `- ${label}: after all ${regions} phases, RMSE on regions 1-${regions - 1} ${fmt(earlier)} (mean), worst increase since its own phase ${fmt(forget)}`,
    );
  }
  return lines.join("\n");
}

async function continualCommand(o: ContinualCliOptions): Promise<void> {
  const settings = continualSettingsFromCli(o);
  const progress = progressReporter(process.stderr);
  const { result, curves } = runContinual(settings, {
    env: collectEnv(),
    onProgress: (p) => {
      progress.setLabel(`${p.model} phase ${p.phase + 1}`);
      progress.onProgress(p);
    },
  });
  progress.clear();
  const regions = settings.centers.length;
  const title = `Continual learning: ${regions} Gaussian peaks, one region per phase${settings.quick ? " (quick budget)" : ""}`;
  const table = resultTable(result, continualTableOptions(regions));
  const notes = [
    `Each phase trains ${settings.steps} L-BFGS steps on the ${settings.perRegion} samples of one region only (region p: |x - c_p| <= ${settings.halfWidth}, c = ${settings.centers.join(", ")}). Errors are RMSE on a dense grid of each region; regions not yet shown are listed too. "forgetting" is the largest increase of an earlier region's error from right after its own phase to the end.`,
    "",
    summary(result, regions),
  ].join("\n");
  process.stdout.write(`${title}\n\n${table}\n\n${notes}\n\n`);
  const paths = await writeReport(o.out, result, {
    plots: continualPlots(curves),
    png: o.png === false ? false : "auto",
    markdown: { ...continualTableOptions(regions), title, notes },
  });
  if (o.json) await writeFileAtomic(o.json, resultToJson(result));
  const files = [paths.markdown, paths.json, paths.csv, ...paths.svg, ...paths.png];
  if (o.json) files.push(resolve(o.json));
  process.stdout.write(`total wall time ${fmt(result.wallSeconds)} s\nwrote ${files.join("\n      ")}\n`);
  for (const w of paths.warnings) process.stderr.write(`mlkan: ${w}\n`);
}
