/**
 * `RegressionProblem`: the `Problem` of fitting a network to (input, target) pairs (a `Dataset`,
 * problems/dataset.ts) by mean squared error, full batch or with a seeded minibatch per step.
 *
 * Units. A problem may rescale its inputs and targets with affine maps computed from the *training*
 * data (min-max onto an interval, or standardisation; model/scalers.ts). The loss is then the MSE in the
 * scaled units, and the maps are exposed as `scalers`, which `fit` and `trainMultilevel` store in the
 * model so that `model.predict` takes and returns the user's units. Metrics (trainMse, testMse,
 * trainRmse, testRmse) are reported in the scaled units by default (`metricUnits: "scaled"`, as the
 * paper reports its regression MSE on targets normalised to [0, 1]) or in the user's units
 * (`"original"`).
 */
import { mseLoss } from "../model/losses.js";
import type { BlockLoss, Network } from "../model/network.js";
import { applyScaler, fitScaler, type Scalers, type Scaling } from "../model/scalers.js";
import {
  describe,
  rejectUnknownKeys,
  requireDomain,
  requireFinite,
  requireInteger,
} from "../util/validate.js";
import { checkDataset, type Dataset } from "./dataset.js";
import { checkModelFits, type Problem } from "./problem.js";

/**
 * Re-exported for src/cli/train.ts, which imports them from here (owned by another change; switch it to
 * ./dataset.js and drop this line).
 */

/** Options of `RegressionProblem`: name, input and target scaling, minibatches, metric units. */
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
