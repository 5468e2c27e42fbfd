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

  it("polishes in rounds with redrawEvery: new points between rounds and a fresh optimizer", () => {
    const lbfgs = { type: "lbfgs" as const, preset: "pykan" as const };
    const run = (polish: object, redraw?: (m: Network) => void) => {
      const { problem } = problemWithHooks();
      if (redraw) problem.redraw = redraw;
      return trainMultilevel(new KAN({ width: [2, 3, 1], grid: 3, seed: 1 }), problem, {
        grids: [3, 6],
        steps: [10, 10],
        optimizer: { type: "adam", lr: 1e-2 },
        polish: polish as never,
        metricsEvery: 0,
      });
    };
    const calls: number[] = [];
    const rounds = run({ optimizer: lbfgs, steps: [9, 9], redrawEvery: 4 }, (m) => {
      expect(m.params.every(Number.isFinite)).toBe(true);
      calls.push(m.paramCount);
    });
    const plain = run({ optimizer: lbfgs, steps: [9, 9] }, () => calls.push(-1));
    expect(rounds.status).toBe("completed");
    // Rounds of 4, 4 and 1 polish steps on each level: two redraws per level, each with that level's model.
    const [coarse, fine] = [calls[0], rounds.model.paramCount];
    expect(calls).toEqual([coarse, coarse, fine, fine]);
    expect(fine).toBeGreaterThan(coarse);
    // Up to the first redraw (polish step 5 of level 1) the runs agree bit for bit; from there on the
    // restarted L-BFGS (here on the same points: the redraw only records) takes another path.
    const first = 10 + 4;
    expect(rounds.history.loss.slice(0, first)).toEqual(plain.history.loss.slice(0, first));
    expect(rounds.history.loss.slice(first, first + 5)).not.toEqual(
      plain.history.loss.slice(first, first + 5),
    );
  });

  it("records a pending step's loss on the old points before a redraw", () => {
    // Adam as the polish optimizer leaves each step's loss pending until the next evaluation; the redraw
    // doubles the loss, so a loss resolved after it would be twice the one on the points it was taken on.
    const { problem } = problemWithHooks();
    const inner = problem.lossAndGradient;
    let factor = 1;
    const atRedraw: number[] = [];
    problem.lossAndGradient = (m, g) => {
      const f = inner(m, g);
      for (let i = 0; i < g.length; i++) g[i] *= factor;
      return factor * f;
    };
    problem.redraw = (m) => {
      atRedraw.push(problem.lossAndGradient(m, new Float64Array(m.paramCount)));
      factor *= 2;
    };
    const res = fitModel(new KAN({ width: [2, 3, 1], grid: 3, seed: 1 }), problem, {
      steps: 5,
      optimizer: { type: "adam", lr: 1e-2 },
      polish: { optimizer: { type: "adam", lr: 1e-3 }, steps: 6, redrawEvery: 3 },
      metricsEvery: 0,
    });
    expect(res.status).toBe("completed");
    expect(atRedraw).toHaveLength(1);
    // The step before the redraw is step 8 (index 7): its loss is the one on the old points.
    expect(res.history.loss[7]).toBe(atRedraw[0]);
    expect(res.history.loss.every(Number.isFinite)).toBe(true);
  });

  it("refuses redrawEvery for a problem that cannot redraw, and a bad count, naming the value", () => {
    const { problem } = problemWithHooks();
    const m = new KAN({ width: [2, 3, 1], grid: 3, seed: 1 });
    const opts = (redrawEvery: unknown) => ({
      steps: 1,
      optimizer: { type: "adam" as const },
      polish: { optimizer: { type: "lbfgs" as const }, steps: 2, redrawEvery } as never,
    });
    expect(() => fitModel(m, problem, opts(5))).toThrow(
      /polish.redrawEvery = 5 needs a problem that can draw new points .* "hooked" has none/,
    );
    problem.redraw = () => {};
    expect(() => fitModel(m, problem, opts(-1))).toThrow(/polish.redrawEvery/);
    expect(() => fitModel(m, problem, opts(1.5))).toThrow(/polish.redrawEvery/);
    expect(fitModel(m, problem, opts(0)).status).toBe("completed");
  });
});
