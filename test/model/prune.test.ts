import { describe, expect, it } from "vitest";
import type { SplineLayer } from "../../src/layers/spline-layer.js";
import { loadModel } from "../../src/model/index.js";
import { KAN } from "../../src/model/kan.js";
import { pruneModel } from "../../src/model/prune.js";
import { edgeScores } from "../../src/model/sparsity.js";
import { createDataset } from "../../src/problems/dataset.js";
import { RegressionProblem } from "../../src/problems/regression.js";
import { fit as fitModel } from "../../src/train/trainer.js";
import { Rng } from "../../src/util/random.js";

function inputs(n: number, nIn: number, seed: number): Float64Array {
  return new Rng(seed).fillUniform(new Float64Array(n * nIn), -1, 1);
}

/** Zeroes every parameter of edge p -> q of spline layer `li` (coefficients and base weights). */
function zeroEdge(model: KAN, li: number, p: number, q: number): void {
  const l = model.splineLayers[li];
  for (let i = 0; i < l.nBasis; i++) model.params[l.offset + (p * l.nBasis + i) * l.nOut + q] = 0;
  if (l.base) {
    model.params[l.baseOffset + p * l.nOut + q] = 0;
    model.params[l.baseOffset + l.nIn * l.nOut + p * l.nOut + q] = 0;
  }
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("prune", () => {
  it("removes a dead hidden node and computes the same function on the remaining paths", () => {
    for (const base of [false, true]) {
      const model = new KAN({ width: [2, 4, 1], grid: 5, seed: 3, base, initStd: 0.3 });
      zeroEdge(model, 0, 0, 2);
      zeroEdge(model, 0, 1, 2); // node 2 gets no input
      const x = inputs(200, 2, 1);
      const res = pruneModel(model, { x, threshold: 1e-3 });
      expect(res.keptNodes).toEqual([[0, 1], [0, 1, 3], [0]]);
      expect(res.model.layers.map((l) => [l.nIn, l.nOut])).toEqual([
        [2, 3],
        [3, 1],
      ]);
      expect(res.paramsAfter).toBeLessThan(res.paramsBefore);
      // Reference: the original with node 2's outgoing edge removed too.
      const ref = model.clone();
      zeroEdge(ref, 1, 2, 0);
      const n = 200;
      expect(maxDiff(res.model.forward(x, n), ref.forward(x, n))).toBeLessThan(1e-14);
    }
  });
  it("node and edge thresholds as pykan's rule, edges masked, function equal with the removed edges zeroed", () => {
    const model = new KAN({ width: [3, 5, 2, 1], grid: 4, seed: 11, initStd: 0.4 });
    const x = inputs(150, 3, 2);
    const scores = edgeScores(model, x);
    const all = scores.flatMap((s) => s.scores.flat()).sort((a, b) => a - b);
    const th = all[Math.floor(all.length * 0.3)];
    const res = pruneModel(model, { x, threshold: th });
    // Expected kept hidden nodes from the scores directly.
    for (let k = 1; k < 3; k++) {
      const keep: number[] = [];
      for (let i = 0; i < scores[k - 1].nOut; i++) {
        const inMax = Math.max(...scores[k - 1].scores.map((row) => row[i]));
        const outMax = Math.max(...scores[k].scores[i]);
        if (inMax >= th && outMax >= th) keep.push(i);
      }
      expect(res.keptNodes[k]).toEqual(keep);
    }
    // Reference: zero every edge touching a removed node, and every masked edge.
    const ref = model.clone();
    const kept = res.keptNodes;
    for (let k = 0; k < 3; k++) {
      for (let p = 0; p < scores[k].nIn; p++)
        for (let q = 0; q < scores[k].nOut; q++) {
          const gone = !kept[k].includes(p) || !kept[k + 1].includes(q) || scores[k].scores[p][q] < th;
          if (gone) zeroEdge(ref, k, p, q);
        }
    }
    expect(res.maskedEdges.length).toBeGreaterThan(0);
    const n = 150;
    expect(maxDiff(res.model.forward(x, n), ref.forward(x, n))).toBeLessThan(1e-13);
    // Masks survive saving and loading, and masked edges stay zero while training.
    const again = loadModel(JSON.parse(JSON.stringify(res.model.toJSON())));
    expect(Array.from(again.params)).toEqual(Array.from(res.model.params));
    const data = createDataset((p) => p[0] * p[1] + Math.sin(p[2]), {
      nVar: 3,
      trainNum: 60,
      testNum: 0,
      seed: 1,
    });
    const trained = res.model.clone();
    fitModel(trained, new RegressionProblem(data), { optimizer: { type: "adam", lr: 0.01 }, steps: 5 });
    for (const [k, a, b] of res.maskedEdges) {
      const l = trained.splineLayers[k] as SplineLayer;
      for (let i = 0; i < l.nBasis; i++)
        expect(trained.params[l.offset + (a * l.nBasis + i) * l.nOut + b]).toBe(0);
    }
    expect(maxDiff(trained.params, res.model.params)).toBeGreaterThan(0);
  });
  it("pruning everything, missing samples and unknown options are clear errors", () => {
    const model = new KAN({ width: [2, 3, 1], grid: 5, seed: 1 });
    const x = inputs(50, 2, 3);
    expect(() => pruneModel(model, { x, threshold: 1e3 })).toThrow(
      /removes every node of hidden layer 1.*nothing would remain/,
    );
    expect(() => pruneModel(new KAN({ width: [2, 1], seed: 1 }), { x, threshold: 1e3 })).toThrow(
      /removes every edge of spline layer 0/,
    );
    expect(() => pruneModel(model, {} as never)).toThrow(/needs samples x/);
    expect(() => pruneModel(model, { x, treshold: 1 } as never)).toThrow(/unknown option "treshold"/);
    expect(() => model.prune({ x, threshold: -1 })).toThrow(/thresholds must be >= 0/);
    expect(model.prune({ x, threshold: 0 }).paramCount).toBe(model.paramCount);
  });
});
