/** Data sets: createDataset (ranges, seeds, outputs), splitIndices and datasetFromArrays. */
import { describe, expect, it } from "vitest";
import { createDataset, datasetFromArrays, splitIndices } from "../../src/problems/dataset.js";

const f2 = (p: number[]) => Math.sin(p[0]) + p[1];

describe("createDataset", () => {
  it("draws inputs inside the ranges, per variable, with the requested counts", () => {
    const d = createDataset((p) => p[0] + p[1] + p[2], {
      nVar: 3,
      ranges: [
        [0, 1],
        [-5, -4],
        [10, 20],
      ],
      trainNum: 500,
      testNum: 200,
      seed: 3,
    });
    expect([d.nIn, d.nOut, d.trainNum, d.testNum]).toEqual([3, 1, 500, 200]);
    expect(d.trainInput.length).toBe(1500);
    expect(d.testLabel.length).toBe(200);
    for (const x of [d.trainInput, d.testInput]) {
      for (let s = 0; s < x.length / 3; s++) {
        expect(x[3 * s]).toBeGreaterThanOrEqual(0);
        expect(x[3 * s]).toBeLessThan(1);
        expect(x[3 * s + 1]).toBeGreaterThanOrEqual(-5);
        expect(x[3 * s + 1]).toBeLessThan(-4);
        expect(x[3 * s + 2]).toBeGreaterThanOrEqual(10);
        expect(x[3 * s + 2]).toBeLessThan(20);
      }
    }
    // Spread over the range, not clustered.
    const xs = Array.from({ length: 500 }, (_, s) => d.trainInput[3 * s]);
    expect(Math.min(...xs)).toBeLessThan(0.02);
    expect(Math.max(...xs)).toBeGreaterThan(0.98);
    expect(d.trainLabel[7]).toBe(d.trainInput[21] + d.trainInput[22] + d.trainInput[23]);
  });

  it("is a function of the seed; train and test points differ", () => {
    const a = createDataset(f2, { seed: 5, trainNum: 50, testNum: 50 });
    const b = createDataset(f2, { seed: 5, trainNum: 50, testNum: 50 });
    const c = createDataset(f2, { seed: 6, trainNum: 50, testNum: 50 });
    expect(Array.from(a.trainInput)).toEqual(Array.from(b.trainInput));
    expect(Array.from(a.testLabel)).toEqual(Array.from(b.testLabel));
    expect(Array.from(a.trainInput)).not.toEqual(Array.from(c.trainInput));
    expect(Array.from(a.trainInput)).not.toEqual(Array.from(a.testInput));
    // Default range [-1, 1], as pykan.
    expect(a.trainInput.every((v) => v >= -1 && v < 1)).toBe(true);
  });

  it("supports several outputs and an empty test set", () => {
    const d = createDataset((p) => [p[0], 2 * p[0], -p[0]], { nVar: 1, trainNum: 10, testNum: 0 });
    expect(d.nOut).toBe(3);
    expect(d.testInput.length).toBe(0);
    expect(d.trainLabel[3 * 4 + 1]).toBe(2 * d.trainInput[4]);
  });

  it("rejects bad functions and options, naming the value", () => {
    expect(() => createDataset((p) => (p[0] > 0.5 ? Number.NaN : 1), { nVar: 1, ranges: [0, 1] })).toThrow(
      /gave NaN \(output 0\) at training point \d+; targets must be finite/,
    );
    let calls = 0;
    expect(() => createDataset(() => (calls++ < 3 ? [1, 2] : [1]), { nVar: 1 })).toThrow(
      /returned 1 values at training point 3 but 2 before/,
    );
    expect(() => createDataset(f2, { ranges: [1, 0] })).toThrow(/ranges must satisfy a < b, got \[1, 0\]/);
    expect(() => createDataset(f2, { nVar: 2, ranges: [[0, 1]] as never })).toThrow(
      /one \[lo, hi\] per variable/,
    );
    expect(() => createDataset(f2, { trainNum: 0 })).toThrow(/trainNum must be an integer >= 1, got 0/);
    expect(() => createDataset(f2, { train_num: 5 } as never)).toThrow(/unknown option "train_num"/);
  });
});

describe("datasetFromArrays and splitIndices", () => {
  it("split rows reproducibly, without overlap, keeping every row once", () => {
    const a = splitIndices(100, 0.2, 7);
    expect(a.test).toHaveLength(20);
    expect([...a.train, ...a.test].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(splitIndices(100, 0.2, 7)).toEqual(a);
    expect(splitIndices(100, 0.2, 8).test).not.toEqual(a.test);
    expect(splitIndices(5, 0, 1)).toEqual({ train: [0, 1, 2, 3, 4], test: [] });
    expect(splitIndices(3, 0.01, 1).test).toHaveLength(1);
    expect(() => splitIndices(1, 0.5, 1)).toThrow(/leaves no training rows/);
    expect(() => splitIndices(10, 1, 1)).toThrow(/testFraction must be a number in \[0, 1\), got 1/);
  });

  it("build a data set from rows or flat arrays", () => {
    const x = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ];
    const d = datasetFromArrays(x, [10, 20, 30, 40]);
    expect([d.nIn, d.nOut, d.trainNum, d.testNum]).toEqual([2, 1, 4, 0]);
    expect(Array.from(d.trainInput)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const s = datasetFromArrays(Float64Array.from(x.flat()), Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), {
      nIn: 2,
      testFraction: 0.25,
      seed: 3,
    });
    expect([s.nOut, s.trainNum, s.testNum]).toEqual([2, 3, 1]);
    const r = s.testInput[0];
    expect(Array.from(s.testLabel)).toEqual([r, r + 1]);
    expect(() => datasetFromArrays(x, [1, 2])).toThrow(/one entry per input row \(4\)/);
    expect(() => datasetFromArrays([[1, 2], [3]], [1, 2])).toThrow(/input\[1\] must have 2 numbers/);
    expect(() => datasetFromArrays(x, [1, 2, Number.NaN, 4])).toThrow(
      /trainLabel\[2\] .* must be finite, got NaN/,
    );
    expect(() => datasetFromArrays(new Float64Array(4), new Float64Array(2))).toThrow(/nIn/);
  });

  it("take a given train/test split: rows in the given order, unused rows left out, bad splits named", () => {
    const x = [[0], [1], [2], [3], [4]];
    const y = [10, 11, 12, 13, 14];
    const d = datasetFromArrays(x, y, { split: { train: [3, 0, 4], test: [2] } });
    expect([d.nIn, d.nOut, d.trainNum, d.testNum]).toEqual([1, 1, 3, 1]);
    expect(Array.from(d.trainInput)).toEqual([3, 0, 4]);
    expect(Array.from(d.trainLabel)).toEqual([13, 10, 14]);
    expect(Array.from(d.testLabel)).toEqual([12]);
    expect(datasetFromArrays(x, y, { split: { train: [1], test: [] } }).testNum).toBe(0);
    expect(() => datasetFromArrays(x, y, { split: { train: [0, 5], test: [] } })).toThrow(
      /split.train\[1\] must be an integer in \[0, 4\], got 5/,
    );
    expect(() => datasetFromArrays(x, y, { split: { train: [0, 1], test: [1] } })).toThrow(
      /row 1 appears twice in split \(split.test\[0\]\)/,
    );
    expect(() => datasetFromArrays(x, y, { split: { train: [], test: [1] } })).toThrow(
      /split.train lists no rows/,
    );
    expect(() => datasetFromArrays(x, y, { split: { train: [0], test: [1] }, testFraction: 0.2 })).toThrow(
      /either split or testFraction/,
    );
  });
});
