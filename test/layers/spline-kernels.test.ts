/** The kernel records and the one choice between them (per layer, in `prepare`). */
import { describe, expect, it } from "vitest";
import {
  CUBIC_KERNELS,
  chooseSplineKernels,
  GENERIC_KERNELS,
  WASM_KERNELS,
} from "../../src/layers/spline-kernels.js";
import { arenaBytes, WasmArena, wasmEnabled } from "../../src/layers/wasm/kernels.js";
import { KAN } from "../../src/model/kan.js";
import { Network } from "../../src/model/network.js";
import { generalKnots, uniformKnots } from "../../src/spline/knots.js";

describe("chooseSplineKernels", () => {
  it("generic for other orders and general knots, cubic JS for uniform cubics outside WASM memory", () => {
    const plain = new Float64Array(10);
    expect(chooseSplineKernels(uniformKnots([0, 1], 5, 3), plain).kernels).toBe(GENERIC_KERNELS);
    expect(chooseSplineKernels(uniformKnots([0, 1], 5, 3), plain).reason).toMatch(/order 3/);
    const general = chooseSplineKernels(generalKnots([0, 0.3, 1], 4), plain);
    expect(general.kernels).toBe(GENERIC_KERNELS);
    expect(general.reason).toBe("general knots");
    expect(chooseSplineKernels(uniformKnots([0, 1], 5, 4), plain).kernels).toBe(CUBIC_KERNELS);
  });

  it.skipIf(!wasmEnabled())("WASM for uniform cubics whose coefficients are in a WASM arena", () => {
    const arena = WasmArena.create(arenaBytes([16], 4, 0), 4, 0) as WasmArena;
    const choice = chooseSplineKernels(uniformKnots([0, 1], 5, 4), arena.f64(16));
    expect(choice.kernels).toBe(WASM_KERNELS);
    expect(choice.reason).toMatch(/WASM memory/);
  });
});

describe("Network.layerKernels", () => {
  it("says per layer what runs and why, consistent with backend", () => {
    const net = new Network({
      layers: [
        { type: "spline", nIn: 2, nOut: 3, order: 4, grid: 5, domain: [-1, 1], basis: "spline" },
        { type: "elementwise", width: 3, fn: "tanh", scale: 1, shift: 0 },
        { type: "spline", nIn: 3, nOut: 1, order: 3, grid: 5, domain: [-1, 1], basis: "spline" },
      ],
    });
    const k = net.layerKernels;
    expect(k.map((e) => e.kernels)).toEqual([wasmEnabled() ? "wasm-simd" : "cubic", null, "generic"]);
    expect(k[2].reason).toMatch(/order 3/);
    expect(net.backend).toBe(wasmEnabled() ? "wasm-simd" : "js");
    // Replacing params moves the coefficients out of WASM memory: the cubic JS kernels run.
    net.params = Float64Array.from(net.params);
    expect(net.layerKernels[0].kernels).toBe("cubic");
    expect(net.backend).toBe("js");
    expect(new KAN({ width: [2, 1], grid: 3, k: 2 }).layerKernels[0].kernels).toBe("generic");
  });
});
