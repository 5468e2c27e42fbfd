import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/index.js";
import { KAN } from "../../src/model/kan.js";
import { MLP } from "../../src/model/mlp.js";
import { Network } from "../../src/model/network.js";
import { parseModelJSON } from "../../src/model/serialize.js";
import { Rng } from "../../src/util/random.js";

const x = new Rng(1).fillUniform(new Float64Array(600), -1.5, 1.5);

describe("toJSON / fromJSON", () => {
  it("round-trips KANs, MLPs and general networks with bit-identical predictions", () => {
    const models: Network[] = [
      new KAN({ width: [2, 5, 1], grid: 7, seed: 1 }),
      new KAN({ width: [2, 3, 1], grid: 5, basis: "relu", base: true, normalize: "sigmoid", seed: 2 }).refine(
        10,
      ),
      new MLP({ width: [2, 8, 1], activation: "relu", outputBias: false, seed: 3 }),
      new Network({
        layers: [
          {
            type: "spline",
            nIn: 2,
            nOut: 1,
            order: 3,
            grid: 3,
            domain: [0, 1],
            breakpoints: [0, 0.1, 0.7, 1],
            basis: "spline",
          },
        ],
        seed: 4,
        scalers: { input: { shift: [0.5, 0.5], scale: [2, 3] }, output: { shift: [1], scale: [10] } },
      }),
    ];
    for (const m of models) {
      const text = JSON.stringify(m.toJSON());
      const back = loadModel(text);
      expect(back.kind).toBe(m.kind);
      expect(back.constructor).toBe(m.constructor);
      expect(Array.from(back.params)).toEqual(Array.from(m.params));
      expect(Array.from(back.forward(x, 300))).toEqual(Array.from(m.forward(x, 300)));
      expect(Array.from(back.predict(x))).toEqual(Array.from(m.predict(x)));
      expect(JSON.stringify(back.toJSON())).toBe(text);
    }
    expect(KAN.fromJSON(models[0].toJSON())).toBeInstanceOf(KAN);
    expect(MLP.fromJSON(models[2].toJSON())).toBeInstanceOf(MLP);
  });

  it("rejects malformed, truncated and wrong-version input with a clear error", () => {
    const good = new KAN({ width: [2, 2, 1], grid: 3, seed: 1 }).toJSON();
    const text = JSON.stringify(good);
    expect(() => loadModel(text.slice(0, text.length - 20))).toThrow(
      /does not parse \(truncated or not JSON\?\)/,
    );
    expect(() => loadModel("[]")).toThrow(/must be a JSON object, got object/);
    expect(() => loadModel({ ...good, format: "pykan" })).toThrow(/not an mlkan model: format is "pykan"/);
    expect(() => loadModel({ ...good, version: 2 })).toThrow(/unsupported model format version 2/);
    expect(() => loadModel({ ...good, params: good.params.slice(0, -3) })).toThrow(
      /params has 33 values but its layers need 36 \(truncated file\?\)/,
    );
    expect(() => loadModel({ ...good, params: [...good.params.slice(0, -1), "x"] })).toThrow(
      /params\[35\] must be a finite number, got "x"/,
    );
    expect(() => loadModel({ ...good, params: [...good.params.slice(0, -1), null] })).toThrow(/params\[35\]/);
    expect(() => loadModel({ ...good, layers: [{ ...good.layers[0], order: 0 }, good.layers[1]] })).toThrow(
      /model layer 0: spline order must be an integer in \[1, 12\], got 0/,
    );
    expect(() => loadModel({ ...good, layers: [{ type: "conv" }] })).toThrow(
      /model layer 0: unknown layer type "conv"/,
    );
    expect(() => loadModel({ ...good, layers: [good.layers[1], good.layers[0]] })).toThrow(
      /expects 2 inputs but layer 0/,
    );
    expect(() => loadModel({ ...good, kind: "Transformer" })).toThrow(/unknown model kind "Transformer"/);
    expect(() => loadModel({ ...good, scalers: { input: { shift: [0], scale: [1] } } })).toThrow(
      /scalers.input needs shift and scale arrays of length 2/,
    );
    expect(() => parseModelJSON({ ...good, layers: [] })).toThrow(/model has no layers/);
  });
});

describe("model construction", () => {
  it("has the paper's parameter counts", () => {
    const paper = (G: number) =>
      new Network({
        layers: [
          { type: "linear", nIn: 2, nOut: 5, bias: true },
          { type: "elementwise", width: 5, fn: "sigmoid", scale: 1, shift: 0 },
          { type: "spline", nIn: 5, nOut: 1, order: 4, grid: G, domain: [0, 1], basis: "spline" },
        ],
      });
    expect(paper(5).paramCount).toBe(55);
    expect(paper(40).paramCount).toBe(230);
    expect(paper(5).refine(40).paramCount).toBe(230);
    const burgers = (G: number) =>
      new Network({
        layers: [
          { type: "linear", nIn: 2, nOut: 20, bias: false },
          { type: "elementwise", width: 20, fn: "tanh", scale: 1, shift: 0 },
          { type: "spline", nIn: 20, nOut: 20, order: 4, grid: G, domain: [-1, 1], basis: "spline" },
          { type: "elementwise", width: 20, fn: "tanh", scale: 1, shift: 0 },
          { type: "spline", nIn: 20, nOut: 1, order: 4, grid: G, domain: [-1, 1], basis: "spline" },
        ],
      });
    expect(burgers(5).paramCount).toBe(3400);
    expect(burgers(20).paramCount).toBe(9700);
    expect(new KAN({ width: [3, 5, 1], grid: 4, k: 3 }).paramCount).toBe(140);
    expect(new KAN({ width: [3, 5, 1], grid: 32, k: 3 }).paramCount).toBe(700);
    expect(new MLP({ width: [2, 5, 1], outputBias: false }).paramCount).toBe(20);
    expect(new MLP({ width: [2, 20, 20, 1], outputBias: false }).paramCount).toBe(500);
    expect(new MLP({ width: [2, 56, 56, 1], outputBias: false }).paramCount).toBe(3416);
    expect(new MLP({ width: [3, 16, 16, 1], outputBias: false }).paramCount).toBe(352);
  });

  it("rejects bad options with messages naming the value", () => {
    expect(() => new KAN({ width: [2] })).toThrow(/at least 2 layer widths, got \[2\]/);
    expect(() => new KAN({ width: [2, 0, 1] })).toThrow(/KAN width\[1\] must be an integer >= 1, got 0/);
    expect(() => new KAN({ width: [2, 1], grid: 0 })).toThrow(/KAN grid\[0\] must be an integer >= 1, got 0/);
    expect(() => new KAN({ width: [2, 1], k: -1 })).toThrow(
      /KAN k \(spline degree\) must be an integer in \[0, 11\], got -1/,
    );
    expect(() => new KAN({ width: [2, 1], domain: [1, 0] })).toThrow(/a < b, got \[1, 0\]/);
    expect(() => new KAN({ width: [2, 1], grids: 5 } as never)).toThrow(/unknown option "grids"/);
    expect(() => new KAN({ width: [2, 2, 1], grid: [5] })).toThrow(/grid lists 1 sizes for 2 layers/);
    expect(() => new MLP({ width: [2, 3, 1], activation: "gelu" as never })).toThrow(
      /unknown activation "gelu"/,
    );
    expect(() => new Network({ layers: [] })).toThrow(/non-empty list of layers/);
    expect(
      () => new Network({ layers: [{ type: "linear", nIn: 2, nOut: 3, bias: true }], params: [1, 2] }),
    ).toThrow(/params has length 2, but the layers need 9/);
    expect(
      () => new Network({ layers: [{ type: "linear", nIn: 1, nOut: 1, bias: false }], params: [Number.NaN] }),
    ).toThrow(/params\[0\] must be finite, got NaN/);
    const net = new KAN({ width: [2, 1], grid: 3 });
    expect(() => net.forward(new Float64Array(3), 2)).toThrow(/x has length 3, need n \* nIn = 2 \* 2 = 4/);
    expect(() => net.forward(new Float64Array(4), 0)).toThrow(/batch size must be an integer >= 1, got 0/);
    expect(() => net.predict([[1, 2], [3]])).toThrow(/x\[1\] must have 2 entries, got 1/);
    expect(() => net.predict([[1, Number.NaN]])).toThrow(/x\[0\]\[1\] must be finite, got NaN/);
  });

  it("predict applies the scalers in the user's units and accepts rows", () => {
    const net = new Network({
      layers: [{ type: "linear", nIn: 1, nOut: 1, bias: true }],
      params: [2, 1],
      scalers: { input: { shift: [10], scale: [5] }, output: { shift: [100], scale: [0.5] } },
    });
    // x' = (20 - 10) / 5 = 2; y' = 2 * 2 + 1 = 5; y = 5 * 0.5 + 100
    expect(net.predict([[20]])).toEqual([[102.5]]);
    expect(Array.from(net.predict(Float64Array.of(20, 10)))).toEqual([102.5, 100.5]);
  });
});
