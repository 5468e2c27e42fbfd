import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evalSpline } from "../../src/spline/basis.js";
import {
  basisCount,
  breakpoints,
  generalKnots,
  type KnotVector,
  subdivideKnots,
  uniformKnots,
} from "../../src/spline/knots.js";
import {
  applyProlongation,
  dyadicProlongation,
  insertionProlongation,
  type Prolongation,
  prolongation,
  requireNested,
  uniformProlongation,
} from "../../src/spline/refine.js";
import { Rng } from "../../src/util/random.js";
import { randomKnots } from "../helpers/random-knots.js";

function refineCoef(P: Prolongation, uc: Float64Array): Float64Array {
  const uf = new Float64Array(P.nFine);
  applyProlongation(P, uc, 0, 1, uf, 0, 1);
  return uf;
}

/** Max relative deviation between the coarse and fine spline on [a, b] and well outside it. */
function deviation(coarse: KnotVector, fine: KnotVector, uc: Float64Array, uf: Float64Array, rng: Rng) {
  const w = coarse.b - coarse.a;
  // Knots themselves are probed only for r >= 2: piecewise constants jump there, and a coarse knot and
  // its fine copy may differ in the last bit, so the value exactly at a knot is a convention.
  const xs: number[] = coarse.order >= 2 ? [coarse.a, coarse.b, ...Array.from(breakpoints(fine))] : [];
  for (let k = 0; k < 300; k++) xs.push(rng.range(coarse.a, coarse.b));
  const outside: number[] = [];
  for (let k = 0; k < 50; k++)
    outside.push(rng.range(coarse.a - 3 * w, coarse.a), rng.range(coarse.b, coarse.b + 3 * w));
  let scale = 0;
  for (const x of xs) scale = Math.max(scale, Math.abs(evalSpline(coarse, uc, x)));
  const dev = (pts: number[]) => {
    let m = 0;
    for (const x of pts) {
      const c = evalSpline(coarse, uc, x);
      const f = evalSpline(fine, uf, x);
      m = Math.max(m, Math.abs(c - f) / Math.max(scale, Math.abs(c)));
    }
    return m;
  };
  return { inside: dev(xs), outside: dev(outside) };
}

describe("exact refinement", () => {
  it("dyadic prolongation (factor 2^(1-r)) preserves the spline on [a, b] and outside, r = 1..5", () => {
    const rng = new Rng(1);
    for (let r = 1; r <= 5; r++) {
      for (const G of [1, 3, 5, 10, 20]) {
        const coarse = uniformKnots([-1, 1], G, r);
        const fine = uniformKnots([-1, 1], 2 * G, r);
        const uc = rng.fillNormal(new Float64Array(basisCount(coarse)));
        const uf = refineCoef(dyadicProlongation(r, G), uc);
        expect(uf.length).toBe(basisCount(fine));
        const d = deviation(coarse, fine, uc, uf, rng);
        expect(d.inside, `r=${r} G=${G}`).toBeLessThanOrEqual(1e-12);
        expect(d.outside, `r=${r} G=${G} outside`).toBeLessThanOrEqual(1e-12);
      }
    }
  });

  it("the paper's printed 2^(-r) factor is wrong by a factor 2 (erratum)", () => {
    const r = 4;
    const coarse = uniformKnots([0, 1], 5, r);
    const fine = uniformKnots([0, 1], 10, r);
    const uc = new Float64Array(basisCount(coarse)).fill(1);
    const uf = refineCoef(dyadicProlongation(r, 5), uc);
    expect(evalSpline(fine, uf, 0.37)).toBeCloseTo(1, 14);
    const halved = uf.map((v) => v / 2);
    expect(evalSpline(fine, halved, 0.37)).toBeCloseTo(0.5, 14);
    expect(
      Array.from(dyadicProlongation(4, 5).weights.subarray(5 * 4, 5 * 4 + 4)).filter((v) => v !== 0),
    ).toEqual([0.125, 0.75, 0.125]);
  });

  it("refinement by factor 3 (and 4, 5) preserves the spline", () => {
    const rng = new Rng(2);
    for (let r = 1; r <= 5; r++) {
      for (const m of [3, 4, 5]) {
        const G = 4;
        const coarse = uniformKnots([0, 2], G, r);
        const fine = uniformKnots([0, 2], m * G, r);
        const uc = rng.fillNormal(new Float64Array(basisCount(coarse)));
        const uf = refineCoef(uniformProlongation(r, G, m), uc);
        const d = deviation(coarse, fine, uc, uf, rng);
        expect(d.inside, `r=${r} m=${m}`).toBeLessThanOrEqual(1e-12);
        expect(d.outside, `r=${r} m=${m} outside`).toBeLessThanOrEqual(1e-12);
      }
    }
  });

  it("knot insertion for random nested knots preserves the spline, r = 1..5", () => {
    const rng = new Rng(3);
    for (let r = 1; r <= 5; r++) {
      for (let trial = 0; trial < 5; trial++) {
        const coarse = randomKnots(rng, -2, 1, 2 + trial * 3, r);
        // Fine: all coarse breakpoints plus random extra ones.
        const extra: number[] = [];
        for (let k = 0; k < 3 + 4 * trial; k++) extra.push(rng.range(coarse.a, coarse.b));
        const bp = Array.from(new Set([...Array.from(breakpoints(coarse)), ...extra])).sort((p, q) => p - q);
        const fine = generalKnots(bp, r);
        const uc = rng.fillNormal(new Float64Array(basisCount(coarse)));
        const uf = refineCoef(prolongation(coarse, fine), uc);
        const d = deviation(coarse, fine, uc, uf, rng);
        expect(d.inside, `r=${r} trial ${trial}`).toBeLessThanOrEqual(1e-12);
        expect(d.outside, `r=${r} trial ${trial} outside`).toBeLessThanOrEqual(1e-12);
      }
    }
  });

  it("knot insertion reproduces the closed forms on uniform knots", () => {
    for (let r = 1; r <= 5; r++) {
      for (const m of [2, 3]) {
        const coarse = uniformKnots([0, 1], 6, r);
        const fine = subdivideKnots(coarse, m);
        const closed = uniformProlongation(r, 6, m);
        const ins = insertionProlongation(coarse, fine);
        const rng = new Rng(r * 10 + m);
        const uc = rng.fillNormal(new Float64Array(basisCount(coarse)));
        const a = refineCoef(closed, uc);
        const b = refineCoef(ins, uc);
        for (let J = 0; J < a.length; J++) expect(Math.abs(a[J] - b[J])).toBeLessThan(1e-12);
      }
    }
  });

  it("refinements compose: G -> 2G -> 4G equals G -> 4G", () => {
    const rng = new Rng(4);
    const uc = rng.fillNormal(new Float64Array(5 + 3));
    const twice = refineCoef(dyadicProlongation(4, 10), refineCoef(dyadicProlongation(4, 5), uc));
    const once = refineCoef(uniformProlongation(4, 5, 4), uc);
    for (let J = 0; J < once.length; J++) expect(Math.abs(twice[J] - once[J])).toBeLessThan(1e-13);
  });

  it("rejects grids that do not nest, naming the missing knot", () => {
    expect(() => prolongation(uniformKnots([0, 1], 5, 4), uniformKnots([0, 1], 7, 4))).toThrow(
      /coarse knot 0.2 .* is not a knot of the fine grid G=7 \(grids do not nest\)/,
    );
    expect(() => prolongation(uniformKnots([0, 1], 5, 4), uniformKnots([0, 2], 10, 4))).toThrow(
      /domain changes from \[0, 1\] to \[0, 2\]/,
    );
    expect(() => prolongation(uniformKnots([0, 1], 5, 4), uniformKnots([0, 1], 10, 3))).toThrow(
      /spline order changes from 4 to 3/,
    );
    expect(() => requireNested(generalKnots([0, 0.3, 1], 2), generalKnots([0, 0.5, 1], 2))).toThrow(
      /coarse knot 0.3/,
    );
  });

  it("property: refinement of random splines by random nested knots is exact", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.boolean(),
        (r, n, m, seed, uniform) => {
          const rng = new Rng(seed);
          const coarse = uniform ? uniformKnots([-1, 1], n, r) : randomKnots(rng, -1, 1, n, r);
          const fine = subdivideKnots(coarse, m);
          const uc = rng.fillNormal(new Float64Array(basisCount(coarse)));
          const uf = refineCoef(prolongation(coarse, fine), uc);
          const d = deviation(coarse, fine, uc, uf, rng);
          expect(d.inside).toBeLessThanOrEqual(1e-12);
          expect(d.outside).toBeLessThanOrEqual(1e-12);
        },
      ),
      { numRuns: 150, seed: 3 },
    );
  });
});
