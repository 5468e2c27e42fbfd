/** RegressionProblem: scalers, minibatches, metrics, validation. */
import { describe, expect, it } from "vitest";
import { KAN } from "../../src/model/kan.js";
import { mseLoss } from "../../src/model/losses.js";
import { createDataset, type Dataset } from "../../src/problems/dataset.js";
import { RegressionProblem } from "../../src/problems/regression.js";

function sample(): Dataset {
  return createDataset((p) => [10 + 5 * p[0] * p[1], -3 * p[0]], {
    nVar: 2,
    ranges: [
      [2, 6],
      [-1, 3],
    ],
    trainNum: 200,
    testNum: 80,
    seed: 1,
  });
}

describe("scalers", () => {
  it("min-max scaling maps the training columns exactly onto the range", () => {
    const d = sample();
    const p = new RegressionProblem(d, {
      inputScaling: "minmax",
      inputRange: [-1, 1],
      targetScaling: "minmax",
    });
    for (let col = 0; col < 2; col++) {
      const xs = Array.from({ length: d.trainNum }, (_, s) => p.trainInput[2 * s + col]);
      expect(Math.min(...xs)).toBeCloseTo(-1, 14);
      expect(Math.max(...xs)).toBeCloseTo(1, 14);
      const ts = Array.from({ length: d.trainNum }, (_, s) => p.trainLabel[2 * s + col]);
      expect(Math.min(...ts)).toBeCloseTo(0, 14);
      expect(Math.max(...ts)).toBeCloseTo(1, 14);
    }
  });

  it("round trip: predict in the user's units equals the network on scaled inputs, unscaled", () => {
    const d = sample();
    const p = new RegressionProblem(d, {
      inputScaling: "minmax",
      inputRange: [-1, 1],
      targetScaling: "standard",
    });
    const model = new KAN({ width: [2, 3, 2], grid: 4, seed: 2 });
    model.scalers = structuredClone(p.scalers);
    const pred = model.predict(d.testInput);
    const raw = model.forward(p.testInput, d.testNum);
    const out = p.scalers.output!;
    for (let i = 0; i < raw.length; i++) {
      const o = i % 2;
      expect(pred[i]).toBeCloseTo(raw[i] * out.scale[o] + out.shift[o], 12);
    }
    // The scaled targets map back to the user's.
    for (let i = 0; i < d.testLabel.length; i++)
      expect(p.testLabel[i] * out.scale[i % 2] + out.shift[i % 2]).toBeCloseTo(d.testLabel[i], 12);
  });
});

describe("RegressionProblem", () => {
  it("loss is the MSE in scaled units; metrics in scaled or original units", () => {
    const d = sample();
    const scaled = new RegressionProblem(d, { targetScaling: "minmax" });
    const original = new RegressionProblem(d, {
      targetScaling: "minmax",
      metricUnits: "original",
      testLabel: "val",
    });
    const model = new KAN({ width: [2, 2], grid: 3, seed: 4, domain: [-1, 6] });
    const g = new Float64Array(model.paramCount);
    const loss = scaled.lossAndGradient(model, g);
    const ref = new Float64Array(model.paramCount);
    expect(loss).toBe(
      model.gradient(scaled.trainInput, d.trainNum, mseLoss(scaled.trainLabel, d.trainNum, 2), ref),
    );
    expect(Array.from(g)).toEqual(Array.from(ref));
    const ms = scaled.metrics(model);
    expect(ms.trainMse).toBeCloseTo(loss, 14);
    expect(ms.trainRmse).toBeCloseTo(Math.sqrt(loss), 14);
    expect(Object.keys(ms).sort()).toEqual(["testMse", "testRmse", "trainMse", "trainRmse"]);
    const mo = original.metrics(model);
    expect(Object.keys(mo).sort()).toEqual(["trainMse", "trainRmse", "valMse", "valRmse"]);
    // Per output, squared errors scale with scale^2.
    const sc = scaled.scalers.output!.scale;
    const y = model.forward(scaled.testInput, d.testNum);
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += (y[i] - scaled.testLabel[i]) ** 2 * sc[i % 2] ** 2;
    expect(mo.valMse).toBeCloseTo(sum / y.length, 10);
  });

  it("draws a seeded minibatch per step, a function of (seed, step) alone, without replacement", () => {
    const d = sample();
    const model = new KAN({ width: [2, 2], grid: 3, seed: 4, domain: [-1, 6] });
    const g = new Float64Array(model.paramCount);
    const a = new RegressionProblem(d, { batchSize: 32, seed: 9 });
    const b = new RegressionProblem(d, { batchSize: 32, seed: 9 });
    const c = new RegressionProblem(d, { batchSize: 32, seed: 10 });
    expect(a.minibatch).toBe(true);
    for (let s = 0; s < 6; s++) a.beginStep(s);
    b.beginStep(5);
    const la = a.lossAndGradient(model, g);
    expect(b.lossAndGradient(model, g)).toBe(la);
    c.beginStep(5);
    expect(c.lossAndGradient(model, g)).not.toBe(la);
    b.beginStep(6);
    expect(b.lossAndGradient(model, g)).not.toBe(la);
    // Without replacement: a batch of the whole set minus one has the full-batch loss up to one point.
    const nearlyAll = new RegressionProblem(d, { batchSize: d.trainNum - 1, seed: 1 });
    const full = new RegressionProblem(d, {});
    nearlyAll.beginStep(3);
    const total = full.lossAndGradient(model, g) * d.trainNum;
    const part = nearlyAll.lossAndGradient(model, g) * (d.trainNum - 1);
    const y = model.forward(full.trainInput, d.trainNum);
    const perPoint = Array.from(
      { length: d.trainNum },
      (_, s) =>
        ((y[2 * s] - full.trainLabel[2 * s]) ** 2 + (y[2 * s + 1] - full.trainLabel[2 * s + 1]) ** 2) / 2,
    );
    const missing = total - part;
    expect(perPoint.some((v) => Math.abs(v - missing) < 1e-9 * total)).toBe(true);
    // A batch at least as large as the training set is full batch.
    expect(new RegressionProblem(d, { batchSize: 10_000 }).minibatch).toBe(false);
  });

  it("validates data and options", () => {
    const d = sample();
    const bad = { ...d, trainInput: Float64Array.from(d.trainInput) };
    bad.trainInput[7] = Number.POSITIVE_INFINITY;
    expect(() => new RegressionProblem(bad)).toThrow(
      /trainInput\[7\] \(row 3, column 1\) must be finite, got Infinity/,
    );
    expect(() => new RegressionProblem({ ...d, trainLabel: new Float64Array(3) })).toThrow(
      /trainLabel has length 3, expected 400/,
    );
    expect(() => new RegressionProblem(d, { targetScaling: "max" as never })).toThrow(
      /targetScaling must be/,
    );
    expect(() => new RegressionProblem(d, { batch: 3 } as never)).toThrow(/unknown option "batch"/);
    expect(() => new RegressionProblem(d, { batchSize: 0 })).toThrow(
      /batchSize must be an integer >= 1, got 0/,
    );
    const model = new KAN({ width: [3, 1] });
    expect(() => new RegressionProblem(d).metrics(model)).toThrow(/model has 3 inputs/);
  });
});
