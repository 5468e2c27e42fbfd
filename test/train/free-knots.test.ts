/** trainMultilevel with free-knot layers: exact level hand-over, knots frozen per level. */
import { describe, expect, it } from "vitest";
import type { FreeKnotLayer } from "../../src/layers/free-knot-layer.js";
import { KAN } from "../../src/model/kan.js";
import { createDataset } from "../../src/problems/dataset.js";
import { RegressionProblem } from "../../src/problems/regression.js";
import { trainMultilevel } from "../../src/train/trainer.js";

function sharp() {
  const data = createDataset((p) => Math.tanh(20 * p[0]), {
    nVar: 1,
    ranges: [-1, 1],
    trainNum: 200,
    testNum: 50,
    seed: 2,
  });
  return new RegressionProblem(data);
}

function freeKan(basis: "spline" | "relu"): KAN {
  return new KAN({
    layers: [
      { type: "free-spline", nIn: 1, nOut: 1, order: 4, grid: 4, domain: [-1, 1], basis, share: "layer" },
    ],
    seed: 1,
  });
}

describe("trainMultilevel with free knots", () => {
  for (const basis of ["spline", "relu"] as const) {
    it(`${basis} basis: every level starts at the loss the previous ended with; frozen levels keep the knots`, () => {
      const model = freeKan(basis);
      const res = trainMultilevel(model, sharp(), {
        grids: [4, 8, 16],
        steps: 5,
        optimizer: { type: "lbfgs", preset: "torch", lr: 1 },
        trainKnots: [false, true, false],
      });
      expect(res.status).toBe("completed");
      const levels = res.history.levels;
      expect(levels.length).toBe(3);
      const tol = basis === "spline" ? 1e-12 : 1e-10;
      for (let k = 1; k < 3; k++) {
        const a = levels[k].initialLoss as number;
        const b = levels[k - 1].finalLoss as number;
        expect(Math.abs(a - b) / b).toBeLessThanOrEqual(tol);
      }
      // Level 0 froze the knots: the level-0 model (trained in place) still has uniform knots.
      const l0 = model.layers[0] as FreeKnotLayer;
      const bp0 = l0.breakpointsOf(model.params)[0];
      for (let i = 0; i <= 4; i++) expect(Math.abs(bp0[i] - (-1 + i / 2))).toBeLessThan(1e-15);
      // Level 1 trained them: the final knots are not uniform, and the frozen last level kept the midpoints.
      const lf = res.model.layers[0] as FreeKnotLayer;
      expect(lf.trainKnots).toBe(false);
      const bp = lf.breakpointsOf(res.model.params)[0];
      const dev = Math.max(...bp.map((v, i) => Math.abs(v - (-1 + i / 8))));
      expect(dev).toBeGreaterThan(1e-3);
      for (let i = 0; i < 8; i++)
        expect(Math.abs(bp[2 * i + 1] - 0.5 * (bp[2 * i] + bp[2 * i + 2]))).toBeLessThan(1e-14);
    });
  }

  it("rejects a bad trainKnots flag", () => {
    expect(() =>
      trainMultilevel(freeKan("spline"), sharp(), {
        grids: [4, 8],
        steps: 1,
        optimizer: { type: "adam", lr: 1e-3 },
        trainKnots: [true, "yes" as unknown as boolean],
      }),
    ).toThrow(/trainKnots\[1\] must be true or false/);
  });
});
