import { describe, expect, it } from "vitest";
import { KAN } from "../../src/model/kan.js";
import { MLP } from "../../src/model/mlp.js";
import { Network } from "../../src/model/network.js";
import { edgeScores, SparsityRegularizer } from "../../src/model/sparsity.js";
import { createDataset } from "../../src/problems/dataset.js";
import { RegressionProblem } from "../../src/problems/regression.js";
import { applyA } from "../../src/spline/change-of-basis.js";
import { withSparsity } from "../../src/train/sparsity.js";
import { fit as fitModel } from "../../src/train/trainer.js";
import { Rng } from "../../src/util/random.js";
import { gradientError } from "../helpers/gradcheck.js";

const W = { lambL1: 0.7, lambEntropy: 2, lambCoef: 0.3, lambCoefDiff: 0.5 };

function inputs(n: number, nIn: number, seed: number, lo = -1, hi = 1): Float64Array {
  return new Rng(seed).fillUniform(new Float64Array(n * nIn), lo, hi);
}

function checkReg(model: Network, x: Float64Array, n: number, weights = W): number {
  const reg = new SparsityRegularizer(model, n, weights);
  const g = new Float64Array(model.paramCount);
  const scratch = new Float64Array(model.paramCount);
  const v = reg.valueAndGradient(x, g);
  expect(Number.isFinite(v)).toBe(true);
  const err = gradientError(g, model.params, () => reg.valueAndGradient(x, scratch));
  expect(err).toBeLessThan(1e-6);
  return v;
}

describe("sparsity regulariser: exact gradient against central differences", () => {
  it("KAN [2,3,2], spline basis: L1, entropy, coefficient and coefficient-difference terms", () => {
    const model = new KAN({ width: [2, 3, 2], grid: 4, seed: 1, initStd: 0.5 });
    checkReg(model, inputs(60, 2, 1), 60);
  });
  it("power-ReLU basis, pykan base term, and a normalisation layer between spline layers", () => {
    const spline = new KAN({ width: [2, 3, 1], grid: 5, seed: 5, initStd: 0.5 });
    const relu = spline.toBasis("relu");
    const x = inputs(50, 2, 2);
    // Finite differences in w are unreliable here (w = A^T u is large, so the relative steps move many u
    // across the kinks of |.|); the spline basis is checked by differences above, and the power-ReLU
    // gradient must be its image under the change of basis. All terms: the same value as in the spline basis, and grad_u = A grad_w (w = A^T u).
    const gu = new Float64Array(spline.paramCount);
    const gw = new Float64Array(relu.paramCount);
    const vu = new SparsityRegularizer(spline, 50, W).valueAndGradient(x, gu);
    const vw = new SparsityRegularizer(relu, 50, W).valueAndGradient(x, gw);
    expect(Math.abs(vu - vw)).toBeLessThan(1e-9 * Math.abs(vu));
    for (const layer of relu.splineLayers) {
      const A = layer.A as NonNullable<typeof layer.A>;
      const N = layer.nBasis;
      const Q = layer.nOut;
      const out = new Float64Array(relu.paramCount);
      for (let p = 0; p < layer.nIn; p++)
        for (let q = 0; q < Q; q++)
          applyA(A, gw, layer.offset + p * N * Q + q, Q, out, layer.offset + p * N * Q + q, Q);
      for (let k = layer.offset; k < layer.offset + layer.paramCount; k++)
        expect(Math.abs(out[k] - gu[k])).toBeLessThan(1e-8 * Math.max(1, Math.abs(gu[k])));
    }
    checkReg(new KAN({ width: [2, 3, 1], grid: 3, base: true, seed: 3, initStd: 0.5 }), inputs(50, 2, 3), 50);
    checkReg(
      new KAN({ width: [3, 2, 2], grid: 4, normalize: "tanh", seed: 4, initStd: 0.5 }),
      inputs(70, 3, 4, -1.3, 1.3),
      70,
    );
  });
  it("each term alone (L1 only, entropy only, coefficient terms only), and quadratic splines", () => {
    const model = new KAN({ width: [2, 2, 1], grid: 3, k: 2, seed: 5, initStd: 0.5 });
    const x = inputs(40, 2, 5);
    checkReg(model, x, 40, { lambL1: 1, lambEntropy: 0, lambCoef: 0, lambCoefDiff: 0 });
    checkReg(model, x, 40, { lambL1: 0, lambEntropy: 1, lambCoef: 0, lambCoefDiff: 0 });
    checkReg(model, x, 40, { lambL1: 0, lambEntropy: 0, lambCoef: 1, lambCoefDiff: 1 });
  });
  it("the value is the formula: L1 = sum of mean |phi|, entropy of the normalised scores", () => {
    const model = new KAN({ width: [1, 2, 1], grid: 3, seed: 6, initStd: 0.5 });
    const n = 30;
    const x = inputs(n, 1, 6);
    const reg = new SparsityRegularizer(model, n, { lambL1: 1, lambEntropy: 1 });
    const v = reg.valueAndGradient(x, new Float64Array(model.paramCount));
    // Independent: per-edge activations from single-edge networks evaluated with forward().
    const scores = edgeScores(model, x);
    let expected = 0;
    for (const ls of scores) {
      const flat = ls.scores.flat();
      const T = flat.reduce((a, b) => a + b, 0);
      expected += T - flat.reduce((acc, a) => acc + (a / T) * Math.log2(a / T + 1e-4), 0);
    }
    expect(Math.abs(v - expected)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v)));
    // Layer 0 edge scores against a one-layer network with the same coefficients.
    const first = new Network({
      layers: [model.layers[0].toSpec()],
      params: model.params.subarray(0, model.layers[0].paramCount),
    });
    const y = first.forward(x, n);
    for (let q = 0; q < 2; q++) {
      let m = 0;
      for (let s = 0; s < n; s++) m += Math.abs(y[s * 2 + q]) / n;
      expect(Math.abs(scores[0].scores[0][q] - m)).toBeLessThan(1e-13);
    }
  });
  it("fit's regularised loss (data + lamb reg) has the exact gradient; unknown or bad options are rejected", () => {
    const data = createDataset((p) => Math.exp(Math.sin(Math.PI * p[0]) + p[1] ** 2), {
      nVar: 2,
      ranges: [-1, 1],
      trainNum: 80,
      testNum: 10,
      seed: 0,
    });
    const problem = new RegressionProblem(data, { targetScaling: "minmax" });
    const model = new KAN({ width: [2, 3, 1], grid: 4, seed: 7, initStd: 0.5 });
    const p = withSparsity(problem, { lamb: 0.01, lambEntropy: 10 }, "fit");
    const g = new Float64Array(model.paramCount);
    p.lossAndGradient(model, g);
    const scratch = new Float64Array(model.paramCount);
    expect(gradientError(g, model.params, () => p.lossAndGradient(model, scratch))).toBeLessThan(1e-6);
    expect(() =>
      fitModel(model, problem, { optimizer: { type: "adam" }, steps: 1, lamb: 0.1, lambEntropi: 1 } as never),
    ).toThrow(/unknown option "lambEntropi"/);
    expect(() => fitModel(model, problem, { optimizer: { type: "adam" }, steps: 1, lamb: -1 })).toThrow(
      /lamb must be >= 0/,
    );
    expect(() =>
      fitModel(model, problem, { optimizer: { type: "adam" }, steps: 1, lamb: 1, lambL1: Number.NaN }),
    ).toThrow(/lambL1 must be a finite number/);
    expect(() => new SparsityRegularizer(new MLP({ width: [2, 3, 1] }), 10)).toThrow(/spline layers/);
  });
  it("training with lamb makes the network sparser than without", () => {
    const data = createDataset((p) => Math.exp(Math.sin(Math.PI * p[0]) + p[1] ** 2), {
      nVar: 2,
      ranges: [-1, 1],
      trainNum: 200,
      testNum: 10,
      seed: 1,
    });
    const problem = new RegressionProblem(data, { targetScaling: "minmax" });
    const sum = (m: Network) =>
      edgeScores(m, problem.trainInput)
        .flatMap((l) => l.scores.flat())
        .reduce((a, b) => a + b, 0);
    const plain = new KAN({ width: [2, 5, 1], grid: 5, seed: 0 });
    const sparse = plain.clone();
    fitModel(plain, problem, { optimizer: { type: "lbfgs", preset: "pykan" }, steps: 5 });
    const r = fitModel(sparse, problem, {
      optimizer: { type: "lbfgs", preset: "pykan" },
      steps: 5,
      lamb: 0.01,
      lambEntropy: 10,
    });
    expect(r.metrics.reg).toBeGreaterThan(0);
    expect(sum(sparse)).toBeLessThan(0.7 * sum(plain));
  });
});
