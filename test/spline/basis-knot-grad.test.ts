import { describe, expect, it } from "vitest";
import { evalBasisAt } from "../../src/spline/basis.js";
import {
  addChangeOfBasisKnotGradient,
  basisKnotJacobian,
  changeOfBasisInto,
  knotTapeForward,
} from "../../src/spline/basis-knot-grad.js";
import { changeOfBasisRecursive } from "../../src/spline/change-of-basis.js";
import { basisCount, type KnotVector, knotVector } from "../../src/spline/knots.js";
import { Rng } from "../../src/util/random.js";
import { randomKnots } from "../helpers/random-knots.js";

/** All n + r - 1 effective basis values at x (linear continuation outside [a, b]) by `evalBasisAt`. */
function dense(kv: KnotVector, x: number): Float64Array {
  const r = kv.order;
  const out = new Float64Array(4 * r);
  const j = evalBasisAt(kv, x, 1, out, 0);
  const all = new Float64Array(basisCount(kv));
  for (let m = 0; m < r; m++) all[j + m] = out[m];
  return all;
}

function moved(kv: KnotVector, k: number, dt: number): KnotVector {
  const t = Float64Array.from(kv.t);
  t[k] += dt;
  return knotVector(t, kv.order);
}

/** Checks the analytic Jacobian at x against central differences in every knot. */
function checkAt(kv: KnotVector, x: number, step: number, tol: number): number {
  const { span, jac } = basisKnotJacobian(kv, x);
  const nt = kv.t.length;
  const r = kv.order;
  let worst = 0;
  const outside = x < kv.a || x > kv.b;
  for (let k = 0; k < nt; k++) {
    // Outside [a, b] the continuation starts at a or b, which the tape holds fixed (free-knot layers never
    // move a and b): moving an endpoint knot moves the continuation point, so skip those two there.
    if (outside && (k === r - 1 || k === kv.intervals + r - 1)) continue;
    const plus = dense(moved(kv, k, step), x);
    const minus = dense(moved(kv, k, -step), x);
    for (let I = 0; I < basisCount(kv); I++) {
      const fd = (plus[I] - minus[I]) / (2 * step);
      const m = I - span;
      const an = m >= 0 && m < r ? jac[m * nt + k] : 0;
      const err = Math.abs(an - fd) / (1 + Math.abs(fd));
      worst = Math.max(worst, err);
      if (err > tol) {
        throw new Error(`x=${x} knot ${k} basis ${I}: analytic ${an} vs central difference ${fd}`);
      }
    }
  }
  return worst;
}

describe("derivatives of the B-spline basis with respect to the knots", () => {
  it("values and slopes of the tape agree with evalBasisAt (general knots, outside [a, b] too)", () => {
    const rng = new Rng(3);
    for (const r of [2, 3, 4, 5]) {
      const kv = randomKnots(rng, -1, 1, 6, r);
      const a = new Float64Array(4 * r);
      const b = new Float64Array(2 * r);
      for (let s = 0; s < 50; s++) {
        const x = rng.range(-1.5, 1.5);
        const ja = evalBasisAt(kv, x, 1, a, 0);
        const jb = knotTapeForward(kv, x, b, 0);
        expect(jb).toBe(ja);
        for (let m = 0; m < 2 * r; m++) expect(Math.abs(a[m] - b[m])).toBeLessThan(1e-13);
      }
    }
  });

  it("match central differences at random points, inside and outside [a, b] (r = 2..5)", () => {
    const rng = new Rng(11);
    for (const r of [2, 3, 4, 5]) {
      const kv = randomKnots(rng, -1, 1, 7, r);
      for (let s = 0; s < 12; s++) {
        let x = rng.range(-1.4, 1.4);
        // Stay clear of knots for r = 2 (the derivative jumps there).
        while (r === 2 && kv.t.some((tk) => Math.abs(tk - x) < 1e-3)) x = rng.range(-1.4, 1.4);
        checkAt(kv, x, 1e-6, 1e-6);
      }
    }
  });

  it("match central differences near knots (1e-4 h away, step 1e-7 h) and exactly on knots (r >= 3)", () => {
    const rng = new Rng(5);
    for (const r of [3, 4]) {
      const kv = randomKnots(rng, -1, 1, 6, r);
      const h = 2 / 6;
      for (let k = r - 1; k <= kv.intervals + r - 1; k++) {
        for (const side of [-1, 1]) checkAt(kv, kv.t[k] + side * 1e-4 * h, 1e-7 * h, 1e-5);
      }
      // On a knot the derivative is continuous for r >= 3; the central difference straddles it.
      for (let k = r; k < kv.intervals + r - 1; k++) checkAt(kv, kv.t[k], 1e-6, 1e-4);
    }
  });

  it("the finite-difference check can fail (a wrong knot gets caught)", () => {
    const kv = randomKnots(new Rng(1), -1, 1, 5, 4);
    const { jac } = basisKnotJacobian(kv, 0.1);
    expect(jac.some((v) => v !== 0)).toBe(true);
    const wrong = moved(kv, 5, 0.01);
    expect(() => {
      const { span, jac: j2 } = basisKnotJacobian(wrong, 0.1);
      const nt = kv.t.length;
      for (let k = 0; k < nt; k++) {
        const fd = (dense(moved(kv, k, 1e-6), 0.1)[span] - dense(moved(kv, k, -1e-6), 0.1)[span]) / 2e-6;
        if (Math.abs(j2[k] - fd) > 1e-6 * (1 + Math.abs(fd))) throw new Error("mismatch");
      }
    }).toThrow();
  });
});

describe("the change of basis A(t) and its knot derivative", () => {
  it("the in-place closed form equals Lemma 2's recursion", () => {
    const rng = new Rng(8);
    for (const r of [2, 3, 4]) {
      const kv = randomKnots(rng, -1, 1, 9, r);
      const ref = changeOfBasisRecursive(kv);
      const A = { size: ref.size, order: r, band: new Float64Array(ref.band.length) };
      changeOfBasisInto(kv, A);
      for (let i = 0; i < ref.band.length; i++) {
        expect(Math.abs(A.band[i] - ref.band[i])).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(ref.band[i])));
      }
    }
  });

  it("-u^T dA/dt_k gw matches central differences", () => {
    const rng = new Rng(9);
    for (const r of [2, 3, 4]) {
      const kv = randomKnots(rng, -1, 1, 6, r);
      const N = basisCount(kv);
      const u = rng.fillNormal(new Float64Array(N));
      const gw = rng.fillNormal(new Float64Array(N));
      const A = { size: N, order: r, band: new Float64Array(N * (r + 1)) };
      changeOfBasisInto(kv, A);
      const gt = new Float64Array(kv.t.length);
      addChangeOfBasisKnotGradient(kv, A, u, 0, 1, gw, 0, 1, gt, 0);
      const value = (k: KnotVector) => {
        const B = { size: N, order: r, band: new Float64Array(N * (r + 1)) };
        changeOfBasisInto(k, B);
        let s = 0;
        for (let I = 0; I < N; I++)
          for (let d = 0; d <= r && I + d < N; d++) s -= u[I] * B.band[I * (r + 1) + d] * gw[I + d];
        return s;
      };
      for (let k = 0; k < kv.t.length; k++) {
        const h = 1e-6;
        const fd = (value(moved(kv, k, h)) - value(moved(kv, k, -h))) / (2 * h);
        expect(Math.abs(gt[k] - fd)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(fd)));
      }
    }
  });
});
