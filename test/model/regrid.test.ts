import { describe, expect, it } from "vitest";
import { KAN } from "../../src/model/kan.js";
import { regridModel, updateGridModel } from "../../src/model/regrid.js";
import { gaussLegendre } from "../../src/spline/gauss.js";
import { Rng } from "../../src/util/random.js";

function inputs(n: number, nIn: number, seed: number, lo = -1, hi = 1): Float64Array {
  return new Rng(seed).fillUniform(new Float64Array(n * nIn), lo, hi);
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("Gauss-Legendre", () => {
  it("integrates x^d exactly up to degree 2m - 1", () => {
    for (const m of [1, 2, 3, 4, 7, 12]) {
      const { nodes, weights } = gaussLegendre(m);
      for (let d = 0; d <= 2 * m - 1; d++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += weights[i] * nodes[i] ** d;
        expect(Math.abs(s - (d % 2 === 0 ? 2 / (d + 1) : 0))).toBeLessThan(1e-14);
      }
    }
  });
});

describe("regrid (L2 projection onto any grid)", () => {
  it("onto a nested grid it reproduces the exact refinement (error 0)", () => {
    for (const basis of ["spline", "relu"] as const) {
      const model = new KAN({ width: [2, 3, 1], grid: 5, seed: 2, basis, base: basis === "spline" });
      const res = regridModel(model, 10);
      const exact = model.refine(10);
      expect(res.relL2).toBeLessThan(1e-12);
      const x = inputs(300, 2, 1, -1.2, 1.2);
      expect(maxDiff(res.model.forward(x, 300), exact.forward(x, 300))).toBeLessThan(1e-11);
      expect(maxDiff(res.model.params, exact.params)).toBeLessThan(1e-9);
    }
  });
  it("onto a non-nested grid: the reported error is the true L2 error, and it shrinks with G", () => {
    const model = new KAN({ width: [1, 1], grid: 20, seed: 3, initStd: 1 });
    const errs: number[] = [];
    for (const G of [7, 13, 29, 50]) {
      const res = regridModel(model, G);
      errs.push(res.relL2);
      // Independent L2 error by a fine midpoint rule.
      const m = 20000;
      const x = new Float64Array(m);
      for (let i = 0; i < m; i++) x[i] = -1 + (2 * (i + 0.5)) / m;
      const a = model.forward(x, m);
      const b = res.model.forward(x, m);
      let e2 = 0;
      let n2 = 0;
      for (let i = 0; i < m; i++) {
        e2 += (a[i] - b[i]) ** 2;
        n2 += a[i] ** 2;
      }
      expect(Math.abs(Math.sqrt(e2 / n2) - res.relL2)).toBeLessThan(1e-3 * res.relL2 + 1e-12);
      expect(res.maxAbs).toBeGreaterThan(0);
    }
    expect(errs[3]).toBeLessThan(errs[0]);
    // The projection is the best approximation: perturbing a coefficient increases the L2 error.
    expect(errs[3]).toBeGreaterThan(0);
  });
  it("the projection is orthogonal: the error is L2-orthogonal to every new basis function", () => {
    const model = new KAN({ width: [1, 1], grid: 8, seed: 4, initStd: 1 });
    const res = regridModel(model, { breakpoints: [-1, -0.7, -0.1, 0.2, 0.25, 0.9, 1] });
    const m = 40000;
    const x = new Float64Array(m);
    for (let i = 0; i < m; i++) x[i] = -1 + (2 * (i + 0.5)) / m;
    const e = model.forward(x, m);
    const p = res.model.forward(x, m);
    // Perturb each new coefficient: d/dc_i ||s - Ps||^2 = -2 <s - Ps, b_i> = 0 at the optimum.
    const base = res.model.params.slice();
    for (let i = 0; i < base.length; i++) {
      res.model.params.set(base);
      res.model.params[i] += 1;
      const bi = res.model.forward(x, m);
      let dot = 0;
      let nb = 0;
      for (let s = 0; s < m; s++) {
        dot += (e[s] - p[s]) * (bi[s] - p[s]);
        nb += (bi[s] - p[s]) ** 2;
      }
      expect(Math.abs(dot) / Math.sqrt(nb * m)).toBeLessThan(2e-3 * res.relL2 + 1e-12);
    }
  });
  it("bad grids are clear errors", () => {
    const model = new KAN({ width: [2, 2, 1], grid: 5, seed: 1 });
    expect(() => regridModel(model, 0)).toThrow(/grid size must be an integer >= 1, got 0/);
    expect(() => regridModel(model, [5])).toThrow(/got 1 grids for 2 spline layers/);
    expect(() => regridModel(model, { breakpoints: [0, 0] })).toThrow(/a < b/);
  });
});

describe("updateGrid (knots from sample quantiles, pykan's grid_eps)", () => {
  it("gridEps = 0: quantile knots; gridEps = 1: uniform knots over the sample range; the function is kept", () => {
    const model = new KAN({ width: [1, 2, 1], grid: 6, seed: 5, initStd: 0.3 });
    const rng = new Rng(9);
    const n = 600;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = -1 + 1.6 * rng.uniform() ** 2; // dense near -1, range [-1, 0.6]
    const q = updateGridModel(model, x, { gridEps: 0 });
    const bp = q.model.splineLayers[0].toSpec().breakpoints as number[];
    const sorted = Float64Array.from(x).sort();
    expect(bp[0]).toBe(sorted[0]);
    expect(bp[6]).toBe(sorted[n - 1]);
    for (let i = 1; i < 6; i++) expect(bp[i]).toBe(sorted[Math.floor((i * n) / 6)]);
    const u = updateGridModel(model, x, { gridEps: 1 });
    const l0 = u.model.splineLayers[0];
    expect(l0.knots.uniform).toBe(true);
    expect(l0.domain).toEqual([sorted[0], sorted[n - 1]]);
    const half = updateGridModel(model, x, { gridEps: 0.5 });
    const hb = half.model.splineLayers[0].toSpec().breakpoints as number[];
    for (let i = 1; i < 6; i++) {
      const uni = sorted[0] + ((sorted[n - 1] - sorted[0]) * i) / 6;
      expect(Math.abs(hb[i] - (0.5 * uni + 0.5 * bp[i]))).toBeLessThan(1e-15);
    }
    // Approximately the same function on the samples (a G = 6 spline moved onto other G = 6 knots).
    const y = model.forward(x, n);
    const scale = Math.max(...Array.from(y, Math.abs));
    // Coarse quantile intervals where samples are sparse cost accuracy (layer 0: 10% L2 at gridEps 0).
    for (const r of [q, u, half]) {
      expect(r.errors.length).toBe(2);
      expect(r.relL2).toBeGreaterThan(0);
      expect(r.relL2).toBeLessThan(0.15);
      expect(maxDiff(r.model.forward(x, n), y)).toBeLessThan(0.25 * scale);
    }
    expect(maxDiff(u.model.forward(x, n), y)).toBeLessThan(0.03 * scale);
    // The second layer's knots follow the first layer's outputs.
    expect(q.model.splineLayers[1].knots.uniform).toBe(false);
  });
  it("bad input is a clear error", () => {
    const model = new KAN({ width: [1, 1], grid: 4, seed: 1 });
    expect(() => updateGridModel(model, [[0.5], [0.5]])).toThrow(/all equal/);
    expect(() => updateGridModel(model, [[0.5], [0.1]], { gridEps: 2 })).toThrow(
      /gridEps must be in \[0, 1\]/,
    );
    expect(() => updateGridModel(model, [[0.5], [0.1]], { eps: 1 } as never)).toThrow(/unknown option "eps"/);
    expect(() => updateGridModel(model, [[Number.NaN]])).toThrow(/must be finite/);
  });
});
