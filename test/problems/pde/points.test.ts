import { describe, expect, it } from "vitest";
import {
  boundaryPoints,
  box,
  drawPoints,
  facePoints,
  fixedPoints,
  gridPoints,
  initialPoints,
  interfacePoints,
  periodicPairs,
  sobolPoints,
  uniformPoints,
  unionPoints,
} from "../../../src/problems/pde/index.js";
import { SOBOL_MAX_DIM, sobolUnit } from "../../../src/problems/pde/sobol.js";
import { Rng } from "../../../src/util/random.js";

describe("Sobol sequence", () => {
  it("stratifies every 1-D projection: the first 2^m points hit each dyadic interval once", () => {
    for (let m = 1; m <= 9; m++) {
      const n = 2 ** m;
      const x = sobolUnit(SOBOL_MAX_DIM, n);
      for (let d = 0; d < SOBOL_MAX_DIM; d++) {
        const hits = new Uint8Array(n);
        for (let i = 0; i < n; i++) hits[Math.floor(x[i * SOBOL_MAX_DIM + d] * n)]++;
        expect(Array.from(hits).every((h) => h === 1)).toBe(true);
      }
    }
  });
  it("is a (0, m, 2)-net in its first two dimensions (one point per elementary box of area 2^-m)", () => {
    const m = 8;
    const n = 2 ** m;
    const x = sobolUnit(2, n);
    for (let a = 0; a <= m; a++) {
      const na = 2 ** a;
      const nb = 2 ** (m - a);
      const hits = new Uint16Array(n);
      for (let i = 0; i < n; i++) hits[Math.floor(x[2 * i] * na) * nb + Math.floor(x[2 * i + 1] * nb)]++;
      expect(Array.from(hits).every((h) => h === 1)).toBe(true);
    }
  });
  it("skipping continues the sequence exactly", () => {
    const all = sobolUnit(3, 100);
    const tail = sobolUnit(3, 60, 40);
    expect(Array.from(tail)).toEqual(Array.from(all.subarray(120)));
  });
  it("rejects bad dimensions", () => {
    expect(() => sobolUnit(SOBOL_MAX_DIM + 1, 4)).toThrow(/Sobol dimension/);
  });
});

describe("point sets", () => {
  const sq = box([
    [-1, 1],
    [-1, 1],
  ]);
  it("grid: linspace with the ends, first coordinate slowest", () => {
    const g = gridPoints(sq, [3, 2]);
    expect(g.n).toBe(6);
    expect(Array.from(drawPoints(g))).toEqual([-1, -1, -1, 1, 0, -1, 0, 1, 1, -1, 1, 1]);
    const mid = drawPoints(gridPoints(sq, 2, { endpoints: false }));
    expect(Array.from(mid)).toEqual([-0.5, -0.5, -0.5, 0.5, 0.5, -0.5, 0.5, 0.5]);
  });
  it("pykan's boundary: 4 faces of 51 grid points (204), on the boundary", () => {
    const b = boundaryPoints(sq, 51);
    expect(b.n).toBe(204);
    const x = drawPoints(b);
    for (let i = 0; i < b.n; i++) expect(Math.max(Math.abs(x[2 * i]), Math.abs(x[2 * i + 1]))).toBe(1);
    // Face order: x = -1, x = 1, y = -1, y = 1.
    expect([x[0], x[51 * 2], x[102 * 2 + 1], x[153 * 2 + 1]]).toEqual([-1, 1, -1, 1]);
  });
  it("time domains: the boundary skips the time faces; initial points lie at t0", () => {
    const d = box(
      [
        [-1, 1],
        [0, 1],
      ],
      { time: 1 },
    );
    expect(d.names).toEqual(["x", "t"]);
    const b = drawPoints(boundaryPoints(d, 5));
    expect(b.length).toBe(20);
    for (let i = 0; i < 10; i++) expect(Math.abs(b[2 * i])).toBe(1);
    const ini = drawPoints(initialPoints(d, 7, "sobol"));
    for (let i = 0; i < 7; i++) expect(ini[2 * i + 1]).toBe(0);
    expect(() => initialPoints(sq, 5)).toThrow(/no time coordinate/);
  });
  it("uniform and Sobol sets stay in the box, redraw differently, and repeat with the same seed", () => {
    for (const set of [uniformPoints(sq, 50), sobolPoints(sq, 50), facePoints(sq, 0, "hi", 50, "uniform")]) {
      const a = new Float64Array(100);
      const b = new Float64Array(100);
      const c = new Float64Array(100);
      set.fill(a, 0, new Rng(3));
      set.fill(b, 0, new Rng(3));
      set.fill(c, 1, new Rng(4));
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(Array.from(a)).not.toEqual(Array.from(c));
      for (const v of a) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    }
  });
  it("periodic pairs: rows (lo, t) and (hi, t) in a group of 2", () => {
    const d = box(
      [
        [-1, 1],
        [0, 1],
      ],
      { time: 1 },
    );
    const p = periodicPairs(d, 0, 4);
    expect(p.group).toBe(2);
    expect(p.n).toBe(8);
    const x = drawPoints(p);
    for (let i = 0; i < 4; i++) {
      expect([x[4 * i], x[4 * i + 2]]).toEqual([-1, 1]);
      expect(x[4 * i + 1]).toBe(x[4 * i + 3]);
    }
  });
  it("interface pairs: the same point with sides -1 and +1", () => {
    const p = interfacePoints(sq, 0, 0, 5);
    const x = drawPoints(p);
    expect(p.group).toBe(2);
    expect(Array.from(p.sides ?? [])).toEqual([-1, 1, -1, 1, -1, 1, -1, 1, -1, 1]);
    for (let i = 0; i < 5; i++) {
      expect(x[4 * i]).toBe(0);
      expect(x[4 * i + 1]).toBe(x[4 * i + 3]);
    }
    expect(() => interfacePoints(sq, 0, 1, 5)).toThrow(/must lie inside/);
  });
  it("fixed and union sets; bad input is named", () => {
    const u = unionPoints(fixedPoints([[0.5, 0.5]]), gridPoints(sq, 2));
    expect(u.n).toBe(5);
    expect(Array.from(drawPoints(u)).slice(0, 4)).toEqual([0.5, 0.5, -1, -1]);
    expect(() => fixedPoints([])).toThrow(/non-empty/);
    expect(() => gridPoints(sq, [3])).toThrow(/counts/);
    expect(() => gridPoints(sq, 0)).toThrow(/counts\[0\]/);
    expect(() =>
      box([
        [1, -1],
        [0, 1],
      ]),
    ).toThrow(/a < b/);
    expect(() => uniformPoints(sq, 0)).toThrow(/n must be an integer/);
    expect(() => unionPoints(gridPoints(sq, 2), periodicPairs(sq, 0, 2))).toThrow(/group/);
  });
});
