/**
 * `mlkan train`: fit a KAN to the user's CSV or JSON data, multilevel by default (the paper's
 * Algorithm 1 over `--grids`), with a validation split, an atomic checkpoint of the model after every
 * level (a crash keeps the last good one), and the training curve plotted next to the model.
 */
import { basename, dirname, extname, join } from "node:path";
import type { Command } from "commander";
import type { Basis } from "../layers/layer.js";
import { KAN } from "../model/kan.js";
import type { Network } from "../model/network.js";
import { numericColumns, parseColumnList, readTable } from "../node/data.js";
import { writeFileAtomic, writeFileAtomicSync } from "../node/fs.js";
import { svgToPng } from "../node/png.js";
import type { OptimizerSpec } from "../optim/factory.js";
import { type Dataset, datasetFromArrays, RegressionProblem } from "../problems/regression.js";
import { fmt, markdownTable } from "../report/markdown.js";
import { plotHistory } from "../report/plot/history.js";
import type { TrainingHistory } from "../train/history.js";
import { progressReporter } from "../train/progress.js";
import { type LevelEnd, trainMultilevel } from "../train/trainer.js";
import { finiteNumber, intAtLeast } from "./args.js";
import { parseThreads, THREADS_FLAGS, THREADS_HELP, withThreads } from "./threads-option.js";

/** What `mlkan train` records in the saved model (beside the model itself) for `mlkan predict`. */
export interface TrainingRecord {
  /** Input columns, in the model's input order. */
  inputs: string[];
  /** Target columns, in the model's output order. */
  targets: string[];
  data: string;
  trainRows: number;
  valRows: number;
  seed: number;
  optimizer: OptimizerSpec;
  grids: number[];
  steps: number[];
  /** Levels finished so far, with their metrics (RMSE in the targets' units). */
  levels: { grid: number; params: number; steps: number; loss: number; metrics: Record<string, number> }[];
  status: string;
}

export interface TrainCliOptions {
  threads?: string;
  data: string;
  target: string;
  inputs?: string;
  width: string;
  grids: string;
  steps?: string;
  k: string;
  basis: string;
  normalize: string;
  optimizer: string;
  lbfgs: string;
  lr?: string;
  batch?: string;
  val: string;
  seed: string;
  save: string;
  plot?: string;
  metricsEvery: string;
  png?: boolean;
}

function intList(name: string, v: string, min: number): number[] {
  const parts = v.split(",").map((s) => s.trim());
  return parts.map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || !Number.isInteger(n) || n < min)
      throw new Error(
        `${name} must be a comma-separated list of integers >= ${min}, got ${JSON.stringify(v)}`,
      );
    return n;
  });
}

/** Path of the training-curve plot next to the model: `model.json` -> `model-training.svg`. */
export function curvePath(save: string): string {
  const ext = extname(save);
  return join(dirname(save), `${basename(save, ext)}-training.svg`);
}

export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("fit a KAN to CSV or JSON data (multilevel over --grids) and save it")
    .requiredOption("--data <file>", "training data: .csv with a header row, or .json")
    .requiredOption("--target <cols>", "target column(s), comma separated")
    .requiredOption("--save <file>", "where to save the model (JSON; rewritten atomically after every level)")
    .option("--inputs <cols>", "input columns, comma separated (default: every other column)")
    .option("--width <list>", "hidden layer widths, e.g. 5 or 8,8", "5")
    .option(
      "--grids <list>",
      "grid per level, each nested in the previous (one value: no refinement)",
      "5,10,20,40",
    )
    .option("--steps <list>", "steps per level, one value or one per level (default 50 L-BFGS, 1000 Adam)")
    .option("--k <n>", "spline degree (3 = cubic)", "3")
    .option("--basis <basis>", "trainable basis: spline or relu (the paper's power-ReLU)", "spline")
    .option("--normalize <fn>", "map between spline layers onto [0, 1]: sigmoid, tanh or none", "sigmoid")
    .option("--optimizer <name>", "lbfgs or adam (with a 10-step warm-up ramp at every level)", "lbfgs")
    .option(
      "--lbfgs <preset>",
      "L-BFGS preset: pykan (history 10, no early stop) or torch (stops once the loss changes by < 1e-9)",
      "pykan",
    )
    .option("--lr <rate>", "learning rate (default 1 for lbfgs, 1e-2 for adam)")
    .option("--batch <n>", "minibatch size (default: full batch)")
    .option("--val <fraction>", "fraction of rows held out for validation (0 for none)", "0.2")
    .option("--seed <n>", "seed of the split, the initialisation and the minibatches", "0")
    .option("--plot <file>", "training curve SVG (default: next to the model, <name>-training.svg)")
    .option("--metrics-every <n>", "evaluate RMSE every n steps", "1")
    .option("--no-png", "do not render a PNG copy of the plot")
    .option(THREADS_FLAGS, THREADS_HELP)
    .action(async (o: TrainCliOptions) => {
      const threads = parseThreads(o.threads);
      await withThreads(threads, () => trainCommand(o));
    });
}

export async function trainCommand(o: TrainCliOptions): Promise<void> {
  // Options first, so that a typo fails before the data is read.
  const hidden = intList("--width", o.width, 1);
  const grids = intList("--grids", o.grids, 1);
  for (let i = 1; i < grids.length; i++)
    if (grids[i] % grids[i - 1] !== 0)
      throw new Error(`--grids must nest: each grid a multiple of the previous one, got ${o.grids}`);
  const k = intAtLeast("--k", o.k, 0);
  if (o.basis !== "spline" && o.basis !== "relu")
    throw new Error(`--basis must be "spline" or "relu", got ${JSON.stringify(o.basis)}`);
  if (!["sigmoid", "tanh", "none"].includes(o.normalize))
    throw new Error(`--normalize must be "sigmoid", "tanh" or "none", got ${JSON.stringify(o.normalize)}`);
  if (o.optimizer !== "lbfgs" && o.optimizer !== "adam")
    throw new Error(`--optimizer must be "lbfgs" or "adam", got ${JSON.stringify(o.optimizer)}`);
  if (o.lbfgs !== "torch" && o.lbfgs !== "pykan")
    throw new Error(`--lbfgs must be "torch" or "pykan", got ${JSON.stringify(o.lbfgs)}`);
  const lr = o.lr === undefined ? (o.optimizer === "lbfgs" ? 1 : 1e-2) : finiteNumber("--lr", o.lr);
  if (!(lr > 0)) throw new Error(`--lr must be > 0, got ${JSON.stringify(o.lr)}`);
  const stepsList = intList("--steps", o.steps ?? (o.optimizer === "lbfgs" ? "50" : "1000"), 0);
  if (stepsList.length !== 1 && stepsList.length !== grids.length)
    throw new Error(
      `--steps lists ${stepsList.length} values for ${grids.length} grids (give one or one per grid)`,
    );
  const steps = stepsList.length === 1 ? grids.map(() => stepsList[0]) : stepsList;
  const val = finiteNumber("--val", o.val);
  if (!(val >= 0 && val < 1))
    throw new Error(`--val must be a fraction in [0, 1), got ${JSON.stringify(o.val)}`);
  const seed = intAtLeast("--seed", o.seed, 0);
  const batch = o.batch === undefined ? undefined : intAtLeast("--batch", o.batch, 1);
  const metricsEvery = intAtLeast("--metrics-every", o.metricsEvery, 0);
  if (extname(o.save).toLowerCase() !== ".json")
    throw new Error(`--save must name a .json file, got ${JSON.stringify(o.save)}`);
  const targets = parseColumnList(o.target, "--target");

  const table = readTable(o.data);
  const inputs =
    o.inputs !== undefined
      ? parseColumnList(o.inputs, "--inputs")
      : table.columns.filter((c) => !targets.includes(c));
  for (const t of targets)
    if (!table.columns.includes(t))
      throw new Error(
        `${o.data}: no target column ${JSON.stringify(t)} (columns: ${table.columns.map((c) => JSON.stringify(c)).join(", ")})`,
      );
  if (inputs.length === 0)
    throw new Error(`${o.data}: no input columns left besides the target(s) ${targets.join(", ")}`);
  const overlap = inputs.filter((c) => targets.includes(c));
  if (overlap.length > 0)
    throw new Error(`column ${JSON.stringify(overlap[0])} is both an input and a target`);
  const X = numericColumns(table, inputs);
  const Y = numericColumns(table, targets);
  const n = table.rows.length;
  if (val > 0 && n - Math.max(1, Math.round(val * n)) < 1)
    throw new Error(`--val ${val} leaves no training rows out of ${n} (use a smaller fraction)`);
  const nIn = inputs.length;
  const nOut = targets.length;
  // The checks above guarantee finite values; the split is seeded (and reproducible) by --seed.
  const data: Dataset = datasetFromArrays(X, Y, { nIn, testFraction: val, seed });
  // Inputs min-max onto the spline domain [0, 1] and targets onto [0, 1] (both from the training
  // rows); the loss is the MSE in those units, the reported RMSE in the targets' own units.
  const problem = new RegressionProblem(data, {
    name: `regression on ${basename(o.data)}`,
    inputScaling: "minmax",
    inputRange: [0, 1],
    targetScaling: "minmax",
    targetRange: [0, 1],
    metricUnits: "original",
    testLabel: "val",
    ...(batch !== undefined && { batchSize: batch }),
    seed,
  });
  const model = new KAN({
    width: [nIn, ...hidden, nOut],
    grid: grids[0],
    k,
    domain: [0, 1],
    basis: o.basis as Basis,
    normalize: o.normalize as "sigmoid" | "tanh" | "none",
    seed,
  });
  const optimizer: OptimizerSpec =
    o.optimizer === "lbfgs"
      ? { type: "lbfgs", preset: o.lbfgs as "torch" | "pykan", lr }
      : { type: "adam", lr, warmup: { steps: 10, startLr: Math.min(1e-4, lr) } };
  const record: TrainingRecord = {
    inputs,
    targets,
    data: o.data,
    trainRows: data.trainNum,
    valRows: data.testNum,
    seed,
    optimizer,
    grids,
    steps,
    levels: [],
    status: "training",
  };
  const save = (m: Network) => {
    writeFileAtomicSync(o.save, `${JSON.stringify({ ...m.toJSON(), training: record })}\n`);
  };
  process.stdout.write(
    `training KAN [${[nIn, ...hidden, nOut].join(",")}] (${o.basis} basis) on ${data.trainNum} rows` +
      `${data.testNum > 0 ? `, validating on ${data.testNum}` : ""}; ${o.optimizer}, grids ${grids.join(",")}, steps ${steps.join(",")}\n`,
  );
  const progress = progressReporter(process.stderr);
  const onLevel = (e: LevelEnd) => {
    progress.clear();
    record.levels.push({
      grid: typeof e.grid === "number" ? e.grid : grids[e.level],
      params: e.model.paramCount,
      steps: steps[e.level],
      loss: e.loss,
      metrics: e.metrics,
    });
    record.status = e.level + 1 === e.levels ? "completed" : `level ${e.level + 1} of ${e.levels} done`;
    save(e.model);
    const m = e.metrics;
    process.stdout.write(
      `level ${e.level + 1}/${e.levels}  G=${e.grid}  params ${e.model.paramCount}  train RMSE ${fmt(m.trainRmse)}` +
        `${m.valRmse !== undefined ? `  val RMSE ${fmt(m.valRmse)}` : ""}  ${fmt(e.elapsed)} s  saved ${o.save}\n`,
    );
  };
  const result = trainMultilevel(model, problem, {
    grids,
    steps,
    optimizer,
    metricsEvery,
    onProgress: progress.onProgress,
    onLevel,
  });
  progress.clear();
  const plotFile = o.plot ?? curvePath(o.save);
  await writeCurve(plotFile, result.history, targets, o.png !== false);
  process.stdout.write(
    `\n${markdownTable(
      ["level", "grid", "params", "train RMSE", "val RMSE"],
      record.levels.map((l, i) => [
        String(i + 1),
        String(l.grid),
        String(l.params),
        fmt(l.metrics.trainRmse),
        l.metrics.valRmse === undefined ? "-" : fmt(l.metrics.valRmse),
      ]),
      [true, true, true, true, true],
    )}\n\n${result.message}\nwrote ${o.save} and ${plotFile}\n`,
  );
  if (result.status !== "completed") {
    throw new Error(
      `${result.message}${record.levels.length > 0 ? ` ${o.save} holds the model of level ${record.levels.length}.` : ` Nothing was saved.`}`,
    );
  }
}

async function writeCurve(
  file: string,
  history: TrainingHistory,
  targets: string[],
  png: boolean,
): Promise<void> {
  const quantities = ["trainRmse", ...(history.metrics.valRmse ? ["valRmse"] : [])];
  const svg = plotHistory(history, {
    title: `training curve: RMSE of ${targets.join(", ")}`,
    quantities,
    yLabel: "RMSE (target units)",
  });
  await writeFileAtomic(file, svg);
  if (!png) return;
  try {
    const ext = extname(file);
    await writeFileAtomic(join(dirname(file), `${basename(file, ext)}.png`), await svgToPng(svg));
  } catch (e) {
    process.stderr.write(`mlkan: PNG skipped: ${(e as Error).message}\n`);
  }
}
