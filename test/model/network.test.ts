import { describe, expect, it } from "vitest";
import { normalize } from "../../src/layers/elementwise.js";
import type { LayerSpec } from "../../src/layers/layer.js";
import { KAN } from "../../src/model/kan.js";
import { MLP } from "../../src/model/mlp.js";
import { Network } from "../../src/model/network.js";
import { BLOCK, MAX_SLOTS, slotBlocks, slotCount } from "../../src/model/slots.js";
import { Rng } from "../../src/util/random.js";
import { checkInputGradient, checkParamGradient, lossAt } from "../helpers/gradcheck.js";

function data(seed: number, n: number, nIn: number, nOut: number, lo = -1, hi = 1) {
  const rng = new Rng(seed);
  return {
    x: rng.fillUniform(new Float64Array(n * nIn), lo, hi),
    t: rng.fillNormal(new Float64Array(n * nOut)),
  };
}

/** Inputs kept at least `margin` away from every knot of uniform G intervals on [a, b]. */
function awayFromKnots(x: Float64Array, a: number, b: number, G: number, margin: number): void {
  const h = (b - a) / G;
  for (let i = 0; i < x.length; i++) {
    const u = (x[i] - a) / h;
    const frac = u - Math.floor(u);
    if (frac < margin / h) x[i] += margin;
    else if (1 - frac < margin / h) x[i] -= margin;
  }
}

describe("parameter and input gradients against central differences", () => {
  it("spline layer, spline basis, orders 2..5, uniform knots (inputs inside and outside the domain)", () => {
    for (const r of [2, 3, 4, 5]) {
      const net = new Network({
        layers: [{ type: "spline", nIn: 3, nOut: 2, order: r, grid: 6, domain: [-1, 1], basis: "spline" }],
        seed: r,
      });
      const { x, t } = data(r, 70, 3, 2, -1.4, 1.4);
      awayFromKnots(x, -1, 1, 6, 1e-2);
      checkParamGradient(net, x, t, 70);
      checkInputGradient(net, x, t, 70);
    }
  });

  it("spline layer, power-ReLU basis (grad_w = A^{-1} grad_u)", () => {
    for (const r of [2, 4]) {
      const net = new Network({
        layers: [{ type: "spline", nIn: 2, nOut: 3, order: r, grid: 5, domain: [0, 1], basis: "relu" }],
        seed: 10 + r,
      });
      const { x, t } = data(r, 50, 2, 3, 0, 1);
      awayFromKnots(x, 0, 1, 5, 1e-2);
      checkParamGradient(net, x, t, 50);
      checkInputGradient(net, x, t, 50);
    }
  });

  it("spline layer with the pykan base term, spline and ReLU bases", () => {
    for (const basis of ["spline", "relu"] as const) {
      const net = new Network({
        layers: [{ type: "spline", nIn: 2, nOut: 2, order: 4, grid: 4, domain: [-1, 1], basis, base: true }],
        seed: 3,
      });
      const { x, t } = data(5, 40, 2, 2);
      checkParamGradient(net, x, t, 40);
      checkInputGradient(net, x, t, 40);
    }
  });

  it("spline layer on general knots", () => {
    const net = new Network({
      layers: [
        {
          type: "spline",
          nIn: 2,
          nOut: 2,
          order: 4,
          grid: 4,
          domain: [-1, 1],
          breakpoints: [-1, -0.3, 0.1, 0.6, 1],
          basis: "spline",
        },
      ],
      seed: 4,
    });
    const { x, t } = data(6, 40, 2, 2, -1.3, 1.3);
    checkParamGradient(net, x, t, 40);
    checkInputGradient(net, x, t, 40);
  });

  it("linear layers with and without bias", () => {
    for (const bias of [true, false]) {
      const net = new Network({ layers: [{ type: "linear", nIn: 3, nOut: 4, bias }], seed: 1 });
      const { x, t } = data(7, 30, 3, 4);
      checkParamGradient(net, x, t, 30);
      checkInputGradient(net, x, t, 30);
    }
  });

  it("every activation and normalisation layer", () => {
    const specs: LayerSpec[] = [
      { type: "elementwise", width: 3, fn: "tanh", scale: 1, shift: 0 },
      { type: "elementwise", width: 3, fn: "sigmoid", scale: 1, shift: 0 },
      { type: "elementwise", width: 3, fn: "silu", scale: 1, shift: 0 },
      { type: "elementwise", width: 3, fn: "relu", scale: 1, shift: 0 },
      normalize("sigmoid", 3, [-1, 1]).toSpec(),
      normalize("tanh", 3, [0, 2]).toSpec(),
      normalize("affine", 3, [0, 1], [-2, 2]).toSpec(),
    ];
    for (const spec of specs) {
      const net = new Network({ layers: [{ type: "linear", nIn: 2, nOut: 3, bias: true }, spec], seed: 2 });
      const { x, t } = data(8, 30, 2, 3);
      if (spec.type === "elementwise" && spec.fn === "relu") {
        // Keep pre-activations away from the kink at 0.
        const pre = new Network({
          layers: [{ type: "linear", nIn: 2, nOut: 3, bias: true }],
          params: net.params,
        });
        const z = pre.forward(x, 30);
        expect(Math.min(...Array.from(z, Math.abs))).toBeGreaterThan(1e-3);
      }
      checkParamGradient(net, x, t, 30);
      checkInputGradient(net, x, t, 30);
    }
  });

  it("composed networks: the paper's regression net, a deep normalised KAN, Burgers' net and an MLP", () => {
    const nets: Network[] = [
      new Network({
        layers: [
          { type: "linear", nIn: 2, nOut: 5, bias: true },
          normalize("sigmoid", 5, [0, 1]).toSpec(),
          { type: "spline", nIn: 5, nOut: 1, order: 4, grid: 5, domain: [0, 1], basis: "spline" },
        ],
        seed: 1,
      }),
      new KAN({ width: [2, 4, 3, 1], grid: 6, k: 3, normalize: "tanh", seed: 2, initStd: 0.5 }),
      new KAN({ width: [2, 3, 2], grid: [4, 7], k: 3, basis: "relu", seed: 3, initStd: 0.5 }),
      new Network({
        layers: [
          { type: "linear", nIn: 2, nOut: 4, bias: false },
          { type: "elementwise", width: 4, fn: "tanh", scale: 1, shift: 0 },
          { type: "spline", nIn: 4, nOut: 4, order: 4, grid: 5, domain: [-1, 1], basis: "spline" },
          { type: "elementwise", width: 4, fn: "tanh", scale: 1, shift: 0 },
          { type: "spline", nIn: 4, nOut: 1, order: 4, grid: 5, domain: [-1, 1], basis: "spline" },
        ],
        seed: 4,
      }),
      new MLP({ width: [2, 6, 6, 2], activation: "silu", seed: 5 }),
    ];
    for (const [i, net] of nets.entries()) {
      const { x, t } = data(20 + i, 90, net.nIn, net.nOut);
      try {
        checkParamGradient(net, x, t, 90);
        checkInputGradient(net, x, t, 90);
      } catch (e) {
        throw new Error(`net ${i}: ${(e as Error).message}`);
      }
    }
  });
});

describe("deterministic reduction", () => {
  it("slots partition the blocks and depend only on the batch size", () => {
    for (const n of [1, BLOCK - 1, BLOCK, BLOCK + 1, 1000, 8192, 100_000]) {
      const S = slotCount(n);
      expect(S).toBe(Math.min(MAX_SLOTS, Math.ceil(n / BLOCK)));
      let next = 0;
      for (let k = 0; k < S; k++) {
        const [b0, b1] = slotBlocks(n, k);
        expect(b0).toBe(next);
        expect(b1).toBeGreaterThan(b0);
        next = b1;
      }
      expect(next).toBe(Math.ceil(n / BLOCK));
    }
  });

  it("same seed and data give bit-identical parameters, outputs and gradients", () => {
    const a = new KAN({ width: [2, 5, 1], grid: 8, seed: 42 });
    const b = new KAN({ width: [2, 5, 1], grid: 8, seed: 42 });
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
    const c = new KAN({ width: [2, 5, 1], grid: 8, seed: 43 });
    expect(Array.from(a.params)).not.toEqual(Array.from(c.params));
    const { x, t } = data(1, 1000, 2, 1);
    expect(lossAt(a, x, t, 1000)).toBe(lossAt(b, x, t, 1000));
    expect(Array.from(a.forward(x, 1000))).toEqual(Array.from(b.forward(x, 1000)));
  });

  it("the gradient of a large batch equals the sum of its samples' gradients (to rounding)", () => {
    const net = new KAN({ width: [2, 3, 1], grid: 5, seed: 1 });
    const n = 300;
    const { x, t } = data(2, n, 2, 1);
    const g = new Float64Array(net.paramCount);
    const total = net.gradient(
      x,
      n,
      (y, gy, start, rows) => {
        let s = 0;
        for (let k = 0; k < rows; k++) {
          const d = y[k] - t[start + k];
          s += d * d;
          gy[k] = 2 * d;
        }
        return s;
      },
      g,
    );
    const sum = new Float64Array(net.paramCount);
    let lossSum = 0;
    const gi = new Float64Array(net.paramCount);
    for (let s = 0; s < n; s++) {
      lossSum += net.gradient(
        x.subarray(2 * s, 2 * s + 2),
        1,
        (y, gy) => {
          const d = y[0] - t[s];
          gy[0] = 2 * d;
          return d * d;
        },
        gi,
      );
      for (let i = 0; i < gi.length; i++) sum[i] += gi[i];
    }
    expect(Math.abs(total - lossSum) / lossSum).toBeLessThan(1e-12);
    for (let i = 0; i < gi.length; i++)
      expect(Math.abs(g[i] - sum[i])).toBeLessThan(1e-10 * (1 + Math.abs(sum[i])));
  });
});
