import { describe, expect, it } from "vitest";
import {
  basisCount,
  breakpoints,
  findInterval,
  generalKnots,
  gridsNest,
  knotVector,
  subdivideKnots,
  uniformKnots,
} from "../../src/spline/knots.js";

describe("uniform knots", () => {
  it("lays out G + 2r - 1 knots with r - 1 extension knots each side", () => {
    const kv = uniformKnots([0, 1], 5, 4);
    expect(kv.t.length).toBe(5 + 2 * 4 - 1);
    expect(basisCount(kv)).toBe(8);
    expect(kv.t[3]).toBe(0);
    expect(kv.t[8]).toBe(1);
    expect(kv.t[0]).toBeCloseTo(-0.6, 14);
    expect(kv.t[11]).toBeCloseTo(1.6, 14);
    expect(kv.h).toBeCloseTo(0.2, 15);
    expect(Array.from(breakpoints(kv))).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]);
  });

  it("finds intervals, with x = b in the last one and outside points clamped", () => {
    const kv = uniformKnots([-1, 1], 4, 3);
    expect(findInterval(kv, -1)).toBe(0);
    expect(findInterval(kv, -0.6)).toBe(0);
    expect(findInterval(kv, -0.4)).toBe(1);
    expect(findInterval(kv, 0.99)).toBe(3);
    expect(findInterval(kv, 1)).toBe(3);
    expect(findInterval(kv, -5)).toBe(0);
    expect(findInterval(kv, 7)).toBe(3);
  });

  it("agrees with binary search on general knots", () => {
    const u = uniformKnots([0, 2], 10, 4);
    const g = generalKnots(breakpoints(u), 4);
    for (let k = 0; k <= 400; k++) {
      const x = -0.5 + (3 * k) / 400 + 1e-7;
      expect(findInterval(g, x)).toBe(findInterval(u, x));
    }
  });
});

describe("general knots", () => {
  it("extends with the spacing of the end intervals", () => {
    const kv = generalKnots([0, 0.1, 0.5, 1], 3);
    expect(Array.from(kv.t)).toEqual([-0.2, -0.1, 0, 0.1, 0.5, 1, 1.5, 2]);
    expect(kv.intervals).toBe(3);
    expect(kv.uniform).toBe(false);
  });

  it("accepts explicit extension knots", () => {
    const kv = generalKnots([0, 1], 2, { left: [-3], right: [5] });
    expect(Array.from(kv.t)).toEqual([-3, 0, 1, 5]);
  });

  it("subdivides intervals", () => {
    const kv = subdivideKnots(generalKnots([0, 0.1, 0.5, 1], 2), 2);
    const expected = [0, 0.05, 0.1, 0.3, 0.5, 0.75, 1];
    for (const [i, x] of breakpoints(kv).entries()) expect(x).toBeCloseTo(expected[i], 15);
    expect(subdivideKnots(uniformKnots([0, 1], 3, 4), 3).intervals).toBe(9);
  });
});

describe("knot validation names the bad value", () => {
  it("order", () => {
    expect(() => uniformKnots([0, 1], 5, 0)).toThrow(/spline order r must be an integer in \[1, 12\], got 0/);
    expect(() => uniformKnots([0, 1], 5, 2.5)).toThrow(/got 2.5/);
    expect(() => generalKnots([0, 1], Number.NaN)).toThrow(/spline order r .* got NaN/);
  });
  it("grid size", () => {
    expect(() => uniformKnots([0, 1], 0, 4)).toThrow(/grid size G must be an integer >= 1, got 0/);
    expect(() => uniformKnots([0, 1], 3.5, 4)).toThrow(/grid size G .* got 3.5/);
  });
  it("domain", () => {
    expect(() => uniformKnots([1, 1], 5, 4)).toThrow(/a < b, got \[1, 1\]/);
    expect(() => uniformKnots([2, 1], 5, 4)).toThrow(/a < b, got \[2, 1\]/);
    expect(() => uniformKnots([0, Number.POSITIVE_INFINITY], 5, 4)).toThrow(
      /domain\[1\] must be a finite number, got Infinity/,
    );
    expect(() => uniformKnots([Number.NaN, 1], 5, 4)).toThrow(/domain\[0\] must be a finite number, got NaN/);
  });
  it("knots", () => {
    expect(() => generalKnots([0, 0.5, 0.5, 1], 2)).toThrow(
      /strictly increasing, got breakpoints\[1\] = 0.5 >= breakpoints\[2\] = 0.5/,
    );
    expect(() => generalKnots([0, Number.NaN, 1], 2)).toThrow(
      /breakpoints\[1\] must be a finite number, got NaN/,
    );
    expect(() => generalKnots([0], 2)).toThrow(/at least 2 values/);
    expect(() => knotVector([0, 1, 3, 2], 1)).toThrow(/knots\[2\] = 3 >= knots\[3\] = 2/);
    expect(() => knotVector([0, 1, 2], 2)).toThrow(/needs at least 4 knots, got 3/);
    expect(() => generalKnots([0, 1], 3, { left: [-1], right: [2, 3] })).toThrow(/r - 1 = 2 on each side/);
    expect(() => generalKnots([0, 1], 2, { left: [0.5], right: [2] })).toThrow(/strictly increasing/);
  });
});

describe("gridsNest", () => {
  it("accepts integer multiples (factor 1 included) and nothing else", () => {
    expect(gridsNest(5, 5)).toBe(true);
    expect(gridsNest(5, 10)).toBe(true);
    expect(gridsNest(5, 40)).toBe(true);
    expect(gridsNest(3, 12)).toBe(true);
    expect(gridsNest(5, 7)).toBe(false);
    expect(gridsNest(10, 5)).toBe(false);
    expect(gridsNest(5, 12.5)).toBe(false);
    expect(gridsNest(5, Number.NaN)).toBe(false);
    expect(gridsNest(0, 5)).toBe(false);
    expect(gridsNest(2.5, 5)).toBe(false);
  });
});
