import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evalBasis, evalBasisAt, evalSpline, MAX_DERIV } from "../../src/spline/basis.js";
import { basisCount, type KnotVector, uniformKnots } from "../../src/spline/knots.js";
import { Rng } from "../../src/util/random.js";
import { centralDiff, denseBasis } from "../helpers/oracle.js";
import { pointsAwayFromKnots, randomKnots } from "../helpers/random-knots.js";

const ORDERS = [1, 2, 3, 4, 5, 6];

function knotSets(r: number, seed: number): KnotVector[] {
  const rng = new Rng(seed);
  return [
    uniformKnots([0, 1], 5, r),
    uniformKnots([-1, 1], 16, r),
    uniformKnots([-3.5, 7], 1, r),
    randomKnots(rng, 0, 1, 7, r),
    randomKnots(rng, -2, 3, 23, r),
  ];
}

function basisAt(kv: KnotVector, x: number, nd = MAX_DERIV): { span: number; v: Float64Array } {
  const v = new Float64Array((nd + 1) * kv.order);
  const span = evalBasisAt(kv, x, nd, v, 0);
  return { span, v };
}

describe("B-spline basis", () => {
  it("is a partition of unity on [a, b] for r = 1..6, uniform and random knots (<= 1e-14)", () => {
    const rng = new Rng(11);
    for (const r of ORDERS) {
      for (const kv of knotSets(r, r)) {
        let worst = 0;
        const xs = [kv.a, kv.b, ...Array.from(kv.t.subarray(r - 1, r + kv.intervals))];
        for (let k = 0; k < 500; k++) xs.push(rng.range(kv.a, kv.b));
        for (const x of xs) {
          const { v } = basisAt(kv, x, 0);
          let sum = 0;
          for (let m = 0; m < r; m++) sum += v[m];
          worst = Math.max(worst, Math.abs(sum - 1));
        }
        expect(worst, `r=${r} ${kv.uniform ? "uniform" : "random"} G=${kv.intervals}`).toBeLessThanOrEqual(
          1e-14,
        );
      }
    }
  });

  it("equals the Cox-de Boor recursion on [a, b] (uniform stencil and de Boor)", () => {
    const rng = new Rng(5);
    for (const r of ORDERS) {
      for (const kv of knotSets(r, 100 + r)) {
        for (let k = 0; k < 200; k++) {
          const x = rng.range(kv.a, kv.b);
          const { span, v } = basisAt(kv, x, 0);
          const dense = denseBasis(kv, x);
          for (let I = 0; I < basisCount(kv); I++) {
            const local = I >= span && I < span + r ? v[I - span] : 0;
            expect(Math.abs(local - dense[I])).toBeLessThanOrEqual(1e-14);
          }
        }
      }
    }
  });

  it("derivatives 1..3 match central differences away from knots", () => {
    const rng = new Rng(7);
    const step = 1e-6;
    for (const r of ORDERS) {
      for (const kv of knotSets(r, 200 + r)) {
        const span = kv.b - kv.a;
        const pts = pointsAwayFromKnots(rng, kv, 40, kv.a, kv.b, 10 * step * span);
        for (const x of pts) {
          const { span: j, v } = basisAt(kv, x);
          for (let d = 1; d <= MAX_DERIV; d++) {
            for (let m = 0; m < r; m++) {
              const f = (y: number) => {
                const o = basisAt(kv, y);
                expect(o.span).toBe(j);
                return o.v[(d - 1) * r + m];
              };
              const fd = centralDiff(f, x, step * span);
              const scale = Math.max(
                1,
                Math.abs(fd),
                Math.abs(basisAt(kv, x).v[(d - 1) * r + m]) / (step * span),
              );
              expect(Math.abs(v[d * r + m] - fd) / scale, `r=${r} d=${d} m=${m} x=${x}`).toBeLessThan(1e-6);
            }
          }
        }
      }
    }
  });

  it("one-sided first derivatives at interior knots match one-sided differences (both sides)", () => {
    // Second-order one-sided differences: f'(x+) ~ (-3 f(x) + 4 f(x+h) - f(x+2h)) / (2h).
    for (const r of [2, 3, 4, 5, 6]) {
      for (const kv of knotSets(r, 300 + r)) {
        const t = kv.t;
        for (let i = 1; i < kv.intervals; i++) {
          const knot = t[r - 1 + i];
          const hk = Math.min(knot - t[r - 2 + i], t[r + i] - knot);
          const h = 1e-6 * hk;
          const { span } = basisAt(kv, knot, 1);
          for (let I = span - 1; I < span + r; I++) {
            const val = (y: number) => {
              const o = basisAt(kv, y, 0);
              return I >= o.span && I < o.span + r ? o.v[I - o.span] : 0;
            };
            const slope = (y: number) => {
              const o = basisAt(kv, y, 1);
              return I >= o.span && I < o.span + r ? o.v[r + I - o.span] : 0;
            };
            const right = (-3 * val(knot) + 4 * val(knot + h) - val(knot + 2 * h)) / (2 * h);
            const left = (3 * val(knot) - 4 * val(knot - h) + val(knot - 2 * h)) / (2 * h);
            const scale = Math.max(1 / hk, Math.abs(slope(knot)));
            expect(Math.abs(slope(knot) - right) / scale, `r=${r} knot ${i} basis ${I} right`).toBeLessThan(
              1e-6,
            );
            // The left limit: the derivative just left of the knot.
            expect(
              Math.abs(slope(knot - 1e-9 * hk) - left) / scale,
              `r=${r} knot ${i} basis ${I} left`,
            ).toBeLessThan(1e-6);
          }
        }
      }
    }
  });

  it("continues linearly outside [a, b] (value and slope continuous at the ends, no curvature)", () => {
    for (const r of ORDERS) {
      for (const kv of knotSets(r, 400 + r)) {
        for (const [end, dir] of [
          [kv.a, -1],
          [kv.b, 1],
        ] as const) {
          const inside = basisAt(kv, end);
          for (const dist of [1e-9, 0.3, 5]) {
            const x = end + dir * dist;
            const out = basisAt(kv, x);
            expect(out.span).toBe(inside.span);
            for (let m = 0; m < r; m++) {
              expect(out.v[m]).toBeCloseTo(inside.v[m] + dir * dist * inside.v[r + m], 12);
              expect(out.v[r + m]).toBe(inside.v[r + m]);
              expect(out.v[2 * r + m]).toBe(0);
              expect(out.v[3 * r + m]).toBe(0);
            }
          }
        }
      }
    }
  });

  it("batch evaluation matches pointwise evaluation and checks its arguments", () => {
    const kv = uniformKnots([0, 1], 10, 4);
    const xs = Float64Array.from([-0.5, 0, 0.123, 0.5, 0.999, 1, 1.7]);
    const span = new Int32Array(xs.length);
    const out = new Float64Array(xs.length * 3 * 4);
    evalBasis(kv, xs, 2, span, out);
    xs.forEach((x, s) => {
      const { span: j, v } = basisAt(kv, x, 2);
      expect(span[s]).toBe(j);
      expect(Array.from(out.subarray(s * 12, s * 12 + 12))).toEqual(Array.from(v.subarray(0, 12)));
    });
    expect(() => evalBasis(kv, xs, 2, new Int32Array(2), out)).toThrow(/too small for 7 points/);
    expect(() => evalBasis(kv, xs, 4, span, new Float64Array(1000))).toThrow(/derivative order .* got 4/);
  });

  it("property: the spline sum_I c_I b_I(x) equals the dense Cox-de Boor sum", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (r, n, seed, uniform, frac) => {
          const rng = new Rng(seed);
          const kv = uniform ? uniformKnots([-1, 2], n, r) : randomKnots(rng, -1, 2, n, r);
          const c = rng.fillNormal(new Float64Array(basisCount(kv)));
          const x = kv.a + frac * (kv.b - kv.a);
          const dense = denseBasis(kv, x);
          let ref = 0;
          let mag = 0;
          for (let I = 0; I < c.length; I++) {
            ref += c[I] * dense[I];
            mag += Math.abs(c[I] * dense[I]);
          }
          expect(Math.abs(evalSpline(kv, c, x) - ref)).toBeLessThanOrEqual(1e-14 * Math.max(1, mag));
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});

describe("NaN inputs", () => {
  it("take interval 0 and give NaN values on every path (uniform cubic, generic uniform, general knots)", () => {
    const rng = new Rng(5);
    for (const kv of [uniformKnots([0, 1], 5, 4), uniformKnots([0, 1], 5, 3), randomKnots(rng, 0, 1, 6, 4)]) {
      const { span, v } = basisAt(kv, Number.NaN);
      expect(span).toBe(0);
      for (let m = 0; m < kv.order; m++) expect(v[m]).toBeNaN();
      const u = new Float64Array(basisCount(kv)).fill(1);
      expect(evalSpline(kv, u, Number.NaN)).toBeNaN();
    }
  });
});
