/** The Table 2 experiment's pure logic: target, architectures, settings, and a tiny end-to-end run. */
import { describe, expect, it } from "vitest";
import {
  describeRow,
  eq26,
  fullModel,
  mlpModel,
  PAPER_TABLE2,
  paperModel,
  paperValue,
  REGRESSION_ROWS,
  regressionChecks,
  regressionDataset,
  regressionMargins,
  regressionNotes,
  regressionProblem,
  regressionSettings,
  rotatedEq26,
  rowKey,
  runRegression,
} from "../../src/experiments/regression.js";
import { resultToJson, validateResult } from "../../src/report/result.js";

describe("target (eq. 26, rotated)", () => {
  it("is eq. 26 without rotation, and rotates the graph counter-clockwise about (0.5, 0.5)", () => {
    expect(rotatedEq26(0.3, 0.7, 0)).toBe(eq26(0.3, 0.7));
    expect(eq26(0, 0)).toBe(1);
    const th = 0.175;
    for (const [qx, qy] of [
      [0.2, 0.3],
      [0.9, 0.1],
      [0.5, 0.95],
    ]) {
      // The feature of f at q appears at c + R(theta)(q - c).
      const px = 0.5 + Math.cos(th) * (qx - 0.5) - Math.sin(th) * (qy - 0.5);
      const py = 0.5 + Math.sin(th) * (qx - 0.5) + Math.cos(th) * (qy - 0.5);
      expect(rotatedEq26(px, py, th)).toBeCloseTo(eq26(qx, qy), 12);
    }
    expect(rotatedEq26(0.5, 0.5)).toBeCloseTo(eq26(0.5, 0.5), 15);
  });
});

describe("architectures", () => {
  const s = regressionSettings();
  it("match the paper's parameter counts", () => {
    expect(paperModel(s, 5, 1).paramCount).toBe(55);
    expect(paperModel(s, 40, 1).paramCount).toBe(230);
    expect(paperModel(s, 5, 1).refine(40).paramCount).toBe(230);
    expect(fullModel(s, 5, 1).paramCount).toBe(120);
    expect(fullModel(s, 40, 1).paramCount).toBe(645);
    expect(mlpModel([2, 5, 1], 1).paramCount).toBe(20);
    expect(mlpModel([2, 30, 1], 1).paramCount).toBe(120);
    expect(mlpModel([2, 20, 20, 1], 1).paramCount).toBe(500);
  });

  it("direct init shares the linear layer with the coarse model and redraws the splines", () => {
    const coarse = paperModel(s, 5, 1234);
    const fine = paperModel(s, 40, 1234);
    expect(Array.from(fine.params.subarray(0, 15))).toEqual(Array.from(coarse.params.subarray(0, 15)));
    const std = Math.sqrt(fine.params.subarray(15).reduce((a, v) => a + v * v, 0) / 215);
    expect(std).toBeGreaterThan(0.07);
    expect(std).toBeLessThan(0.13);
  });

  it("the ReLU rows start from the same function as the spline rows", () => {
    const m = paperModel(s, 5, 3);
    const x = Float64Array.from([0.1, 0.9, 0.5, 0.5, 0.99, 0.01]);
    const a = m.forward(x, 3);
    const b = m.toBasis("relu").forward(x, 3);
    for (let i = 0; i < 3; i++) expect(b[i]).toBeCloseTo(a[i], 12);
  });
});

describe("settings and data", () => {
  it("default to DESIGN.md section 5", () => {
    const s = regressionSettings();
    expect(s.seeds).toEqual([1234, 1235, 1236, 1237, 1238]);
    expect([s.trainNum, s.testNum, s.rotation, s.initStd]).toEqual([20000, 20000, 0.175, 0.1]);
    expect(s.box).toEqual([1e-4, 1 - 1e-4]);
    expect(s.optimizer).toEqual({ type: "lbfgs", preset: "torch", lr: 1 });
    expect([s.coarseSteps, s.fineSteps, s.mlpSteps]).toEqual([128, 16, 128]);
    expect(s.grids).toEqual([5, 10, 20, 40]);
    expect(s.multilevelSteps).toEqual([32, 16, 8, 4]);
    expect(s.rows).toEqual([...REGRESSION_ROWS]);
    const q = regressionSettings(true);
    expect(q.seeds).toHaveLength(1);
    expect(q.trainNum).toBeLessThan(s.trainNum);
  });

  it("normalises the training targets min-max onto [0, 1]", () => {
    const s = { ...regressionSettings(), trainNum: 500, testNum: 100 };
    const data = regressionDataset(s, 1234);
    expect(data.trainInput.every((v) => v >= 1e-4 && v < 1 - 1e-4)).toBe(true);
    const p = regressionProblem(data);
    const t = Array.from(p.trainLabel);
    expect(Math.min(...t)).toBe(0);
    expect(Math.max(...t)).toBeCloseTo(1, 15);
    expect(p.scalers.input).toBeUndefined();
  });

  it("labels rows and maps them to the paper's numbers", () => {
    const s = regressionSettings();
    expect(describeRow("spline-multilevel", s)).toEqual({
      model: "KAN [2,5,1]",
      basis: "spline",
      fidelity: "multilevel (G=5,10,20,40; 32,16,8,4 steps)",
    });
    expect(describeRow("relu-fine-long", s).fidelity).toBe("fine (G=40, 60 steps, prolongated init)");
    expect(describeRow("mlp-2-20-20-1", s).model).toBe("MLP [2,20,20,1]");
    expect(paperValue("spline-fine-direct")).toBe(PAPER_TABLE2["spline-fine"].mean);
    expect(paperValue("spline-fine-long")).toBeNull();
    expect(paperValue("full-multilevel")).toBeNull();
    expect(paperValue("relu-fine")).toBe(1.35);
  });
});

describe("runRegression (tiny budget)", () => {
  it("reluInit 'direct' reads the spline rows' random draws as power-ReLU weights", () => {
    const base = {
      ...regressionSettings(true),
      seeds: [5],
      trainNum: 100,
      testNum: 10,
      coarseSteps: 0,
      rows: ["spline-coarse", "relu-coarse"],
    } as ReturnType<typeof regressionSettings>;
    const initial = (r: ReturnType<typeof runRegression>, i: number) =>
      (r.rows[i].history as { levels: { initialLoss?: number }[] }[])[0].levels[0].initialLoss!;
    const converted = runRegression(base);
    const direct = runRegression({ ...base, reluInit: "direct" });
    expect(initial(direct, 0)).toBe(initial(converted, 0));
    expect(Math.abs(initial(converted, 1) / initial(converted, 0) - 1)).toBeLessThan(1e-9);
    expect(Math.abs(initial(direct, 1) / initial(direct, 0) - 1)).toBeGreaterThan(1e-3);
    expect(direct.settings.reluBasis).toMatch(/drawn directly/);
  });

  it("produces a valid result with rows, histories, margins and checks", () => {
    const s = {
      ...regressionSettings(true),
      seeds: [1, 2],
      trainNum: 200,
      testNum: 100,
      coarseSteps: 4,
      fineSteps: 2,
      multilevelSteps: [2, 1, 1, 1],
      mlpSteps: 3,
      rows: [
        "spline-coarse",
        "spline-fine",
        "spline-multilevel",
        "relu-coarse",
        "relu-multilevel",
        "mlp-2-5-1",
      ],
    } as ReturnType<typeof regressionSettings>;
    const runs: string[] = [];
    const result = runRegression(s, { onRun: ({ key, seed }) => runs.push(`${key}@${seed}`) });
    expect(runs).toHaveLength(12);
    expect(runs.slice(0, 2)).toEqual(["spline-coarse@1", "spline-fine@1"]);
    const checked = validateResult(JSON.parse(resultToJson(result)));
    expect(checked.rows.map(rowKey)).toEqual(s.rows);
    const ml = checked.rows[2];
    expect(ml.params).toBe(230);
    expect(ml.metrics.trainMse.values).toHaveLength(2);
    expect(ml.metrics.evaluations.mean).toBeGreaterThan(5);
    expect(Array.isArray(ml.history) && ml.history[0].levels.map((l) => l.grid)).toEqual([5, 10, 20, 40]);
    expect(checked.rows[0].params).toBe(55);
    expect(checked.rows[5].params).toBe(20);
    // The relu coarse row starts from the same function as the spline coarse row.
    const sc = (checked.rows[0].history as { levels: { initialLoss?: number }[] }[])[0].levels[0]
      .initialLoss!;
    const rc = (checked.rows[3].history as { levels: { initialLoss?: number }[] }[])[0].levels[0]
      .initialLoss!;
    expect(Math.abs(rc - sc) / sc).toBeLessThan(1e-9);
    const margins = regressionMargins(result);
    expect(margins[0].paper).toBeCloseTo(1.65e-3 / 3.67e-5, 10);
    expect(margins[0].ours).toBeCloseTo(
      checked.rows[0].metrics.trainMse.mean / checked.rows[2].metrics.trainMse.mean,
      12,
    );
    expect(margins.find((m) => m.label.startsWith("spline fine (direct"))!.ours).toBeNull();
    const checks = regressionChecks(result);
    expect(checks).toHaveLength(3);
    expect(checks.every((c) => c.met === null || typeof c.met === "boolean")).toBe(true);
    const notes = regressionNotes(result);
    expect(notes).toMatch(/### Margins/);
    expect(notes).toMatch(/\| spline coarse \/ spline multilevel \| .* \| 45x \|/);
    expect(result.settings.target).toMatch(/R\(-theta\)/);
  });
});
