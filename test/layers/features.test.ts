import { describe, expect, it } from "vitest";
import { FeatureLayer } from "../../src/layers/features.js";
import { jetShape } from "../../src/layers/jet.js";
import type { Feature } from "../../src/layers/layer.js";

/** The layer's outputs at the inputs xs (one input coordinate). */
function outputs(features: Feature[], xs: number[]): Float64Array {
  const layer = new FeatureLayer({ nIn: 1, features });
  const y = new Float64Array(xs.length * features.length);
  layer.forward(new Float64Array(0), Float64Array.from(xs), 0, y, 0, xs.length);
  return y;
}

describe("feature layer: the graded asinh coordinate", () => {
  it("is asinh(g z) / asinh(g): odd, [-1, 1] onto itself, g / asinh(g) steep at 0", () => {
    for (const gain of [0.5, 1, 10, 40]) {
      const xs = [-1, -0.3, 0, 1e-3, 0.3, 1];
      const y = outputs([{ input: 0, kind: "asinh", gain }], xs);
      for (let i = 0; i < xs.length; i++) {
        expect(y[i]).toBeCloseTo(Math.asinh(gain * xs[i]) / Math.asinh(gain), 15);
      }
      expect(y[0]).toBeCloseTo(-1, 15);
      expect(y[5]).toBeCloseTo(1, 15);
      expect(y[2]).toBe(0);
      expect(y[1]).toBe(-y[4]);
      // slope at 0 from the jet channel: g / asinh(g)
      const layer = new FeatureLayer({ nIn: 1, features: [{ input: 0, kind: "asinh", gain }] });
      const shape = jetShape({ pairs: [[0, 0]] }, 1);
      const jx = Float64Array.of(0, 1, 0); // value 0, dx/dx = 1, d2x/dx2 = 0
      const jy = new Float64Array(3);
      layer.forwardJet(new Float64Array(0), jx, 0, jy, 0, 1, shape, { start: 0, sides: null });
      expect(jy[1]).toBeCloseTo(gain / Math.asinh(gain), 14);
      expect(jy[2]).toBe(0);
    }
  });

  it("an affine map goes in front: asinh(g (a x + b)) / asinh(g)", () => {
    const y = outputs([{ input: 0, kind: "asinh", gain: 5, scale: 2, shift: -0.5 }], [0.1, 0.25, 0.6]);
    for (const [i, x] of [0.1, 0.25, 0.6].entries()) {
      expect(y[i]).toBeCloseTo(Math.asinh(5 * (2 * x - 0.5)) / Math.asinh(5), 15);
    }
    expect(y[1]).toBe(0);
  });

  it("keeps its gain through toSpec, and leaves the default out", () => {
    const layer = new FeatureLayer({
      nIn: 2,
      features: [
        { input: 0, kind: "asinh", gain: 10 },
        { input: 1, kind: "asinh" },
        { input: 1, kind: "identity" },
      ],
    });
    const spec = layer.toSpec();
    expect(spec.features).toEqual([
      { input: 0, kind: "asinh", gain: 10 },
      { input: 1, kind: "asinh" },
      { input: 1, kind: "identity" },
    ]);
    const again = new FeatureLayer(spec);
    const x = Float64Array.of(0.2, -0.7);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    layer.forward(new Float64Array(0), x, 0, a, 0, 1);
    again.forward(new Float64Array(0), x, 0, b, 0, 1);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it("names a bad gain or a gain on another kind", () => {
    const make = (f: Feature) => new FeatureLayer({ nIn: 1, features: [f] });
    expect(() => make({ input: 0, kind: "asinh", gain: 0 })).toThrow(
      /features\[0\]\.gain must be > 0, got 0/,
    );
    expect(() => make({ input: 0, kind: "asinh", gain: Number.NaN })).toThrow(/features\[0\]\.gain/);
    expect(() => make({ input: 0, kind: "sin", gain: 2 })).toThrow(
      /features\[0\]\.gain is the asinh kind's; a "sin" feature takes none, got 2/,
    );
    expect(() => make({ input: 0, kind: "atanh" as Feature["kind"] })).toThrow(
      /features\[0\]\.kind must be one of identity, abs, cos, sin, asinh, got "atanh"/,
    );
  });
});
