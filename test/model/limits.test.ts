/**
 * Bad input at the model boundary (issue 12, defects 6, 8, 9): sizes checked before anything is
 * allocated, null and non-number inputs rejected with clear errors, fromJSON checking the model kind.
 */
import { describe, expect, it } from "vitest";
import { KAN, kanLayerSpecs } from "../../src/model/kan.js";
import { MLP } from "../../src/model/mlp.js";
import { Network } from "../../src/model/network.js";
import { MAX_PARAMS } from "../../src/util/validate.js";

describe("size limits (checked before allocating)", () => {
  it("refuses a KAN whose parameter count exceeds MAX_PARAMS, quickly, naming the count", () => {
    const t = performance.now();
    expect(() => new KAN({ width: [4, 1], grid: 1e8 })).toThrow(
      /KAN \[4,1\] would have 400000012 parameters, over the limit of 16777216/,
    );
    expect(() => new KAN({ width: [2, 1000000000, 1], grid: 5 })).toThrow(/over the limit of 16777216/);
    expect(() => new MLP({ width: [2, 1e5, 1e5, 1] })).toThrow(/MLP \[2,100000,100000,1\] would have/);
    expect(performance.now() - t).toBeLessThan(500);
  });

  it("refuses oversized layers in a general network or a saved model", () => {
    expect(
      () =>
        new Network({
          layers: [{ type: "spline", nIn: 1, nOut: 1, order: 4, grid: 1e9, domain: [0, 1], basis: "spline" }],
        }),
    ).toThrow(/spline layer 1 -> 1 with grid 1000000000 would have 1000000003 parameters, over the limit/);
    expect(() => new Network({ layers: [{ type: "linear", nIn: 1e5, nOut: 1e5, bias: true }] })).toThrow(
      /linear layer 100000 -> 100000 would have 10000100000 parameters, over the limit/,
    );
    const layer = {
      type: "spline" as const,
      nIn: 1,
      nOut: 1,
      order: 4,
      grid: 9e6,
      domain: [0, 1] as [number, number],
      basis: "spline" as const,
    };
    expect(() => new Network({ layers: [layer, layer] })).toThrow(
      /the network would have 18000006 parameters, over the limit of 16777216/,
    );
  });

  it("still builds models at the limit's scale of ordinary use", () => {
    expect(kanLayerSpecs({ width: [2, 64, 64, 1], grid: 1000 })).toHaveLength(3);
    expect(MAX_PARAMS).toBe(2 ** 24);
  });
});

describe("null and non-number input", () => {
  it("rejects non-object options with an Error, not a TypeError", () => {
    for (const bad of [null, undefined, 3, "width", []]) {
      expect(() => new KAN(bad as never)).toThrow(/KAN: options must be an object/);
      expect(() => new MLP(bad as never)).toThrow(/MLP: options must be an object/);
    }
    try {
      new KAN(null as never);
    } catch (e) {
      expect(e).not.toBeInstanceOf(TypeError);
    }
  });

  it("predict rejects null, non-arrays and non-number cells (null is not 0)", () => {
    const m = new KAN({ width: [2, 1], grid: 3, seed: 1 });
    expect(() => m.predict(null as never)).toThrow(
      /predict: x must be an array of rows or a Float64Array, got null/,
    );
    expect(() => m.predict({} as never)).toThrow(/predict: x must be an array of rows or a Float64Array/);
    expect(() => m.predict([[null, 0.2]] as never)).toThrow(/x\[0\]\[0\] must be finite, got null/);
    expect(() => m.predict([["0.1", 0.2]] as never)).toThrow(/x\[0\]\[0\] must be finite, got "0.1"/);
    expect(() => m.predict([[0.1, Number.NaN]])).toThrow(/x\[0\]\[1\] must be finite, got NaN/);
    expect(m.predict([[0.1, 0.2]])[0]).toHaveLength(1);
  });

  it("KAN.fromJSON refuses an MLP's JSON (and MLP.fromJSON a KAN's)", () => {
    const mlp = new MLP({ width: [2, 3, 1], seed: 1 }).toJSON();
    const kan = new KAN({ width: [2, 1], grid: 3 }).toJSON();
    expect(() => KAN.fromJSON(mlp)).toThrow(
      /KAN.fromJSON: the saved model is a MLP, not a KAN \(use loadModel/,
    );
    expect(() => MLP.fromJSON(kan)).toThrow(/MLP.fromJSON: the saved model is a KAN, not a MLP/);
    expect(KAN.fromJSON(kan).kind).toBe("KAN");
  });

  it("refuses a non-boolean base and an initialisation that would be non-finite (fuzz findings)", () => {
    expect(() => new KAN({ width: [2, 1], base: " -" as never })).toThrow(
      /KAN base must be true or false, got " -"/,
    );
    expect(
      () => new KAN({ width: [4, 6, 3, 5], grid: 5, k: 4, domain: [-1.16e-246, 2.05e-211], basis: "relu" }),
    ).toThrow(/gets non-finite initial parameters .* too extreme for its basis/);
  });
});
