import { describe, expect, it } from "vitest";
import { evalBasisAt } from "../../src/spline/basis.js";
import { basisKnotJacobian } from "../../src/spline/basis-knot-grad.js";
import { buildKnotTables } from "../../src/spline/knot-tables.js";
import { findInterval } from "../../src/spline/knots.js";
import { Rng } from "../../src/util/random.js";
import { randomKnots } from "../helpers/random-knots.js";

describe("per-interval polynomial tables of the basis and its knot derivatives", () => {
  it("reproduce evalBasisAt and the tape's knot Jacobian at random points (r = 2..5)", () => {
    const rng = new Rng(12);
    for (const r of [2, 3, 4, 5]) {
      const kv = randomKnots(rng, -1, 1, 7, r);
      const n = kv.intervals;
      const V = new Float64Array(n * r * r);
      const D = new Float64Array(n * r * 2 * r * r);
      buildKnotTables(kv, V, 0, null, 0);
      buildKnotTables(kv, null, 0, D, 0);
      const ref = new Float64Array(4 * r);
      for (let s = 0; s < 40; s++) {
        const x = rng.range(-1, 1);
        const j = findInterval(kv, x);
        const lo = kv.t[j + r - 1];
        const u = (x - lo) / (kv.t[j + r] - lo);
        evalBasisAt(kv, x, 0, ref, 0);
        const { jac } = basisKnotJacobian(kv, x);
        const nt = kv.t.length;
        for (let m = 0; m < r; m++) {
          let val = 0;
          for (let e = r - 1; e >= 0; e--) val = val * u + V[(j * r + m) * r + e];
          expect(Math.abs(val - ref[m])).toBeLessThan(1e-13);
          for (let kk = 0; kk < 2 * r; kk++) {
            let d = 0;
            for (let e = r - 1; e >= 0; e--) d = d * u + D[((j * r + m) * 2 * r + kk) * r + e];
            const want = jac[m * nt + j + kk];
            expect(Math.abs(d - want)).toBeLessThan(1e-10 * (1 + Math.abs(want)));
          }
        }
      }
    }
  });

  it("build one interval at a time exactly as all at once, D zero outside the support, bad ranges refused", () => {
    const rng = new Rng(13);
    for (const r of [2, 3, 4, 5]) {
      const kv = randomKnots(rng, -1, 1, 9, r);
      const n = kv.intervals;
      const size = r * 2 * r * r;
      const all = new Float64Array(n * size);
      const lazy = new Float64Array(n * size).fill(Number.NaN);
      buildKnotTables(kv, null, 0, all, 0);
      for (const j of [3, 0, n - 1, 1, 2, 4, 5, 6, 7, 8]) buildKnotTables(kv, null, 0, lazy, 0, j, j + 1);
      expect(Array.from(lazy)).toEqual(Array.from(all));
      // b_{j+m} on interval j depends on knots j+m .. j+m+r only (what the layer's contraction skips).
      for (let j = 0; j < n; j++)
        for (let m = 0; m < r; m++)
          for (let kk = 0; kk < 2 * r; kk++)
            if (kk < m || kk > m + r)
              for (let e = 0; e < r; e++) expect(all[j * size + (m * 2 * r + kk) * r + e]).toBe(0);
      expect(() => buildKnotTables(kv, null, 0, all, 0, 2, n + 1)).toThrow(/interval range \[2, 10\)/);
      expect(() => buildKnotTables(kv, null, 0, all, 0, 3, 2)).toThrow(/interval range/);
    }
  });
});
