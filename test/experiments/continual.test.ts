import { describe, expect, it } from "vitest";
import { continualPlots, continualTableOptions } from "../../src/cli/reproduce-continual.js";
import { continualSettings, runContinual } from "../../src/experiments/continual.js";
import { resultTable } from "../../src/report/markdown.js";

const env = { node: "test", platform: "test", cpu: "test", cores: 1, date: "2026-01-01T00:00:00Z" };

describe("reproduce continual (reduced budget)", () => {
  it("the KAN keeps earlier regions (splines are local); the MLP forgets them", () => {
    const s = { ...continualSettings(true), steps: 5, mlpWidth: [1, 8, 8, 1] };
    const { result, curves } = runContinual(s, { env });
    expect(result.rows).toHaveLength(10);
    const kan = result.rows.filter((r) => r.model.startsWith("KAN"));
    const mlp = result.rows.filter((r) => r.model.startsWith("MLP"));
    // KAN: region 1's error is unchanged by phases 2..5 (no sample there; local basis).
    const r1 = kan.map((r) => r.metrics.rmseRegion1.mean);
    for (const v of r1) expect(Math.abs(v - r1[0])).toBeLessThan(1e-9);
    expect(kan[4].metrics.forgetting.mean).toBeLessThan(1e-9);
    expect(mlp[4].metrics.forgetting.mean).toBeGreaterThan(1e-3);
    expect(curves.predictions[kan[0].model]).toHaveLength(5);
    const plots = continualPlots(curves);
    expect(Object.keys(plots)).toEqual(["phase1", "phase2", "phase3", "phase4", "phase5"]);
    expect(plots.phase2).toContain("<svg");
    expect(resultTable(result, continualTableOptions(5))).toContain("earlier regions (mean)");
  });
});
