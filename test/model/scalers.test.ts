/** Scalers: fitting, applying and undoing the per-column affine maps; the scaler check; hasScalers. */
import { describe, expect, it } from "vitest";
import {
  applyScaler,
  fitScaler,
  hasScalers,
  unapplyScaler,
  validateScalers,
} from "../../src/model/scalers.js";

describe("scalers", () => {
  it("standardisation gives mean 0 and deviation 1; a constant column keeps scale 1", () => {
    const x = Float64Array.from([1, 5, 2, 5, 3, 5, 4, 5]);
    const m = fitScaler(x, 4, 2, "standard");
    expect(m.shift).toEqual([2.5, 5]);
    expect(m.scale[0]).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(m.scale[1]).toBe(1);
    const z = applyScaler(x, 2, m);
    expect(z[0] + z[2] + z[4] + z[6]).toBeCloseTo(0, 14);
    const mm = fitScaler(x, 4, 2, "minmax", [0, 1]);
    expect(applyScaler(x, 2, mm)[1]).toBe(0);
  });

  it("unapplyScaler inverts applyScaler (to rounding) in place", () => {
    const x = Float64Array.from([1, 5, 2, 5, 3, 7, 4, 9]);
    const m = fitScaler(x, 4, 2, "minmax", [-1, 1]);
    const z = applyScaler(x, 2, m);
    const back = unapplyScaler(z, 2, m);
    expect(back).toBe(z);
    for (let i = 0; i < x.length; i++) expect(back[i]).toBeCloseTo(x[i], 13);
    expect(unapplyScaler(Float64Array.from([3]), 1, undefined)[0]).toBe(3);
  });

  it("validateScalers names the bad entry and copies the maps", () => {
    const sc = { input: { shift: [0, 1], scale: [1, 2] } };
    const v = validateScalers(sc, 2, 1);
    expect(v).toEqual(sc);
    expect(v.input).not.toBe(sc.input);
    expect(() => validateScalers({ input: { shift: [0], scale: [1] } }, 2, 1)).toThrow(
      /scalers.input needs shift and scale arrays of length 2/,
    );
    expect(() => validateScalers({ output: { shift: [0], scale: [0] } }, 2, 1)).toThrow(
      /scalers.output.scale\[0\] must be nonzero/,
    );
  });

  it("hasScalers is true only for an object with a scalers object", () => {
    expect(hasScalers({ scalers: {} })).toBe(true);
    expect(hasScalers({ scalers: null })).toBe(false);
    expect(hasScalers({})).toBe(false);
  });
});
