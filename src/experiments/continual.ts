/**
 * Continual learning (KAN paper arXiv 2404.19756, Fig. 3.4; pykan's Example 8): a 1D
 * target with five Gaussian peaks, y = sum_c exp(-300 (x - c)^2), c = -0.8, -0.4, 0, 0.4, 0.8; the data
 * come in five phases, phase p showing only the 100 samples of region p ([c_p - 0.2, c_p + 0.2]). A KAN
 * [1,1] with G = 200 cubic splines (no base term, as pykan's `base_fun='zero'`) and an MLP are trained
 * for `steps` L-BFGS steps per phase on the current region only. Splines are local, so the KAN's fit of
 * earlier regions stays; the MLP's weights are global, so learning a new region overwrites the old
 * ones (catastrophic forgetting). After every phase the report records each region's RMSE (on a dense
 * grid of the region) and the predictions over [-1, 1] for the plots.
 */
import { KAN } from "../model/kan.js";
import { MLP } from "../model/mlp.js";
import type { Network } from "../model/network.js";
import type { OptimizerSpec } from "../optim/factory.js";
import type { Dataset } from "../problems/dataset.js";
import { RegressionProblem } from "../problems/regression.js";
import { type EnvInfo, type ExperimentResult, type ResultRow, summarize } from "../report/result.js";
import type { TrainProgress } from "../train/trainer.js";
import { fit as fitModel } from "../train/trainer.js";

/** Settings of `runContinual` (recorded in the result JSON). */
export interface ContinualSettings {
  /** Peak centres (one region each), presented in this order. */
  centers: number[];
  /** Half-width of each region. */
  halfWidth: number;
  /** Training samples per region (evenly spaced, as pykan's example). */
  perRegion: number;
  /** Points of the dense evaluation grid over [-1, 1]. */
  gridPoints: number;
  /** Peak sharpness: y = sum exp(-sharpness (x - c)^2). */
  sharpness: number;
  /** KAN grid size and initial coefficient scale (pykan: G = 200, noise_scale 0.1 / G). */
  kanGrid: number;
  kanInitStd: number;
  /** MLP widths and activation. */
  mlpWidth: number[];
  mlpActivation: "tanh" | "silu" | "relu" | "sigmoid";
  /** Optimizer steps per phase, and the optimizer (both models). */
  steps: number;
  optimizer: OptimizerSpec;
  seed: number;
  quick: boolean;
}

/** The paper's / pykan's settings (100 steps per phase), or a quick smoke budget (20). */
export function continualSettings(quick = false): ContinualSettings {
  return {
    centers: [-0.8, -0.4, 0, 0.4, 0.8],
    halfWidth: 0.2,
    perRegion: 100,
    gridPoints: 1001,
    sharpness: 300,
    kanGrid: 200,
    kanInitStd: 1e-3,
    mlpWidth: [1, 32, 32, 1],
    mlpActivation: "tanh",
    steps: quick ? 20 : 100,
    optimizer: { type: "lbfgs", preset: "pykan" },
    seed: 0,
    quick,
  };
}

/** The target function. */
export function peaks(s: ContinualSettings, x: number): number {
  let y = 0;
  for (const c of s.centers) y += Math.exp(-s.sharpness * (x - c) ** 2);
  return y;
}

/** Predictions of every model after every phase, for the plots. */
export interface ContinualCurves {
  x: number[];
  truth: number[];
  /** Samples of each phase. */
  samples: { x: number[]; y: number[] }[];
  /** model label -> phase -> predictions on x. */
  predictions: Record<string, number[][]>;
}

/** Environment record and progress callback of `runContinual`. */
export interface ContinualHooks {
  env: EnvInfo;
  onProgress?: (p: TrainProgress & { model: string; phase: number }) => void;
}

function regionData(s: ContinualSettings, r: number): Dataset {
  const n = s.perRegion;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = s.centers[r] - s.halfWidth + (2 * s.halfWidth * i) / (n - 1);
    y[i] = peaks(s, x[i]);
  }
  return {
    nIn: 1,
    nOut: 1,
    trainNum: n,
    testNum: 0,
    trainInput: x,
    trainLabel: y,
    testInput: new Float64Array(0),
    testLabel: new Float64Array(0),
  };
}

/** RMSE of `model` on region r, on the dense grid points inside it. */
function regionRmse(s: ContinualSettings, xs: Float64Array, pred: Float64Array, r: number): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    if (Math.abs(xs[i] - s.centers[r]) > s.halfWidth + 1e-12) continue;
    sum += (pred[i] - peaks(s, xs[i])) ** 2;
    n++;
  }
  return Math.sqrt(sum / n);
}

/** Runs both models through the five phases. */
export function runContinual(
  s: ContinualSettings,
  hooks: ContinualHooks,
): { result: ExperimentResult; curves: ContinualCurves } {
  const t0 = performance.now();
  const xs = new Float64Array(s.gridPoints);
  for (let i = 0; i < xs.length; i++) xs[i] = -1 + (2 * i) / (xs.length - 1);
  const phases = s.centers.map((_, r) => regionData(s, r));
  const models: [string, Network][] = [
    [
      `KAN [1,1] G=${s.kanGrid}`,
      new KAN({ width: [1, 1], grid: s.kanGrid, k: 3, seed: s.seed, initStd: s.kanInitStd }),
    ],
    [
      `MLP [${s.mlpWidth.join(",")}] ${s.mlpActivation}`,
      new MLP({ width: s.mlpWidth, activation: s.mlpActivation, seed: s.seed }),
    ],
  ];
  const rows: ResultRow[] = [];
  const curves: ContinualCurves = {
    x: Array.from(xs),
    truth: Array.from(xs, (x) => peaks(s, x)),
    samples: phases.map((d) => ({ x: Array.from(d.trainInput), y: Array.from(d.trainLabel) })),
    predictions: {},
  };
  for (const [label, model] of models) {
    curves.predictions[label] = [];
    /** RMSE of region r right after its own phase. */
    const learned: number[] = [];
    for (let p = 0; p < phases.length; p++) {
      const t = performance.now();
      const problem = new RegressionProblem(phases[p], { name: `region ${p + 1}` });
      const res = fitModel(model, problem, {
        optimizer: s.optimizer,
        steps: s.steps,
        metricsEvery: 0,
        onProgress: hooks.onProgress
          ? (q) => hooks.onProgress?.({ ...q, model: label, phase: p })
          : undefined,
      });
      if (res.status !== "completed") throw new Error(`continual: ${label}, phase ${p + 1}: ${res.message}`);
      const pred = model.forward(xs, xs.length);
      curves.predictions[label].push(Array.from(pred));
      const metrics: ResultRow["metrics"] = {};
      let earlier = 0;
      for (let r = 0; r < phases.length; r++) {
        const e = regionRmse(s, xs, pred, r);
        metrics[`rmseRegion${r + 1}`] = summarize([e]);
        if (r < p) earlier += e;
      }
      learned.push(metrics[`rmseRegion${p + 1}`].mean);
      if (p > 0) metrics.rmseEarlier = summarize([earlier / p]);
      if (p === phases.length - 1) {
        // How much each earlier region got worse from right after its phase to the end.
        let worst = 0;
        for (let r = 0; r < p; r++) worst = Math.max(worst, metrics[`rmseRegion${r + 1}`].mean - learned[r]);
        metrics.forgetting = summarize([worst]);
      }
      rows.push({
        model: label,
        basis: label.startsWith("KAN") ? "spline" : "",
        fidelity: `after phase ${p + 1}`,
        params: model.paramCount,
        wallSeconds: (performance.now() - t) / 1000,
        metrics,
      });
    }
  }
  return {
    result: {
      experiment: "continual",
      settings: { ...s, target: `sum_c exp(-${s.sharpness} (x - c)^2)` },
      env: hooks.env,
      wallSeconds: (performance.now() - t0) / 1000,
      rows,
    },
    curves,
  };
}
