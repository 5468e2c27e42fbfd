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
});
