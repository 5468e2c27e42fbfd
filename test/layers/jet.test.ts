import { describe, expect, it } from "vitest";
import { activationDerivs, ElementwiseLayer, normalize } from "../../src/layers/elementwise.js";
import { type JetShape, jetShape } from "../../src/layers/jet.js";
import { elementwiseJetBackward, elementwiseJetForward } from "../../src/layers/jet-channels.js";
import type { LayerSpec } from "../../src/layers/layer.js";
import { KAN } from "../../src/model/kan.js";
import { MLP } from "../../src/model/mlp.js";
import { type JetBlockLoss, Network } from "../../src/model/network.js";
import { Rng } from "../../src/util/random.js";
import { centralDiff4, gradientError } from "../helpers/gradcheck.js";

const H = [1e-3, 1e-4, 1e-5, 1e-6];

/** Best agreement of an analytic derivative with 4th-order differences over the steps. */
function fdBest(analytic: number, v: Float64Array, i: number, f: () => number, scale: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const h of H)
    best = Math.min(best, Math.abs(analytic - centralDiff4(v, i, h, f)) / Math.max(scale, 1e-8));
  return best;
}

/**
 * Checks all jet channels of `net` at the points x: first derivatives against differences of the value,
 * second derivatives (all pairs, mixed included) against differences of first derivatives.
 */
function checkJets(net: Network, x: Float64Array, n: number, sides?: Int8Array): number {
  const D = net.nIn;
  const pairs: [number, number][] = [];
  for (let k = 0; k < D; k++) for (let l = k; l < D; l++) pairs.push([k, l]);
  const shape = jetShape({ pairs }, net.nIn);
  const { C } = shape;
  const Q = net.nOut;
  const jets = net.jets(x, n, shape, { sides });
  let scale = 0;
  for (const v of jets) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let s = 0; s < n; s++) {
    const xs = x.slice(s * D, (s + 1) * D);
    const one = sides ? Int8Array.of(sides[s]) : undefined;
    for (let o = 0; o < Q; o++) {
      const value = () => net.jets(xs, 1, shape, { sides: one })[o];
      const first = (k: number) => () => net.jets(xs, 1, shape, { sides: one })[(1 + k) * Q + o];
      for (let k = 0; k < D; k++) {
        const dk = jets[(s * C + 1 + k) * Q + o];
        worst = Math.max(worst, fdBest(dk, xs, k, value, scale));
      }
      for (let m = 0; m < pairs.length; m++) {
        const [k, l] = pairs[m];
        const d2 = jets[(s * C + 1 + D + m) * Q + o];
        // d/dx_l of the k-th first derivative.
        worst = Math.max(worst, fdBest(d2, xs, l, first(k), scale));
      }
    }
  }
  return worst;
}

function points(seed: number, n: number, d: number, lo = -1, hi = 1): Float64Array {
  return new Rng(seed).fillUniform(new Float64Array(n * d), lo, hi);
}

describe("forward jets match finite differences", () => {
  it("spline layers (orders 4 and 5, both bases, base term, general knots), in and outside the domain", () => {
    const specs: LayerSpec[] = [
      { type: "spline", nIn: 2, nOut: 3, order: 4, grid: 5, domain: [-1, 1], basis: "spline" },
      { type: "spline", nIn: 2, nOut: 2, order: 5, grid: 4, domain: [-1, 1], basis: "relu" },
      { type: "spline", nIn: 2, nOut: 2, order: 4, grid: 4, domain: [-1, 1], basis: "spline", base: true },
      {
        type: "spline",
        nIn: 2,
        nOut: 2,
        order: 4,
        grid: 3,
        domain: [-1, 1],
        breakpoints: [-1, -0.2, 0.5, 1],
        basis: "spline",
      },
    ];
    for (const [i, spec] of specs.entries()) {
      const net = new Network({ layers: [spec], seed: i, params: undefined });
      expect(checkJets(net, points(i, 12, 2, -1.5, 1.5), 12), `spec ${i}`).toBeLessThanOrEqual(1e-6);
    }
  });

  it("linear, activation and normalisation layers", () => {
    const acts: LayerSpec[] = [
      { type: "elementwise", width: 3, fn: "tanh", scale: 1, shift: 0 },
      { type: "elementwise", width: 3, fn: "sigmoid", scale: 1, shift: 0 },
      { type: "elementwise", width: 3, fn: "silu", scale: 1, shift: 0 },
      normalize("sigmoid", 3, [-1, 1]).toSpec(),
      normalize("tanh", 3, [0, 1]).toSpec(),
    ];
    for (const [i, spec] of acts.entries()) {
      const net = new Network({ layers: [{ type: "linear", nIn: 2, nOut: 3, bias: true }, spec], seed: i });
      expect(checkJets(net, points(10 + i, 10, 2), 10), `layer ${i}`).toBeLessThanOrEqual(1e-6);
    }
  });

  it("feature maps: affine scaling, |x| away from the kink, periodic embeddings, graded asinh", () => {
    const net = new Network({
      layers: [
        {
          type: "features",
          nIn: 2,
          features: [
            { input: 0, kind: "identity", scale: 2, shift: -0.5 },
            { input: 1, kind: "identity" },
            { input: 0, kind: "abs" },
            { input: 1, kind: "cos", scale: 0.5 },
            { input: 0, kind: "sin" },
            { input: 0, kind: "asinh", gain: 10 },
            { input: 1, kind: "asinh", scale: 1.5, shift: -0.2 },
          ],
        },
        { type: "spline", nIn: 7, nOut: 1, order: 4, grid: 6, domain: [-2, 2], basis: "spline" },
      ],
      seed: 3,
    });
    const x = points(3, 15, 2);
    for (let s = 0; s < 15; s++) if (Math.abs(x[2 * s]) < 0.05) x[2 * s] = 0.3;
    expect(checkJets(net, x, 15)).toBeLessThanOrEqual(1e-6);
  });

  it("|x| takes the one-sided derivative chosen per point at the kink", () => {
    const net = new Network({
      layers: [
        {
          type: "features",
          nIn: 2,
          features: [
            { input: 0, kind: "identity" },
            { input: 1, kind: "identity" },
            { input: 0, kind: "abs" },
          ],
        },
        { type: "spline", nIn: 3, nOut: 1, order: 4, grid: 4, domain: [-1, 1], basis: "spline" },
      ],
      seed: 5,
    });
    const shape = jetShape({ pairs: [[0, 0]] }, 2);
    const x = Float64Array.of(0, 0.3, 0, 0.3);
    const jets = net.jets(x, 2, shape, { sides: Int8Array.of(-1, 1) });
    const h = 1e-7;
    const at = (x0: number) => net.forward(Float64Array.of(x0, 0.3), 1)[0];
    const left = (at(0) - at(-h)) / h;
    const right = (at(h) - at(0)) / h;
    expect(Math.abs(left - right)).toBeGreaterThan(1e-3);
    expect(jets[1]).toBeCloseTo(left, 5);
    expect(jets[shape.C + 1]).toBeCloseTo(right, 5);
    // One-sided second derivatives: differences of one-sided first derivatives.
    const d1 = (x0: number, side: number) =>
      net.jets(Float64Array.of(x0, 0.3), 1, shape, { sides: Int8Array.of(side) })[1];
    expect(jets[3]).toBeCloseTo((d1(0, -1) - d1(-1e-6, -1)) / 1e-6, 4);
    expect(jets[shape.C + 3]).toBeCloseTo((d1(1e-6, 1) - d1(0, 1)) / 1e-6, 4);
  });

  it("composed networks: paper regression net, Burgers net, normalised deep KAN, MLP; mixed pairs included", () => {
    const nets = [
      new Network({
        layers: [
          { type: "linear", nIn: 2, nOut: 5, bias: true },
          normalize("sigmoid", 5, [0, 1]).toSpec(),
          { type: "spline", nIn: 5, nOut: 1, order: 4, grid: 5, domain: [0, 1], basis: "spline" },
        ],
        seed: 1,
      }),
      new Network({
        layers: [
          { type: "linear", nIn: 2, nOut: 4, bias: false },
          { type: "elementwise", width: 4, fn: "tanh", scale: 1, shift: 0 },
          {
            type: "spline",
            nIn: 4,
            nOut: 4,
            order: 4,
            grid: 5,
            domain: [-1, 1],
            basis: "spline",
            initStd: 0.5,
          },
          { type: "elementwise", width: 4, fn: "tanh", scale: 1, shift: 0 },
          {
            type: "spline",
            nIn: 4,
            nOut: 1,
            order: 4,
            grid: 5,
            domain: [-1, 1],
            basis: "spline",
            initStd: 0.5,
          },
        ],
        seed: 2,
      }),
      new KAN({ width: [3, 4, 3, 2], grid: 6, normalize: "sigmoid", seed: 3, initStd: 0.5 }),
      new MLP({ width: [2, 6, 6, 1], activation: "tanh", seed: 4 }),
    ];
    for (const [i, net] of nets.entries()) {
      expect(checkJets(net, points(20 + i, 10, net.nIn), 10), `net ${i}`).toBeLessThanOrEqual(1e-6);
    }
  });

  it("the value channel equals the plain forward pass bit for bit", () => {
    const net = new KAN({ width: [2, 5, 1], grid: 7, seed: 9 });
    const x = points(9, 200, 2);
    const shape = jetShape({}, 2);
    const jets = net.jets(x, 200, shape);
    const y = net.forward(x, 200);
    for (let s = 0; s < 200; s++) expect(jets[s * shape.C]).toBe(y[s]);
  });
});

/** Builds a jet loss mean(r^2) from a residual r(s, jet row) and its partials dr/dchannel. */
function residualLoss(
  shape: JetShape,
  nOut: number,
  n: number,
  residual: (j: (c: number, o?: number) => number, s: number) => number,
  partials: (j: (c: number, o?: number) => number, s: number, out: Float64Array) => void,
): JetBlockLoss {
  const dr = new Float64Array(shape.C * nOut);
  return (jet, gJet, start, rows) => {
    let sum = 0;
    for (let s = 0; s < rows; s++) {
      const j = (c: number, o = 0) => jet[(s * shape.C + c) * nOut + o];
      const r = residual(j, start + s);
      partials(j, start + s, dr);
      sum += (r * r) / n;
      for (let k = 0; k < dr.length; k++) gJet[s * shape.C * nOut + k] = ((2 * r) / n) * dr[k];
    }
    return sum;
  };
}

describe("parameter gradients of jet-based losses", () => {
  it("Laplacian residual mean((u_xx + u_yy - f)^2) on a spline KAN", () => {
    const net = new KAN({ width: [2, 3, 1], grid: 5, seed: 1, initStd: 0.3 });
    const shape = jetShape(
      {
        pairs: [
          [0, 0],
          [1, 1],
        ],
      },
      2,
    );
    const n = 40;
    const x = points(1, n, 2);
    const f = Float64Array.from({ length: n }, (_, s) => Math.sin(x[2 * s]) * x[2 * s + 1]);
    const loss = residualLoss(
      shape,
      1,
      n,
      (j, s) => j(3) + j(4) - f[s],
      (_j, _s, out) => {
        out.fill(0);
        out[3] = 1;
        out[4] = 1;
      },
    );
    const g = new Float64Array(net.paramCount);
    net.jetGradient(x, n, shape, loss, g);
    const err = gradientError(g, net.params, () =>
      net.jetGradient(x, n, shape, loss, new Float64Array(net.paramCount)),
    );
    expect(err).toBeLessThanOrEqual(1e-6);
  });

  it("Burgers residual mean((u_t + u u_x - nu u_xx)^2) on the paper's Burgers architecture, ReLU basis too", () => {
    for (const basis of ["spline", "relu"] as const) {
      const net = new Network({
        layers: [
          { type: "linear", nIn: 2, nOut: 3, bias: false },
          { type: "elementwise", width: 3, fn: "tanh", scale: 1, shift: 0 },
          { type: "spline", nIn: 3, nOut: 3, order: 4, grid: 5, domain: [-1, 1], basis, initStd: 0.3 },
          { type: "elementwise", width: 3, fn: "tanh", scale: 1, shift: 0 },
          { type: "spline", nIn: 3, nOut: 1, order: 4, grid: 5, domain: [-1, 1], basis, initStd: 0.3 },
        ],
        seed: 2,
      });
      // inputs (x, t); channels: 0 u, 1 u_x, 2 u_t, 3 u_xx
      const shape = jetShape({ dims: [0, 1], pairs: [[0, 0]] }, 2);
      const nu = 0.01;
      const n = 50;
      const x = points(2, n, 2);
      const loss = residualLoss(
        shape,
        1,
        n,
        (j) => j(2) + j(0) * j(1) - nu * j(3),
        (j, _s, out) => {
          out[0] = j(1);
          out[1] = j(0);
          out[2] = 1;
          out[3] = -nu;
        },
      );
      const g = new Float64Array(net.paramCount);
      net.jetGradient(x, n, shape, loss, g);
      const err = gradientError(g, net.params, () =>
        net.jetGradient(x, n, shape, loss, new Float64Array(net.paramCount)),
      );
      expect(err, basis).toBeLessThanOrEqual(1e-6);
    }
  });

  it("a graded asinh coordinate behind a linear layer (its third derivative in the reverse pass)", () => {
    const net = new Network({
      layers: [
        { type: "linear", nIn: 2, nOut: 2, bias: true },
        {
          type: "features",
          nIn: 2,
          features: [
            { input: 0, kind: "asinh", gain: 8, shift: 0.1 },
            { input: 1, kind: "identity" },
            { input: 1, kind: "asinh", scale: 0.7 },
          ],
        },
        {
          type: "spline",
          nIn: 3,
          nOut: 1,
          order: 4,
          grid: 5,
          domain: [-1, 1],
          basis: "spline",
          initStd: 0.3,
        },
      ],
      seed: 4,
    });
    // inputs (x, t); channels: 0 u, 1 u_x, 2 u_t, 3 u_xx; a Burgers-like residual
    const shape = jetShape({ dims: [0, 1], pairs: [[0, 0]] }, 2);
    const n = 30;
    const x = points(4, n, 2);
    const loss = residualLoss(
      shape,
      1,
      n,
      (j) => j(2) + j(0) * j(1) - 0.05 * j(3),
      (j, _s, out) => {
        out[0] = j(1);
        out[1] = j(0);
        out[2] = 1;
        out[3] = -0.05;
      },
    );
    const g = new Float64Array(net.paramCount);
    net.jetGradient(x, n, shape, loss, g);
    const err = gradientError(g, net.params, () =>
      net.jetGradient(x, n, shape, loss, new Float64Array(net.paramCount)),
    );
    expect(err).toBeLessThanOrEqual(1e-6);
    expect(checkJets(net, x, n)).toBeLessThanOrEqual(1e-6);
  });

  it("an interface flux term through |x| with left and right limits, plus a mixed derivative term", () => {
    const net = new Network({
      layers: [
        {
          type: "features",
          nIn: 2,
          features: [
            { input: 0, kind: "identity" },
            { input: 1, kind: "identity" },
            { input: 0, kind: "abs" },
          ],
        },
        {
          type: "spline",
          nIn: 3,
          nOut: 3,
          order: 4,
          grid: 4,
          domain: [-1, 1],
          basis: "spline",
          initStd: 0.4,
        },
        {
          type: "spline",
          nIn: 3,
          nOut: 1,
          order: 4,
          grid: 4,
          domain: [-1, 1],
          basis: "spline",
          initStd: 0.4,
        },
      ],
      seed: 3,
    });
    // Rows come in pairs (left, right) at the same interface point x = 0.
    const m = 20;
    const n = 2 * m;
    const x = new Float64Array(2 * n);
    const sides = new Int8Array(n);
    for (let i = 0; i < m; i++) {
      const y = -0.9 + (1.8 * i) / (m - 1);
      x[4 * i + 1] = y;
      x[4 * i + 3] = y;
      sides[2 * i] = -1;
      sides[2 * i + 1] = 1;
    }
    const shape = jetShape({ pairs: [[0, 1]] }, 2);
    const C = shape.C;
    const epsL = 1;
    const epsR = 0.5;
    const loss: JetBlockLoss = (jet, gJet, _start, rows) => {
      gJet.fill(0, 0, rows * C);
      let sum = 0;
      for (let s = 0; s < rows; s += 2) {
        // flux jump eps_l u_x(x-) - eps_r u_x(x+), and the mixed derivative u_xy on the right.
        const r = epsL * jet[s * C + 1] - epsR * jet[(s + 1) * C + 1];
        const mixed = jet[(s + 1) * C + 3];
        sum += r * r + 0.1 * mixed * mixed;
        gJet[s * C + 1] = 2 * r * epsL;
        gJet[(s + 1) * C + 1] = -2 * r * epsR;
        gJet[(s + 1) * C + 3] = 0.2 * mixed;
      }
      return sum;
    };
    const g = new Float64Array(net.paramCount);
    const value = net.jetGradient(x, n, shape, loss, g, { sides });
    expect(value).toBeGreaterThan(0);
    const err = gradientError(g, net.params, () =>
      net.jetGradient(x, n, shape, loss, new Float64Array(net.paramCount), { sides }),
    );
    expect(err).toBeLessThanOrEqual(1e-6);
  });
});

describe("elementwise layer: the reverse pass reuses the forward pass's activation derivatives", () => {
  it("backwardJet gives the same bits with and without the forward pass's cache", () => {
    const shape = jetShape(
      {
        dims: [0, 1],
        pairs: [
          [0, 0],
          [0, 1],
        ],
      },
      3,
    );
    for (const fn of ["tanh", "sigmoid", "silu", "relu", "identity"] as const) {
      const layer = new ElementwiseLayer({ width: 3, fn, scale: 1.5, shift: -0.25 });
      const rows = 5;
      const n = rows * shape.C * 3;
      const rng = new Rng(11);
      const x = Float64Array.from({ length: n }, () => rng.normal());
      const gy = Float64Array.from({ length: n }, () => rng.normal());
      const ctx = { start: 0, sides: null };
      const y = new Float64Array(n);
      const empty = new Float64Array(0);
      const cold = new Float64Array(n);
      layer.backwardJet(empty, x, 0, gy, cold, empty, rows, shape, ctx); // no forward pass before it
      layer.forwardJet(empty, x, 0, y, 0, rows, shape, ctx);
      const warm = new Float64Array(n);
      layer.backwardJet(empty, x, 0, gy, warm, empty, rows, shape, ctx); // uses the cache
      expect(Array.from(warm)).toEqual(Array.from(cold));
      expect(warm.some((v) => v !== 0)).toBe(true);
      // A forward pass on other inputs invalidates the cache for these.
      const x2 = x.map((v) => v + 1);
      layer.forwardJet(empty, x2, 0, y, 0, rows, shape, ctx);
      const again = new Float64Array(n);
      layer.backwardJet(empty, x, 0, gy, again, empty, rows, shape, ctx);
      expect(Array.from(again)).toEqual(Array.from(cold));
    }
  });
});

describe("elementwise layer: block jet kernels equal the per-unit chain rule bit for bit", () => {
  it("forwardJet and backwardJet match elementwiseJetForward / elementwiseJetBackward unit by unit", () => {
    // Diagonal and mixed pairs, with a repeated index (0, 0) so both pair updates hit one channel.
    const shape = jetShape(
      {
        dims: [0, 1, 2],
        pairs: [
          [0, 0],
          [0, 1],
          [2, 1],
        ],
      },
      3,
    );
    const W = 4;
    const rows = 6;
    const n = rows * shape.C * W;
    const ctx = { start: 0, sides: null };
    const empty = new Float64Array(0);
    const d = new Float64Array(4);
    for (const fn of ["tanh", "sigmoid", "silu", "relu", "identity"] as const) {
      const layer = new ElementwiseLayer({ width: W, fn, scale: 1.5, shift: -0.25 });
      const rng = new Rng(23);
      const x = Float64Array.from({ length: n }, () => 2 * rng.normal());
      const gy = Float64Array.from({ length: n }, () => rng.normal());
      const y = new Float64Array(n);
      layer.forwardJet(empty, x, 0, y, 0, rows, shape, ctx);
      const gx = new Float64Array(n);
      layer.backwardJet(empty, x, 0, gy, gx, empty, rows, shape, ctx);
      const yRef = new Float64Array(n);
      const gxRef = new Float64Array(n);
      for (let s = 0; s < rows; s++)
        for (let p = 0; p < W; p++) {
          activationDerivs(fn, x[s * shape.C * W + p], d);
          const [f0, f1, f2, f3] = [-0.25 + 1.5 * d[0], 1.5 * d[1], 1.5 * d[2], 1.5 * d[3]];
          elementwiseJetForward(shape, x, 0, yRef, 0, W, p, W, p, s, f0, f1, f2);
          elementwiseJetBackward(shape, x, 0, gy, gxRef, W, p, W, p, s, f1, f2, f3);
        }
      expect(Object.is(y[0], yRef[0])).toBe(true);
      expect(Array.from(y)).toEqual(Array.from(yRef));
      expect(Array.from(gx)).toEqual(Array.from(gxRef));
      expect(gx.some((v) => v !== 0)).toBe(true);
    }
  });
});

describe("jet shape validation", () => {
  it("names the bad value", () => {
    expect(() => jetShape({ dims: [0, 2] }, 2)).toThrow(
      /jet dims\[1\] must be an integer in \[0, 1\], got 2/,
    );
    expect(() => jetShape({ dims: [1, 1] }, 2)).toThrow(/jet dims must be distinct/);
    expect(() => jetShape({ dims: [] }, 2)).toThrow(/at least one input coordinate/);
    expect(() => jetShape({ pairs: [[0, 2]] }, 2)).toThrow(
      /jet pairs\[0\]\[1\] must be an integer in \[0, 1\], got 2/,
    );
    expect(jetShape({}, 3).C).toBe(7);
    expect(jetShape({ pairs: [] }, 3).C).toBe(4);
  });
});
