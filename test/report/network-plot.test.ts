import { describe, expect, it } from "vitest";
import { KAN } from "../../src/model/kan.js";
import { plotModel } from "../../src/report/plot/network.js";
import { fixSymbolic } from "../../src/symbolic/convert.js";
import { Rng } from "../../src/util/random.js";

function samples(n: number, nIn: number, seed = 1): Float64Array {
  return new Rng(seed).fillUniform(new Float64Array(n * nIn), -1, 1);
}

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe("plotModel (network diagram)", () => {
  it("draws a box per edge, a node per unit, names, symbolic edges red and named, masked edges as pruned", () => {
    let m = new KAN({ width: [2, 3, 1], grid: 5, seed: 1 });
    m = fixSymbolic(m, [{ layer: 1, in: 2, out: 0, fn: "sin", params: [2, 0.1, 1, 0] }]);
    // Mask edge (0, 1, 0) as pykan's prune would.
    const specs = m.layerSpecs();
    const first = specs[0] as { mask?: number[] };
    first.mask = [1, 1, 1, 0, 1, 1];
    const pruned = new KAN({ layers: specs, params: m.params });
    const svg = plotModel(pruned, samples(50, 2), {
      names: ["alpha", "beta"],
      outNames: ["out"],
      title: "t",
    });
    expect(svg.startsWith("<?xml")).toBe(true);
    // Background + 9 edge boxes.
    expect(count(svg, /<rect /g)).toBe(1 + 2 * 3 + 3 * 1);
    expect(count(svg, /<circle /g)).toBe(2 + 3 + 1);
    expect(count(svg, /<path /g)).toBe(8); // every edge but the pruned one has a curve
    expect(svg).toContain(">alpha</text>");
    expect(svg).toContain(">out</text>");
    expect(svg).toContain(">sin</text>");
    expect(svg).toContain("#c0392b");
    expect(svg).toContain(">pruned</text>");
    expect(svg).toContain('stroke-dasharray="3 3"');
  });

  it("opacity follows the importance scores (tanh(beta * score)); given scores override", () => {
    const m = new KAN({ width: [2, 1], grid: 4, seed: 2 });
    const svg = plotModel(m, samples(40, 2), { scores: [[1, 0.1]], beta: 3 });
    const ops = [...svg.matchAll(/<path [^>]*stroke-opacity="([0-9.]+)"/g)].map((r) => Number(r[1]));
    expect(ops).toEqual([Number(Math.tanh(3).toFixed(2)), Number(Math.tanh(0.3).toFixed(2))]);
  });

  it("accepts edgeScores-style { scores: [p][q] } per layer (normalised by the layer's largest)", () => {
    const m = new KAN({ width: [2, 1], grid: 4, seed: 2 });
    const svg = plotModel(m, samples(40, 2), { scores: [{ scores: [[4], [2]] }] });
    const ops = [...svg.matchAll(/<path [^>]*stroke-opacity="([0-9.]+)"/g)].map((r) => Number(r[1]));
    expect(ops).toEqual([Number(Math.tanh(3).toFixed(2)), Number(Math.tanh(1.5).toFixed(2))]);
  });

  it("rejects a missing sample set and mismatched names with clear errors", () => {
    const m = new KAN({ width: [2, 1], grid: 4 });
    expect(() => plotModel(m, [])).toThrow(/plotModel needs samples x/);
    expect(() => plotModel(m, new Float64Array(0))).toThrow(/plotModel needs samples x/);
    expect(() => plotModel(m, [[0.1]])).toThrow(/sample 0 must have 2 values/);
    expect(() => plotModel(m, samples(5, 2), { names: ["a"] })).toThrow(
      /names lists 1 inputs but the model has 2/,
    );
    expect(() => plotModel(m, samples(5, 2), { scores: [[1]] })).toThrow(/scores\[0\] has 1 values/);
  });
});
