/**
 * `mlkan reproduce regression`: the paper's Table 2 (src/experiments/regression.ts), printed as a
 * markdown table beside the paper's numbers and written as markdown, JSON, CSV and plots.
 */
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { Command } from "commander";
import {
  paperValue,
  REGRESSION_ROWS,
  type RegressionRowKey,
  type RegressionSettings,
  regressionNotes,
  regressionSettings,
  rowKey,
  runRegression,
} from "../experiments/regression.js";
import { collectEnv } from "../node/env.js";
import { writeFileAtomic } from "../node/fs.js";
import { writeReport } from "../node/write.js";
import { fmt, resultMarkdown, resultTable } from "../report/markdown.js";
import { resultPlots } from "../report/plots.js";
import { type ExperimentResult, parseResult, resultToJson } from "../report/result.js";
import { progressReporter } from "../train/progress.js";
import { intAtLeast, positiveInt, positiveNumber, seedList } from "./args.js";
import { registerReproduceAllenCahn } from "./reproduce-allen-cahn.js";
import { registerReproduceBurgers } from "./reproduce-burgers.js";
import { registerContinual } from "./reproduce-continual.js";
import { registerReproduceFreeKnots } from "./reproduce-free-knots.js";
import { registerHelloKan } from "./reproduce-hello-kan.js";
import { registerPeerPde } from "./reproduce-pde.js";
import { registerReproducePoissonInterface } from "./reproduce-poisson-interface.js";
import { parseThreads, THREADS_FLAGS, THREADS_HELP, withThreads } from "./threads-option.js";

/** Finds the `reproduce` command (another engineer's experiments may have created it) or creates it. */
export function reproduceCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === "reproduce");
  if (existing) return existing;
  return program.command("reproduce").description("reproduce the paper's and the peers' experiments");
}

/** Options of `mlkan reproduce regression` as commander parses them (strings until validated). */
export interface RegressionCliOptions {
  quick?: boolean;
  seeds?: string;
  firstSeed?: string;
  out: string;
  json?: string;
  rows?: string;
  trainNum?: string;
  testNum?: string;
  initStd?: string;
  normalize?: string;
  lbfgs?: string;
  reluInit?: string;
  metricsEvery?: string;
  png?: boolean;
  fromJson?: string;
  threads?: string;
}

/** Settings from the command line (on top of DESIGN.md's or the quick defaults). */
export function settingsFromCli(o: RegressionCliOptions): RegressionSettings {
  const s = regressionSettings(o.quick === true);
  s.seeds = seedList(o.seeds, o.firstSeed, s.seeds.length, 1234) ?? s.seeds;
  if (o.rows !== undefined) {
    const groups: Record<string, RegressionRowKey[]> = {
      all: [...REGRESSION_ROWS],
      spline: REGRESSION_ROWS.filter((k) => k.startsWith("spline")),
      relu: REGRESSION_ROWS.filter((k) => k.startsWith("relu")),
      mlp: REGRESSION_ROWS.filter((k) => k.startsWith("mlp")),
      full: ["full-multilevel"],
    };
    const picked = new Set<RegressionRowKey>();
    for (const part of o.rows.split(",").map((p) => p.trim())) {
      if (part in groups) for (const k of groups[part]) picked.add(k);
      else if ((REGRESSION_ROWS as readonly string[]).includes(part)) picked.add(part as RegressionRowKey);
      else
        throw new Error(
          `--rows: unknown row ${JSON.stringify(part)} (known: ${Object.keys(groups).join(", ")}, ${REGRESSION_ROWS.join(", ")})`,
        );
    }
    s.rows = REGRESSION_ROWS.filter((k) => picked.has(k));
  }
  if (o.trainNum !== undefined) s.trainNum = positiveInt("--train-num", o.trainNum);
  if (o.testNum !== undefined) s.testNum = positiveInt("--test-num", o.testNum);
  if (o.initStd !== undefined) s.initStd = positiveNumber("--init-std", o.initStd);
  if (o.normalize !== undefined) {
    if (o.normalize !== "sigmoid" && o.normalize !== "tanh")
      throw new Error(`--normalize must be "sigmoid" or "tanh", got ${JSON.stringify(o.normalize)}`);
    s.normalize = o.normalize;
  }
  if (o.lbfgs !== undefined) {
    if (o.lbfgs !== "torch" && o.lbfgs !== "pykan")
      throw new Error(`--lbfgs must be "torch" or "pykan", got ${JSON.stringify(o.lbfgs)}`);
    s.optimizer = { type: "lbfgs", preset: o.lbfgs, lr: 1 };
  }
  if (o.reluInit !== undefined) {
    if (o.reluInit !== "converted" && o.reluInit !== "direct")
      throw new Error(`--relu-init must be "converted" or "direct", got ${JSON.stringify(o.reluInit)}`);
    s.reluInit = o.reluInit;
  }
  if (o.metricsEvery !== undefined) s.metricsEvery = intAtLeast("--metrics-every", o.metricsEvery, 0);
  return s;
}

/** The plotted rows in two groups (spline basis; ReLU basis and MLPs), with short legend labels. */
const PLOT_GROUPS: Record<string, Record<string, [string, string, string]>> = {
  spline: {
    "spline-coarse": ["KAN", "spline", "coarse"],
    "spline-fine": ["KAN", "spline", "fine"],
    "spline-fine-direct": ["KAN", "spline", "fine (direct init)"],
    "spline-fine-long": ["KAN", "spline", "fine (60 steps)"],
    "spline-multilevel": ["KAN", "spline", "multilevel"],
    "full-multilevel": ["full spline KAN", "", "multilevel"],
  },
  "relu-mlp": {
    "relu-coarse": ["KAN", "ReLU", "coarse"],
    "relu-fine": ["KAN", "ReLU", "fine"],
    "relu-multilevel": ["KAN", "ReLU", "multilevel"],
    "mlp-2-5-1": ["MLP [2,5,1]", "", ""],
    "mlp-2-30-1": ["MLP [2,30,1]", "", ""],
    "mlp-2-20-20-1": ["MLP [2,20,20,1]", "", ""],
  },
};

/**
 * The plots of the report: loss and test MSE against step (median and min..max over seeds, level
 * changes marked), for the spline-basis rows and for the ReLU-basis and MLP rows: `<group>-<quantity>`.
 */
export function regressionPlots(result: ExperimentResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [group, labels] of Object.entries(PLOT_GROUPS)) {
    const rows = result.rows
      .filter((r) => (rowKey(r) ?? "") in labels)
      .map((r) => {
        const [model, basis, fidelity] = labels[rowKey(r)!];
        return { ...r, model, basis, fidelity };
      });
    const title = group === "spline" ? "spline basis" : "ReLU basis and MLPs";
    const plots = resultPlots(
      { ...result, experiment: `regression, ${title}`, rows },
      { quantities: ["loss", "testMse"] },
    );
    for (const [q, svg] of Object.entries(plots)) out[`${group}-${q}`] = svg;
  }
  return out;
}

/** Table options shared by the printed and the written report. */
export function regressionTableOptions() {
  return {
    metrics: ["trainMse", "testMse", "evaluations"],
    metricHeaders: { trainMse: "train MSE", testMse: "test MSE", evaluations: "evals/run" },
    paper: {
      header: "paper MSE",
      value: (row: Parameters<typeof rowKey>[0]) => paperValue(rowKey(row) ?? ""),
    },
  };
}

/** Registers `mlkan reproduce <experiment>` on the program. */
export function registerReproduce(program: Command): void {
  registerReproduceFreeKnots(reproduceCommand(program));
  reproduceCommand(program)
    .command("regression")
    .description(
      "the paper's function regression, Table 2 (multilevel KAN vs coarse, fine, ReLU basis, MLPs)",
    )
    .option("--quick", "reduced budget (2000 points, one seed, 7 rows): runs in well under a minute")
    .option("--seeds <n>", "number of seeds, from --first-seed (default 5, quick 1)")
    .option("--first-seed <n>", "first seed (default 1234, as the paper)")
    .option("--out <dir>", "output directory", "mlkan-out")
    .option("--json <file>", "also write the result JSON to this file")
    .option("--rows <list>", "rows to run: all, spline, relu, mlp, full, or row keys, comma separated")
    .option("--train-num <n>", "training points (default 20000, quick 2000)")
    .option("--test-num <n>", "test points (default 20000, quick 2000)")
    .option("--init-std <s>", "standard deviation of the initial spline coefficients (default 0.1)")
    .option("--normalize <fn>", "map between the layers: sigmoid (default) or tanh (0.5 + 0.5 tanh)")
    .option("--lbfgs <preset>", "L-BFGS preset: torch (default) or pykan")
    .option(
      "--relu-init <how>",
      "ReLU-basis start: converted (default: the spline rows' model, same function) or direct (w ~ N(0, s^2))",
    )
    .option("--metrics-every <n>", "evaluate train/test MSE every n steps (0: at level ends only)")
    .option("--no-png", "do not render PNG copies of the plots")
    .option("--from-json <file>", "re-render the report of an earlier run from its result JSON (no training)")
    .option(THREADS_FLAGS, THREADS_HELP)
    .action((o: RegressionCliOptions) => withThreads(parseThreads(o.threads), () => regressionCommand(o)));
  registerPeerPde(reproduceCommand(program));
  registerHelloKan(reproduceCommand(program));
  registerContinual(reproduceCommand(program));
  registerReproduceBurgers(reproduceCommand(program));
  registerReproducePoissonInterface(reproduceCommand(program));
  registerReproduceAllenCahn(reproduceCommand(program));
}

async function regressionCommand(o: RegressionCliOptions): Promise<void> {
  let result: ExperimentResult;
  if (o.fromJson !== undefined) {
    let text: string;
    try {
      text = readFileSync(o.fromJson, "utf8");
    } catch (e) {
      throw new Error(`cannot read ${o.fromJson}: ${(e as Error).message}`);
    }
    result = parseResult(text, o.fromJson);
    if (result.experiment !== "regression")
      throw new Error(
        `${o.fromJson} holds experiment ${JSON.stringify(result.experiment)}, not "regression"`,
      );
  } else {
    const settings = settingsFromCli(o);
    const progress = progressReporter(process.stderr);
    result = runRegression(settings, {
      env: collectEnv(),
      onProgress: progress.onProgress,
      onRun: ({ row, seed, index, total }) =>
        progress.setLabel(
          `[${index + 1}/${total}] ${row.model} ${row.basis} ${row.fidelity.split(" (")[0]} seed ${seed}`,
        ),
    });
    progress.clear();
  }
  const quick = result.settings.quick === true;
  const table = resultTable(result, regressionTableOptions());
  const title = `Function regression (paper Table 2)${quick ? ", quick budget" : ""}`;
  process.stdout.write(`${title}\n\n${table}\n\n${regressionNotes(result)}\n\n`);
  const intro = regressionNotes(result).split("\n### ")[0].trim();
  const sections = `### ${regressionNotes(result).split("\n### ").slice(1).join("\n### ")}`;
  const markdown = { ...regressionTableOptions(), title, notes: intro };
  const paths = await writeReport(o.out, result, {
    plots: regressionPlots(result),
    png: o.png === false ? false : "auto",
    markdown,
  });
  // The margins, targets and per-seed values go after the table and the plots, before the settings.
  const page = resultMarkdown(result, { ...markdown, plots: paths.svg.map((f) => basename(f)) });
  const at = page.indexOf("\n## Settings");
  await writeFileAtomic(
    paths.markdown,
    at < 0
      ? `${page}\n${sections}\n`
      : `${page.slice(0, at)}\n${sections.replace(/^###/gm, "##")}\n${page.slice(at)}`,
  );
  if (o.json) await writeFileAtomic(o.json, resultToJson(result));
  const files = [paths.markdown, paths.json, paths.csv];
  if (paths.historyCsv) files.push(paths.historyCsv);
  files.push(...paths.svg, ...paths.png);
  if (o.json) files.push(resolve(o.json));
  process.stdout.write(`total wall time ${fmt(result.wallSeconds)} s\nwrote ${files.join("\n      ")}\n`);
  for (const w of paths.warnings) process.stderr.write(`mlkan: ${w}\n`);
}
