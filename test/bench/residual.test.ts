/** The residual-tape benchmark reports both tape forms per residual and checks their bits (no timings asserted). */
import { describe, expect, it } from "vitest";
import { residualBenchmark } from "../../src/bench/residual.js";

describe("residualBenchmark", () => {
  it("times each paper residual compiled and interpreted, with the same bits", () => {
    const rows = residualBenchmark({ points: 150, repeats: 2 });
    expect(rows.map((r) => r.tape)).toEqual([
      "compiled",
      "interpreted",
      "compiled",
      "interpreted",
      "compiled",
      "interpreted",
    ]);
    expect(new Set(rows.map((r) => r.residual.split(":")[0]))).toEqual(
      new Set(["allen-cahn", "burgers", "poisson"]),
    );
    for (const r of rows) {
      expect(r.points).toBe(150);
      expect(r.sameBits).toBe(true);
      expect(r.minNsPerPoint).toBeGreaterThan(0);
      expect(r.medianNsPerPoint).toBeGreaterThanOrEqual(r.minNsPerPoint);
    }
  });
});
