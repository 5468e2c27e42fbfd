import { describe, expect, it } from "vitest";
import type { SplineLayerSpec } from "../../src/layers/layer.js";
import { SYMBOLIC_FUNCTIONS, symbolicFunction } from "../../src/layers/symbolic-functions.js";
import { edgeActivations, edgeFunction } from "../../src/model/edge-activations.js";
import { KAN } from "../../src/model/kan.js";
import { mseLoss } from "../../src/model/losses.js";
import { createDataset } from "../../src/problems/dataset.js";
import { RegressionProblem } from "../../src/problems/regression.js";
import { autoSymbolic, rankCandidates, suggestSymbolic } from "../../src/symbolic/auto.js";
import { fixSymbolic, unfixSymbolic } from "../../src/symbolic/convert.js";
import {
  evaluateExpr,
  exprApply,
  exprLinear,
  exprVariable,
  toLatex,
  toText,
} from "../../src/symbolic/expr.js";
import { fitEdge } from "../../src/symbolic/fit.js";
import { symbolicFormula } from "../../src/symbolic/formula.js";
import { fit as train } from "../../src/train/trainer.js";
import { Rng } from "../../src/util/random.js";
import { centralDiff4, checkInputGradient, checkParamGradient } from "../helpers/gradcheck.js";

function data(seed: number, n: number, nIn: number, nOut: number, lo = -1, hi = 1) {
  const rng = new Rng(seed);
  return {
    x: rng.fillUniform(new Float64Array(n * nIn), lo, hi),
    t: rng.fillNormal(new Float64Array(n * nOut)),
  };
}

/** A [3, 2, 1] KAN with a mix of symbolic edges and random affine parameters. */
function mixedModel(basis: "spline" | "relu" = "spline", base = false) {
  const m = new KAN({ width: [3, 2, 1], grid: 5, basis, base, seed: 3 });
  const rng = new Rng(9);
  const r = () => rng.uniform() * 1.2 - 0.6;
  return fixSymbolic(m, [
    { layer: 0, in: 0, out: 0, fn: "sin", params: [1 + r(), r(), 1 + r(), r()] },
    { layer: 0, in: 1, out: 1, fn: "x^2", params: [1 + r(), r(), 1 + r(), r()] },
    { layer: 0, in: 2, out: 0, fn: "tanh", params: [1 + r(), r(), 1 + r(), r()] },
    { layer: 1, in: 0, out: 0, fn: "exp", params: [0.5 + r(), r(), 1 + r(), r()] },
    { layer: 1, in: 1, out: 0, fn: "gaussian", params: [1 + r(), r(), 1 + r(), r()] },
  ]);
}

describe("symbolic function library", () => {
  it("every derivative matches central differences", () => {
    for (const [name, fn] of Object.entries(SYMBOLIC_FUNCTIONS)) {
      if (name === "sgn") continue;
      for (const t0 of [0.31, 0.77, -0.42]) {
        const v = new Float64Array([name === "log" || name === "sqrt" ? Math.abs(t0) : t0]);
        const fd = centralDiff4(v, 0, 1e-4, () => fn.f(v[0]));
        expect(Math.abs(fn.df(v[0]) - fd)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
      }
    }
  });
  it("an unknown name is a clear error naming it", () => {
    expect(() => symbolicFunction("sinh")).toThrow(/unknown symbolic function "sinh"; known: x, x\^2/);
    expect(() =>
      fixSymbolic(new KAN({ width: [1, 1] }), [{ layer: 0, in: 0, out: 0, fn: "bessel" }]),
    ).toThrow(/"bessel"/);
    expect(() =>
      rankCandidates(new Float64Array([0, 1]), new Float64Array([0, 1]), { lib: ["sin", "foo"] }),
    ).toThrow(/"foo"/);
  });
});

describe("symbolic edges in the spline layer", () => {
  it("parameter and input gradients match central differences (spline, relu, base)", () => {
    for (const [basis, base] of [
      ["spline", false],
      ["relu", false],
      ["spline", true],
    ] as const) {
      const net = mixedModel(basis, base);
      const { x, t } = data(5, 40, 3, 1, -0.9, 0.9);
      checkParamGradient(net, x, t, 40);
      checkInputGradient(net, x, t, 40);
    }
  });

  it("a symbolic edge replaces its spline: masked coefficients are zero, get zero gradient, and do not act", () => {
    const net = mixedModel("spline", true);
    const layer = net.splineLayers[0];
    const N = layer.nBasis;
    const Q = layer.nOut;
    const { x, t } = data(6, 30, 3, 1);
    const g = new Float64Array(net.paramCount);
    net.gradient(x, 30, mseLoss(t, 30, 1), g);
    for (let i = 0; i < N; i++) {
      expect(net.params[layer.offset + (0 * N + i) * Q + 0]).toBe(0);
      expect(g[layer.offset + (0 * N + i) * Q + 0]).toBe(0);
    }
    expect(g[layer.baseOffset + 0]).toBe(0);
    // Edge (0, 0) of layer 0 is c sin(a x + b) + d exactly.
    const o = layer.symbolicOffset;
    const [a, b, c, d] = net.params.subarray(o, o + 4);
    const xs = new Float64Array([-0.7, 0.1, 0.55]);
    const v = edgeFunction(net, 0, 0, 0)(xs);
    for (let s = 0; s < xs.length; s++) expect(v[s]).toBe(c * Math.sin(a * xs[s] + b) + d);
  });

  it("jets are refused with a clear error", () => {
    const net = mixedModel();
    const x = new Float64Array(6);
    expect(() => net.jets(x, 2, {})).toThrow(
      /symbolic edge\(s\): jets \(input derivatives\) are not supported/,
    );
  });

  it("JSON round trip keeps symbolic edges and predictions bit for bit; refine and toBasis carry them", () => {
    const net = mixedModel("spline", true);
    const back = KAN.fromJSON(JSON.parse(JSON.stringify(net.toJSON())));
    const { x } = data(7, 50, 3, 1);
    expect(back.forward(x, 50)).toEqual(net.forward(x, 50));
    const y0 = net.forward(x, 50);
    for (const other of [net.refine(10), net.toBasis("relu")]) {
      const y1 = other.forward(x, 50);
      for (let s = 0; s < 50; s++) expect(Math.abs(y1[s] - y0[s])).toBeLessThan(1e-12);
    }
  });

  it("training moves a, b, c, d of symbolic edges and keeps their splines at zero; prune refuses them", () => {
    const ds = createDataset((p) => 0.7 * Math.sin(2.5 * p[0] + 0.3) + 0.2 + 0.4 * p[1], {
      trainNum: 200,
      testNum: 10,
      seed: 3,
    });
    let m = new KAN({ width: [2, 1], grid: 5, seed: 4 });
    m = fixSymbolic(m, [
      { layer: 0, in: 0, out: 0, fn: "sin", params: [2, 0, 1, 0] },
      { layer: 0, in: 1, out: 0, fn: "x" },
    ]);
    const layer = m.splineLayers[0];
    const r = train(m, new RegressionProblem(ds), {
      steps: 20,
      optimizer: { type: "lbfgs", preset: "pykan", lr: 1 },
    });
    expect(r.metrics.trainMse).toBeLessThan(1e-18);
    for (let p = 0; p < 2; p++)
      for (let i = 0; i < layer.nBasis; i++) expect(m.params[layer.offset + p * layer.nBasis + i]).toBe(0);
    const o = layer.symbolicOffset;
    const [a, b, c] = m.params.subarray(o, o + 4);
    // c sin(a x + b) (the constants aside) equals 0.7 sin(2.5 x + 0.3) + 0.2 on the data.
    for (const xv of [-0.8, 0.1, 0.6])
      expect(c * Math.sin(a * xv + b)).toBeCloseTo(0.7 * Math.sin(2.5 * xv + 0.3), 8);
    expect(() => m.prune({ x: ds.trainInput })).toThrow(
      /symbolic edge\(s\); prune before fixing edges symbolic/,
    );
  });

  it("bad symbolic edge descriptions in a layer spec are clear errors", () => {
    const spec: SplineLayerSpec = {
      type: "spline",
      nIn: 2,
      nOut: 1,
      order: 4,
      grid: 5,
      domain: [-1, 1],
      basis: "spline",
    };
    expect(() => new KAN({ layers: [{ ...spec, symbolic: { in: 0 } as never }] })).toThrow(
      /symbolic edges must be a list/,
    );
    expect(() => new KAN({ layers: [{ ...spec, symbolic: [{ in: 2, out: 0, fn: "sin" }] }] })).toThrow(
      /input index 2 is not in 0..1/,
    );
    expect(
      () =>
        new KAN({
          layers: [
            {
              ...spec,
              symbolic: [
                { in: 0, out: 0, fn: "sin" },
                { in: 0, out: 0, fn: "exp" },
              ],
            },
          ],
        }),
    ).toThrow(/listed twice/);
    expect(() => new KAN({ layers: [{ ...spec, symbolic: [{ in: 0, out: 0, fn: "sinc" }] }] })).toThrow(
      /"sinc"/,
    );
  });

  it("unfixSymbolic makes the edge a spline again (zero coefficients)", () => {
    const net = mixedModel();
    const back = unfixSymbolic(net, [{ layer: 0, in: 0, out: 0 }]);
    expect(back.splineLayers[0].symbolic?.count).toBe(2);
    expect(Array.from(edgeFunction(back, 0, 0, 0)(new Float64Array([0.3, -0.2])))).toEqual([0, 0]);
    expect(() => unfixSymbolic(back, [{ layer: 0, in: 0, out: 0 }])).toThrow(/not symbolic/);
  });
});

describe("fitting edges", () => {
  it("fitEdge recovers c f(a x + b) + d and reports R^2", () => {
    const rng = new Rng(1);
    const x = rng.fillUniform(new Float64Array(300), -1, 1);
    const y = x.map((v) => 2 * Math.sin(3 * v + 0.5) - 0.7);
    const f = fitEdge(x, y, "sin");
    expect(f.r2).toBeGreaterThan(1 - 1e-12);
    const pred = x.map((v) => f.c * Math.sin(f.a * v + f.b) + f.d);
    for (let s = 0; s < 300; s++) expect(Math.abs(pred[s] - y[s])).toBeLessThan(1e-8);
    const bad = fitEdge(x, y, "x");
    expect(bad.r2).toBeLessThan(0.99);
  });

  it("rankCandidates prefers the simple exact function (pykan's score)", () => {
    const rng = new Rng(2);
    const x = rng.fillUniform(new Float64Array(200), -1, 1);
    const sq = rankCandidates(
      x,
      x.map((v) => 0.5 * v * v + 1),
      { lib: ["x", "x^2", "x^4", "cos", "gaussian"] },
    );
    expect(sq[0].fn).toBe("x^2");
    const ex = rankCandidates(
      x,
      x.map((v) => Math.exp(1.3 * v)),
      { lib: ["x", "x^2", "exp", "sin"] },
    );
    expect(ex[0].fn).toBe("exp");
  });

  it("autoSymbolic finds sin and x^2 in a trained [2, 1] KAN; the formula matches predict", () => {
    const ds = createDataset((p) => Math.sin(Math.PI * p[0]) + p[1] * p[1], {
      trainNum: 400,
      testNum: 100,
      seed: 4,
    });
    const model = new KAN({ width: [2, 1], grid: 10, seed: 1 });
    train(model, new RegressionProblem(ds), {
      steps: 40,
      optimizer: { type: "lbfgs", preset: "torch", lr: 1 },
    });
    const sug = suggestSymbolic(model, ds.trainInput, 400, 0, 0, 0, {
      lib: ["x", "x^2", "sin", "tanh", "exp"],
    });
    expect(sug[0].fn).toBe("sin");
    const { model: sym, edges } = autoSymbolic(model, ds.trainInput, 400, {
      lib: ["x", "x^2", "sin", "tanh", "exp"],
    });
    expect(edges.map((e) => e.choice?.fn)).toEqual(["sin", "x^2"]);
    for (const e of edges) expect(e.choice?.r2).toBeGreaterThan(0.999);
    const f = symbolicFormula(sym, { names: ["x", "y"] });
    expect(f.text[0]).toMatch(/sin\(/);
    expect(f.text[0]).toMatch(/y\^2|\(.*y.*\)\^2/);
    const pred = sym.predict(ds.testInput);
    for (let s = 0; s < 100; s++) {
      const pt = [ds.testInput[2 * s], ds.testInput[2 * s + 1]];
      expect(Math.abs(f.evaluate(0, pt) - pred[s])).toBeLessThan(1e-12);
    }
  });
});

describe("symbolic formula", () => {
  it("evaluates like forward at random points (several layers, scalers included)", () => {
    const net = mixedModel("spline", true);
    // Make the remaining numeric edges zero so that the formula exists.
    for (const layer of net.splineLayers) {
      const n = layer.nIn * layer.nBasis * layer.nOut;
      net.params.fill(0, layer.offset, layer.offset + n);
      if (layer.base) net.params.fill(0, layer.baseOffset, layer.baseOffset + 2 * layer.nIn * layer.nOut);
    }
    net.scalers = {
      input: { shift: [0.1, -0.2, 0.3], scale: [2, 0.5, 1.5] },
      output: { shift: [1], scale: [3] },
    };
    const f = symbolicFormula(net, { names: ["a", "b", "c"] });
    const rng = new Rng(11);
    const x = rng.fillUniform(new Float64Array(3 * 64), -1, 1);
    const y = net.predict(x);
    for (let s = 0; s < 64; s++) {
      const v = f.evaluate(0, x.subarray(3 * s, 3 * s + 3));
      expect(Math.abs(v - y[s])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(y[s])));
    }
    expect(f.text[0]).toMatch(/exp\(/);
    expect(f.latex[0]).toMatch(/e\^\{/);
    const plain = symbolicFormula(net, { scalers: false });
    expect(plain.text[0]).toMatch(/x_1/);
  });

  it("throws naming the first edge that is still a spline", () => {
    const net = mixedModel();
    expect(() => symbolicFormula(net)).toThrow(
      /edge \(0, 1, 0\) \(KAN layer 0, input 1, output 0\) is not symbolic/,
    );
  });

  it("prints rounded constants in text and LaTeX", () => {
    const x = exprVariable(0, "x");
    const y = exprVariable(1, "y");
    const inner = exprLinear([
      { c: 1.000000003, e: exprApply("sin", exprLinear([{ c: Math.PI + 2e-9, e: x }], 1e-9)) },
      { c: 0.99999999, e: exprApply("x^2", exprLinear([{ c: 1, e: y }], -2e-8)) },
    ]);
    const e = exprLinear([{ c: 1, e: exprApply("exp", inner) }], 0);
    expect(toText(e)).toBe("exp(sin(3.1416*x) + y^2)");
    expect(toLatex(e)).toBe("e^{\\sin\\left(3.1416 x\\right) + {y}^{2}}");
    expect(evaluateExpr(e, [0.3, 0.4])).toBeCloseTo(Math.exp(Math.sin(Math.PI * 0.3) + 0.16), 6);
  });
});

describe("edge activations", () => {
  it("the edge values on the layer inputs add up to the layer outputs", () => {
    const net = new KAN({ width: [2, 3, 1], grid: 4, base: true, seed: 2 });
    const { x } = data(8, 70, 2, 1);
    const acts = edgeActivations(net, x, 70);
    const y = net.forward(x, 70);
    for (let s = 0; s < 70; s++) {
      let sum = 0;
      for (let p = 0; p < 3; p++) sum += acts[1].values[p][s];
      expect(Math.abs(sum - y[s])).toBeLessThan(1e-13);
      // Layer 1's input p is the sum of layer 0's edges into node p.
      for (let p = 0; p < 3; p++) {
        const h = acts[0].values[p][s] + acts[0].values[3 + p][s];
        expect(Math.abs(h - acts[1].inputs[p][s])).toBeLessThan(1e-13);
      }
    }
    expect(acts[0].meanAbs.length).toBe(6);
    expect(() => edgeActivations(net, x, 0)).toThrow(/at least one sample/);
  });
});
