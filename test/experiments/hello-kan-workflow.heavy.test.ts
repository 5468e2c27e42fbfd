import { describe, expect, it } from "vitest";
import { helloKanWorkflowSettings, runHelloKanWorkflow } from "../../src/experiments/hello-kan-workflow.js";

describe("pykan's hello-KAN workflow", () => {
  it("sparsify, prune, retrain, auto-symbolic, retrain: the formula is exp(sin(pi x) + y^2), test RMSE <= 1e-6", () => {
    const s = helloKanWorkflowSettings(true);
    const r = runHelloKanWorkflow(s);
    expect(r.stages.map((st) => st.name)).toEqual([
      "sparse",
      "pruned",
      "retrained",
      "auto-symbolic",
      "symbolic",
    ]);
    expect(r.stages[1].widths[1]).toBeLessThan(5);
    expect(r.formula.text[0]).toBe("exp(sin(3.1416*x) + y^2)");
    const sym = r.stages[4];
    expect(sym.testRmse).toBeLessThanOrEqual(1e-6);
    // The formula evaluates like the symbolic model.
    const pred = sym.model.predict(r.data.testInput);
    for (let i = 0; i < 20; i++) {
      const pt = [r.data.testInput[2 * i], r.data.testInput[2 * i + 1]];
      expect(Math.abs(r.formula.evaluate(0, pt) - pred[i])).toBeLessThan(1e-12);
    }
    const chosen = r.edges.filter((e) => e.choice && e.choice.r2 > 0.99).map((e) => e.choice?.fn);
    expect(chosen).toContain("sin");
    expect(chosen).toContain("x^2");
    expect(chosen).toContain("exp");
  }, 120_000);
});
