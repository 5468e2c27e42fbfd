/**
 * Regression data sets: `createDataset` (pykan's `create_dataset`, seeded), `datasetFromArrays` (the
 * user's rows, split by a seeded fraction or by given indices), `splitIndices` and the `Dataset` check.
 */
import { Rng } from "../util/random.js";
import {
  describe,
  rejectUnknownKeys,
  requireDomain,
  requireFinite,
  requireInteger,
} from "../util/validate.js";

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

/** Options of `datasetFromArrays`. */
export interface DatasetFromArraysOptions {
  /** Inputs per row; required when `input` is a flat Float64Array. */
  nIn?: number;
  /** Fraction of the rows held out as test rows by `splitIndices` (default 0). */
  testFraction?: number;
  /** Seed of that split (default 0). */
  seed?: number;
  /**
   * A given split instead: row indices (0-based) of the training and of the test rows, in the order
   * they go into the data set. Disjoint; not every row need be used; at least one training row.
   * Excludes `testFraction` and `seed`.
   */
  split?: { train: readonly number[]; test: readonly number[] };
}

/**
 * A data set from the user's rows: `input` (n rows of nIn numbers) and `label` (n numbers, or n rows of
 * nOut numbers), flat row-major arrays or arrays of rows, split into training and test rows by
 * `splitIndices(n, testFraction, seed)` (default: everything is training data) or by a given `split`.
 */
export function datasetFromArrays(
  input: Float64Array | readonly (readonly number[])[],
  label: Float64Array | readonly number[] | readonly (readonly number[])[],
  options: DatasetFromArraysOptions = {},
): Dataset {
  rejectUnknownKeys("datasetFromArrays", options, ["nIn", "testFraction", "seed", "split"]);
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
  const { train, test } =
    options.split !== undefined
      ? givenSplit(options.split, n, options)
      : splitIndices(n, options.testFraction ?? 0, options.seed ?? 0);
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

/** Checks a given split of n rows (see `DatasetFromArraysOptions.split`). */
function givenSplit(
  split: { train: readonly number[]; test: readonly number[] },
  n: number,
  options: DatasetFromArraysOptions,
): { train: number[]; test: number[] } {
  if (options.testFraction !== undefined || options.seed !== undefined)
    throw new Error("datasetFromArrays: give either split or testFraction/seed, not both");
  if (
    typeof split !== "object" ||
    split === null ||
    !Array.isArray(split.train) ||
    !Array.isArray(split.test)
  )
    throw new Error(
      `datasetFromArrays: split must be { train: number[], test: number[] }, got ${describe(split)}`,
    );
  if (split.train.length === 0) throw new Error("datasetFromArrays: split.train lists no rows");
  const seen = new Set<number>();
  for (const part of ["train", "test"] as const) {
    split[part].forEach((r, i) => {
      requireInteger(`datasetFromArrays: split.${part}[${i}]`, r, 0, n - 1);
      if (seen.has(r))
        throw new Error(`datasetFromArrays: row ${r} appears twice in split (split.${part}[${i}])`);
      seen.add(r);
    });
  }
  return { train: split.train.slice(), test: split.test.slice() };
}

/** Throws unless `d` is a well-formed data set (sizes, array lengths, finite values), naming the bad entry. */
export function checkDataset(d: Dataset): void {
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
