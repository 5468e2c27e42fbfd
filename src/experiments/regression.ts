/**
 * The paper's function regression experiment (section 5.1, Table 2), with the settings of DESIGN.md
 * section 5. Pure logic (no file system): `runRegression` returns an `ExperimentResult`; the CLI
 * (`mlkan reproduce regression`) prints and writes it.
 *
 * Decisions where the paper is silent (digest section 7; each is a field of `RegressionSettings` and,
 * where reasonable, a CLI flag):
 * - Target: eq. 26, f(x, y) = cos(4 pi x) + sin(pi y) + sin(2 pi y) + |sin(3 pi y^2)|, rotated 0.175 rad
 *   counter-clockwise about c = (0.5, 0.5). Convention: the *graph* is rotated, f_rot(p) =
 *   f(R(-theta)(p - c) + c) (a feature of f at q appears at c + R(theta)(q - c)).
 * - Data: 20000 training and 20000 test points uniform in [1e-4, 1 - 1e-4]^2, drawn per seed from
 *   `Rng(seed + dataSeedOffset)` (each run's seed sets both its data and its initialisation, as one
 *   `torch.manual_seed` would; the offset keeps the two streams apart). "Output normalized to [0, 1]" is
 *   read as min-max normalisation of the targets with the *training* targets (test targets use the same
 *   map, so they can fall slightly outside [0, 1]); every MSE is in those units. Inputs are not rescaled
 *   (they already lie in the spline domain [0, 1]).
 * - Which MSE: the paper does not say; both train and test MSE are reported and compared against the
 *   paper's single column (the train MSE is the likelier reading).
 * - Architecture ("paper"), from the parameter counts 55 / 230: Linear(2 -> 5, bias) -> sigmoid ->
 *   cubic spline(5 -> 1) on [0, 1], only the spline layer refined. "Full": spline(2 -> 5) -> sigmoid ->
 *   spline(5 -> 1), every layer on [0, 1]. Linear layers as PyTorch's nn.Linear (U(+-1/sqrt(nIn)));
 *   spline coefficients N(0, 0.1^2).
 * - Optimizer: L-BFGS `torch` preset (up to 20 iterations and 25 evaluations per step, strong Wolfe,
 *   history 100), lr 1, re-created at every level. One paper "epoch" = one such step.
 * - Fine-only rows start from the same random coarse model prolongated to G = 40 ("prolongated init",
 *   the same function the multilevel run starts from), and separately from coefficients drawn directly
 *   at G = 40 ("direct init"); a third fine row gets the multilevel run's step count (60), because
 *   mlkan's sparse step costs the same at every G (the paper's budgets assume cost grows with G).
 * - ReLU basis: the unscaled power-ReLU ReLU(x - t)^3 of eq. 3 (`toBasis("relu")` of the same initial
 *   model, so both bases start from the same function).
 * - MLPs: ReLU, hidden biases, no output bias (the paper's counts 20 / 120 / 500), 128 L-BFGS steps.
 */
import type { Basis } from "../layers/layer.js";
import { KAN } from "../model/kan.js";
import { MLP } from "../model/mlp.js";
import type { Network } from "../model/network.js";
import type { LbfgsSpec } from "../optim/factory.js";
import { createDataset, type Dataset } from "../problems/dataset.js";
import { RegressionProblem } from "../problems/regression.js";
import {
  type EnvInfo,
  type ExperimentResult,
  type ResultRow,
  summarize,
  unknownEnv,
} from "../report/result.js";
import type { TrainingHistory } from "../train/history.js";
// `fit` imported under another name: Biome's noFocusedTests rule takes a call `fit(...)` for Jasmine's
// focused test.
import { fit as fitModel, type TrainProgress, type TrainResult, trainMultilevel } from "../train/trainer.js";
import { fmt } from "../util/format.js";

/** Table 2 of the paper (MSE mean, stdev over 5 seeds), by row key. */
export const PAPER_TABLE2: Readonly<Record<string, { mean: number; std: number }>> = {
  "relu-coarse": { mean: 1.1e-2, std: 8.32e-3 },
  "relu-fine": { mean: 1.35, std: 1.5e-1 },
  "relu-multilevel": { mean: 1.06e-2, std: 8.03e-3 },
  "spline-coarse": { mean: 1.65e-3, std: 4.18e-5 },
  "spline-fine": { mean: 2.54e-3, std: 5.64e-3 },
  "spline-multilevel": { mean: 3.67e-5, std: 7.19e-5 },
  "mlp-2-5-1": { mean: 2.94e-2, std: 1.6e-2 },
  "mlp-2-30-1": { mean: 1.02e-3, std: 9.42e-4 },
  "mlp-2-20-20-1": { mean: 3.33e-4, std: 2.92e-4 },
};

/** Row keys in table order. */
export const REGRESSION_ROWS = [
  "spline-coarse",
  "spline-fine",
  "spline-fine-direct",
  "spline-fine-long",
  "spline-multilevel",
  "relu-coarse",
  "relu-fine",
  "relu-fine-direct",
  "relu-fine-long",
  "relu-multilevel",
  "mlp-2-5-1",
  "mlp-2-30-1",
  "mlp-2-20-20-1",
  "full-multilevel",
] as const;
/** Key of a row of the regression experiment (paper Table 2): model, basis and fidelity. */
export type RegressionRowKey = (typeof REGRESSION_ROWS)[number];

/** The paper's number shown beside a row (the fine rows of both initialisations share the paper's fine). */
export function paperValue(key: string): number | null {
  const k = key.replace(/-direct$/, "");
  return PAPER_TABLE2[k]?.mean ?? null;
}

/**
 * Settings of the regression experiment (paper section 5.1, Table 2): seeds, data sizes, grids, steps,
 * optimizer.
 */
export interface RegressionSettings {
  /** Seeds of the runs (the paper: 1234..1238). */
  seeds: number[];
  trainNum: number;
  testNum: number;
  /** Sampling box [lo, hi]^2. */
  box: [number, number];
  /** Counter-clockwise rotation of the graph of eq. 26 (radians) and its centre. */
  rotation: number;
  center: [number, number];
  /** Added to a run's seed to seed its data draw. */
  dataSeedOffset: number;
  /** Standard deviation of the initial spline coefficients. */
  initStd: number;
  /** The elementwise map between the linear (or first spline) layer and the last spline layer. */
  normalize: "sigmoid" | "tanh";
  /**
   * How the ReLU-basis rows start: "converted" (default) is `toBasis("relu")` of the spline rows' random
   * model (the same function, coefficients u ~ N(0, initStd^2)); "direct" draws the power-ReLU weights
   * w ~ N(0, initStd^2) themselves (the same numbers read as w = A^T u), an alternative reading of an
   * unstated initialisation.
   */
  reluInit: "converted" | "direct";
  optimizer: LbfgsSpec;
  coarseGrid: number;
  fineGrid: number;
  grids: number[];
  coarseSteps: number;
  fineSteps: number;
  multilevelSteps: number[];
  mlpSteps: number;
  /** Rows to run, in table order. */
  rows: RegressionRowKey[];
  /** Metrics every this many steps (0: only at the ends of levels). */
  metricsEvery: number;
  /** Whether this is the reduced `--quick` budget. */
  quick: boolean;
}

/** DESIGN.md section 5's settings, or the reduced `--quick` budget (fewer points, one seed). */
export function regressionSettings(quick = false): RegressionSettings {
  return {
    seeds: quick ? [1234] : [1234, 1235, 1236, 1237, 1238],
    trainNum: quick ? 2000 : 20000,
    testNum: quick ? 2000 : 20000,
    box: [1e-4, 1 - 1e-4],
    rotation: 0.175,
    center: [0.5, 0.5],
    dataSeedOffset: 1_000_000,
    initStd: 0.1,
    normalize: "sigmoid",
    reluInit: "converted",
    optimizer: { type: "lbfgs", preset: "torch", lr: 1 },
    coarseGrid: 5,
    fineGrid: 40,
    grids: [5, 10, 20, 40],
    coarseSteps: 128,
    fineSteps: 16,
    multilevelSteps: [32, 16, 8, 4],
    mlpSteps: 128,
    rows: quick
      ? [
          "spline-coarse",
          "spline-fine",
          "spline-fine-long",
          "spline-multilevel",
          "relu-coarse",
          "relu-multilevel",
          "mlp-2-30-1",
        ]
      : [...REGRESSION_ROWS],
    metricsEvery: 1,
    quick,
  };
}

/** Eq. 26: f(x, y) = cos(4 pi x) + sin(pi y) + sin(2 pi y) + |sin(3 pi y^2)|. */
export function eq26(x: number, y: number): number {
  return (
    Math.cos(4 * Math.PI * x) +
    Math.sin(Math.PI * y) +
    Math.sin(2 * Math.PI * y) +
    Math.abs(Math.sin(3 * Math.PI * y * y))
  );
}

/**
 * Eq. 26 with its graph rotated counter-clockwise by `theta` about `center`:
 * f_rot(p) = f(R(-theta)(p - c) + c).
 */
export function rotatedEq26(
  x: number,
  y: number,
  theta = 0.175,
  center: [number, number] = [0.5, 0.5],
): number {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const dx = x - center[0];
  const dy = y - center[1];
  return eq26(center[0] + c * dx + s * dy, center[1] - s * dx + c * dy);
}

/** The data of one run (raw targets; `regressionProblem` normalises them). */
export function regressionDataset(settings: RegressionSettings, seed: number): Dataset {
  const { rotation, center } = settings;
  return createDataset((p) => rotatedEq26(p[0], p[1], rotation, center), {
    nVar: 2,
    ranges: settings.box,
    trainNum: settings.trainNum,
    testNum: settings.testNum,
    seed: seed + settings.dataSeedOffset,
  });
}

/** Targets min-max normalised to [0, 1] with the training targets; MSE metrics in those units. */
export function regressionProblem(data: Dataset): RegressionProblem {
  return new RegressionProblem(data, {
    name: "regression (rotated eq. 26)",
    targetScaling: "minmax",
    targetRange: [0, 1],
    metricUnits: "scaled",
  });
}

/** The "paper" architecture: Linear(2 -> 5, bias) -> sigmoid -> cubic spline(5 -> 1) on [0, 1]. */
export function paperModel(
  settings: Pick<RegressionSettings, "initStd" | "normalize">,
  grid: number,
  seed: number,
  basis: Basis = "spline",
): KAN {
  return new KAN({
    layers: [
      { type: "linear", nIn: 2, nOut: 5, bias: true },
      normalizeSpec(settings.normalize),
      {
        type: "spline",
        nIn: 5,
        nOut: 1,
        order: 4,
        grid,
        domain: [0, 1],
        basis,
        initStd: settings.initStd,
      },
    ],
    seed,
  });
}

/** The "full" spline KAN: spline(2 -> 5) -> sigmoid -> spline(5 -> 1), cubic, on [0, 1]. */
export function fullModel(
  settings: Pick<RegressionSettings, "initStd" | "normalize">,
  grid: number,
  seed: number,
): KAN {
  return new KAN({
    width: [2, 5, 1],
    grid,
    k: 3,
    domain: [0, 1],
    normalize: settings.normalize,
    initStd: settings.initStd,
    seed,
  });
}

/** A ReLU MLP with hidden biases and no output bias (the paper's parameter counts). */
export function mlpModel(width: number[], seed: number): MLP {
  return new MLP({ width, activation: "relu", outputBias: false, seed });
}

function normalizeSpec(fn: "sigmoid" | "tanh") {
  // sigmoid onto [0, 1] is sigmoid itself; tanh onto [0, 1] is 0.5 + 0.5 tanh.
  return fn === "sigmoid"
    ? {
        type: "elementwise" as const,
        width: 5,
        fn,
        scale: 1,
        shift: 0,
        label: "normalize sigmoid onto [0, 1]",
      }
    : {
        type: "elementwise" as const,
        width: 5,
        fn,
        scale: 0.5,
        shift: 0.5,
        label: "normalize tanh onto [0, 1]",
      };
}

interface RowDescription {
  model: string;
  basis: string;
  fidelity: string;
}

/** Model, basis and fidelity labels of a row under the given settings. */
export function describeRow(key: RegressionRowKey, s: RegressionSettings): RowDescription {
  const coarse = `coarse (G=${s.coarseGrid}, ${s.coarseSteps} steps)`;
  const mlSteps = s.multilevelSteps.reduce((a, b) => a + b, 0);
  const fine = (steps: number, init: string) => `fine (G=${s.fineGrid}, ${steps} steps, ${init} init)`;
  const ml = `multilevel (G=${s.grids.join(",")}; ${s.multilevelSteps.join(",")} steps)`;
  const kan = "KAN [2,5,1]";
  switch (key) {
    case "spline-coarse":
    case "relu-coarse":
      return { model: kan, basis: basisOf(key), fidelity: coarse };
    case "spline-fine":
    case "relu-fine":
      return { model: kan, basis: basisOf(key), fidelity: fine(s.fineSteps, "prolongated") };
    case "spline-fine-direct":
    case "relu-fine-direct":
      return { model: kan, basis: basisOf(key), fidelity: fine(s.fineSteps, "direct") };
    case "spline-fine-long":
    case "relu-fine-long":
      return { model: kan, basis: basisOf(key), fidelity: fine(mlSteps, "prolongated") };
    case "spline-multilevel":
    case "relu-multilevel":
      return { model: kan, basis: basisOf(key), fidelity: ml };
    case "mlp-2-5-1":
    case "mlp-2-30-1":
    case "mlp-2-20-20-1":
      return {
        model: `MLP [${key.slice(4).split("-").join(",")}]`,
        basis: "ReLU",
        fidelity: `- (${s.mlpSteps} steps)`,
      };
    case "full-multilevel":
      return { model: "KAN [2,5,1] full spline", basis: "spline", fidelity: ml };
  }
}

function basisOf(key: string): string {
  return key.startsWith("relu") ? "ReLU" : "spline";
}

/** Trains one row for one seed. `coarse` is the seed's random coarse model (spline basis, not trained). */
function runRow(
  key: RegressionRowKey,
  s: RegressionSettings,
  seed: number,
  coarse: KAN,
  problem: RegressionProblem,
  onProgress: ((p: TrainProgress) => void) | undefined,
): TrainResult<Network> {
  const common = { metricsEvery: s.metricsEvery, onProgress };
  const optimizer = s.optimizer;
  const basis: Basis = key.startsWith("relu") ? "relu" : "spline";
  /** A ReLU-basis model from a spline-basis one: the same function, or the same numbers read as w. */
  const relu = (m: KAN): KAN => {
    if (s.reluInit === "converted") return m.toBasis("relu");
    const r = paperModel(s, m.grids[0], seed, "relu");
    r.params.set(m.params);
    return r;
  };
  const start = () => (basis === "relu" ? relu(coarse) : coarse.clone());
  const mlSteps = s.multilevelSteps.reduce((a, b) => a + b, 0);
  switch (key) {
    case "spline-coarse":
    case "relu-coarse":
      return fitModel(start(), problem, { ...common, optimizer, steps: s.coarseSteps });
    case "spline-fine":
    case "relu-fine":
      return fitModel(start().refine(s.fineGrid), problem, { ...common, optimizer, steps: s.fineSteps });
    case "spline-fine-direct":
    case "relu-fine-direct": {
      const m = paperModel(s, s.fineGrid, seed, "spline");
      return fitModel(basis === "relu" ? relu(m) : m, problem, {
        ...common,
        optimizer,
        steps: s.fineSteps,
      });
    }
    case "spline-fine-long":
    case "relu-fine-long":
      return fitModel(start().refine(s.fineGrid), problem, { ...common, optimizer, steps: mlSteps });
    case "spline-multilevel":
    case "relu-multilevel":
      return trainMultilevel(start(), problem, {
        ...common,
        optimizer,
        grids: s.grids,
        steps: s.multilevelSteps,
      });
    case "mlp-2-5-1":
    case "mlp-2-30-1":
    case "mlp-2-20-20-1": {
      const width = key.slice(4).split("-").map(Number);
      return fitModel(mlpModel(width, seed), problem, { ...common, optimizer, steps: s.mlpSteps });
    }
    case "full-multilevel":
      return trainMultilevel(fullModel(s, s.grids[0], seed), problem, {
        ...common,
        optimizer,
        grids: s.grids,
        steps: s.multilevelSteps,
      });
  }
}

/** Options of `runRegression`: progress and per-run callbacks, the environment record, histories. */
export interface RegressionRunOptions {
  /** Progress of every training step. */
  onProgress?: (p: TrainProgress) => void;
  /** Called before each (row, seed) run, e.g. to label the progress line. */
  onRun?: (info: {
    key: RegressionRowKey;
    row: RowDescription;
    seed: number;
    index: number;
    total: number;
  }) => void;
  /** Called after each (row, seed) run with its result. */
  onRunDone?: (info: { key: RegressionRowKey; seed: number; result: TrainResult<Network> }) => void;
  /** Environment record (the CLI passes `collectEnv()`; default: a minimal one). */
  env?: EnvInfo;
  /** Keep every run's history in the rows (default true). */
  histories?: boolean;
}

/** Settings as written into the result (with the decisions spelled out). */
export function settingsRecord(s: RegressionSettings): Record<string, unknown> {
  return {
    quick: s.quick,
    seeds: s.seeds,
    target: `eq. 26 rotated ${s.rotation} rad counter-clockwise about (${s.center.join(", ")}); the graph is rotated: f_rot(p) = f(R(-theta)(p - c) + c)`,
    data: `${s.trainNum} training + ${s.testNum} test points uniform in [${s.box.join(", ")}]^2, drawn per seed from Rng(seed + ${s.dataSeedOffset})`,
    targets:
      "min-max normalised to [0, 1] with the training targets; every MSE (loss, trainMse, testMse) in those units",
    paperArchitecture: `Linear(2->5, bias) -> ${s.normalize} onto [0, 1] -> cubic spline(5->1) on [0, 1]; only the spline layer is refined`,
    fullArchitecture: `spline(2->5) -> ${s.normalize} onto [0, 1] -> spline(5->1), cubic, on [0, 1]`,
    initialisation: `spline coefficients N(0, ${s.initStd}^2); linear layers U(+-1/sqrt(nIn)) as PyTorch's nn.Linear`,
    optimizer: s.optimizer,
    step: "one L-BFGS step = one torch LBFGS.step: up to 20 iterations, at most 25 evaluations (+ one line search)",
    optimizerPerLevel: "re-created at every level (L-BFGS history reset)",
    coarse: `G=${s.coarseGrid}, ${s.coarseSteps} steps`,
    fine: `G=${s.fineGrid}, ${s.fineSteps} steps (and ${s.multilevelSteps.reduce((a, b) => a + b, 0)} steps), from the seed's random coarse model prolongated to G=${s.fineGrid} ("prolongated init") or with coefficients drawn at G=${s.fineGrid} ("direct init")`,
    multilevel: `G=${s.grids.join(", ")} with ${s.multilevelSteps.join(", ")} steps (paper Algorithm 1, exact dyadic prolongation)`,
    reluBasis:
      s.reluInit === "converted"
        ? "unscaled power-ReLU ReLU(x - t)^3 (eq. 3): toBasis('relu') of the same initial model"
        : `unscaled power-ReLU ReLU(x - t)^3 (eq. 3), weights w ~ N(0, ${s.initStd}^2) drawn directly`,
    mlp: `ReLU, hidden biases, no output bias; ${s.mlpSteps} L-BFGS steps`,
    wallSeconds: "training time summed over seeds, excluding the per-step metric evaluations",
    evaluations: "loss-and-gradient evaluations per run (each costs the same at every G with sparse splines)",
    metricsEvery: s.metricsEvery,
  };
}

/** Runs the experiment: every row for every seed. */
export function runRegression(s: RegressionSettings, options: RegressionRunOptions = {}): ExperimentResult {
  const t0 = performance.now();
  const keys = REGRESSION_ROWS.filter((k) => s.rows.includes(k));
  if (keys.length === 0) throw new Error("regression: no rows selected");
  const per = new Map<
    RegressionRowKey,
    {
      train: number[];
      test: number[];
      evals: number[];
      wall: number;
      params: number;
      histories: TrainingHistory[];
    }
  >();
  for (const k of keys) per.set(k, { train: [], test: [], evals: [], wall: 0, params: 0, histories: [] });
  const total = keys.length * s.seeds.length;
  let index = 0;
  for (const seed of s.seeds) {
    const problem = regressionProblem(regressionDataset(s, seed));
    const coarse = paperModel(s, s.coarseGrid, seed, "spline");
    for (const key of keys) {
      options.onRun?.({ key, row: describeRow(key, s), seed, index: index++, total });
      const r = runRow(key, s, seed, coarse, problem, options.onProgress);
      options.onRunDone?.({ key, seed, result: r });
      const acc = per.get(key)!;
      acc.train.push(r.metrics.trainMse);
      acc.test.push(r.metrics.testMse);
      acc.evals.push(r.evaluations);
      acc.wall += r.seconds - r.metricsSeconds;
      acc.params = r.model.paramCount;
      acc.histories.push(r.history);
    }
  }
  const rows: ResultRow[] = keys.map((key) => {
    const acc = per.get(key)!;
    const d = describeRow(key, s);
    const row: ResultRow = {
      model: d.model,
      basis: d.basis,
      fidelity: d.fidelity,
      params: acc.params,
      wallSeconds: acc.wall,
      metrics: {
        trainMse: summarize(acc.train),
        testMse: summarize(acc.test),
        evaluations: summarize(acc.evals),
      },
      key,
    } as ResultRow;
    if (options.histories ?? true) row.history = acc.histories;
    return row;
  });
  return {
    experiment: "regression",
    settings: settingsRecord(s),
    env: options.env ?? unknownEnv(),
    wallSeconds: (performance.now() - t0) / 1000,
    rows,
  };
}

/** The row key stored in a result row. */
export function rowKey(row: ResultRow): string | undefined {
  const k = (row as ResultRow & { key?: unknown }).key;
  return typeof k === "string" ? k : undefined;
}

function rowOf(result: ExperimentResult, key: string): ResultRow | undefined {
  return result.rows.find((r) => rowKey(r) === key);
}

function meanOf(result: ExperimentResult, key: string, metric = "trainMse"): number | null {
  return rowOf(result, key)?.metrics[metric]?.mean ?? null;
}

/** Median of a row's per-seed values of a metric. */
function medianOf(result: ExperimentResult, key: string, metric = "trainMse"): number | null {
  const v = rowOf(result, key)?.metrics[metric]?.values;
  if (!v || v.length === 0) return null;
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** A ratio of the experiment (e.g. multilevel over single-level MSE) measured here beside the paper's. */
export interface Margin {
  label: string;
  /** Ratio of train MSE means measured here (null when a row is missing). */
  ours: number | null;
  /** The same ratio of test MSE means. */
  oursTest: number | null;
  /** Ratio of train MSE medians over seeds (robust to the odd seed that dominates a mean). */
  oursMedian: number | null;
  /** The ratio in the paper's Table 2 (null when the paper has no such rows). */
  paper: number | null;
}

/** The ratios the paper's claims rest on, measured (means and medians) and as printed. */
export function regressionMargins(result: ExperimentResult): Margin[] {
  const ratio = (a: string, b: string, metric = "trainMse", of = meanOf) => {
    const x = of(result, a, metric);
    const y = of(result, b, metric);
    return x === null || y === null ? null : x / y;
  };
  const paper = (a: string, b: string) => {
    const x = PAPER_TABLE2[a]?.mean;
    const y = PAPER_TABLE2[b]?.mean;
    return x === undefined || y === undefined ? null : x / y;
  };
  const mlps = ["mlp-2-5-1", "mlp-2-30-1", "mlp-2-20-20-1"].filter((k) => meanOf(result, k) !== null);
  const best = (metric: string, of: typeof meanOf) =>
    mlps.length === 0
      ? null
      : mlps.reduce((a, b) => (of(result, a, metric)! <= of(result, b, metric)! ? a : b));
  const m = (label: string, a: string, b: string, pa: string | null = a, pb = b): Margin => ({
    label,
    ours: ratio(a, b),
    oursTest: ratio(a, b, "testMse"),
    oursMedian: ratio(a, b, "trainMse", medianOf),
    paper: pa === null ? null : paper(pa, pb),
  });
  const bt = best("trainMse", meanOf);
  const bs = best("testMse", meanOf);
  const bm = best("trainMse", medianOf);
  return [
    m("spline coarse / spline multilevel", "spline-coarse", "spline-multilevel"),
    m("spline fine (prolongated init) / spline multilevel", "spline-fine", "spline-multilevel"),
    m(
      "spline fine (direct init) / spline multilevel",
      "spline-fine-direct",
      "spline-multilevel",
      "spline-fine",
    ),
    m(
      "spline fine (same steps as multilevel) / spline multilevel",
      "spline-fine-long",
      "spline-multilevel",
      null,
    ),
    {
      label: "best MLP / spline multilevel",
      ours: bt === null ? null : ratio(bt, "spline-multilevel"),
      oursTest: bs === null ? null : ratio(bs, "spline-multilevel", "testMse"),
      oursMedian: bm === null ? null : ratio(bm, "spline-multilevel", "trainMse", medianOf),
      paper: paper("mlp-2-20-20-1", "spline-multilevel"),
    },
    m("ReLU multilevel / ReLU coarse", "relu-multilevel", "relu-coarse"),
    m("ReLU coarse / spline coarse", "relu-coarse", "spline-coarse"),
    m("ReLU multilevel / spline multilevel", "relu-multilevel", "spline-multilevel"),
    m("full KAN multilevel / paper-architecture multilevel", "full-multilevel", "spline-multilevel", null),
  ];
}

/** Markdown table of every row's per-seed train MSE (and, for multilevel rows, the MSE after each level). */
export function perSeedTable(result: ExperimentResult): string {
  const rows = result.rows.filter((r) => r.metrics.trainMse?.values.length > 0);
  if (rows.length === 0) return "";
  const seeds = (result.settings.seeds as number[] | undefined) ?? [];
  const n = Math.max(...rows.map((r) => r.metrics.trainMse.values.length));
  const head = ["row", ...Array.from({ length: n }, (_, i) => `seed ${seeds[i] ?? i + 1}`), "median"];
  const lines = [
    `| ${head.join(" | ")} |`,
    `|---|${head
      .slice(1)
      .map(() => "---:")
      .join("|")}|`,
  ];
  for (const r of rows) {
    const k = rowKey(r) ?? `${r.model} ${r.basis} ${r.fidelity}`;
    const cells = r.metrics.trainMse.values.map((v) => fmt(v));
    lines.push(`| ${k} | ${cells.join(" | ")} | ${fmt(medianOf(result, k))} |`);
  }
  return lines.join("\n");
}

/**
 * One target of the experiment with the measured value and whether it is met (null: a needed row was not
 * run).
 */
export interface Check {
  target: string;
  value: string;
  met: boolean | null;
}

/** The targets, each met or missed (null: a row it needs was not run). */
export function regressionChecks(result: ExperimentResult): Check[] {
  const ml = meanOf(result, "spline-multilevel");
  const checks: Check[] = [];
  checks.push({
    target: "spline multilevel train MSE mean <= 3.67e-5 (paper)",
    value: ml === null ? "-" : fmt(ml),
    met: ml === null ? null : ml <= 3.67e-5,
  });
  const others = result.rows.filter((r) => {
    const k = rowKey(r) ?? "";
    return k !== "spline-multilevel" && !k.endsWith("multilevel");
  });
  const worst = others.filter((r) => ml !== null && r.metrics.trainMse.mean <= ml).map((r) => rowKey(r));
  checks.push({
    target: "spline multilevel below every coarse, fine and MLP row (train MSE mean)",
    value:
      ml === null
        ? "-"
        : worst.length === 0
          ? `yes (next best ${fmt(Math.min(...others.map((r) => r.metrics.trainMse.mean)))})`
          : `no: ${worst.join(", ")}`,
    met: ml === null || others.length === 0 ? null : worst.length === 0,
  });
  const rm = meanOf(result, "relu-multilevel");
  const rc = meanOf(result, "relu-coarse");
  checks.push({
    target: "ReLU-basis multilevel no better than ReLU-basis coarse (ratio >= 0.9; paper 0.96)",
    value: rm === null || rc === null ? "-" : `${fmt(rm)} vs ${fmt(rc)} (ratio ${fmt(rm / rc)})`,
    met: rm === null || rc === null ? null : rm / rc >= 0.9,
  });
  return checks;
}

/** Markdown: margins (ours vs the paper's) and the targets. */
export function regressionNotes(result: ExperimentResult): string {
  const x = (v: number | null) => (v === null ? "-" : `${fmt(v)}x`);
  const lines = [
    "Train MSE and test MSE are in units of the min-max normalised targets; the paper column is its",
    "Table 2 MSE (mean over 5 seeds; it does not say whether train or test). `evaluations` counts",
    "loss-and-gradient evaluations per run; wall seconds are summed over seeds.",
    "",
    "### Margins (ratios of MSEs)",
    "",
    "| ratio | ours: train MSE means | test MSE means | train MSE medians | paper (means) |",
    "|---|---:|---:|---:|---:|",
    ...regressionMargins(result).map(
      (m) => `| ${m.label} | ${x(m.ours)} | ${x(m.oursTest)} | ${x(m.oursMedian)} | ${x(m.paper)} |`,
    ),
    "",
    "### Targets",
    "",
    "| target | measured | met |",
    "|---|---|---|",
    ...regressionChecks(result).map(
      (c) => `| ${c.target} | ${c.value} | ${c.met === null ? "-" : c.met ? "yes" : "**no**"} |`,
    ),
    "",
    "### Train MSE per seed",
    "",
    perSeedTable(result),
  ];
  return lines.join("\n");
}
