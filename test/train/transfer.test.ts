import { describe, expect, it } from "vitest";
import { KAN } from "../../src/model/kan.js";
import { createDataset } from "../../src/problems/dataset.js";
import { RegressionProblem } from "../../src/problems/regression.js";
import { trainMultilevel } from "../../src/train/trainer.js";

const data = createDataset((p) => Math.exp(Math.sin(Math.PI * p[0]) + p[1] ** 2), {
  nVar: 2,
  ranges: [-1, 1],
  trainNum: 200,
  testNum: 50,
  seed: 0,
});

describe("trainMultilevel onto grids that do not nest", () => {
  it("refuses by default, naming the nearest nested grids and the transfer option", () => {
    const problem = new RegressionProblem(data, { targetScaling: "minmax" });
    const model = new KAN({ width: [2, 3, 1], grid: 5, seed: 0 });
    const opts = { grids: [5, 10, 20, 50], steps: 1, optimizer: { type: "adam" as const } };
    expect(() => trainMultilevel(model, problem, opts)).toThrow(
      /grids\[3\] = 50 does not nest in the previous grid 20 .*nearest nested grids: 40 or 60.*transfer: "project"/,
    );
    expect(() => trainMultilevel(model, problem, { ...opts, grids: [5, 7] })).toThrow(
      /nearest nested grids: 5 or 10\)/,
    );
    expect(() => trainMultilevel(model, problem, { ...opts, transfer: "approx" as never })).toThrow(
      /transfer must be "exact" or "project", got "approx"/,
    );
  });
  it('with transfer: "project" it moves by projection (approximately the same loss) and refines exactly where grids nest', () => {
    const problem = new RegressionProblem(data, { targetScaling: "minmax" });
    const model = new KAN({ width: [2, 3, 1], grid: 5, seed: 0 });
    const res = trainMultilevel(model, problem, {
      grids: [5, 10, 25],
      steps: [5, 5, 0],
      optimizer: { type: "lbfgs", preset: "pykan" },
      transfer: "project",
    });
    expect(res.status).toBe("completed");
    const [l0, l1, l2] = res.history.levels;
    expect(Math.abs((l1.initialLoss as number) - (l0.finalLoss as number))).toBeLessThan(
      1e-12 * (l0.finalLoss as number),
    ); // exact
    expect(l2.grid).toBe(25);
    expect(l1.transferRelL2).toBeUndefined();
    expect(l2.transferRelL2 as number).toBeGreaterThan(0);
    expect(l2.transferRelL2 as number).toBeLessThan(0.05);
    expect(res.model.grids).toEqual([25, 25]);
    const rel = Math.abs((l2.initialLoss as number) - (l1.finalLoss as number)) / (l1.finalLoss as number);
    expect(rel).toBeGreaterThan(0);
    expect(rel).toBeLessThan(0.5);
  });
});
