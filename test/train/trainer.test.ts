/** fit and trainMultilevel (the paper's Algorithm 1) on small regression problems. */
import { describe, expect, it } from "vitest";
import { normalize } from "../../src/layers/elementwise.js";
import { KAN } from "../../src/model/kan.js";
import { MLP } from "../../src/model/mlp.js";
import type { Network } from "../../src/model/network.js";
import { createDataset } from "../../src/problems/dataset.js";
import type { Problem } from "../../src/problems/problem.js";
import { RegressionProblem } from "../../src/problems/regression.js";
import { validateHistory } from "../../src/report/result.js";
// Aliased: Biome's noFocusedTests rule reads a call `fit(...)` as Jasmine's focused test.
import { fit as fitModel, type TrainProgress, trainMultilevel } from "../../src/train/trainer.js";

const LBFGS = { type: "lbfgs", preset: "torch", lr: 1 } as const;

function smallProblem(seed = 1, trainNum = 300) {
  const data = createDataset((p) => Math.sin(Math.PI * p[0]) + p[1] * p[1], {
    nVar: 2,
    ranges: [0, 1],
    trainNum,
    testNum: 100,
    seed,
  });
  return new RegressionProblem(data, { targetScaling: "minmax" });
}

/** The paper's regression architecture in small: Linear(2->3) -> sigmoid -> cubic spline(3->1). */
function paperLike(grid: number, seed: number): KAN {
  return new KAN({
    layers: [
      { type: "linear", nIn: 2, nOut: 3, bias: true },
      normalize("sigmoid", 3, [0, 1]).toSpec(),
      { type: "spline", nIn: 3, nOut: 1, order: 4, grid, domain: [0, 1], basis: "spline" },
    ],
    seed,
  });
}

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe("trainMultilevel", () => {
  it("keeps the loss across every exact refinement (spline basis, relative 1e-12)", () => {
    const problem = smallProblem();
    for (const model of [
      paperLike(3, 7),
      new KAN({ width: [2, 3, 1], grid: 3, domain: [0, 1], normalize: "sigmoid", seed: 3 }),
    ]) {
      const r = trainMultilevel(model, problem, { grids: [3, 6, 12, 24], steps: 3, optimizer: LBFGS });
      expect(r.status).toBe("completed");
      expect(r.history.levels).toHaveLength(4);
      for (let k = 1; k < 4; k++) {
        const before = r.history.levels[k - 1].finalLoss!;
        const after = r.history.levels[k].initialLoss!;
        expect(Number.isFinite(before)).toBe(true);
        expect(relDiff(after, before)).toBeLessThanOrEqual(1e-12);
      }
    }
  });

  it("keeps the loss across refinement in the ReLU basis too (to its conditioning, 1e-8)", () => {
    const r = trainMultilevel(paperLike(3, 7).toBasis("relu"), smallProblem(), {
      grids: [3, 6, 12],
      steps: 3,
      optimizer: LBFGS,
    });
    expect(r.model.layers[2].toSpec()).toMatchObject({ basis: "relu", grid: 12 });
    for (let k = 1; k < 3; k++)
      expect(
        relDiff(r.history.levels[k].initialLoss!, r.history.levels[k - 1].finalLoss!),
      ).toBeLessThanOrEqual(1e-8);
  });

  it("ends below its own coarse level on a small regression problem", () => {
    const r = trainMultilevel(paperLike(3, 11), smallProblem(2), {
      grids: [3, 6, 12],
      steps: [8, 4, 4],
      optimizer: LBFGS,
    });
    const levels = r.history.levels;
    expect(levels[2].finalLoss!).toBeLessThan(levels[0].finalLoss!);
    expect(r.metrics.trainMse).toBeLessThan(levels[0].finalLoss!);
  });

  it("records per-step loss, metrics every metricsEvery steps, wall time and level boundaries", () => {
    const problem = smallProblem();
    const model = paperLike(3, 5);
    const r = trainMultilevel(model, problem, {
      grids: [3, 6, 12],
      steps: [4, 3, 2],
      optimizer: LBFGS,
      metricsEvery: 3,
    });
    const h = r.history;
    expect(h.step).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(h.loss.every(Number.isFinite)).toBe(true);
    expect(h.evaluations).toHaveLength(9);
    expect(h.evaluations!.every((e) => e >= 1 && e <= 25 + 26)).toBe(true);
    expect(r.evaluations).toBeGreaterThanOrEqual(h.evaluations!.reduce((a, b) => a + b, 0));
    for (let i = 1; i < 9; i++) expect(h.wallSeconds[i]).toBeGreaterThanOrEqual(h.wallSeconds[i - 1]);
    expect(h.levels.map((l) => [l.grid, l.startStep, l.params, l.steps])).toEqual([
      [3, 0, 9 + 3 * 6, 4],
      [6, 4, 9 + 3 * 9, 3],
      [12, 7, 9 + 3 * 15, 2],
    ]);
    // Metrics at steps 3, 6, 9 and at the ends of levels (steps 4, 7, 9); NaN elsewhere.
    const evaluated = h.metrics.trainMse.map((v, i) => (Number.isNaN(v) ? 0 : h.step[i]));
    expect(evaluated.filter((s) => s > 0)).toEqual([3, 4, 6, 7, 9]);
    expect(Object.keys(h.metrics).sort()).toEqual(["testMse", "testRmse", "trainMse", "trainRmse"]);
    // The last record's metrics are the returned model's.
    expect(h.metrics.trainMse[8]).toBe(r.metrics.trainMse);
    expect(r.metrics.trainMse).toBeCloseTo(h.loss[8], 14);
    // The history is a valid report history (JSON round trip included).
    expect(() => validateHistory(JSON.parse(JSON.stringify(h)))).not.toThrow();
    // The model passed in holds the first level's result; the returned one is the finest.
    expect(model.grids).toEqual([3]);
    expect(r.model.grids).toEqual([12]);
    expect(r.seconds).toBeGreaterThan(0);
  });

  it("reports progress after every step", () => {
    const seen: TrainProgress[] = [];
    const levels: number[] = [];
    const r = trainMultilevel(paperLike(3, 5), smallProblem(), {
      grids: [3, 6],
      steps: [3, 2],
      optimizer: LBFGS,
      onProgress: (p) => seen.push(p),
      onLevel: (e) => {
        levels.push(e.level);
        expect(e.metrics.trainMse).toBeGreaterThan(0);
        expect(e.model.grids).toEqual([[3], [6]][e.level]);
      },
    });
    expect(seen.map((p) => [p.level, p.step, p.levelStep, p.levelSteps])).toEqual([
      [0, 1, 1, 3],
      [0, 2, 2, 3],
      [0, 3, 3, 3],
      [1, 4, 1, 2],
      [1, 5, 2, 2],
    ]);
    expect(seen.map((p) => p.loss)).toEqual(r.history.loss);
    expect(seen.every((p) => p.totalSteps === 5 && p.levels === 2)).toBe(true);
    expect(seen.map((p) => p.grid)).toEqual([3, 3, 3, 6, 6]);
    expect(levels).toEqual([0, 1]);
  });

  it("is deterministic: the same seed gives the same bits", () => {
    const run = () =>
      trainMultilevel(paperLike(3, 9), smallProblem(4), { grids: [3, 6], steps: [3, 2], optimizer: LBFGS });
    const a = run();
    const b = run();
    expect(Array.from(a.model.params)).toEqual(Array.from(b.model.params));
    expect(a.history.loss).toEqual(b.history.loss);
  });

  it("stores the problem's scalers in the model so predict works in the user's units", () => {
    const data = createDataset((p) => 100 + 50 * p[0], { nVar: 1, ranges: [2, 4], trainNum: 50, testNum: 0 });
    const problem = new RegressionProblem(data, {
      inputScaling: "minmax",
      inputRange: [-1, 1],
      targetScaling: "minmax",
    });
    const r = trainMultilevel(new KAN({ width: [1, 1], grid: 2, seed: 1 }), problem, {
      grids: [2, 4],
      steps: 20,
      optimizer: LBFGS,
    });
    expect(r.model.scalers).toEqual(problem.scalers);
    const y = r.model.predict([[3], [2.5]]);
    expect(y[0][0]).toBeCloseTo(250, 2);
    expect(y[1][0]).toBeCloseTo(225, 2);
  });

  it("validates its options", () => {
    const p = smallProblem();
    expect(() =>
      trainMultilevel(paperLike(3, 1), p, { grids: [3, 6], steps: [1, 2, 3], optimizer: LBFGS }),
    ).toThrow(/steps lists 3 values for 2 levels/);
    expect(() => trainMultilevel(paperLike(3, 1), p, { grids: [3, 4], steps: 1, optimizer: LBFGS })).toThrow(
      /nest/,
    );
    expect(() => trainMultilevel(paperLike(3, 1), p, { grids: [], steps: 1, optimizer: LBFGS })).toThrow(
      /grids/,
    );
    expect(() =>
      trainMultilevel(new MLP({ width: [2, 3, 1] }), p, { grids: [3], steps: 1, optimizer: LBFGS }),
    ).toThrow(/no spline layers/);
    expect(() =>
      trainMultilevel(paperLike(3, 1), p, { grids: [3], steps: 1, optimizer: { type: "sgd" } as never }),
    ).toThrow(/type must be/);
    expect(() => trainMultilevel(paperLike(3, 1), p, { grids: [3], steps: -1, optimizer: LBFGS })).toThrow(
      /steps\[0\] must be an integer >= 0, got -1/,
    );
    expect(() =>
      trainMultilevel(new KAN({ width: [3, 1] }), p, { grids: [3], steps: 1, optimizer: LBFGS }),
    ).toThrow(/model has 3 inputs/);
    expect(() =>
      trainMultilevel(paperLike(3, 1), p, {
        grids: [3],
        steps: 1,
        optimizer: LBFGS,
        metricEvery: 2,
      } as never),
    ).toThrow(/unknown option "metricEvery"/);
  });

  it("rejects grids that do not nest before training anything", () => {
    const p = smallProblem();
    let calls = 0;
    const counting: Problem = {
      name: "counting",
      nIn: 2,
      nOut: 1,
      lossAndGradient: (m, g) => {
        calls++;
        return p.lossAndGradient(m, g);
      },
      metrics: (m) => p.metrics(m),
    };
    expect(() =>
      trainMultilevel(paperLike(3, 1), counting, { grids: [3, 6, 9], steps: 2, optimizer: LBFGS }),
    ).toThrow(/grids\[2\] = 9 does not nest in the previous grid 6 of spline layer 0/);
    expect(() =>
      trainMultilevel(paperLike(4, 1), counting, { grids: [6, 12], steps: 2, optimizer: LBFGS }),
    ).toThrow(/grids\[0\] = 6 does not nest in the previous grid 4/);
    expect(calls).toBe(0);
  });

  it("refines a model that is not on the first grid yet (prolongated start)", () => {
    const m = paperLike(3, 2);
    const r = trainMultilevel(m, smallProblem(), { grids: [6, 12], steps: [1, 1], optimizer: LBFGS });
    expect(r.history.levels[0].grid).toBe(6);
    expect(
      relDiff(
        r.history.levels[0].initialLoss!,
        fitModel(m.clone(), smallProblem(), { optimizer: LBFGS, steps: 0 }).history.levels[0].initialLoss!,
      ),
    ).toBeLessThan(1e-12);
  });
});

describe("fit", () => {
  it("trains in place, one level, and works for models without spline layers", () => {
    const problem = smallProblem();
    const mlp = new MLP({ width: [2, 8, 1], activation: "relu", outputBias: false, seed: 3 });
    const r = fitModel(mlp, problem, { optimizer: LBFGS, steps: 5 });
    expect(r.model).toBe(mlp);
    expect(r.history.levels).toEqual([]);
    expect(r.history.step).toEqual([1, 2, 3, 4, 5]);
    expect(r.history.loss[4]).toBeLessThan(r.history.loss[0]);
    const kan = paperLike(4, 1);
    const k = fitModel(kan, problem, { optimizer: { type: "adam", lr: 1e-2 }, steps: 6, metricsEvery: 0 });
    expect(k.history.levels).toEqual([
      expect.objectContaining({ grid: 4, startStep: 0, params: kan.paramCount, steps: 6 }),
    ]);
    // Adam: the loss after step i is the next step's first evaluation (or the final one); it matches
    // the loss at the final parameters.
    expect(k.history.loss[5]).toBe(k.history.levels[0].finalLoss);
    expect(k.history.evaluations).toEqual([1, 1, 1, 1, 1, 1]);
    expect(k.evaluations).toBe(6 + 2);
    expect(Number.isNaN(k.history.metrics.trainMse[0])).toBe(true);
    expect(k.history.metrics.trainMse[5]).toBeCloseTo(k.history.loss[5], 14);
  });
});

/** ||p||^2 with a NaN once ||p|| exceeds 100 (to make gradient descent blow up on cue). */
class BlowUp implements Problem {
  readonly name = "blow-up";
  readonly nIn = 2;
  readonly nOut = 1;
  step = -1;
  constructor(private readonly infAfterStep = Number.POSITIVE_INFINITY) {}
  beginStep(step: number): void {
    this.step = step;
  }
  lossAndGradient(model: Network, grad: Float64Array): number {
    let f = 0;
    for (let i = 0; i < grad.length; i++) {
      f += model.params[i] ** 2;
      grad[i] = 2 * model.params[i];
    }
    if (this.step >= this.infAfterStep) return Number.POSITIVE_INFINITY;
    return f > 1e4 ? Number.NaN : f;
  }
  metrics(model: Network): Record<string, number> {
    return { norm: Math.hypot(...model.params) };
  }
}

describe("divergence", () => {
  it("stops at a non-finite loss and keeps the last finite parameters (huge learning rate)", () => {
    const model = paperLike(3, 1);
    const start = Array.from(model.params);
    const r = fitModel(model, smallProblem(), { optimizer: { type: "gd", lr: 1e300 }, steps: 10 });
    expect(r.status).toBe("diverged");
    expect(r.message).toMatch(/non-finite\) at step 1\b/);
    expect(r.message).toMatch(/loss is (NaN|Infinity)/);
    expect(r.history.step).toEqual([]);
    expect(Array.from(model.params)).toEqual(start);
    expect(Number.isFinite(r.metrics.trainMse)).toBe(true);
  });

  it("keeps the parameters of the last step with a finite loss (lagged loss of gradient descent)", () => {
    const model = paperLike(3, 1);
    model.params.fill(0);
    model.params[0] = 1;
    // p <- p - 1.5 * 2p = -2p: ||p|| = 2^k after step k, NaN from step 7 (128 > 100).
    const r = fitModel(model, new BlowUp(), { optimizer: { type: "gd", lr: 1.5 }, steps: 20 });
    expect(r.status).toBe("diverged");
    expect(r.message).toMatch(/loss is NaN \(non-finite\) at step 7/);
    expect(r.message).toMatch(/kept the last parameters with a finite loss \(step 6/);
    expect(r.history.step).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.history.loss).toEqual([4, 16, 64, 256, 1024, 4096]);
    expect(model.params[0]).toBe(64);
    expect(r.metrics.norm).toBe(64);
  });

  it("stops when L-BFGS meets an infinite loss and keeps the previous step's parameters", () => {
    const problem = smallProblem();
    const ref = paperLike(3, 4);
    fitModel(ref, problem, { optimizer: LBFGS, steps: 3 });
    // Same run, but every evaluation from step 4 on (0-based step 3) returns Infinity.
    const m = paperLike(3, 4);
    const blowUp: Problem = {
      name: "late blow-up",
      nIn: 2,
      nOut: 1,
      beginStep: (s) => {
        step = s;
      },
      lossAndGradient: (model, g) =>
        step >= 3 ? Number.POSITIVE_INFINITY : problem.lossAndGradient(model, g),
      metrics: (model) => problem.metrics(model),
    };
    let step = -1;
    const r = trainMultilevel(m, blowUp, { grids: [3, 6], steps: [5, 5], optimizer: LBFGS });
    expect(r.status).toBe("diverged");
    expect(r.message).toMatch(/Infinity \(non-finite\) at step 4 \(level 1 of 2, grid 3\)/);
    expect(r.history.step).toEqual([1, 2, 3]);
    expect(Array.from(r.model.params)).toEqual(Array.from(ref.params));
    expect(r.model.grids).toEqual([3]);
  });

  it("reports a non-finite initial loss", () => {
    const model = paperLike(3, 1);
    model.params.fill(0);
    model.params[0] = 1000;
    const r = fitModel(model, new BlowUp(), { optimizer: LBFGS, steps: 2 });
    expect(r.status).toBe("diverged");
    expect(r.message).toMatch(/loss at the start of training is NaN/);
  });
});

describe("divergence: finite blow-ups and non-finite gradients (issue 12, defect 4)", () => {
  it("stops a finite blow-up (Adam, lr 1e6) and restores the parameters with the lowest loss", () => {
    const problem = smallProblem();
    const model = paperLike(3, 2);
    const g = new Float64Array(model.paramCount);
    const start = problem.lossAndGradient(model, g);
    const r = fitModel(model, problem, { optimizer: { type: "adam", lr: 1e6 }, steps: 30 });
    expect(r.status).toBe("diverged");
    expect(r.message).toMatch(/blew up: the loss is .* at step \d+, over 10000 times the loss at the start/);
    const end = problem.lossAndGradient(model, g);
    expect(end).toBeLessThanOrEqual(start);
    expect(Math.max(...r.history.loss)).toBeGreaterThan(1e4 * start);
  });

  it("does not end 'completed' with NaN parameters when the loss is finite but the gradient is NaN", () => {
    // Loss sum_{i>=1} p_i^2 ignores p_0, whose gradient is NaN from step 3 on: the loss stays finite
    // while p_0 turns NaN.
    let step = -1;
    const nanGrad: Problem = {
      name: "NaN gradient of an unused parameter from step 3",
      nIn: 2,
      nOut: 1,
      beginStep: (s) => {
        step = s;
      },
      lossAndGradient: (m, g) => {
        let f = 0;
        for (let i = 1; i < g.length; i++) {
          f += m.params[i] ** 2;
          g[i] = 2 * m.params[i];
        }
        g[0] = step >= 2 ? Number.NaN : 0;
        return f;
      },
      metrics: () => ({}),
    };
    for (const optimizer of [{ type: "adam", lr: 1e-2 } as const, { type: "gd", lr: 0.1 } as const]) {
      const m = paperLike(3, 2);
      const r = fitModel(m, nanGrad, { optimizer, steps: 6 });
      expect(r.status).toBe("diverged");
      expect(r.message).toMatch(/parameters became non-finite at step 3 although the loss was finite/);
      expect(Array.from(m.params).every(Number.isFinite)).toBe(true);
    }
  });

  it("turns the blow-up check off with blowUpFactor Infinity and rejects factors <= 1", () => {
    const problem = smallProblem();
    const r = fitModel(paperLike(3, 2), problem, {
      optimizer: { type: "adam", lr: 1e6 },
      steps: 3,
      blowUpFactor: Number.POSITIVE_INFINITY,
    });
    expect(r.message).not.toMatch(/blew up/);
    expect(() => fitModel(paperLike(3, 2), problem, { optimizer: LBFGS, steps: 1, blowUpFactor: 1 })).toThrow(
      /blowUpFactor must be a number > 1/,
    );
  });
});

describe("trainMultilevel startLevel (resume)", () => {
  it("continues a run from a saved level with the same bits as the uninterrupted run (minibatches too)", () => {
    const data = createDataset((p) => Math.sin(Math.PI * p[0]) + p[1] * p[1], {
      nVar: 2,
      ranges: [0, 1],
      trainNum: 300,
      testNum: 50,
      seed: 5,
    });
    const problem = new RegressionProblem(data, { targetScaling: "minmax", batchSize: 64, seed: 9 });
    const opts = { grids: [3, 6, 12], steps: [4, 3, 2], optimizer: { type: "adam", lr: 1e-2 } as const };
    let saved = "";
    const full = trainMultilevel(paperLike(3, 3), problem, {
      ...opts,
      onLevel: (e) => {
        if (e.level === 0) saved = JSON.stringify(e.model.toJSON());
      },
    });
    const resumed = trainMultilevel(KAN.fromJSON(saved), problem, {
      ...opts,
      startLevel: 1,
      lossReference: full.history.levels[0].initialLoss,
    });
    expect(resumed.status).toBe("completed");
    expect(Array.from(resumed.model.params)).toEqual(Array.from(full.model.params));
    expect(resumed.history.step[0]).toBe(5);
    expect(resumed.history.loss).toEqual(full.history.loss.slice(4));
    expect(resumed.history.levels.map((l) => l.initialLoss)).toEqual(
      full.history.levels.slice(1).map((l) => l.initialLoss),
    );
    expect(() => trainMultilevel(paperLike(3, 3), problem, { ...opts, startLevel: 2 })).toThrow(
      /must be on the grid of level 2/,
    );
  });
});
