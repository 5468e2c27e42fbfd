/** The free-knot experiment's pure logic: equal parameter counts, rows, and a tiny end-to-end run. */
import { describe, expect, it } from "vitest";
import {
  type FreeKnotResultRow,
  freeKnotRows,
  freeKnotSettings,
  modelKnots,
  rowName,
  runFreeKnots,
  startModel,
} from "../../src/experiments/free-knots.js";
import { validateResult } from "../../src/report/result.js";

describe("free-knot experiment", () => {
  const s = freeKnotSettings(true);

  it("fixed and free rows have equal parameter counts (single level and after the multilevel refinements)", () => {
    for (const problem of ["sharp", "regression"] as const) {
      const b = s[problem];
      const fixed = startModel(problem, "fixed", b.fixedGrid, 1, s).paramCount;
      const free = startModel(problem, "free", b.freeGrid, 1, s).paramCount;
      expect(free).toBe(fixed);
      const fixedMl = startModel(problem, "fixed", b.fixedGrids[0], 1, s).refine(b.fixedGrids.at(-1)!);
      const freeMl = startModel(problem, "free", b.freeGrids[0], 1, s).refine(b.freeGrids.at(-1)!);
      expect(freeMl.paramCount).toBe(fixedMl.paramCount);
      expect(b.singleSteps).toBe(b.fixedSteps.reduce((x, y) => x + y, 0));
      expect(b.singleSteps).toBe(b.freeSteps.reduce((x, y) => x + y, 0));
    }
    expect(freeKnotRows(s).map(rowName).slice(0, 2)).toEqual([
      "sharp-spline-fixed-single",
      "sharp-spline-free-single",
    ]);
  });

  it("a tiny run gives a valid result with the knots of the free rows inside the domain, in order", () => {
    const tiny = { ...s, problems: ["sharp" as const], bases: ["spline" as const] };
    const result = runFreeKnots(tiny, { histories: false });
    expect(() => validateResult(result)).not.toThrow();
    expect(result.rows.length).toBe(4);
    for (const row of result.rows as FreeKnotResultRow[]) {
      expect(row.knots !== undefined).toBe(row.key.includes("-free-"));
      for (const bp of row.knots ?? []) {
        expect(bp[0]).toBe(-1);
        expect(bp.at(-1)).toBe(1);
        for (let i = 1; i < bp.length; i++)
          expect(bp[i] - bp[i - 1]).toBeGreaterThanOrEqual((0.1 * 2) / (bp.length - 1) - 1e-12);
      }
    }
    expect(modelKnots(startModel("sharp", "fixed", 5, 1, s))).toEqual([]);
  });
});
