/**
 * Regression data sets: `createDataset` (pykan's `create_dataset`, seeded) and `RegressionProblem`, the
 * `Problem` of fitting a network to (input, target) pairs by mean squared error, full batch or with a
 * seeded minibatch per step.
 *
 * Units. A problem may rescale its inputs and targets with affine maps computed from the *training*
 * data (min-max onto an interval, or standardisation). The loss is then the MSE in the scaled units, and
 * the maps are exposed as `scalers`, which `fit` and `trainMultilevel` store in the model so that
 * `model.predict` takes and returns the user's units. Metrics (trainMse, testMse, trainRmse, testRmse)
 * are reported in the scaled units by default (`metricUnits: "scaled"`, as the paper reports its
 * regression MSE on targets normalised to [0, 1]) or in the user's units (`"original"`).
 */
import { mseLoss } from "../model/losses.js";
import type { BlockLoss, Network } from "../model/network.js";
import { applyScaler, fitScaler, type Scalers, type Scaling } from "../model/scalers.js";
import { Rng } from "../util/random.js";
import {
  describe,
  rejectUnknownKeys,
  requireDomain,
  requireFinite,
  requireInteger,
} from "../util/validate.js";
import { checkModelFits, type Problem } from "./problem.js";

/** Row-major data: `trainInput[s * nIn + p]`, `trainLabel[s * nOut + o]` (likewise for the test set). */
export interface Dataset {
  nIn: number;
  nOut: number;
  trainNum: number;
  testNum: number;
  trainInput: Float64Array;
  trainLabel: Float64Array;
  testInput: Float64Array;
  testLabel: Float64Array;
}

export interface CreateDatasetOptions {
  /** Number of input variables. Default 2. */
  nVar?: number;
  /** Sampling range: one [lo, hi] for every variable or one per variable. Default [-1, 1]. */
  ranges?: [number, number] | [number, number][];
  /** Training points. Default 1000. */
  trainNum?: number;
  /** Test points (0 allowed). Default 1000. */
  testNum?: number;
  /** Seed of the uniform draw. Default 0. */
  seed?: number;
}

const DATASET_KEYS = ["nVar", "ranges", "trainNum", "testNum", "seed"] as const;

/**
 * A data set as pykan's `create_dataset(f, n_var, ranges, train_num, test_num, seed)`: inputs drawn
 * uniformly from the ranges (training points first, then test points, each point's variables in order,
 * from one `Rng(seed)`), targets `f(row)`. `f` receives a reused array of the point's coordinates (do
 * not keep it) and returns a number or an array of numbers (the same length for every point).
 */
export function createDataset(
  f: (x: number[]) => number | readonly number[],
  options: CreateDatasetOptions = {},
): Dataset {
  if (typeof f !== "function") throw new Error(`createDataset: f must be a function, got ${describe(f)}`);
  if (typeof options !== "object" || options === null)
    throw new Error(`createDataset: options must be an object, got ${describe(options)}`);
  rejectUnknownKeys("createDataset", options, DATASET_KEYS);
  const nVar = requireInteger("createDataset: nVar", options.nVar ?? 2, 1);
  const trainNum = requireInteger("createDataset: trainNum", options.trainNum ?? 1000, 1);
  const testNum = requireInteger("createDataset: testNum", options.testNum ?? 1000, 0);
  const seed = requireFinite("createDataset: seed", options.seed ?? 0);
  const ranges = expandRanges(options.ranges ?? [-1, 1], nVar);
  const rng = new Rng(seed);
  const trainInput = new Float64Array(trainNum * nVar);
  const testInput = new Float64Array(testNum * nVar);
  for (const arr of [trainInput, testInput]) {
    for (let i = 0; i < arr.length; i++) {
      const [lo, hi] = ranges[i % nVar];
      arr[i] = lo + (hi - lo) * rng.uniform();
    }
  }
  const row = new Array<number>(nVar).fill(0);
  let nOut = -1;
  const label = (input: Float64Array, n: number, name: string): Float64Array => {
    let out = new Float64Array(0);
    for (let s = 0; s < n; s++) {
      for (let p = 0; p < nVar; p++) row[p] = input[s * nVar + p];
      const v = f(row);
      const vals: readonly number[] = typeof v === "number" ? [v] : v;
      if (!Array.isArray(vals) || vals.length === 0)
        throw new Error(`createDataset: f must return a number or a non-empty array, got ${describe(v)}`);
      if (nOut < 0) nOut = vals.length;
      if (vals.length !== nOut)
        throw new Error(
          `createDataset: f returned ${vals.length} values at ${name} point ${s} but ${nOut} before`,
        );
      if (out.length === 0) out = new Float64Array(n * nOut);
      for (let o = 0; o < nOut; o++) {
        const y = vals[o];
        if (typeof y !== "number" || !Number.isFinite(y))
          throw new Error(
            `createDataset: f(${row.join(", ")}) gave ${describe(y)} (output ${o}) at ${name} point ${s}; targets must be finite`,
          );
        out[s * nOut + o] = y;
      }
    }
    return out;
  };
  const trainLabel = label(trainInput, trainNum, "training");
  const testLabel = testNum > 0 ? label(testInput, testNum, "test") : new Float64Array(0);
  return { nIn: nVar, nOut, trainNum, testNum, trainInput, trainLabel, testInput, testLabel };
}

function expandRanges(r: unknown, nVar: number): [number, number][] {
  if (Array.isArray(r) && r.length === 2 && typeof r[0] === "number") {
    const d = requireDomain("createDataset: ranges", r);
    return new Array(nVar).fill(d);
  }
  if (!Array.isArray(r) || r.length !== nVar)
    throw new Error(
      `createDataset: ranges must be [lo, hi] or one [lo, hi] per variable (${nVar}), got ${describe(r)}`,
    );
  return r.map((d, i) => requireDomain(`createDataset: ranges[${i}]`, d));
}

/**
 * A seeded split of n rows into training and test (or validation) indices: a Fisher-Yates shuffle from
 * `Rng(seed)`, the first round(testFraction n) rows (at least one when the fraction is > 0) held out;
 * both lists in ascending order.
 */
export function splitIndices(n: number, testFraction: number, seed = 0): { train: number[]; test: number[] } {
  requireInteger("splitIndices: n", n, 1);
  if (typeof testFraction !== "number" || !(testFraction >= 0 && testFraction < 1))
    throw new Error(`testFraction must be a number in [0, 1), got ${describe(testFraction)}`);
  const idx = Array.from({ length: n }, (_, i) => i);
  if (testFraction === 0) return { train: idx, test: [] };
  const rng = new Rng(requireFinite("splitIndices: seed", seed));
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  const nTest = Math.max(1, Math.round(testFraction * n));
  if (n - nTest < 1)
    throw new Error(
      `testFraction ${testFraction} of ${n} rows leaves no training rows (use a smaller fraction)`,
    );
  return {
    train: idx.slice(nTest).sort((a, b) => a - b),
    test: idx.slice(0, nTest).sort((a, b) => a - b),
  };
}

/**
 * A data set from the user's rows: `input` (n rows of nIn numbers) and `label` (n numbers, or n rows of
 * nOut numbers), flat row-major arrays or arrays of rows, split into training and test rows by
 * `splitIndices(n, testFraction, seed)` (default: everything is training data).
 */
export function datasetFromArrays(
  input: Float64Array | readonly (readonly number[])[],
  label: Float64Array | readonly number[] | readonly (readonly number[])[],
  options: { nIn?: number; testFraction?: number; seed?: number } = {},
): Dataset {
  rejectUnknownKeys("datasetFromArrays", options, ["nIn", "testFraction", "seed"]);
  let x: Float64Array;
  let nIn: number;
  if (input instanceof Float64Array) {
    nIn = requireInteger("datasetFromArrays: nIn (needed for a flat input array)", options.nIn, 1);
    if (input.length % nIn !== 0)
      throw new Error(`datasetFromArrays: input has length ${input.length}, not a multiple of nIn = ${nIn}`);
    x = input;
  } else {
    if (!Array.isArray(input) || input.length === 0)
      throw new Error(`datasetFromArrays: input must be a non-empty array of rows, got ${describe(input)}`);
    nIn = Array.isArray(input[0]) ? input[0].length : 0;
    if (nIn < 1) throw new Error("datasetFromArrays: input rows must be non-empty arrays of numbers");
    x = new Float64Array(input.length * nIn);
    input.forEach((row, s) => {
      if (!Array.isArray(row) || row.length !== nIn)
        throw new Error(`datasetFromArrays: input[${s}] must have ${nIn} numbers, got ${describe(row)}`);
      for (let p = 0; p < nIn; p++) x[s * nIn + p] = row[p];
    });
  }
  const n = x.length / nIn;
  if (n < 1) throw new Error("datasetFromArrays: no rows");
  let y: Float64Array;
  let nOut: number;
  if (label instanceof Float64Array) {
    if (label.length === 0 || label.length % n !== 0)
      throw new Error(`datasetFromArrays: label has length ${label.length}, not a multiple of the ${n} rows`);
    y = label;
    nOut = label.length / n;
  } else {
    if (!Array.isArray(label) || label.length !== n)
      throw new Error(
        `datasetFromArrays: label must have one entry per input row (${n}), got ${describe(label)}`,
      );
    nOut = Array.isArray(label[0]) ? (label[0] as readonly number[]).length : 1;
    y = new Float64Array(n * nOut);
    label.forEach((v, s) => {
      const row = Array.isArray(v) ? (v as readonly number[]) : [v as number];
      if (row.length !== nOut)
        throw new Error(`datasetFromArrays: label[${s}] must have ${nOut} numbers, got ${describe(v)}`);
      for (let o = 0; o < nOut; o++) y[s * nOut + o] = row[o];
    });
  }
  const { train, test } = splitIndices(n, options.testFraction ?? 0, options.seed ?? 0);
  const gather = (m: Float64Array, w: number, rows: number[]) => {
    const out = new Float64Array(rows.length * w);
    rows.forEach((r, i) => {
      for (let j = 0; j < w; j++) out[i * w + j] = m[r * w + j];
    });
    return out;
  };
  const data: Dataset = {
    nIn,
    nOut,
    trainNum: train.length,
    testNum: test.length,
    trainInput: gather(x, nIn, train),
    trainLabel: gather(y, nOut, train),
    testInput: gather(x, nIn, test),
    testLabel: gather(y, nOut, test),
  };
  checkDataset(data);
  return data;
}

export interface RegressionOptions {
  /** Name for reports. Default "regression". */
  name?: string;
  /** Input rescaling, from the training inputs. Default "none". */
  inputScaling?: Scaling;
  /** Interval of min-max input scaling (e.g. the first spline layer's domain). Default [0, 1]. */
  inputRange?: [number, number];
  /** Target rescaling, from the training targets. Default "none". */
  targetScaling?: Scaling;
  /** Interval of min-max target scaling. Default [0, 1] (the paper's normalisation). */
  targetRange?: [number, number];
  /** Minibatch size; default (or >= trainNum): full batch. */
  batchSize?: number;
  /** Seed of the minibatch draws. Default 0. */
  seed?: number;
  /** Units of the metrics: the scaled units the loss uses (default) or the user's. */
  metricUnits?: "scaled" | "original";
  /** Prefix of the held-out metrics: "test" (default: testMse, testRmse) or e.g. "val". */
  testLabel?: string;
}

const REGRESSION_KEYS = [
  "name",
  "inputScaling",
  "inputRange",
  "targetScaling",
  "targetRange",
  "batchSize",
  "seed",
  "metricUnits",
  "testLabel",
] as const;

/**
 * Mean squared error regression on a data set (`Problem`). The loss is
 * `(1 / (n nOut)) sum_s sum_o (y_so - t_so)^2` in the scaled units, over the whole training set or, with
 * `batchSize`, over a minibatch drawn anew before every step: step k's batch is a function of
 * (seed, k) alone (a partial Fisher-Yates shuffle driven by a hash of both), drawn without replacement,
 * so runs are repeatable and independent of how often the problem was used before.
 */
export class RegressionProblem implements Problem {
  readonly name: string;
  readonly nIn: number;
  readonly nOut: number;
  readonly trainNum: number;
  readonly testNum: number;
  /** Maps between the user's units and the scaled units the loss uses (empty when nothing is scaled). */
  readonly scalers: Scalers;
  /** Scaled training and test data (row-major). */
  readonly trainInput: Float64Array;
  readonly trainLabel: Float64Array;
  readonly testInput: Float64Array;
  readonly testLabel: Float64Array;
  readonly batchSize: number;
  private readonly seed: number;
  private readonly metricUnits: "scaled" | "original";
  private readonly testLabelName: string;
  private readonly fullLoss: BlockLoss;
  private readonly batchLoss: BlockLoss | null;
  private readonly batchX: Float64Array;
  private readonly batchT: Float64Array;
  private readonly perm: Int32Array;
  private readonly swaps: Int32Array;
  private readonly trainOut: Float64Array;
  private readonly testOut: Float64Array;
  private readonly errWeight: Float64Array;
  private hashState = 0;

  constructor(data: Dataset, options: RegressionOptions = {}) {
    if (typeof options !== "object" || options === null)
      throw new Error(`RegressionProblem: options must be an object, got ${describe(options)}`);
    rejectUnknownKeys("RegressionProblem", options, REGRESSION_KEYS);
    checkDataset(data);
    this.name = options.name ?? "regression";
    this.nIn = data.nIn;
    this.nOut = data.nOut;
    this.trainNum = data.trainNum;
    this.testNum = data.testNum;
    const inputScaling = checkScaling("inputScaling", options.inputScaling ?? "none");
    const targetScaling = checkScaling("targetScaling", options.targetScaling ?? "none");
    const inputRange = requireDomain("RegressionProblem: inputRange", options.inputRange ?? [0, 1]);
    const targetRange = requireDomain("RegressionProblem: targetRange", options.targetRange ?? [0, 1]);
    this.scalers = {};
    if (inputScaling !== "none")
      this.scalers.input = fitScaler(data.trainInput, data.trainNum, data.nIn, inputScaling, inputRange);
    if (targetScaling !== "none")
      this.scalers.output = fitScaler(data.trainLabel, data.trainNum, data.nOut, targetScaling, targetRange);
    this.trainInput = applyScaler(data.trainInput, data.nIn, this.scalers.input);
    this.trainLabel = applyScaler(data.trainLabel, data.nOut, this.scalers.output);
    this.testInput = applyScaler(data.testInput, data.nIn, this.scalers.input);
    this.testLabel = applyScaler(data.testLabel, data.nOut, this.scalers.output);
    const mu = options.metricUnits ?? "scaled";
    if (mu !== "scaled" && mu !== "original")
      throw new Error(`RegressionProblem: metricUnits must be "scaled" or "original", got ${describe(mu)}`);
    this.metricUnits = mu;
    this.testLabelName = options.testLabel ?? "test";
    if (typeof this.testLabelName !== "string" || !/^[A-Za-z][A-Za-z0-9]*$/.test(this.testLabelName))
      throw new Error(
        `RegressionProblem: testLabel must be a word such as "test" or "val", got ${describe(options.testLabel)}`,
      );
    const bs =
      options.batchSize === undefined
        ? this.trainNum
        : requireInteger("RegressionProblem: batchSize", options.batchSize, 1);
    this.batchSize = Math.min(bs, this.trainNum);
    this.seed = requireFinite("RegressionProblem: seed", options.seed ?? 0);
    this.fullLoss = mseLoss(this.trainLabel, this.trainNum, this.nOut);
    this.trainOut = new Float64Array(this.trainNum * this.nOut);
    this.testOut = new Float64Array(this.testNum * this.nOut);
    // Squared errors in the user's units are the scaled ones times scale^2 (per output).
    this.errWeight = new Float64Array(this.nOut).fill(1);
    if (this.metricUnits === "original" && this.scalers.output)
      for (let o = 0; o < this.nOut; o++) this.errWeight[o] = this.scalers.output.scale[o] ** 2;
    if (this.batchSize < this.trainNum) {
      this.batchX = new Float64Array(this.batchSize * this.nIn);
      this.batchT = new Float64Array(this.batchSize * this.nOut);
      this.perm = new Int32Array(this.trainNum);
      for (let i = 0; i < this.trainNum; i++) this.perm[i] = i;
      this.swaps = new Int32Array(this.batchSize);
      this.batchLoss = mseLoss(this.batchT, this.batchSize, this.nOut);
      this.beginStep(0);
    } else {
      this.batchX = new Float64Array(0);
      this.batchT = new Float64Array(0);
      this.perm = new Int32Array(0);
      this.swaps = new Int32Array(0);
      this.batchLoss = null;
    }
  }

  /** Whether each step sees a minibatch rather than the whole training set. */
  get minibatch(): boolean {
    return this.batchLoss !== null;
  }

  /** A 32-bit hash stream seeded by (seed, step) (splitmix32 steps). */
  private nextHash(): number {
    this.hashState = (this.hashState + 0x9e3779b9) | 0;
    let z = this.hashState;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Draws step `step`'s minibatch (no-op for full batch). */
  beginStep(step: number): void {
    if (!this.batchLoss) return;
    const seedLo = Math.trunc(this.seed) >>> 0;
    const seedHi = Math.floor(Math.trunc(this.seed) / 4294967296) >>> 0;
    this.hashState = (seedLo ^ Math.imul(seedHi, 0x9e3779b9)) | 0;
    this.nextHash();
    this.hashState = (this.hashState ^ Math.imul(step | 0, 0x85ebca6b) ^ Math.floor(step / 4294967296)) | 0;
    const { perm, swaps, batchX, batchT, nIn, nOut } = this;
    const n = this.trainNum;
    for (let i = 0; i < this.batchSize; i++) {
      // Uniform j in [i, n) from 53 random bits.
      const u = ((this.nextHash() >>> 5) * 67108864 + (this.nextHash() >>> 6)) / 9007199254740992;
      const j = i + Math.floor(u * (n - i));
      swaps[i] = j;
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
      const src = perm[i];
      for (let p = 0; p < nIn; p++) batchX[i * nIn + p] = this.trainInput[src * nIn + p];
      for (let o = 0; o < nOut; o++) batchT[i * nOut + o] = this.trainLabel[src * nOut + o];
    }
    // Undo the swaps so the permutation is the identity again (the next draw depends on its step only).
    for (let i = this.batchSize - 1; i >= 0; i--) {
      const j = swaps[i];
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
  }

  lossAndGradient(model: Network, grad: Float64Array): number {
    if (this.batchLoss) return model.gradient(this.batchX, this.batchSize, this.batchLoss, grad);
    return model.gradient(this.trainInput, this.trainNum, this.fullLoss, grad);
  }

  /** MSE of the model on the training set (scaled units unless `metricUnits` is "original"). */
  private mse(model: Network, x: Float64Array, t: Float64Array, n: number, out: Float64Array): number {
    model.forward(x, n, out);
    const nOut = this.nOut;
    let sum = 0;
    for (let s = 0; s < n; s++) {
      for (let o = 0; o < nOut; o++) {
        const d = out[s * nOut + o] - t[s * nOut + o];
        sum += d * d * this.errWeight[o];
      }
    }
    return sum / (n * nOut);
  }

  metrics(model: Network): Record<string, number> {
    checkModelFits(this, model);
    const trainMse = this.mse(model, this.trainInput, this.trainLabel, this.trainNum, this.trainOut);
    const m: Record<string, number> = { trainMse };
    if (this.testNum > 0) {
      m[`${this.testLabelName}Mse`] = this.mse(
        model,
        this.testInput,
        this.testLabel,
        this.testNum,
        this.testOut,
      );
    }
    m.trainRmse = Math.sqrt(trainMse);
    if (this.testNum > 0) m[`${this.testLabelName}Rmse`] = Math.sqrt(m[`${this.testLabelName}Mse`]);
    return m;
  }
}

function checkScaling(name: string, v: unknown): Scaling {
  if (v !== "none" && v !== "minmax" && v !== "standard")
    throw new Error(`RegressionProblem: ${name} must be "none", "minmax" or "standard", got ${describe(v)}`);
  return v;
}

function checkDataset(d: Dataset): void {
  if (typeof d !== "object" || d === null)
    throw new Error(`RegressionProblem: data must be a Dataset object, got ${describe(d)}`);
  requireInteger("dataset nIn", d.nIn, 1);
  requireInteger("dataset nOut", d.nOut, 1);
  requireInteger("dataset trainNum", d.trainNum, 1);
  requireInteger("dataset testNum", d.testNum, 0);
  const arrays: [string, Float64Array, number][] = [
    ["trainInput", d.trainInput, d.trainNum * d.nIn],
    ["trainLabel", d.trainLabel, d.trainNum * d.nOut],
    ["testInput", d.testInput, d.testNum * d.nIn],
    ["testLabel", d.testLabel, d.testNum * d.nOut],
  ];
  for (const [name, arr, len] of arrays) {
    if (!(arr instanceof Float64Array))
      throw new Error(`dataset ${name} must be a Float64Array, got ${describe(arr)}`);
    if (arr.length !== len) throw new Error(`dataset ${name} has length ${arr.length}, expected ${len}`);
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isFinite(arr[i])) {
        const width = name.endsWith("Input") ? d.nIn : d.nOut;
        throw new Error(
          `dataset ${name}[${i}] (row ${Math.floor(i / width)}, column ${i % width}) must be finite, got ${arr[i]}`,
        );
      }
    }
  }
}
