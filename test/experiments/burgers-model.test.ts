import { describe, expect, it } from "vitest";
import { burgersModel, burgersSettings } from "../../src/experiments/burgers.js";

describe("the Burgers model of the best row: x as a graded coordinate", () => {
  it("is the paper's model on (asinh(g x) / asinh(g), t), with the same parameters", () => {
    const g = burgersSettings().best.stretch;
    expect(g).toBeGreaterThan(0);
    const plain = burgersModel(4, 5, 0.1, 7);
    const graded = burgersModel(4, 5, 0.1, 7, g);
    expect(graded.paramCount).toBe(plain.paramCount);
    expect(graded.layers[0].type).toBe("features");
    expect(plain.layers[0].type).toBe("linear");
    expect(Array.from(graded.params)).toEqual(Array.from(plain.params));
    const n = 9;
    const x = new Float64Array(2 * n);
    const mapped = new Float64Array(2 * n);
    for (let s = 0; s < n; s++) {
      x[2 * s] = -1 + (2 * s) / (n - 1);
      x[2 * s + 1] = s / (n - 1);
      mapped[2 * s] = Math.asinh(g * x[2 * s]) / Math.asinh(g);
      mapped[2 * s + 1] = x[2 * s + 1];
    }
    const a = graded.forward(x, n);
    const b = plain.forward(mapped, n);
    for (let s = 0; s < n; s++) expect(a[s]).toBeCloseTo(b[s], 14);
    // refinement keeps the graded coordinate
    const fine = graded.refine(10);
    expect(fine.layers[0].type).toBe("features");
    const c = fine.forward(x, n);
    for (let s = 0; s < n; s++) expect(Math.abs(c[s] - a[s])).toBeLessThanOrEqual(1e-12);
  });
});
