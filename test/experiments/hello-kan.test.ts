import { describe, expect, it } from "vitest";
import {
  helloKanSettings,
  helloKanVerdicts,
  pykanValue,
  runHelloKan,
} from "../../src/experiments/hello-kan.js";

const env = { node: "test", platform: "test", cpu: "test", cores: 1, date: "2026-01-01T00:00:00Z" };

describe("reproduce hello-kan (quick budget)", () => {
  it("runs 5 -> 10 -> 20 exactly and 50 by projection, with pykan's numbers beside", () => {
    const s = helloKanSettings(true);
    expect(s.steps).toBe(10);
    const r = runHelloKan(s, { env });
    expect(r.rows.map((x) => x.fidelity)).toEqual([
      "grid 5",
      "grid 10 (refined exactly)",
      "grid 20 (refined exactly)",
      "grid 50 (projected)",
      "all stages",
    ]);
    const rmse = r.rows.map((x) => x.metrics.testRmse.mean);
    for (const v of rmse) expect(Number.isFinite(v)).toBe(true);
    expect(rmse[2]).toBeLessThan(rmse[0]);
    const proj = r.rows[3].metrics.transferRelL2.mean;
    expect(proj).toBeGreaterThan(0);
    expect(proj).toBeLessThan(0.05);
    expect(pykanValue(r.rows[1], "testRmse")).toBe(6.44e-4);
    expect(pykanValue(r.rows[4], "wallSeconds")).toBe(45);
    const v = helloKanVerdicts(r);
    expect(v).toHaveLength(6);
    expect(v[5]).toMatch(/whole run: .* vs pykan 45 s/);
  });
});
