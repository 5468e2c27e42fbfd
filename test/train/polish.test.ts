import { describe, expect, it } from "vitest";
import { KAN } from "../../src/model/kan.js";
import type { Network } from "../../src/model/network.js";
import { createDataset } from "../../src/problems/dataset.js";
import type { Problem } from "../../src/problems/problem.js";
import { RegressionProblem } from "../../src/problems/regression.js";
import { fit as fitModel, trainMultilevel } from "../../src/train/trainer.js";

function problemWithHooks(): { problem: Problem; begun: number[]; ended: number[] } {
  const data = createDataset((x) => Math.sin(3 * x[0]) * x[1], {
    nVar: 2,
    ranges: [-1, 1],
    trainNum: 200,
    testNum: 50,
    seed: 1,
  });
  const inner = new RegressionProblem(data);
  const begun: number[] = [];
  const ended: number[] = [];
  const problem: Problem = {
    name: "hooked",
    nIn: 2,
    nOut: 1,
    lossAndGradient: (m: Network, g: Float64Array) => inner.lossAndGradient(m, g),
    metrics: (m: Network) => inner.metrics(m),
    beginStep: (s) => begun.push(s),
    endStep: (_m, s) => ended.push(s),
  };
  return { problem, begun, ended };
}

describe("L-BFGS polish at the end of each level", () => {
  it("adds the polish steps to every level, skips the step hooks during them, and lowers the loss", () => {
    const { problem, begun, ended } = problemWithHooks();
    const res = trainMultilevel(new KAN({ width: [2, 3, 1], grid: 3, seed: 1 }), problem, {
      grids: [3, 6],
      steps: [20, 10],
      optimizer: { type: "adam", lr: 1e-2, warmup: { steps: 5, startLr: 1e-4 } },
      polish: { optimizer: { type: "lbfgs", preset: "pykan" }, steps: [3, 4] },
      metricsEvery: 0,
    });
    expect(res.status).toBe("completed");
    expect(res.history.levels.map((l) => l.steps)).toEqual([23, 14]);
    expect(res.history.loss.length).toBe(37);
    expect(res.history.loss.every(Number.isFinite)).toBe(true);
    // Hooks at global steps 0..19 (level 1 Adam) and 23..32 (level 2 Adam) only.
    const want = [
      ...Array.from({ length: 20 }, (_, i) => i),
      ...Array.from({ length: 10 }, (_, i) => 23 + i),
    ];
    expect(begun).toEqual(want);
    expect(ended).toEqual(want);
    // The polish (L-BFGS) steps use several evaluations each.
    expect(res.history.evaluations?.[21]).toBeGreaterThan(1);
    const lvl = res.history.levels[0];
    expect(res.history.loss[lvl.startStep + 22]).toBeLessThan(res.history.loss[lvl.startStep + 19]);
  });
  it("works with fit and validates its spec", () => {
    const { problem } = problemWithHooks();
    const m = new KAN({ width: [2, 3, 1], grid: 3, seed: 1 });
    const res = fitModel(m, problem, {
      steps: 5,
      optimizer: { type: "adam" },
      polish: { optimizer: { type: "lbfgs" }, steps: 2 },
    });
    expect(res.history.loss.length).toBe(7);
    expect(() =>
      fitModel(m, problem, {
        steps: 1,
        optimizer: { type: "adam" },
        polish: { optimizer: { type: "lbfgs" }, steps: [1, 2] },
      }),
    ).toThrow(/polish.steps lists 2 values for 1 levels/);
    expect(() =>
      fitModel(m, problem, {
        steps: 1,
        optimizer: { type: "adam" },
        polish: { optimizer: { type: "nope" }, steps: 1 },
      } as never),
    ).toThrow(/type must be/);
  });
});
