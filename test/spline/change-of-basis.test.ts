import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evalSpline } from "../../src/spline/basis.js";
import {
  applyA,
  applyAT,
  type ChangeOfBasis,
  changeOfBasis,
  changeOfBasisDividedDifference,
  changeOfBasisRecursive,
  changeOfBasisUniform,
  denseChangeOfBasis,
  solveA,
  solveAT,
} from "../../src/spline/change-of-basis.js";
import { basisCount, type KnotVector, uniformKnots } from "../../src/spline/knots.js";
import { Rng } from "../../src/util/random.js";
import { denseBasis, powerRelu } from "../helpers/oracle.js";
import { randomKnots } from "../helpers/random-knots.js";

const EPS = Number.EPSILON;

/** Checks b_i(x) = sum_j A_ij psi_j(x) at x with the rounding-bound tolerance of DESIGN.md section 1. */
function checkIdentity(kv: KnotVector, A: ChangeOfBasis, x: number): void {
  const N = basisCount(kv);
  const dense = denseChangeOfBasis(A);
  const b = denseBasis(kv, x);
  for (let I = 0; I < N; I++) {
    let sum = 0;
    let bound = 0;
    for (let J = I; J < N; J++) {
      const term = dense[I * N + J] * powerRelu(x, kv.t[J], kv.order);
      sum += term;
      bound += Math.abs(term);
    }
    const tol = 100 * EPS * bound + 1e-300;
    expect(Math.abs(sum - b[I]), `r=${kv.order} G=${kv.intervals} I=${I} x=${x}`).toBeLessThanOrEqual(
      Math.max(tol, 2 * EPS),
    );
  }
}

describe("change of basis A between B-splines and power-ReLUs", () => {
  it("b_i(x) = sum_j A_ij ReLU(x - t_j)^(r-1) on [a, b]: uniform knots, r = 1..5, G in {1,4,5,10,40}", () => {
    const rng = new Rng(1);
    for (let r = 1; r <= 5; r++) {
      for (const G of [1, 4, 5, 10, 40]) {
        const kv = uniformKnots([0, 1], G, r);
        const A = changeOfBasisUniform(kv);
        const xs = [kv.a, kv.b, 0.5 / G];
        for (let k = 0; k < 30; k++) xs.push(rng.range(kv.a, kv.b));
        for (const x of xs) checkIdentity(kv, A, x);
      }
    }
  });

  it("the same identity for random knots (mesh ratio <= 4) with the Lemma 2 recursion", () => {
    const rng = new Rng(2);
    for (let r = 1; r <= 5; r++) {
      for (const G of [1, 4, 5, 10, 40]) {
        const kv = randomKnots(rng, -1, 2, G, r);
        const A = changeOfBasisRecursive(kv);
        const xs = [kv.a, kv.b];
        for (let k = 0; k < 30; k++) xs.push(rng.range(kv.a, kv.b));
        for (const x of xs) checkIdentity(kv, A, x);
      }
    }
  });

  it("closed form (Corollary 1) equals the recursion (Lemma 2) and the divided-difference formula", () => {
    const rng = new Rng(3);
    for (let r = 1; r <= 6; r++) {
      for (const G of [1, 4, 5, 10, 40]) {
        const kv = uniformKnots([-1, 1], G, r);
        const closed = changeOfBasisUniform(kv).band;
        const rec = changeOfBasisRecursive(kv).band;
        const dd = changeOfBasisDividedDifference(kv).band;
        const scale = Math.max(...Array.from(closed, Math.abs));
        for (let k = 0; k < closed.length; k++) {
          expect(Math.abs(closed[k] - rec[k]) / scale).toBeLessThan(1e-12);
          expect(Math.abs(closed[k] - dd[k]) / scale).toBeLessThan(1e-12);
        }
        const g = randomKnots(rng, -1, 1, G, r);
        const rg = changeOfBasisRecursive(g).band;
        const dg = changeOfBasisDividedDifference(g).band;
        for (let k = 0; k < rg.length; k++) {
          expect(Math.abs(rg[k] - dg[k]) / Math.max(1, Math.abs(dg[k]))).toBeLessThan(1e-9);
        }
      }
    }
  });

  it("has the printed cubic stencil [1, -4, 6, -4, 1] / (6 h^3)", () => {
    const kv = uniformKnots([0, 1], 10, 4);
    const A = changeOfBasisUniform(kv);
    const h3 = 0.1 ** 3;
    const expected = [1, -4, 6, -4, 1].map((c) => c / (6 * h3));
    for (let d = 0; d <= 4; d++) expect(A.band[d]).toBeCloseTo(expected[d], 6);
    // Truncation: the last row has only its diagonal.
    const N = basisCount(kv);
    expect(Array.from(A.band.subarray((N - 1) * 5 + 1, N * 5))).toEqual([0, 0, 0, 0]);
    expect(() => changeOfBasisUniform(randomKnots(new Rng(1), 0, 1, 5, 4))).toThrow(/needs uniform knots/);
  });

  it("A, A^T and their inverses applied in O(nr) agree with dense products and round-trip", () => {
    const rng = new Rng(4);
    for (let r = 1; r <= 5; r++) {
      for (const kv of [uniformKnots([0, 1], 12, r), randomKnots(rng, 0, 1, 9, r)]) {
        const A = changeOfBasis(kv);
        const N = basisCount(kv);
        const D = denseChangeOfBasis(A);
        const x = rng.fillNormal(new Float64Array(N));
        const y = new Float64Array(N);
        const yt = new Float64Array(N);
        applyA(A, x, 0, 1, y, 0, 1);
        applyAT(A, x, 0, 1, yt, 0, 1);
        for (let i = 0; i < N; i++) {
          let s = 0;
          let st = 0;
          let mag = 0;
          for (let j = 0; j < N; j++) {
            s += D[i * N + j] * x[j];
            st += D[j * N + i] * x[j];
            mag += Math.abs(D[i * N + j] * x[j]) + Math.abs(D[j * N + i] * x[j]);
          }
          expect(Math.abs(y[i] - s)).toBeLessThanOrEqual(1e-13 * mag);
          expect(Math.abs(yt[i] - st)).toBeLessThanOrEqual(1e-13 * mag);
        }
        const back = new Float64Array(N);
        solveA(A, y, 0, 1, back, 0, 1);
        const backT = new Float64Array(N);
        solveAT(A, yt, 0, 1, backT, 0, 1);
        for (let i = 0; i < N; i++) {
          expect(Math.abs(back[i] - x[i])).toBeLessThan(1e-9);
          expect(Math.abs(backT[i] - x[i])).toBeLessThan(1e-9);
        }
      }
    }
  });

  it("strided application (one edge of a [p][i][q] weight tensor) matches contiguous application", () => {
    const kv = uniformKnots([0, 1], 7, 4);
    const A = changeOfBasis(kv);
    const N = basisCount(kv);
    const Q = 3;
    const rng = new Rng(9);
    const tensor = rng.fillNormal(new Float64Array(N * Q));
    const out = new Float64Array(N * Q);
    for (let q = 0; q < Q; q++) solveAT(A, tensor, q, Q, out, q, Q);
    for (let q = 0; q < Q; q++) {
      const col = Float64Array.from({ length: N }, (_, i) => tensor[i * Q + q]);
      const ref = new Float64Array(N);
      solveAT(A, col, 0, 1, ref, 0, 1);
      for (let i = 0; i < N; i++) expect(out[i * Q + q]).toBe(ref[i]);
    }
  });

  it("property: the power-ReLU representation w = A^T u reproduces the spline on [a, b]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (r, n, seed, uniform, frac) => {
          const rng = new Rng(seed);
          const kv = uniform ? uniformKnots([0, 1], n, r) : randomKnots(rng, 0, 1, n, r);
          const A = changeOfBasis(kv);
          const N = basisCount(kv);
          const u = rng.fillNormal(new Float64Array(N));
          const w = new Float64Array(N);
          applyAT(A, u, 0, 1, w, 0, 1);
          const x = frac;
          let relu = 0;
          let bound = 0;
          for (let J = 0; J < N; J++) {
            const term = w[J] * powerRelu(x, kv.t[J], r);
            relu += term;
            bound += Math.abs(term);
          }
          const spline = evalSpline(kv, u, x);
          // Rounding bound of the global sum (it grows like G^(r-1)) plus that of w = A^T u.
          expect(Math.abs(relu - spline)).toBeLessThanOrEqual(100 * EPS * (bound + N * 10) + 1e-14);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
