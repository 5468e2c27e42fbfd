import { describe, expect, it } from "vitest";
import { FreeKnotLayer, type FreeKnotLayerSpec, type KnotSharing } from "../../src/layers/free-knot-layer.js";
import type { Basis } from "../../src/layers/layer.js";
import { loadModel } from "../../src/model/index.js";
import { mseLoss } from "../../src/model/losses.js";
import { Network } from "../../src/model/network.js";
import { Rng } from "../../src/util/random.js";
import { normwiseRelDiff } from "../helpers/compare.js";
import { powerRelu } from "../helpers/oracle.js";

function freeSpec(
  nIn: number,
  nOut: number,
  grid: number,
  basis: Basis,
  share: KnotSharing,
): FreeKnotLayerSpec {
  return { type: "free-spline", nIn, nOut, order: 4, grid, domain: [-1, 1], basis, share };
}

/** A [2, 3, 1] free-knot network with random (non-uniform) knots. */
function net(basis: Basis, share: KnotSharing, seed = 1, grid = 5): Network {
  const n = new Network({
    layers: [freeSpec(2, 3, grid, basis, share), freeSpec(3, 1, grid, basis, share)],
    seed,
  });
  const rng = new Rng(seed + 100);
  for (const l of n.layers as FreeKnotLayer[]) {
    const lo = l.logitOffset;
    rng.fillNormal(n.params, 0, 0.7, lo, lo + l.groups * l.grid);
  }
  return n;
}

function data(seed: number, n: number, lo = -1.3, hi = 1.3) {
  const rng = new Rng(seed);
  const x = rng.fillUniform(new Float64Array(2 * n), lo, hi);
  const t = new Float64Array(n);
  for (let s = 0; s < n; s++) t[s] = Math.sin(3 * x[2 * s]) * x[2 * s + 1];
  return { x, t, n };
}

describe("free-knot spline layer: exact gradients", () => {
  const kernels = [
    ["tables", 1 << 22],
    ["tape", 0],
  ] as const;
  for (const [kernel, limit] of kernels)
    for (const basis of ["spline", "relu"] as Basis[]) {
      for (const share of ["layer", "input", "edge"] as KnotSharing[]) {
        it(`${kernel} kernels, ${basis} basis, knots per ${share}: every parameter (logits included) against central differences`, () => {
          const saved = FreeKnotLayer.tableLimit;
          FreeKnotLayer.tableLimit = limit;
          let model: Network;
          try {
            model = net(basis, share, 3);
          } finally {
            FreeKnotLayer.tableLimit = saved;
          }
          const { x, t, n } = data(7, 40);
          const loss = mseLoss(t, n, 1);
          const g = new Float64Array(model.paramCount);
          const gx = new Float64Array(2 * n);
          model.gradient(x, n, loss, g, gx);
          const tmp = new Float64Array(model.paramCount);
          const h = 1e-6;
          let worst = 0;
          for (let i = 0; i < model.paramCount; i++) {
            const v = model.params[i];
            model.params[i] = v + h;
            const lp = model.gradient(x, n, loss, tmp);
            model.params[i] = v - h;
            const lm = model.gradient(x, n, loss, tmp);
            model.params[i] = v;
            const fd = (lp - lm) / (2 * h);
            const err = Math.abs(g[i] - fd) / (1e-3 + Math.abs(fd));
            worst = Math.max(worst, err);
            if (err > 1e-5) throw new Error(`param ${i}: analytic ${g[i]} vs central difference ${fd}`);
          }
          expect(worst).toBeLessThan(1e-5);
          // Input gradient (outside [a, b] included) too.
          for (const s of [0, 5, 17]) {
            const k = 2 * s;
            const v = x[k];
            x[k] = v + h;
            const lp = model.gradient(x, n, loss, tmp);
            x[k] = v - h;
            const lm = model.gradient(x, n, loss, tmp);
            x[k] = v;
            expect(Math.abs(gx[k] - (lp - lm) / (2 * h))).toBeLessThan(1e-6 * (1 + Math.abs(gx[k])));
          }
        });
      }
    }

  it("relu basis: the edge is the literal sum of power-ReLUs on the moving knots, and its logit gradient matches", () => {
    const layer = new FreeKnotLayer({ nIn: 1, nOut: 1, order: 4, grid: 6, domain: [-1, 1], basis: "relu" });
    const params = new Float64Array(layer.paramCount);
    const rng = new Rng(4);
    layer.init(params, rng);
    rng.fillNormal(params, 0, 0.8, layer.logitOffset, layer.logitOffset + 6);
    const N = layer.nBasis;
    const literal = (p: Float64Array, x: number) => {
      const t = layer.knotsOf(p, 0).t;
      let s = 0;
      for (let j = 0; j < N; j++) s += p[j] * powerRelu(x, t[j], 4);
      return s;
    };
    const xs = Float64Array.from({ length: 30 }, () => rng.range(-1, 1));
    const y = new Float64Array(30);
    layer.prepare(params);
    layer.forward(params, xs, 0, y, 0, 30);
    for (let s = 0; s < 30; s++) {
      const lit = literal(params, xs[s]);
      expect(Math.abs(y[s] - lit)).toBeLessThan(1e-9 * (1 + Math.abs(lit)));
    }
    // d(sum_s y_s)/d(logit) against the literal sum's central differences.
    const g = new Float64Array(layer.paramCount);
    layer.prepare(params);
    layer.backward(params, xs, 0, new Float64Array(30).fill(1), null, g, 30);
    layer.finishGradient(params, g);
    for (let i = 0; i < 6; i++) {
      const k = layer.logitOffset + i;
      const v = params[k];
      const h = 1e-6;
      params[k] = v + h;
      let fp = 0;
      for (const x of xs) fp += literal(params, x);
      params[k] = v - h;
      let fm = 0;
      for (const x of xs) fm += literal(params, x);
      params[k] = v;
      const fd = (fp - fm) / (2 * h);
      expect(Math.abs(g[k] - fd)).toBeLessThan(1e-5 * (1 + Math.abs(fd)));
    }
  });
});

describe("free-knot spline layer: refinement, serialisation, bad input", () => {
  for (const basis of ["spline", "relu"] as Basis[]) {
    for (const share of ["layer", "input", "edge"] as KnotSharing[]) {
      // The spline basis refines to 1e-12 relative; the power-ReLU basis goes through the solves with A(t)
      // (u = A^{-T} w, w_f = A_f^T u_f), whose conditioning costs digits: 1e-10, as for fixed knots
      // (test/model/transform.test.ts).
      const tol = basis === "spline" ? 1e-12 : 1e-10;
      it(`${basis}, knots per ${share}: midpoint refinement keeps the function (${tol} relative, out of domain too)`, () => {
        const model = net(basis, share, 5);
        const { x, n } = data(9, 300, -1.5, 1.5);
        const before = model.forward(x, n).slice();
        const fine = model.refine(10);
        expect(fine.grids).toEqual([10, 10]);
        expect(normwiseRelDiff(fine.forward(x, n), before)).toBeLessThanOrEqual(tol);
        const finer = fine.refine(30);
        expect(normwiseRelDiff(finer.forward(x, n), before)).toBeLessThanOrEqual(tol);
        // The coarse breakpoints are breakpoints of the refined layer (midpoints inserted).
        const lc = model.layers[0] as FreeKnotLayer;
        const lf = fine.layers[0] as FreeKnotLayer;
        const bc = lc.breakpointsOf(model.params)[0];
        const bf = lf.breakpointsOf(fine.params)[0];
        for (let i = 0; i < bc.length - 1; i++) {
          expect(Math.abs(bf[2 * i] - bc[i])).toBeLessThan(1e-15);
          expect(Math.abs(bf[2 * i + 1] - 0.5 * (bc[i] + bc[i + 1]))).toBeLessThan(1e-15);
        }
        // Basis conversion keeps the function as well.
        const other = model.toBasis(basis === "spline" ? "relu" : "spline");
        expect(normwiseRelDiff(other.forward(x, n), before)).toBeLessThanOrEqual(1e-11);
      });
    }
  }

  it("the table kernels agree with the tape kernels (values to 1e-13, gradients to 1e-10 relative)", () => {
    for (const share of ["layer", "edge"] as KnotSharing[]) {
      const tables = net("spline", share, 6);
      const saved = FreeKnotLayer.tableLimit;
      FreeKnotLayer.tableLimit = 0;
      const tape = new Network({ layers: tables.layerSpecs(), params: tables.params });
      FreeKnotLayer.tableLimit = saved;
      const { x, t, n } = data(4, 100, -1.4, 1.4);
      expect(normwiseRelDiff(tables.forward(x, n).slice(), tape.forward(x, n))).toBeLessThan(1e-13);
      const ga = new Float64Array(tables.paramCount);
      const gb = new Float64Array(tables.paramCount);
      tables.gradient(x, n, mseLoss(t, n, 1), ga);
      tape.gradient(x, n, mseLoss(t, n, 1), gb);
      expect(normwiseRelDiff(ga, gb)).toBeLessThan(1e-10);
    }
  });

  it("a JSON round trip predicts the same bits", () => {
    const model = net("relu", "input", 2);
    const { x, n } = data(1, 50);
    const back = loadModel(JSON.parse(JSON.stringify(model.toJSON())));
    expect(back.layers[0]).toBeInstanceOf(FreeKnotLayer);
    expect(back.forward(x, n)).toEqual(model.forward(x, n));
  });

  it("knots keep the minimum spacing under large gradient steps", () => {
    const model = net("spline", "layer", 8);
    const { x, t, n } = data(3, 200);
    const loss = mseLoss(t, n, 1);
    const g = new Float64Array(model.paramCount);
    // Huge steps on the logits only (coefficients fixed): knots are pushed as far as they can go.
    const layers = model.layers as FreeKnotLayer[];
    for (let step = 0; step < 100; step++) {
      model.gradient(x, n, loss, g);
      for (const l of layers)
        for (let i = l.logitOffset; i < l.logitOffset + l.grid; i++) model.params[i] -= 1e5 * g[i];
    }
    expect(
      Math.max(
        ...layers.map((l) =>
          Math.max(...model.params.subarray(l.logitOffset, l.logitOffset + 5).map(Math.abs)),
        ),
      ),
    ).toBeGreaterThan(10);
    for (const l of model.layers as FreeKnotLayer[]) {
      const bp = l.breakpointsOf(model.params)[0];
      for (let i = 1; i < bp.length; i++)
        expect(bp[i] - bp[i - 1]).toBeGreaterThanOrEqual((0.1 * 2) / 5 - 1e-14);
    }
  });

  it("bad input gets a clear error naming the layer", () => {
    const model = net("spline", "input", 1);
    const l = model.layers[1] as FreeKnotLayer;
    model.params[l.logitOffset + 2] = Number.NaN;
    expect(() => model.forward(new Float64Array(2), 1)).toThrow(
      /free-knot spline layer 3->1 .*knot group 0: .*logit 2 is NaN/,
    );
    model.params[l.logitOffset + 2] = 0;
    const g = new Float64Array(model.paramCount);
    model.prepare();
    g[l.logitOffset + 1] = Number.POSITIVE_INFINITY;
    expect(() => l.finishGradient(model.params, g)).toThrow(
      /free-knot spline layer 3->1 .*non-finite knot gradient/,
    );
    expect(() => new FreeKnotLayer({ ...freeSpec(1, 1, 4, "spline", "layer"), minGap: 0 })).toThrow(/minGap/);
    expect(
      () =>
        new FreeKnotLayer({ ...freeSpec(1, 1, 4, "spline", "layer"), breakpoints: [-1, -0.99, 0, 0.5, 1] }),
    ).toThrow(/interval 0 .*minimum knot spacing/);
    expect(() => new FreeKnotLayer({ ...freeSpec(1, 1, 4, "spline", "layer"), order: 1 })).toThrow(/order/);
    expect(() => model.refine(7)).toThrow(/not an integer multiple/);
  });
});
