import { describe, expect, it } from "vitest";
import {
  breakpointsFromLogits,
  logitGradient,
  logitsFromBreakpoints,
  midpointLogits,
  requireMinGap,
} from "../../src/spline/knot-param.js";
import { Rng } from "../../src/util/random.js";

function knots(theta: Float64Array, a: number, b: number, eps: number): Float64Array {
  const n = theta.length;
  const t = new Float64Array(n + 1);
  breakpointsFromLogits(theta, 0, n, a, b, eps, new Float64Array(n), 0, t, 0);
  return t;
}

describe("monotone knot parametrisation (cumulative softmax of widths)", () => {
  it("theta = 0 gives uniform knots; endpoints are exact", () => {
    const t = knots(new Float64Array(8), -1, 1, 0.1);
    expect(t[0]).toBe(-1);
    expect(t[8]).toBe(1);
    for (let i = 0; i <= 8; i++) expect(Math.abs(t[i] - (-1 + i / 4))).toBeLessThan(1e-15);
  });

  it("extreme logits keep the minimum spacing eps (b - a) / n and the order (no collapse)", () => {
    const rng = new Rng(2);
    for (let trial = 0; trial < 20; trial++) {
      const n = 3 + rng.int(10);
      const theta = rng.fillNormal(new Float64Array(n), 0, 300);
      const eps = 0.05;
      const t = knots(theta, 0, 2, eps);
      for (let i = 1; i <= n; i++) expect(t[i] - t[i - 1]).toBeGreaterThanOrEqual((eps * 2) / n - 1e-14);
    }
    expect(() => knots(Float64Array.from([0, Number.NaN, 0]), 0, 1, 0.1)).toThrow(/logit 1 is NaN/);
  });

  it("logitGradient is the exact chain rule (central differences)", () => {
    const rng = new Rng(4);
    const n = 7;
    const [a, b, eps] = [-1, 2, 0.1];
    const theta = rng.fillNormal(new Float64Array(n));
    const w = rng.fillNormal(new Float64Array(n + 1));
    const f = (th: Float64Array) => knots(th, a, b, eps).reduce((acc, v, i) => acc + w[i] * v * v, 0);
    const s = new Float64Array(n);
    const t = new Float64Array(n + 1);
    breakpointsFromLogits(theta, 0, n, a, b, eps, s, 0, t, 0);
    const gt = Float64Array.from(t, (v, i) => 2 * w[i] * v);
    const g = new Float64Array(n);
    logitGradient(gt, 0, n, a, b, eps, s, 0, g, 0);
    for (let m = 0; m < n; m++) {
      const h = 1e-6;
      const tp = Float64Array.from(theta);
      const tm = Float64Array.from(theta);
      tp[m] += h;
      tm[m] -= h;
      const fd = (f(tp) - f(tm)) / (2 * h);
      expect(Math.abs(g[m] - fd)).toBeLessThan(1e-7 * (1 + Math.abs(fd)));
    }
    // In place (gt and gTheta the same array) gives the same result.
    const inPlace = Float64Array.from(gt);
    logitGradient(inPlace, 0, n, a, b, eps, s, 0, inPlace, 0);
    for (let m = 0; m < n; m++) expect(inPlace[m]).toBe(g[m]);
  });

  it("logitsFromBreakpoints inverts the map; midpointLogits inserts the midpoints", () => {
    const bp = [0, 0.1, 0.5, 0.6, 1];
    const th = logitsFromBreakpoints(bp, 0.1);
    const t = knots(th, 0, 1, 0.1);
    for (let i = 0; i < 5; i++) expect(Math.abs(t[i] - bp[i])).toBeLessThan(1e-15);
    const fine = new Float64Array(8);
    midpointLogits(th, 0, 4, fine, 0);
    const tf = knots(fine, 0, 1, 0.1);
    for (let i = 0; i < 4; i++) {
      expect(Math.abs(tf[2 * i] - bp[i])).toBeLessThan(1e-15);
      expect(Math.abs(tf[2 * i + 1] - 0.5 * (bp[i] + bp[i + 1]))).toBeLessThan(1e-15);
    }
    expect(() => logitsFromBreakpoints([0, 0.01, 1], 0.1)).toThrow(/interval 0 .*minimum knot spacing/);
    expect(() => requireMinGap(1)).toThrow(/minGap/);
    expect(() => requireMinGap(0)).toThrow(/minGap/);
  });
});
