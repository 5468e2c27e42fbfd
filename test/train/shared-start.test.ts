/**
 * Shared starts (src/train/shared-start.ts) and the trainer's `onMetrics` callback: the first n steps of a
 * longer `fit` run, read with `prefixResult`, are the `fit` run of n steps, and a multilevel run continued
 * from such a prefix (`trainMultilevel` with `startLevel` 1, joined with `joinResults`) is the multilevel
 * run from the start, bit for bit except the measured seconds.
 */
import { describe, expect, it } from "vitest";
import { KAN } from "../../src/model/kan.js";
import type { Network } from "../../src/model/network.js";
import { createDataset } from "../../src/problems/dataset.js";
import { RegressionProblem } from "../../src/problems/regression.js";
import { joinResults, type PrefixPoint, prefixResult } from "../../src/train/shared-start.js";
// Aliased: Biome's noFocusedTests rule reads a call `fit(...)` as Jasmine's focused test.
import {
  fit as fitModel,
  type MetricsPoint,
  type TrainResult,
  trainMultilevel,
} from "../../src/train/trainer.js";

const ADAM = { type: "adam", lr: 1e-2 } as const;

function problem() {
  const data = createDataset((p) => Math.sin(Math.PI * p[0]) * p[1], {
    nVar: 2,
    ranges: [0, 1],
    trainNum: 200,
    testNum: 50,
    seed: 4,
  });
  return new RegressionProblem(data, { targetScaling: "minmax" });
}

const kan = (seed = 3) => new KAN({ width: [2, 3, 1], grid: 3, domain: [0, 1], normalize: "sigmoid", seed });

/** A result without its clocks: wall seconds and the seconds in the message. */
function clockless(r: TrainResult<Network>) {
  const { wallSeconds: _, ...history } = r.history;
  return {
    history,
    status: r.status,
    message: r.message.replace(/in \S+ s/, "in ? s"),
    metrics: r.metrics,
    evaluations: r.evaluations,
    params: Array.from(r.model.params),
    grids: r.model.grids,
  };
}

/** Runs `fit` for `total` steps keeping the model, metrics point and evaluations at step `n`. */
function fitKeeping(total: number, n: number, metricsEvery: number) {
  let kept: { point: PrefixPoint; model: Network } | undefined;
  const points: MetricsPoint[] = [];
  const steps: number[] = [];
  const full = fitModel(kan(), problem(), {
    steps: total,
    optimizer: ADAM,
    metricsEvery,
    onMetrics: (p) => {
      points.push(p);
      steps.push(p.step);
      if (p.step === n) {
        const { step, evaluations, elapsed, metricsSeconds } = p;
        kept = {
          point: { step, metrics: { ...p.metrics }, evaluations, elapsed, metricsSeconds },
          model: p.model.clone(),
        };
      }
    },
  });
  return { full, kept, points, steps };
}

describe("onMetrics", () => {
  it("reports every metricsEvery steps and at the level's end, with the model and metrics of that step", () => {
    const { full, points, steps } = fitKeeping(23, 10, 5);
    expect(steps).toEqual([5, 10, 15, 20, 23]);
    const h = full.history;
    for (const p of points) {
      expect(p.level).toBe(0);
      // The metrics passed are those recorded at that step.
      for (const [k, v] of Object.entries(p.metrics)) expect(h.metrics[k][p.step - 1]).toBe(v);
      expect(p.evaluations).toBeGreaterThanOrEqual(p.step);
      expect(p.metricsSeconds).toBeLessThanOrEqual(p.elapsed);
    }
    // The last point is the end of the run: its model is the result.
    expect(points[4].model).toBe(full.model);
    expect(points[4].metrics).toEqual(full.metrics);
    // The model at step 10 is the model `fit` returns after 10 steps.
    const { kept } = fitKeeping(23, 10, 5);
    const ten = fitModel(kan(), problem(), { steps: 10, optimizer: ADAM, metricsEvery: 5 });
    expect(Array.from(kept?.model.params ?? [])).toEqual(Array.from(ten.model.params));
  });

  it("reports each level's end in a multilevel run, and must be a function", () => {
    const levels: [number, number][] = [];
    trainMultilevel(kan(), problem(), {
      grids: [3, 6],
      steps: 4,
      optimizer: ADAM,
      metricsEvery: 4,
      onMetrics: (p) => levels.push([p.level, p.step]),
    });
    expect(levels).toEqual([
      [0, 4],
      [1, 8],
    ]);
    expect(() =>
      fitModel(kan(), problem(), { steps: 1, optimizer: ADAM, onMetrics: 3 as unknown as () => void }),
    ).toThrow(/onMetrics must be a function, got 3/);
  });
});

describe("prefixResult", () => {
  it("the first n steps of a longer fit run are the fit run of n steps", () => {
    const { kept } = fitKeeping(30, 12, 4);
    const { full } = fitKeeping(30, 12, 4);
    expect(kept).toBeDefined();
    if (kept === undefined) return;
    const prefix = prefixResult(full, kept.point, kept.model);
    const alone = fitModel(kan(), problem(), { steps: 12, optimizer: ADAM, metricsEvery: 4 });
    expect(clockless(prefix)).toEqual(clockless(alone));
    expect(prefix.history.wallSeconds).toHaveLength(12);
    expect(prefix.seconds).toBe(kept.point.elapsed);
    // The long run itself differs from it (the test can fail).
    expect(clockless(full)).not.toEqual(clockless(alone));
  });

  it("needs a run that went past the step, of one level", () => {
    const { full, kept } = fitKeeping(12, 12, 4);
    if (kept === undefined) throw new Error("no point kept");
    expect(() => prefixResult(full, kept.point, kept.model)).toThrow(
      /the run must have gone past step 12 \(it has 12 records from step 1\)/,
    );
    expect(() => prefixResult(full, { ...kept.point, step: 0 }, kept.model)).toThrow(/past step 0/);
    const ml = trainMultilevel(kan(), problem(), { grids: [3, 6], steps: 4, optimizer: ADAM });
    expect(() => prefixResult(ml, { ...kept.point, step: 2 }, kept.model)).toThrow(
      /2 levels; a fit run has one/,
    );
  });
});

describe("joinResults", () => {
  it("a multilevel run continued from a prefix of a fit run is the multilevel run from the start", () => {
    const grids = [3, 6, 12];
    const n = 8;
    const { full, kept } = fitKeeping(20, n, 4);
    if (kept === undefined) throw new Error("no point kept");
    const first = prefixResult(full, kept.point, kept.model);
    const rest = trainMultilevel(first.model, problem(), {
      grids,
      steps: n,
      optimizer: ADAM,
      metricsEvery: 4,
      startLevel: 1,
      lossReference: first.history.levels[0].initialLoss,
    });
    const joined = joinResults(first, rest);
    const alone = trainMultilevel(kan(), problem(), { grids, steps: n, optimizer: ADAM, metricsEvery: 4 });
    expect(clockless(joined)).toEqual(clockless(alone));
    expect(joined.history.levels.map((l) => l.startStep)).toEqual([0, 8, 16]);
    expect(joined.seconds).toBe(first.seconds + rest.seconds);
    // Wall seconds go on from those of the first part.
    const w = joined.history.wallSeconds;
    for (let i = 1; i < w.length; i++) expect(w[i]).toBeGreaterThanOrEqual(w[i - 1]);
  });

  it("rejects a continuation that does not start at the next step", () => {
    const a = fitModel(kan(), problem(), { steps: 3, optimizer: ADAM });
    const b = fitModel(kan(), problem(), { steps: 3, optimizer: ADAM });
    expect(() => joinResults(a, b)).toThrow(/the second run starts at step 1, not 4/);
  });
});
