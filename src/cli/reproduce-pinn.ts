/**
 * What the three paper-PINN reproduce commands (burgers, poisson-interface, allen-cahn) share: running
 * with a progress line, printing the table beside the paper's numbers, and writing the report (markdown,
 * JSON, CSV, loss and error curves with level changes marked, heat maps of solution / reference / error,
 * and any extra plots such as Allen-Cahn's residual spectra) as SVG and PNG.
 */

import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { type PinnExperimentName, type PinnExperimentSettings, pinnPlan } from "../experiments/pinn-plans.js";
import type {
  PinnExperimentOutput,
  PinnFields,
  PinnPlan,
  PinnRowDescription,
  PinnRunOptions,
} from "../experiments/pinn-runner.js";
import { pinnRowKey, runPinnPlan } from "../experiments/pinn-runner.js";
import { collectEnv } from "../node/env.js";
import { writeFileAtomic } from "../node/fs.js";
import { runPinnPlanInWorkers } from "../node/pinn-parallel.js";
import { PinnRunLog, removeRunLog, runLogPath } from "../node/run-log.js";
import { writeReport } from "../node/write.js";
import { fmt, resultMarkdown, resultTable } from "../report/markdown.js";
import { renderHeatmaps } from "../report/plot/heatmap.js";
import { resultPlots } from "../report/plots.js";
import { type ExperimentResult, resultToJson } from "../report/result.js";
import { progressReporter } from "../train/progress.js";
import type { TrainProgress } from "../train/trainer.js";
import { positiveInt } from "./args.js";
import { parseThreads, THREADS_FLAGS, THREADS_HELP, withThreads } from "./threads-option.js";

/** Options every PINN reproduce command takes. */
export interface PinnCliOptions {
  quick?: boolean;
  seeds?: string;
  out: string;
  json?: string;
  threads?: string;
  parallel?: string;
  best?: boolean;
  png?: boolean;
  resume?: boolean;
}

const RESUME_HELP =
  "continue an interrupted command: the runs recorded in <out>/<experiment>.runs.json (same settings) are not trained again; same output as one uninterrupted command";
const PARALLEL_HELP =
  "how --threads are used: gradients (one run at a time, each gradient on all threads; the default) or runs (rows x seeds side by side, one thread each, for many seeds on many cores); same numbers either way";

/**
 * The subcommand `name` of `mlkan reproduce` with the options every paper PINN command starts with:
 * `--quick` (its smoke budget described by `quickHelp`), `--seeds`, `--out` and `--json`.
 */
export function pinnCommand(
  reproduce: Command,
  name: string,
  description: string,
  quickHelp: string,
): Command {
  return reproduce
    .command(name)
    .description(description)
    .option("--quick", quickHelp)
    .option("--seeds <n>", "number of seeds 1234, 1244, ... (default 1)")
    .option("--out <dir>", "output directory", "mlkan-out")
    .option("--json <file>", "also write the result JSON to this file");
}

/**
 * Adds the options every paper PINN command ends with: `--no-png`, `--threads`, `--parallel` and
 * `--resume` (read by `runPinnExperiment` and `writePinnReport`).
 */
export function addPinnRunOptions(cmd: Command): Command {
  return cmd
    .option("--no-png", "do not render PNG copies of the plots")
    .option(THREADS_FLAGS, THREADS_HELP)
    .option("--parallel <how>", PARALLEL_HELP)
    .option("--resume", RESUME_HELP);
}

/**
 * How a PINN command spreads its work over threads, from `--parallel` (default "gradients": on 2 cores the
 * Allen-Cahn rows side by side were no faster, 101 and 111 s against 107 s at `--steps 250`).
 */
export function parsePinnParallel(v: string | undefined): "runs" | "gradients" {
  if (v === undefined || v === "gradients") return "gradients";
  if (v === "runs") return "runs";
  throw new Error(`--parallel must be runs or gradients, got ${JSON.stringify(v)}`);
}

/**
 * Runs paper PINN experiment `name` as the command's options ask, with a progress line: one run after
 * another, each gradient on `--threads` T threads, or with `--parallel runs` (T > 1, several runs) T worker
 * threads training the runs side by side. The numbers are the same either way.
 */
export async function runPinnExperiment<K extends PinnExperimentName>(
  name: K,
  s: PinnExperimentSettings[K],
  o: PinnCliOptions,
): Promise<PinnExperimentOutput> {
  const threads = parseThreads(o.threads);
  const parallel = parsePinnParallel(o.parallel);
  const plan = pinnPlan(name, s);
  const runs = plan.rows.length * plan.seeds.length;
  const log = openRunLog(o, plan);
  const logged = (opts: ProgressOptions): PinnRunOptions => ({
    ...opts,
    completed: log.completed(),
    onRunDone: ({ key, seed, record }) => log.add(key, seed, record),
  });
  if (parallel === "runs" && threads > 1 && runs - log.size > 1)
    return runWithProgress((opts) => runPinnPlanInWorkers(name, s, threads, logged(opts)));
  return withThreads(threads, () => runWithProgress(async (opts) => runPinnPlan(plan, logged(opts))));
}

/** The command's run log (`--resume` reads back the runs it holds), with a note on stderr of what it found. */
function openRunLog(o: PinnCliOptions, plan: PinnPlan<unknown>): PinnRunLog {
  const path = runLogPath(o.out, plan.experiment);
  const total = plan.rows.length * plan.seeds.length;
  const log = PinnRunLog.open(path, plan, o.resume === true);
  if (o.resume === true)
    process.stderr.write(
      log.size > 0
        ? `mlkan: --resume: ${log.size} of ${total} runs read back from ${path}; training the other ${total - log.size}\n`
        : `mlkan: --resume: no runs recorded at ${path}; starting from the first run\n`,
    );
  else if (existsSync(path))
    process.stderr.write(
      `mlkan: ${path} holds the runs of an unfinished command; this one replaces it (pass --resume to continue it instead)\n`,
    );
  else if (total > 1)
    process.stderr.write(
      `mlkan: each finished run is recorded in ${path}; should the command stop, the same command with --resume continues it\n`,
    );
  return log;
}

function runLabel(row: PinnRowDescription, seed: number, index: number, total: number): string {
  return `[${index + 1}/${total}] ${row.model} ${row.basis} ${row.fidelity.split(" (")[0]} seed ${seed}`;
}

/** Seeds from `--seeds N`: first, first + 10, ... (the paper's seeds, +10 per run). */
export function pinnSeeds(o: PinnCliOptions, first = 1234): number[] | undefined {
  if (o.seeds === undefined) return undefined;
  const n = positiveInt("--seeds", o.seeds);
  return Array.from({ length: n }, (_, i) => first + 10 * i);
}

/**
 * The rows a paper PINN command runs: those named by `--rows` (comma separated; an unknown one is refused,
 * naming the known ones) or else `rows`, with `best` added by `--best`.
 */
export function pinnRows<K extends string>(
  o: PinnCliOptions & { rows?: string },
  known: readonly K[],
  rows: K[],
): K[] {
  let out = rows;
  if (o.rows !== undefined) {
    const picked = o.rows.split(",").map((p) => p.trim());
    for (const k of picked)
      if (!(known as readonly string[]).includes(k))
        throw new Error(`--rows: unknown row ${JSON.stringify(k)} (known: ${known.join(", ")})`);
    out = picked as K[];
  }
  const best = "best" as K;
  if (o.best && known.includes(best) && !out.includes(best)) out.push(best);
  return out;
}

/** What `runWithProgress` hands the run: the environment record and the progress line's callbacks. */
export interface ProgressOptions {
  env: ReturnType<typeof collectEnv>;
  onProgress: (p: TrainProgress) => void;
  onRun: (i: { row: PinnRowDescription; seed: number; index: number; total: number }) => void;
}

/** Runs an experiment with a progress line on stderr (quiet when stderr is not a terminal), cleared at the end. */
export async function runWithProgress(
  run: (opts: ProgressOptions) => Promise<PinnExperimentOutput>,
): Promise<PinnExperimentOutput> {
  const progress = progressReporter(process.stderr);
  try {
    return await run({
      env: collectEnv(),
      onProgress: progress.onProgress,
      onRun: ({ row, seed, index, total }) => progress.setLabel(runLabel(row, seed, index, total)),
    });
  } finally {
    progress.clear();
  }
}

/** Table options of the PINN reports. */
export function pinnTableOptions(paperHeader: string, paper: (key: string) => number | null) {
  return {
    metrics: ["loss", "relL2", "maxAbsErr", "evalResidual", "evaluations"],
    metricHeaders: {
      loss: "training loss",
      relL2: "rel. L2 vs reference",
      maxAbsErr: "max abs error",
      evalResidual: "residual^2 (fine grid)",
      evaluations: "evals/run",
    },
    paper: {
      header: paperHeader,
      value: (row: Parameters<typeof pinnRowKey>[0]) => paper(pinnRowKey(row) ?? ""),
    },
  };
}

/** Prints and writes the report of a PINN experiment. */
export async function writePinnReport(
  o: PinnCliOptions,
  out: PinnExperimentOutput,
  spec: {
    title: string;
    notes: string;
    paperHeader: string;
    paper: (key: string) => number | null;
    extraPlots?: Record<string, string>;
  },
): Promise<void> {
  const result: ExperimentResult = out.result;
  const tableOptions = pinnTableOptions(spec.paperHeader, spec.paper);
  const table = resultTable(result, tableOptions);
  process.stdout.write(`${spec.title}\n\n${table}\n\n${spec.notes}\n\n`);
  const plots: Record<string, string> = {
    ...resultPlots(result, { quantities: ["loss", "relL2", "evalResidual"] }),
  };
  for (const [key, f] of Object.entries(out.fields)) {
    const row = result.rows.find((r) => pinnRowKey(r) === key);
    const label = row ? `${row.model} ${row.basis} ${row.fidelity.split(" (")[0]}` : key;
    plots[`heatmap-${key}`] = fieldHeatmaps(f, `${result.experiment}: ${label} (first seed)`);
  }
  Object.assign(plots, spec.extraPlots ?? {});
  const intro = spec.notes.split("\n### ")[0].trim();
  const sections = spec.notes.includes("\n### ")
    ? `### ${spec.notes.split("\n### ").slice(1).join("\n### ")}`
    : "";
  const markdown = { ...tableOptions, title: spec.title, notes: intro };
  const paths = await writeReport(o.out, result, { plots, png: o.png === false ? false : "auto", markdown });
  const page = resultMarkdown(result, { ...markdown, plots: paths.svg.map((f) => basename(f)) });
  const at = page.indexOf("\n## Settings");
  await writeFileAtomic(
    paths.markdown,
    at < 0 || sections === ""
      ? `${page}\n${sections}\n`
      : `${page.slice(0, at)}\n${sections.replace(/^###/gm, "##")}\n${page.slice(at)}`,
  );
  if (o.json) await writeFileAtomic(o.json, resultToJson(result));
  removeRunLog(o.out, result.experiment);
  const files = [paths.markdown, paths.json, paths.csv, ...paths.svg, ...paths.png];
  if (o.json) files.push(resolve(o.json));
  process.stdout.write(`total wall time ${fmt(result.wallSeconds)} s\nwrote ${files.join("\n      ")}\n`);
  for (const w of paths.warnings) process.stderr.write(`mlkan: ${w}\n`);
}

/** Solution, reference and signed error as three heat-map panels (x across, the second coordinate up). */
export function fieldHeatmaps(f: PinnFields, title: string): string {
  const { xs, ys, names } = f.solution;
  const nx = xs.length;
  const ny = ys.length;
  // The fields are stored second-coordinate major; the renderer wants x index slowest.
  const xMajor = (v: ArrayLike<number>) => {
    const out = new Float64Array(nx * ny);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[i * ny + j] = v[j * nx + i];
    return out;
  };
  const err = new Float64Array(nx * ny);
  for (let s = 0; s < nx * ny; s++) err[s] = f.solution.values[s] - f.reference.values[s];
  return renderHeatmaps({
    title,
    nx,
    ny,
    x: [xs[0], xs[nx - 1]],
    y: [ys[0], ys[ny - 1]],
    xLabel: names[0],
    yLabel: names[1],
    panels: [
      { title: "network u", values: xMajor(f.solution.values), colorMap: "diverging" },
      { title: "reference u*", values: xMajor(f.reference.values), colorMap: "diverging" },
      { title: "error u - u*", values: xMajor(err), colorMap: "diverging" },
    ],
  });
}
