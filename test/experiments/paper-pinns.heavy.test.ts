import { describe, expect, it } from "vitest";
import { allenCahnSettings, runAllenCahn } from "../../src/experiments/allen-cahn.js";
import { burgersSettings, runBurgers } from "../../src/experiments/burgers.js";
import { levelFacts, pinnRowKey } from "../../src/experiments/pinn-runner.js";
import { poissonSettings, runPoissonInterface } from "../../src/experiments/poisson-interface.js";
import type { ExperimentResult } from "../../src/report/result.js";
import { validateResult } from "../../src/report/result.js";

/** The robust facts of a multilevel row: refinement keeps the loss, and the loss falls across levels. */
function checkMultilevel(result: ExperimentResult, key: string): void {
  const row = result.rows.find((r) => pinnRowKey(r) === key);
  expect(row).toBeDefined();
  const h = Array.isArray(row?.history) ? row?.history[0] : row?.history;
  expect(h).toBeDefined();
  if (!h) return;
  const f = levelFacts(h);
  expect(f.levelFinal.length).toBe(h.levels.length);
  expect(f.refinementJump).toBeLessThan(1e-9);
  expect(f.levelFinal[f.levelFinal.length - 1]).toBeLessThan(f.levelFinal[0]);
  for (const m of ["loss", "relL2", "maxAbsErr", "evalResidual"])
    expect(Number.isFinite(row?.metrics[m].mean)).toBe(true);
}

describe("paper PINN experiments, --quick budgets", () => {
  it("burgers --quick (with the best row): valid result, exact refinement, loss falls across levels", () => {
    const s = burgersSettings(true);
    s.rows.push("best");
    const { result, fields } = runBurgers(s);
    validateResult(result);
    checkMultilevel(result, "multilevel");
    checkMultilevel(result, "best");
    expect(Object.keys(fields)).toContain("multilevel");
    const f = fields.multilevel;
    expect(f.solution.values.length).toBe(f.solution.xs.length * f.solution.ys.length);
  }, 120_000);

  it("poisson-interface --quick: valid result, exact refinement (ReLU basis too), loss falls", () => {
    const { result } = runPoissonInterface(poissonSettings(true));
    validateResult(result);
    checkMultilevel(result, "multilevel");
    checkMultilevel(result, "relu-multilevel");
  }, 120_000);

  it("poisson-interface --quick --best: lr decay per level, then the L-BFGS polish on the last level", () => {
    const s = poissonSettings(true);
    s.rows = ["best"];
    const { result, fields } = runPoissonInterface(s);
    validateResult(result);
    checkMultilevel(result, "best");
    expect(Object.keys(fields)).toEqual(["best"]);
    const row = result.rows.find((r) => pinnRowKey(r) === "best");
    const h = Array.isArray(row?.history) ? row?.history[0] : row?.history;
    const adamSteps = s.best.steps.reduce((a, b) => a + b, 0);
    // The polish steps are logged after the last level's Adam steps.
    expect(h?.step.at(-1)).toBe(adamSteps + s.best.polishSteps);
  }, 120_000);

  it("poisson-interface best row without its additions (constant lr, gamma_B 1, no polish) is the multilevel row", () => {
    const s = poissonSettings(true);
    s.rows = ["multilevel", "best"];
    s.best = { ...s.best, lrEnd: s.best.lr, boundaryWeight: 1, polishSteps: 0 };
    const { result } = runPoissonInterface(s);
    const [ml, best] = ["multilevel", "best"].map((k) => result.rows.find((r) => pinnRowKey(r) === k));
    expect(best?.metrics.relL2.mean).toBe(ml?.metrics.relL2.mean);
    expect(best?.metrics.loss.mean).toBe(ml?.metrics.loss.mean);
    // ... and each addition changes the result.
    s.rows = ["best"];
    for (const change of [{ lrEnd: 1e-4 }, { boundaryWeight: 10 }, { polishSteps: 5 }]) {
      const t = { ...s, best: { ...s.best, ...change } };
      const r = runPoissonInterface(t).result.rows[0];
      expect(r.metrics.loss.mean).not.toBe(ml?.metrics.loss.mean);
    }
  }, 120_000);

  it("allen-cahn --quick: valid result, exact refinement, one residual spectrum per level", () => {
    const s = allenCahnSettings(true);
    const out = runAllenCahn(s);
    validateResult(out.result);
    checkMultilevel(out.result, "multilevel");
    expect(out.spectra.multilevel.map((l) => l.grid)).toEqual(s.grids);
  }, 120_000);

  it("allen-cahn fine-only rows: prolongated and direct init with a level's steps, and the multilevel count", () => {
    const s = allenCahnSettings(true);
    s.rows = ["fine", "fine-direct", "fine-long"];
    const { result } = runAllenCahn(s);
    validateResult(result);
    const last = (key: string) => {
      const row = result.rows.find((r) => pinnRowKey(r) === key);
      const h = Array.isArray(row?.history) ? row?.history[0] : row?.history;
      return { steps: h?.step.at(-1), params: row?.params };
    };
    const total = s.stepsPerLevel * s.grids.length;
    expect(last("fine")).toEqual({ steps: s.stepsPerLevel, params: last("fine-long").params });
    expect(last("fine-direct").steps).toBe(s.stepsPerLevel);
    expect(last("fine-long").steps).toBe(total);
    // Prolongated and direct init start from different models.
    const loss = (key: string) => result.rows.find((r) => pinnRowKey(r) === key)?.metrics.loss.mean;
    expect(loss("fine")).not.toBe(loss("fine-direct"));
  }, 120_000);

  it("allen-cahn --quick --best: valid result, exact refinement, periodic inputs, causal weights", () => {
    const s = allenCahnSettings(true);
    s.rows = ["best"];
    const out = runAllenCahn(s);
    validateResult(out.result);
    checkMultilevel(out.result, "best");
    expect(out.spectra.best.map((l) => l.grid)).toEqual(s.best.grids);
    const row = out.result.rows.find((r) => pinnRowKey(r) === "best");
    expect(row?.params).toBeGreaterThan(0);
    // The L-BFGS polish follows the last level's Adam steps, within that level.
    const h = Array.isArray(row?.history) ? row?.history[0] : row?.history;
    const adamSteps = s.best.steps.reduce((a, b) => a + b, 0);
    expect(s.best.polishSteps).toBeGreaterThan(0);
    expect(h?.step.at(-1)).toBe(adamSteps + s.best.polishSteps);
    expect(h?.levels.at(-1)?.steps).toBe((s.best.steps.at(-1) as number) + s.best.polishSteps);
  }, 120_000);
});
