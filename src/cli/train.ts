/**
 * `mlkan train`: fit a KAN to the user's CSV or JSON data, multilevel by default (the paper's
 * Algorithm 1 over `--grids`), with a validation split, an atomic checkpoint of the model after every
 * level (a crash keeps the last good one; `--resume` continues from it), and the training curve
 * plotted next to the model.
 *
 * The command runs in four steps, each a function below: parse (every option checked, sizes included,
 * before any file is read), load (the data, the split and the problem), build (the model, fresh or
 * from the checkpoint of `--resume`) and run (the levels, with a checkpoint after each). Output paths
 * are checked for clashes and writability before any work.
 *
 * Which level is kept (`--select`): `best` (default) keeps the level with the lowest validation RMSE
 * (the last one when there is no validation split), `last` the last level trained. While training, the
 * file holds the level selected so far; when that is not the last level finished, the last one is
 * stored beside it (`training.last`) so that `--resume` can continue from it.
 *
 * Exit status: 0 when every level completed; 1 with a message when training diverged (non-finite loss,
 * blow-up, non-finite parameters). The file then holds the selected finished level, or, when no level
 * finished, the last parameters with a finite loss, marked `"diverged"` in its training record.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import type { Command } from "commander";
import type { Basis } from "../layers/layer.js";
import { KAN, kanLayerSpecs } from "../model/kan.js";
import type { Network } from "../model/network.js";
import { numericColumns, parseColumnList, readTable } from "../node/data.js";
import { checkWritable, refuseClashes, writeFileAtomic } from "../node/fs.js";
import { readModelFile, writeModelFile } from "../node/model-file.js";
import { svgToPng } from "../node/png.js";
import type { OptimizerSpec } from "../optim/factory.js";
import { type Dataset, datasetFromArrays } from "../problems/dataset.js";
import { RegressionProblem } from "../problems/regression.js";
import { fmt, markdownTable } from "../report/markdown.js";
import { plotHistory } from "../report/plot/history.js";
import { gridsNest } from "../spline/knots.js";
import type { TrainingHistory } from "../train/history.js";
import { progressReporter } from "../train/progress.js";
import { type LevelEnd, type TrainResult, trainMultilevel } from "../train/trainer.js";
import { MAX_PARAMS } from "../util/validate.js";
import { finiteNumber, intAtLeast, intList } from "./args.js";
import { err, out } from "./output.js";
import { parseThreads, THREADS_FLAGS, THREADS_HELP, withThreads } from "./threads-option.js";

/** One finished level as recorded in the saved model. */
export interface LevelRecordCli {
  grid: number;
  params: number;
  steps: number;
  /** Training loss at the start and at the end of the level (scaled units). */
  initialLoss?: number;
  loss: number;
  /** RMSE in the targets' units (trainRmse, valRmse). */
  metrics: Record<string, number>;
}

/** What `mlkan train` records in the saved model (beside the model itself) for `mlkan predict`. */
export interface TrainingRecord {
  /** Input columns, in the model's input order. */
  inputs: string[];
  /** Target columns, in the model's output order. */
  targets: string[];
  data: string;
  /** SHA-256 of the data file (hex), so that `--resume` refuses changed data. */
  dataSha256?: string;
  trainRows: number;
  valRows: number;
  seed: number;
  optimizer: OptimizerSpec;
  grids: number[];
  steps: number[];
  /** Levels finished so far, with their metrics (RMSE in the targets' units). */
  levels: LevelRecordCli[];
  /** "training", "level k of L done", "completed" or "diverged: <message>". */
  status: string;
  /** The selection rule and the 1-based level the saved model is. */
  select?: "best" | "last";
  selectedLevel?: number;
  /** The options of the run (for `--resume`). */
  options?: Partial<TrainCliOptions>;
  /** The loss a blow-up is measured against (the first level's initial loss; for `--resume`). */
  lossReference?: number;
  /** True when the saved parameters are the last finite ones of a level that diverged. */
  diverged?: boolean;
}

/** The options of `mlkan train` as commander parses them (strings, flags). */
export interface TrainCliOptions {
  threads?: string;
  data?: string;
  target?: string;
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
  save?: string;
  plot?: string;
  metricsEvery: string;
  png?: boolean;
  select: string;
  resume?: string;
}

/** The options that shape the result: recorded in the model and taken from it by `--resume`. */
const RUN_OPTIONS = [
  "data",
  "target",
  "inputs",
  "width",
  "grids",
  "steps",
  "k",
  "basis",
  "normalize",
  "optimizer",
  "lbfgs",
  "lr",
  "batch",
  "val",
  "seed",
  "metricsEvery",
  "select",
] as const;

/** Path of the training-curve plot next to the model: `model.json` -> `model-training.svg`. */
export function curvePath(save: string): string {
  const ext = extname(save);
  return join(dirname(save), `${basename(save, ext)}-training.svg`);
}

/** The PNG written beside an SVG plot. */
function pngPath(svg: string): string {
  const ext = extname(svg);
  return join(dirname(svg), `${basename(svg, ext)}.png`);
}

/** Registers `mlkan train` on the program. */
export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("fit a KAN to CSV or JSON data (multilevel over --grids) and save it")
    .option("--data <file>", "training data: .csv with a header row, or .json (required)")
    .option("--target <cols>", "target column(s), comma separated (required)")
    .option(
      "--save <file>",
      "where to save the model (JSON; rewritten atomically after every level; required unless --resume)",
    )
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
    .option(
      "--select <rule>",
      "which level to keep: best (lowest validation RMSE) or last (the last level trained)",
      "best",
    )
    .option(
      "--resume <model>",
      "continue an interrupted run from its checkpoint (with the options recorded in it)",
    )
    .option("--plot <file>", "training curve SVG (default: next to the model, <name>-training.svg)")
    .option("--metrics-every <n>", "evaluate RMSE every n steps", "1")
    .option("--no-png", "do not render a PNG copy of the plot")
    .option(THREADS_FLAGS, THREADS_HELP)
    .action(async (o: TrainCliOptions, cmd: Command) => {
      const threads = parseThreads(o.threads);
      const given = new Set(
        Object.keys(o).filter((k) => cmd.getOptionValueSource(k) === "cli" || k === "resume"),
      );
      await withThreads(threads, () => trainCommand(o, given));
    });
}

/** Every option of a run, checked and converted (step 1: parse). */
export interface TrainPlan {
  data: string;
  targets: string[];
  inputs?: string[];
  hidden: number[];
  grids: number[];
  steps: number[];
  k: number;
  basis: Basis;
  normalize: "sigmoid" | "tanh" | "none";
  optimizer: OptimizerSpec;
  optimizerName: string;
  val: number;
  seed: number;
  batch?: number;
  metricsEvery: number;
  select: "best" | "last";
  save: string;
  plot: string;
  png: boolean;
  /** The options that shape the result, as given (recorded in the model for `--resume`). */
  options: Partial<TrainCliOptions>;
}

/** Step 1: checks and converts every option (no file is read). */
export function parseTrainOptions(o: TrainCliOptions): TrainPlan {
  if (o.data === undefined) throw new Error("--data is required (the training data file)");
  if (o.target === undefined) throw new Error("--target is required (the target column(s))");
  if (o.save === undefined) throw new Error("--save is required (where to save the model)");
  const hidden = intList("--width", o.width, 1);
  const grids = intList("--grids", o.grids, 1);
  for (let i = 1; i < grids.length; i++)
    if (!gridsNest(grids[i - 1], grids[i]))
      throw new Error(`--grids must nest: each grid a multiple of the previous one, got ${o.grids}`);
  const k = intAtLeast("--k", o.k, 0);
  if (k > 11) throw new Error(`--k must be an integer in [0, 11], got ${JSON.stringify(o.k)}`);
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
  // The seed is used whole (all 53 bits): larger values would be rounded by JavaScript numbers.
  if (!/^\s*\d+\s*$/.test(o.seed) || !Number.isSafeInteger(Number(o.seed)))
    throw new Error(
      `--seed must be an integer in [0, ${Number.MAX_SAFE_INTEGER}], got ${JSON.stringify(o.seed)}`,
    );
  const seed = Number(o.seed);
  const batch = o.batch === undefined ? undefined : intAtLeast("--batch", o.batch, 1);
  const metricsEvery = intAtLeast("--metrics-every", o.metricsEvery, 0);
  if (o.select !== "best" && o.select !== "last")
    throw new Error(`--select must be "best" or "last", got ${JSON.stringify(o.select)}`);
  if (extname(o.save).toLowerCase() !== ".json")
    throw new Error(`--save must name a .json file, got ${JSON.stringify(o.save)}`);
  const targets = parseColumnList(o.target, "--target");
  const inputs = o.inputs !== undefined ? parseColumnList(o.inputs, "--inputs") : undefined;
  // Sizes up front, before the data is read: a lower bound on the finest level's parameter count
  // (at least one input; the exact count is checked again once the columns are known).
  const gMax = Math.max(...grids);
  const widths = [inputs?.length ?? 1, ...hidden, targets.length];
  let lower = 0;
  for (let l = 0; l + 1 < widths.length; l++) lower += widths[l] * widths[l + 1] * (gMax + k);
  if (lower > MAX_PARAMS)
    throw new Error(
      `--width ${o.width} with grid ${gMax} would have at least ${lower} parameters, over the limit of ${MAX_PARAMS} (MAX_PARAMS); use smaller widths or grids`,
    );
  const optimizer: OptimizerSpec =
    o.optimizer === "lbfgs"
      ? { type: "lbfgs", preset: o.lbfgs as "torch" | "pykan", lr }
      : { type: "adam", lr, warmup: { steps: 10, startLr: Math.min(1e-4, lr) } };
  const options: Partial<TrainCliOptions> = {};
  for (const key of RUN_OPTIONS) if (o[key] !== undefined) (options as Record<string, unknown>)[key] = o[key];
  return {
    data: o.data,
    targets,
    inputs,
    hidden,
    grids,
    steps,
    k,
    basis: o.basis as Basis,
    normalize: o.normalize as "sigmoid" | "tanh" | "none",
    optimizer,
    optimizerName: o.optimizer,
    val,
    seed,
    batch,
    metricsEvery,
    select: o.select,
    save: o.save,
    plot: o.plot ?? curvePath(o.save),
    png: o.png !== false,
    options,
  };
}

/** Refuses clashing paths and unwritable outputs before any work. */
export function checkPaths(plan: TrainPlan, resume?: string): void {
  refuseClashes([
    ["--data", plan.data],
    ["--save", plan.save],
    ["--plot", plan.plot],
    ...(plan.png ? [["the plot's PNG", pngPath(plan.plot)] as const] : []),
  ]);
  if (resume !== undefined)
    refuseClashes([
      ["--resume", resume],
      ["--plot", plan.plot],
    ]);
  checkWritable(plan.save, "--save");
  checkWritable(plan.plot, "--plot");
  if (plan.png) checkWritable(pngPath(plan.plot), "--plot (its PNG)");
}

/** The data, the split and the problem of a run (step 2: load). */
export interface LoadedData {
  inputs: string[];
  targets: string[];
  data: Dataset;
  problem: RegressionProblem;
  sha256: string;
}

/** Step 2: reads the data file, picks the columns, splits (seeded) and builds the problem. */
export function loadTrainingData(plan: TrainPlan): LoadedData {
  const table = readTable(plan.data);
  const { targets } = plan;
  const inputs = plan.inputs ?? table.columns.filter((c) => !targets.includes(c));
  for (const t of targets)
    if (!table.columns.includes(t))
      throw new Error(
        `${plan.data}: no target column ${JSON.stringify(t)} (columns: ${table.columns.map((c) => JSON.stringify(c)).join(", ")})`,
      );
  if (inputs.length === 0)
    throw new Error(`${plan.data}: no input columns left besides the target(s) ${targets.join(", ")}`);
  const overlap = inputs.filter((c) => targets.includes(c));
  if (overlap.length > 0)
    throw new Error(`column ${JSON.stringify(overlap[0])} is both an input and a target`);
  const X = numericColumns(table, inputs);
  const Y = numericColumns(table, targets);
  const n = table.rows.length;
  if (plan.val > 0 && n - Math.max(1, Math.round(plan.val * n)) < 1)
    throw new Error(`--val ${plan.val} leaves no training rows out of ${n} (use a smaller fraction)`);
  // The checks above guarantee finite values; the split is seeded (and reproducible) by --seed.
  const data: Dataset = datasetFromArrays(X, Y, {
    nIn: inputs.length,
    testFraction: plan.val,
    seed: plan.seed,
  });
  // Inputs min-max onto the spline domain [0, 1] and targets onto [0, 1] (both from the training
  // rows); the loss is the MSE in those units, the reported RMSE in the targets' own units.
  const problem = new RegressionProblem(data, {
    name: `regression on ${basename(plan.data)}`,
    inputScaling: "minmax",
    inputRange: [0, 1],
    targetScaling: "minmax",
    targetRange: [0, 1],
    metricUnits: "original",
    testLabel: "val",
    ...(plan.batch !== undefined && { batchSize: plan.batch }),
    seed: plan.seed,
  });
  const sha256 = createHash("sha256").update(readFileSync(plan.data)).digest("hex");
  return { inputs, targets, data, problem, sha256 };
}

/** Where a run starts (step 3: build): a fresh model, or the checkpoint of an interrupted run. */
export interface RunStart {
  model: KAN;
  record: TrainingRecord;
  /** Levels already finished (0 for a fresh run). */
  startLevel: number;
  /** The level `--select` keeps so far and its model (null: no level finished yet). */
  kept: { model: Network; level: number } | null;
}

/** Step 3 for a fresh run: the KAN on the first grid, and an empty training record. */
export function buildModel(plan: TrainPlan, loaded: LoadedData): RunStart {
  // The finest level's size, checked against MAX_PARAMS before training (nothing is allocated).
  kanLayerSpecs({
    width: [loaded.inputs.length, ...plan.hidden, loaded.targets.length],
    grid: Math.max(...plan.grids),
    k: plan.k,
    domain: [0, 1],
    basis: plan.basis,
    normalize: plan.normalize,
  });
  return {
    model: new KAN({
      width: [loaded.inputs.length, ...plan.hidden, loaded.targets.length],
      grid: plan.grids[0],
      k: plan.k,
      domain: [0, 1],
      basis: plan.basis,
      normalize: plan.normalize,
      seed: plan.seed,
    }),
    record: {
      inputs: loaded.inputs,
      targets: loaded.targets,
      data: plan.data,
      dataSha256: loaded.sha256,
      trainRows: loaded.data.trainNum,
      valRows: loaded.data.testNum,
      seed: plan.seed,
      optimizer: plan.optimizer,
      grids: plan.grids,
      steps: plan.steps,
      levels: [],
      status: "training",
      select: plan.select,
      options: plan.options,
    },
    startLevel: 0,
    kept: null,
  };
}

/** Reads the checkpoint of `--resume`: its record (with the run's options) and the models in it. */
export function readCheckpoint(path: string): {
  record: TrainingRecord;
  last: KAN;
  kept: { model: Network; level: number } | null;
} {
  const { model, json } = readModelFile(path);
  const record = json.training as TrainingRecord | undefined;
  if (!record || typeof record !== "object" || !Array.isArray(record.levels) || !record.options)
    throw new Error(`--resume ${path}: the file has no training record of mlkan train to continue from`);
  if (record.status === "completed")
    throw new Error(`--resume ${path}: that run already completed; nothing to continue`);
  if (record.diverged || /^diverged/.test(record.status))
    throw new Error(
      `--resume ${path}: that run diverged (${record.status}); start a new run with other options instead`,
    );
  if (record.levels.length === 0)
    throw new Error(`--resume ${path}: no level finished yet; start the run again instead`);
  let last: Network = model;
  if (json.last !== undefined) last = KAN.fromJSON(json.last);
  if (!(last instanceof KAN))
    throw new Error(`--resume ${path}: the checkpoint is a ${last.kind}, not a KAN`);
  const done = record.levels.length;
  const selected = record.selectedLevel ?? done;
  return {
    record,
    last,
    kept: selected !== done ? { model, level: selected - 1 } : { model: last, level: done - 1 },
  };
}

/** Step 3 for `--resume`: the checkpoint, checked against the data it was trained on. */
export function resumeFrom(
  path: string,
  plan: TrainPlan,
  loaded: LoadedData,
  checkpoint: ReturnType<typeof readCheckpoint>,
): RunStart {
  const { record, last, kept } = checkpoint;
  if (record.dataSha256 !== undefined && record.dataSha256 !== loaded.sha256)
    throw new Error(
      `--resume ${path}: the data file ${plan.data} changed since the run started (its SHA-256 differs); start a new run`,
    );
  const done = record.levels.length;
  if (done >= plan.grids.length)
    throw new Error(`--resume ${path}: all ${plan.grids.length} levels are finished; nothing to continue`);
  record.status = `level ${done} of ${plan.grids.length} done`;
  return { model: last, record, startLevel: done, kept };
}

/** The level `--select` keeps among the finished ones (0-based), and why. */
export function selectLevel(
  levels: readonly LevelRecordCli[],
  rule: "best" | "last",
): { index: number; why: string } {
  const last = levels.length - 1;
  if (rule === "last") return { index: last, why: "the last level (--select last)" };
  if (levels.some((l) => l.metrics.valRmse === undefined || !Number.isFinite(l.metrics.valRmse)))
    return { index: last, why: "the last level (no validation split to select by)" };
  let best = 0;
  for (let i = 1; i < levels.length; i++)
    if (levels[i].metrics.valRmse < levels[best].metrics.valRmse) best = i;
  return { index: best, why: "the level with the best validation RMSE (--select best)" };
}

/** Step 4: trains the levels, saving a checkpoint after each; returns the trainer's result. */
export function runTraining(
  plan: TrainPlan,
  loaded: LoadedData,
  start: RunStart,
): { result: TrainResult<KAN>; kept: { model: Network; level: number } | null } {
  const { record } = start;
  let kept = start.kept;
  const progress = progressReporter(process.stderr);
  const onLevel = (e: LevelEnd) => {
    progress.clear();
    if (e.level === 0) record.lossReference = e.history.levels[0]?.initialLoss;
    record.levels.push({
      grid: typeof e.grid === "number" ? e.grid : plan.grids[e.level],
      params: e.model.paramCount,
      steps: plan.steps[e.level],
      initialLoss: e.history.levels[e.history.levels.length - 1]?.initialLoss,
      loss: e.loss,
      metrics: e.metrics,
    });
    record.status = e.level + 1 === e.levels ? "completed" : `level ${e.level + 1} of ${e.levels} done`;
    const sel = selectLevel(record.levels, plan.select);
    record.selectedLevel = sel.index + 1;
    if (sel.index === e.level) {
      kept = { model: e.model.clone(), level: e.level };
      writeModelFile(plan.save, e.model, { training: record });
    } else {
      // The kept level is an earlier one: save it, with this level beside it for --resume.
      if (kept === null || kept.level !== sel.index)
        throw new Error(`internal: level ${sel.index + 1} was not kept`);
      writeModelFile(plan.save, kept.model, { training: record, last: e.model });
    }
    const m = e.metrics;
    out(
      `level ${e.level + 1}/${e.levels}  G=${e.grid}  params ${e.model.paramCount}  train RMSE ${fmt(m.trainRmse)}` +
        `${m.valRmse !== undefined ? `  val RMSE ${fmt(m.valRmse)}` : ""}  ${fmt(e.elapsed)} s  saved ${plan.save}\n`,
    );
  };
  const result = trainMultilevel(start.model, loaded.problem, {
    grids: plan.grids,
    steps: plan.steps,
    optimizer: plan.optimizer,
    metricsEvery: plan.metricsEvery,
    onProgress: progress.onProgress,
    onLevel,
    ...(start.startLevel > 0 && { startLevel: start.startLevel }),
    ...(record.lossReference !== undefined &&
      start.startLevel > 0 && { lossReference: record.lossReference }),
  });
  progress.clear();
  return { result, kept };
}

/**
 * `mlkan train`: parse, check paths, load, build (or resume), run; then the final save, the plot and
 * the summary. `given` names the options given on the command line (for `--resume`).
 */
export async function trainCommand(o: TrainCliOptions, given: Set<string> = new Set()): Promise<void> {
  let checkpoint: ReturnType<typeof readCheckpoint> | undefined;
  if (o.resume !== undefined) {
    const extra = [...given].filter((k) => (RUN_OPTIONS as readonly string[]).includes(k));
    if (extra.length > 0)
      throw new Error(
        `--resume continues with the options recorded in ${o.resume}; remove ${extra.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")}`,
      );
    checkpoint = readCheckpoint(o.resume);
    o = { ...o, ...checkpoint.record.options, save: o.save ?? o.resume };
  }
  const plan = parseTrainOptions(o);
  checkPaths(plan, o.resume);
  const loaded = loadTrainingData(plan);
  const start =
    checkpoint !== undefined && o.resume !== undefined
      ? resumeFrom(o.resume, plan, loaded, checkpoint)
      : buildModel(plan, loaded);
  const { nIn, nOut } = start.model;
  out(
    `${start.startLevel > 0 ? `resuming at level ${start.startLevel + 1} of ${plan.grids.length}: ` : ""}` +
      `training KAN [${[nIn, ...plan.hidden, nOut].join(",")}] (${plan.basis} basis) on ${loaded.data.trainNum} rows` +
      `${loaded.data.testNum > 0 ? `, validating on ${loaded.data.testNum}` : ""}; ${plan.optimizerName}, grids ${plan.grids.join(",")}, steps ${plan.steps.join(",")}\n`,
  );
  const { result, kept } = runTraining(plan, loaded, start);
  await finish(plan, start.record, result, kept);
}

/** The final save (selected level, or the diverged state), the curve, the summary and the status. */
async function finish(
  plan: TrainPlan,
  record: TrainingRecord,
  result: TrainResult<KAN>,
  kept: { model: Network; level: number } | null,
): Promise<void> {
  const levels = record.levels;
  let saved: string;
  if (result.status !== "completed") record.status = `diverged: ${result.message}`;
  if (levels.length > 0) {
    const sel = selectLevel(levels, plan.select);
    record.selectedLevel = sel.index + 1;
    if (kept === null || kept.level !== sel.index)
      throw new Error(`internal: level ${sel.index + 1} was not kept`);
    writeModelFile(plan.save, kept.model, { training: record });
    const l = levels[sel.index];
    saved = `kept level ${sel.index + 1} (G=${l.grid}): ${sel.why}`;
    if (sel.index !== levels.length - 1) {
      const lastLevel = levels[levels.length - 1];
      saved += `; val RMSE ${fmt(l.metrics.valRmse)} against ${fmt(lastLevel.metrics.valRmse)} at the last level (G=${lastLevel.grid}; --select last keeps that one)`;
    }
  } else {
    // No level finished: save the last parameters with a finite loss, marked diverged.
    record.diverged = true;
    writeModelFile(plan.save, result.model, { training: record });
    saved = "no level finished: saved the last parameters with a finite loss, marked diverged";
  }
  await writeCurve(plan.plot, result.history, plan.targets, plan.png);
  out(
    `\n${markdownTable(
      ["level", "grid", "params", "train RMSE", "val RMSE"],
      levels.map((l, i) => [
        `${i + 1}${record.selectedLevel === i + 1 ? " (kept)" : ""}`,
        String(l.grid),
        String(l.params),
        fmt(l.metrics.trainRmse),
        l.metrics.valRmse === undefined ? "-" : fmt(l.metrics.valRmse),
      ]),
      [true, true, true, true, true],
    )}\n\n${result.message}\n${saved}\nwrote ${plan.save} and ${plan.plot}\n`,
  );
  if (result.status !== "completed")
    throw new Error(`${result.message} ${plan.save}: ${saved} (status "diverged" in its training record).`);
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
    await writeFileAtomic(pngPath(file), await svgToPng(svg));
  } catch (e) {
    err(`mlkan: PNG skipped: ${(e as Error).message}\n`);
  }
}
