/**
 * pykan's hello-KAN interpretability workflow (its tutorial, seed ../shared/seeds/003): f(x, y) =
 * exp(sin(pi x) + y^2) on [-1, 1]^2 (1000 + 1000 points), a [2, 5, 1] KAN (grid 5, cubic) trained with
 * the sparsity regulariser (lamb 0.01, lambEntropy 10), pruned, retrained, every edge snapped to a library
 * function (autoSymbolic, pykan's library of the tutorial), the symbolic model's affine parameters
 * retrained, and the network read off as a formula. Each stage's model is handed to `onStage` (the CLI
 * draws the network after each one). Targets (issue 15): formula exp(sin(pi x) + y^2) up to rounded
 * constants, symbolic test RMSE <= 1e-6.
 */
import { KAN } from "../model/kan.js";
import type { Network } from "../model/network.js";
import type { OptimizerSpec } from "../optim/index.js";
import { createDataset, type Dataset } from "../problems/dataset.js";
import { RegressionProblem } from "../problems/regression.js";
import { autoSymbolic, type EdgeChoice } from "../symbolic/auto.js";
import { type SymbolicFormula, symbolicFormula } from "../symbolic/formula.js";
// Aliased: Biome's noFocusedTests rule reads a call `fit(...)` as a focused test.
import { fit as fitModel } from "../train/trainer.js";

/** Settings of the hello-kan workflow (pykan's hello-KAN tutorial: sparse training, pruning, retraining, symbolic fit). */
export interface HelloKanWorkflowSettings {
  seed: number;
  trainNum: number;
  testNum: number;
  width: number[];
  grid: number;
  /** L-BFGS steps of each training stage (sparse, retrain, symbolic). */
  steps: number;
  lamb: number;
  lambEntropy: number;
  /** Node and edge threshold of the pruning (pykan's default 1e-2). */
  pruneThreshold: number;
  /** Candidate functions of autoSymbolic (pykan tutorial's list). */
  lib: string[];
  optimizer: OptimizerSpec;
}

/** The tutorial's settings; `quick` keeps everything (the run takes seconds) but fewer test points. */
export function helloKanWorkflowSettings(quick = false): HelloKanWorkflowSettings {
  return {
    seed: 0,
    trainNum: 1000,
    testNum: quick ? 200 : 1000,
    width: [2, 5, 1],
    grid: 5,
    steps: 50,
    lamb: 0.01,
    lambEntropy: 10,
    pruneThreshold: 1e-2,
    lib: ["x", "x^2", "x^3", "x^4", "exp", "log", "sqrt", "tanh", "sin", "abs"],
    optimizer: { type: "lbfgs", preset: "pykan", lr: 1 },
  };
}

/** The target function of the tutorial. */
export function helloKanTarget(p: readonly number[]): number {
  return Math.exp(Math.sin(Math.PI * p[0]) + p[1] * p[1]);
}

/** One stage of the workflow: its model (a snapshot) and its errors. */
export interface WorkflowStage {
  /** "sparse", "pruned", "retrained", "auto-symbolic", "symbolic". */
  name: string;
  model: Network;
  /** Layer widths, e.g. [2, 1, 1] after pruning. */
  widths: number[];
  params: number;
  trainRmse: number;
  testRmse: number;
  wallSeconds: number;
}

/** Everything the hello-kan workflow measured: settings, data, per-stage losses, chosen symbolic edges, formula. */
export interface HelloKanWorkflowResult {
  settings: HelloKanWorkflowSettings;
  data: Dataset;
  stages: WorkflowStage[];
  /** What autoSymbolic chose per edge (with R^2). */
  edges: EdgeChoice[];
  formula: SymbolicFormula;
  wallSeconds: number;
}

function rmse(model: Network, x: Float64Array, y: Float64Array): number {
  const p = model.predict(x);
  let acc = 0;
  for (let i = 0; i < y.length; i++) acc += (p[i] - y[i]) ** 2;
  return Math.sqrt(acc / y.length);
}

function widths(model: Network): number[] {
  const s = model.splineLayers;
  return [s[0].nIn, ...s.map((l) => l.nOut)];
}

/** Runs the workflow (see the module comment). */
export function runHelloKanWorkflow(
  settings: HelloKanWorkflowSettings = helloKanWorkflowSettings(),
  onStage?: (stage: WorkflowStage) => void,
): HelloKanWorkflowResult {
  const s = settings;
  const t0 = performance.now();
  const data = createDataset(helloKanTarget, {
    nVar: 2,
    trainNum: s.trainNum,
    testNum: s.testNum,
    seed: s.seed,
  });
  const problem = new RegressionProblem(data);
  const stages: WorkflowStage[] = [];
  let tStage = performance.now();
  const record = (name: string, model: Network) => {
    const now = performance.now();
    const stage: WorkflowStage = {
      name,
      model: model.clone(),
      widths: widths(model),
      params: model.paramCount,
      trainRmse: rmse(model, data.trainInput, data.trainLabel),
      testRmse: rmse(model, data.testInput, data.testLabel),
      wallSeconds: (now - tStage) / 1000,
    };
    stages.push(stage);
    onStage?.(stage);
    tStage = performance.now();
  };
  const train = (model: Network, sparse: boolean) => {
    const r = fitModel(model, problem, {
      steps: s.steps,
      optimizer: s.optimizer,
      ...(sparse ? { lamb: s.lamb, lambEntropy: s.lambEntropy } : {}),
    });
    if (r.status !== "completed") throw new Error(`hello-kan workflow: training diverged: ${r.message}`);
  };
  let model = new KAN({ width: s.width, grid: s.grid, k: 3, seed: s.seed });
  train(model, true);
  record("sparse", model);
  model = model.prune({ x: data.trainInput, threshold: s.pruneThreshold });
  record("pruned", model);
  train(model, false);
  record("retrained", model);
  const auto = autoSymbolic(model, data.trainInput, data.trainNum, { lib: s.lib });
  const sym = auto.model;
  record("auto-symbolic", sym);
  train(sym, false);
  record("symbolic", sym);
  const formula = symbolicFormula(sym, { names: ["x", "y"] });
  return {
    settings: s,
    data,
    stages,
    edges: auto.edges,
    formula,
    wallSeconds: (performance.now() - t0) / 1000,
  };
}
