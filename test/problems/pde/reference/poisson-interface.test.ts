import { describe, expect, it } from "vitest";
import {
  poissonEps,
  poissonExact,
  poissonExactGradient,
  poissonForcing,
} from "../../../../src/problems/pde/reference/poisson-interface.js";

describe("Poisson interface manufactured solution", () => {
  it("gradient matches central differences on both sides", () => {
    const h = 1e-6;
    for (const [x, y] of [
      [-0.7, 0.3],
      [-0.2, -0.8],
      [0.4, 0.1],
      [0.9, -0.45],
    ]) {
      const g = poissonExactGradient(x, y);
      expect(g[0]).toBeCloseTo((poissonExact(x + h, y) - poissonExact(x - h, y)) / (2 * h), 6);
      expect(g[1]).toBeCloseTo((poissonExact(x, y + h) - poissonExact(x, y - h)) / (2 * h), 6);
    }
  });

  it("div(eps grad u*) = f away from the interface (second differences)", () => {
    const h = 1e-4;
    for (const [x, y] of [
      [-0.7, 0.3],
      [-0.2, -0.8],
      [0.4, 0.1],
      [0.9, -0.45],
    ]) {
      const u = poissonExact(x, y);
      const lap =
        (poissonExact(x + h, y) +
          poissonExact(x - h, y) +
          poissonExact(x, y + h) +
          poissonExact(x, y - h) -
          4 * u) /
        (h * h);
      expect(Math.abs(poissonEps(x) * lap - poissonForcing(x, y))).toBeLessThan(1e-4 * Math.PI ** 2 * 10);
    }
  });

  it("is continuous with continuous flux across x = 0 and vanishes on the boundary", () => {
    for (const y of [-0.9, -0.3, 0.2, 0.77]) {
      expect(Math.abs(poissonExact(0, y, -1))).toBe(0);
      expect(Math.abs(poissonExact(0, y, 1))).toBe(0);
      const gl = poissonExactGradient(0, y, -1);
      const gr = poissonExactGradient(0, y, 1);
      expect(poissonEps(0, -1) * gl[0]).toBeCloseTo(poissonEps(0, 1) * gr[0], 14);
      expect(gl[0]).not.toBeCloseTo(gr[0], 3); // the kink: the derivative jumps
      for (const t of [-1, 1]) {
        expect(Math.abs(poissonExact(t, y))).toBeLessThan(1e-15);
        expect(Math.abs(poissonExact(y, t))).toBeLessThan(1e-14);
      }
    }
    expect(poissonEps(-0.1)).toBe(1);
    expect(poissonEps(0)).toBe(0.5);
  });
});
