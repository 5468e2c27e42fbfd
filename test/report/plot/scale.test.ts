import { describe, expect, it } from "vitest";
import {
  chartDomain,
  extentOf,
  formatLinearTick,
  formatLogTick,
  linearScale,
  linearTicks,
  logDomain,
  logScale,
  logTicks,
  niceLinearDomain,
  niceStep,
} from "../../../src/report/plot/scale.js";

describe("linear ticks", () => {
  it("steps are 1, 2 or 5 times a power of ten", () => {
    expect(niceStep(1000, 5)).toBe(200);
    expect(niceStep(1, 6)).toBe(0.2);
    expect(niceStep(7, 6)).toBe(1);
    expect(niceStep(3e-4, 3)).toBe(1e-4);
    expect(niceStep(5e-4, 2)).toBe(2e-4);
  });

  it("cover the nice domain with round labels", () => {
    expect(niceLinearDomain(1, 997)).toEqual([0, 1000]);
    expect(linearTicks(0, 1000, 5).map((t) => t.label)).toEqual(["0", "200", "400", "600", "800", "1000"]);
    expect(linearTicks(-1, 1, 4).map((t) => t.label)).toEqual(["-1.0", "-0.5", "0", "0.5", "1.0"]);
    expect(linearTicks(0, 0.3, 3).map((t) => t.label)).toEqual(["0", "0.1", "0.2", "0.3"]);
  });

  it("widens a single value to an interval", () => {
    const [a, b] = niceLinearDomain(3, 3);
    expect(a).toBeLessThan(3);
    expect(b).toBeGreaterThan(3);
    expect(niceLinearDomain(0, 0)).toEqual([-1, 1]);
  });

  it("uses exponent labels for large and tiny values", () => {
    expect(formatLinearTick(200000, 100000)).toBe("2e5");
    expect(formatLinearTick(250000, 50000)).toBe("2.5e5");
    expect(formatLinearTick(2e-4, 1e-4)).toBe("2e-4");
  });
});

describe("log ticks", () => {
  it("widen the data to whole decades and label each decade like 1e-3", () => {
    expect(logDomain(3.2e-7, 0.8)).toEqual([1e-7, 1]);
    const t = logTicks(1e-7, 1);
    const labels = t.filter((x) => x.major).map((x) => x.label);
    expect(labels).toEqual(["1e-7", "1e-6", "1e-5", "1e-4", "1e-3", "1e-2", "1e-1", "1"]);
    // minor ticks at 2..9 of each decade
    expect(t.filter((x) => !x.major).length).toBe(7 * 8);
  });

  it("label every k-th decade when there are many", () => {
    const t = logTicks(1e-20, 1e2, 6);
    const labels = t.filter((x) => x.label !== "").map((x) => x.label);
    expect(labels.length).toBeLessThanOrEqual(6);
    expect(labels[0]).toBe("1e-20");
    expect(t.some((x) => x.value === 1e-19 && x.label === "")).toBe(true);
  });

  it("label 2 and 5 within one or two decades", () => {
    const labels = logTicks(0.1, 1)
      .filter((x) => x.label !== "")
      .map((x) => x.label);
    expect(labels).toEqual(["1e-1", "2e-1", "5e-1", "1"]);
    expect(formatLogTick(10)).toBe("1e1");
    expect(formatLogTick(5e-3)).toBe("5e-3");
  });

  it("widen a single power of ten to a decade each side", () => {
    expect(logDomain(1e-3, 1e-3)).toEqual([1e-4, 1e-2]);
  });
});

describe("scales", () => {
  it("map domains to ranges, reversed for y", () => {
    const y = logScale([1e-4, 1], [400, 0]);
    expect(y.map(1e-4)).toBeCloseTo(400, 12);
    expect(y.map(1e-2)).toBeCloseTo(200, 12);
    expect(y.accepts(0)).toBe(false);
    expect(y.accepts(-1)).toBe(false);
    const x = linearScale([0, 10], [50, 150]);
    expect(x.map(5)).toBe(100);
    expect(x.accepts(Number.NaN)).toBe(false);
    expect(() => logScale([0, 1], [0, 1])).toThrow(/positive/);
  });

  it("extents skip NaN, infinities and (on log) values <= 0", () => {
    expect(extentOf("log", [[Number.NaN, 0, -1, 1e-3, 2, Number.POSITIVE_INFINITY]])).toEqual([1e-3, 2]);
    expect(extentOf("linear", [[Number.NaN, -1, 2]])).toEqual([-1, 2]);
    expect(extentOf("log", [[0, Number.NaN]])).toBeNull();
    expect(chartDomain("log", null)).toEqual([1, 10]);
    expect(chartDomain("linear", [0.13, 0.87], { nice: false })).toEqual([0.13, 0.87]);
  });
});
