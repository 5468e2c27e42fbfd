import { describe, expect, it } from "vitest";
import { normalize } from "../../src/layers/elementwise.js";
import type { SplineLayer } from "../../src/layers/spline-layer.js";
import { KAN } from "../../src/model/kan.js";
import { mseLoss } from "../../src/model/losses.js";
import { MLP } from "../../src/model/mlp.js";
import { Network } from "../../src/model/network.js";
import { Rng } from "../../src/util/random.js";
import { powerRelu } from "../helpers/oracle.js";

/** Inputs inside the first layer's domain and well outside it. */
function probe(nIn: number, lo: number, hi: number, seed = 1): { x: Float64Array; n: number } {
  const rng = new Rng(seed);
  const n = 400;
  const x = new Float64Array(n * nIn);
  const w = hi - lo;
  for (let i = 0; i < x.length; i++)
    x[i] = i < x.length / 2 ? rng.range(lo, hi) : rng.range(lo - 2 * w, hi + 2 * w);
  return { x, n };
}

function relDiff(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}

function randomDeepNets(): Network[] {
  return [
    new KAN({ width: [2, 5, 4, 1], grid: 5, seed: 1, initStd: 0.7 }),
    new KAN({ width: [3, 4, 2], grid: [3, 6], k: 2, normalize: "sigmoid", seed: 2, initStd: 0.7 }),
    new KAN({ width: [2, 3, 3, 1], grid: 4, k: 4, normalize: "tanh", seed: 3, base: true }),
    new Network({
      layers: [
        { type: "linear", nIn: 2, nOut: 5, bias: true },
        normalize("sigmoid", 5, [0, 1]).toSpec(),
        { type: "spline", nIn: 5, nOut: 1, order: 4, grid: 5, domain: [0, 1], basis: "spline" },
      ],
      seed: 4,
    }),
    new Network({
      layers: [
        {
          type: "spline",
          nIn: 2,
          nOut: 3,
          order: 4,
          grid: 4,
          domain: [-1, 1],
          breakpoints: [-1, -0.5, 0.2, 0.3, 1],
          basis: "spline",
        },
        { type: "spline", nIn: 3, nOut: 1, order: 3, grid: 5, domain: [-2, 2], basis: "spline" },
      ],
      seed: 5,
    }),
  ];
}

describe("model.refine", () => {
  it("keeps the outputs of random deep networks to <= 1e-12 relative, inside and outside the domains", () => {
    for (const [i, net] of randomDeepNets().entries()) {
      const { x, n } = probe(net.nIn, -1, 1, i);
      const before = net.forward(x, n);
      for (const factor of [2, 3]) {
        const fine = net.refine(net.splineLayers.map((l) => l.grid * factor));
        expect(fine.grids).toEqual(net.grids.map((g) => g * factor));
        expect(fine.paramCount).toBeGreaterThan(net.paramCount);
        expect(relDiff(before, fine.forward(x, n)), `net ${i} factor ${factor}`).toBeLessThanOrEqual(1e-12);
      }
    }
  });

  it("chains dyadic levels 5 -> 10 -> 20 -> 40 exactly and returns a model of the same class", () => {
    let net = new KAN({ width: [2, 4, 1], grid: 5, seed: 9 });
    const { x, n } = probe(2, -1, 1);
    const before = net.forward(x, n);
    for (const G of [10, 20, 40]) {
      net = net.refine(G);
      expect(net).toBeInstanceOf(KAN);
      expect(relDiff(before, net.forward(x, n))).toBeLessThanOrEqual(1e-12);
    }
  });

  it("refines onto nested general breakpoints", () => {
    const net = randomDeepNets()[4];
    const { x, n } = probe(2, -1, 1);
    const fine = net.refine([{ breakpoints: [-1, -0.75, -0.5, 0, 0.2, 0.3, 0.9, 1] }, 10]);
    expect(relDiff(net.forward(x, n), fine.forward(x, n))).toBeLessThanOrEqual(1e-12);
  });

  it("keeps the loss of a trained network (after 200 gradient steps)", () => {
    const net = new KAN({ width: [2, 3, 1], grid: 5, seed: 11 });
    const rng = new Rng(3);
    const n = 256;
    const x = rng.fillUniform(new Float64Array(2 * n), -1, 1);
    const t = new Float64Array(n);
    for (let s = 0; s < n; s++) t[s] = Math.sin(Math.PI * x[2 * s]) * x[2 * s + 1];
    const loss = mseLoss(t, n, 1);
    let g = new Float64Array(net.paramCount);
    const first = net.gradient(x, n, loss, g);
    for (let step = 0; step < 200; step++) {
      net.gradient(x, n, loss, g);
      for (let i = 0; i < g.length; i++) net.params[i] -= 0.05 * g[i];
    }
    const trained = net.gradient(x, n, loss, g);
    expect(trained).toBeLessThan(first);
    const fine = net.refine(10);
    g = new Float64Array(fine.paramCount);
    const after = fine.gradient(x, n, loss, g);
    expect(Math.abs(after - trained) / trained).toBeLessThanOrEqual(1e-12);
  });

  it("throws for grids that do not nest and leaves the model unchanged", () => {
    const net = new KAN({ width: [2, 2, 1], grid: 5, seed: 1 });
    const params = Array.from(net.params);
    expect(() => net.refine(7)).toThrow(
      /refine: layer 0 \(spline 2->2\): cannot refine: coarse knot -0.6 .*grids do not nest/,
    );
    expect(() => net.refine([10, 12])).toThrow(/layer 1 \(spline 2->1\).*coarse knot/);
    expect(() => net.refine([10])).toThrow(/got 1 grids for 2 spline layers/);
    expect(() => net.refine({ breakpoints: [-1, 0.5, 1] })).toThrow(/coarse knot -0.6/);
    expect(Array.from(net.params)).toEqual(params);
    expect(net.grids).toEqual([5, 5]);
  });

  it("leaves the original network usable (layers are not shared)", () => {
    const net = new MLP({ width: [2, 3, 1], seed: 1 });
    const { x, n } = probe(2, -1, 1);
    const y0 = net.forward(x, n);
    const kan = new KAN({ width: [2, 2, 1], grid: 3, normalize: "tanh", seed: 2 });
    const y1 = kan.forward(x, n);
    kan.refine(6);
    kan.toBasis("relu");
    expect(Array.from(kan.forward(x, n))).toEqual(Array.from(y1));
    expect(Array.from(net.clone().forward(x, n))).toEqual(Array.from(y0));
  });
});

describe("model.toBasis", () => {
  it("converts whole networks between the spline and power-ReLU bases with outputs kept to <= 1e-10", () => {
    for (const [i, net] of randomDeepNets().entries()) {
      const { x, n } = probe(net.nIn, -1, 1, 10 + i);
      const before = net.forward(x, n);
      const relu = net.toBasis("relu");
      expect(relu.splineLayers.every((l) => l.basis === "relu")).toBe(true);
      expect(relu.paramCount).toBe(net.paramCount);
      expect(relDiff(before, relu.forward(x, n)), `net ${i} to relu`).toBeLessThanOrEqual(1e-10);
      const back = relu.toBasis("spline");
      expect(relDiff(before, back.forward(x, n)), `net ${i} back`).toBeLessThanOrEqual(1e-10);
    }
  });

  it("the ReLU-basis weights are w = A^T u: the literal power-ReLU sum reproduces each edge on [a, b]", () => {
    const spline = new Network({
      layers: [{ type: "spline", nIn: 1, nOut: 1, order: 4, grid: 8, domain: [0, 1], basis: "spline" }],
      seed: 7,
    });
    const relu = spline.toBasis("relu");
    const layer = relu.layers[0] as SplineLayer;
    const t = layer.knots.t;
    for (let k = 0; k <= 50; k++) {
      const xv = k / 50;
      let sum = 0;
      let bound = 0;
      for (let j = 0; j < layer.nBasis; j++) {
        const term = relu.params[j] * powerRelu(xv, t[j], 4);
        sum += term;
        bound += Math.abs(term);
      }
      const y = spline.forward(Float64Array.of(xv), 1)[0];
      expect(Math.abs(sum - y)).toBeLessThanOrEqual(100 * Number.EPSILON * bound + 1e-15);
    }
  });

  it("refinement in the ReLU basis keeps the function (w_f = A_f^T P A_c^-T w_c)", () => {
    const net = new KAN({ width: [2, 3, 1], grid: 5, basis: "relu", seed: 8 });
    const { x, n } = probe(2, -1, 1);
    const fine = net.refine(40);
    expect(fine.splineLayers[0].basis).toBe("relu");
    expect(relDiff(net.forward(x, n), fine.forward(x, n))).toBeLessThanOrEqual(1e-10);
  });

  it("same seed gives the same function in both bases", () => {
    const a = new KAN({ width: [2, 3, 1], grid: 6, seed: 5 });
    const b = new KAN({ width: [2, 3, 1], grid: 6, seed: 5, basis: "relu" });
    const { x, n } = probe(2, -1, 1);
    expect(relDiff(a.forward(x, n), b.forward(x, n))).toBeLessThanOrEqual(1e-10);
    expect(() => a.toBasis("cosine" as never)).toThrow(/basis must be "spline" or "relu"/);
  });
});
