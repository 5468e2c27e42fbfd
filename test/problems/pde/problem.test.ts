import { describe, expect, it } from "vitest";
import { KAN } from "../../../src/model/kan.js";
import { Network } from "../../../src/model/network.js";
import {
  boundaryPoints,
  box,
  gridPoints,
  interfacePoints,
  PdeProblem,
  type PdeTerm,
  periodicPairs,
  sobolPoints,
  uniformPoints,
} from "../../../src/problems/pde/index.js";
import { fit as fitModel, trainMultilevel } from "../../../src/train/trainer.js";
import { gradientError } from "../../helpers/gradcheck.js";

const PI = Math.PI;
const sq = box([
  [-1, 1],
  [-1, 1],
]);
const f = (x: Float64Array) => -2 * PI * PI * Math.sin(PI * x[0]) * Math.sin(PI * x[1]);
const exact = (x: Float64Array) => Math.sin(PI * x[0]) * Math.sin(PI * x[1]);

function poisson(extra: Partial<PdeTerm> = {}, n = 9): PdeProblem {
  return new PdeProblem({
    name: "poisson",
    domain: sq,
    terms: [
      {
        name: "pde",
        points: gridPoints(sq, n),
        jet: {
          pairs: [
            [0, 0],
            [1, 1],
          ],
        },
        weight: 0.01,
        residual: (e, p) => e.d2(0, 0).add(e.d2(1, 1)).sub(p.fn(f)),
        ...extra,
      },
      { name: "boundary", points: boundaryPoints(sq, n), residual: (e) => e.u() },
    ],
    exact,
    evaluation: gridPoints(sq, 20),
  });
}

function lossOf(problem: PdeProblem, net: Network): number {
  return problem.lossAndGradient(net, new Float64Array(net.paramCount));
}

describe("PdeProblem", () => {
  it("loss = weighted mean squared residuals, computed independently from the jets", () => {
    const net = new KAN({ width: [2, 3, 1], grid: 4, seed: 2 });
    const problem = poisson();
    const X = problem.termPoints("pde");
    const n = X.length / 2;
    const J = net.jets(
      X,
      n,
      net.jetShape({
        pairs: [
          [0, 0],
          [1, 1],
        ],
      }),
    );
    let pde = 0;
    for (let i = 0; i < n; i++) {
      const r = J[i * 5 + 3] + J[i * 5 + 4] - f(X.subarray(2 * i, 2 * i + 2));
      pde += r * r;
    }
    const XB = problem.termPoints("boundary");
    const u = net.forward(XB, XB.length / 2);
    let bc = 0;
    for (const v of u) bc += v * v;
    const expected = (0.01 * pde) / n + bc / u.length;
    expect(lossOf(problem, net)).toBeCloseTo(expected, 12);
    const parts = problem.termLosses(net);
    expect(parts.pde + parts.boundary).toBeCloseTo(expected, 12);
  });

  it("the gradient of the loss matches central finite differences (Laplacian, data, boundary)", () => {
    const net = new KAN({ width: [2, 3, 1], grid: 3, seed: 5 });
    const problem = poisson({}, 5);
    const g = new Float64Array(net.paramCount);
    problem.lossAndGradient(net, g);
    expect(gradientError(g, net.params, () => lossOf(problem, net))).toBeLessThanOrEqual(1e-6);
  });

  it("gradients with periodic pairs, interface pairs (|x| feature, one-sided) and attention weights", () => {
    const d = box(
      [
        [-1, 1],
        [0, 1],
      ],
      { time: 1 },
    );
    const net = new Network({
      layers: [
        {
          type: "features",
          nIn: 2,
          features: [
            { input: 0, kind: "identity" },
            { input: 1, kind: "identity", scale: 2, shift: -1 },
            { input: 0, kind: "abs" },
          ],
        },
        { type: "spline", nIn: 3, nOut: 3, order: 4, grid: 3, domain: [-1, 1], basis: "spline" },
        { type: "elementwise", fn: "tanh", width: 3, scale: 1, shift: 0 },
        { type: "spline", nIn: 3, nOut: 1, order: 4, grid: 3, domain: [-1, 1], basis: "spline" },
      ],
      seed: 3,
    });
    const problem = new PdeProblem({
      name: "mixed",
      domain: d,
      terms: [
        {
          name: "pde",
          points: sobolPoints(d, 20),
          jet: { pairs: [[0, 0]] },
          residual: (e, p) =>
            e
              .d(1)
              .add(e.u().mul(e.d(0)))
              .sub(e.d2(0, 0).mul(0.01))
              .add(p.x(0).mul(p.x(1))),
          rba: { mu: 0.1 },
        },
        {
          name: "periodic",
          points: periodicPairs(d, 0, 4),
          residual: (e) =>
            e
              .u(0, 0)
              .sub(e.u(0, 1))
              .add(e.d(0, 0, 0).sub(e.d(0, 0, 1))),
        },
        {
          name: "interface",
          points: interfacePoints(d, 0, 0, 4),
          weight: 0.5,
          residual: (e) =>
            e
              .d(0, 0, 0)
              .mul(2)
              .sub(e.d(0, 0, 1)),
        },
      ],
    });
    // Non-trivial attention weights.
    const g = new Float64Array(net.paramCount);
    for (let s = 0; s < 3; s++) {
      problem.lossAndGradient(net, g);
      problem.endStep(net, s);
    }
    const lam = problem.termWeights("pde") as Float64Array;
    expect(Math.min(...lam)).toBeLessThan(0.9);
    expect(Math.min(...lam)).not.toBe(Math.max(...lam));
    problem.lossAndGradient(net, g);
    expect(gradientError(g, net.params, () => lossOf(problem, net))).toBeLessThanOrEqual(1e-6);
    // The interface term sees different one-sided derivatives (the |x| kink): it is not zero.
    expect(problem.termLosses(net).interface).toBeGreaterThan(1e-8);
  });

  it("refinement keeps the PDE loss to 1e-12 relative, and metrics compare with the exact solution", () => {
    const problem = poisson({}, 11);
    const result = trainMultilevel(new KAN({ width: [2, 3, 1], grid: 3, seed: 1 }), problem, {
      grids: [3, 6, 12],
      steps: 5,
      optimizer: { type: "lbfgs", preset: "pykan" },
      metricsEvery: 0,
    });
    const lv = result.history.levels;
    for (let k = 1; k < lv.length; k++) {
      const a = lv[k - 1].finalLoss as number;
      expect(Math.abs((lv[k].initialLoss as number) - a) / a).toBeLessThanOrEqual(1e-12);
    }
    const m = problem.metrics(result.model);
    const ev = problem.evaluate(result.model);
    expect(ev?.counts).toEqual([20, 20]);
    let num = 0;
    let den = 0;
    for (let i = 0; i < (ev?.n ?? 0); i++) {
      num += (ev?.error[i] ?? 0) ** 2;
      den += (ev?.reference[i] ?? 0) ** 2;
    }
    expect(m.relL2).toBeCloseTo(Math.sqrt(num / den), 12);
    expect(m.maxAbsErr).toBeGreaterThan(0);
  });

  it("resampling redraws the points every N steps, deterministically", () => {
    const make = () => poisson({ points: uniformPoints(sq, 30), resampleEvery: 2 });
    const a = make();
    const b = make();
    const first = Float64Array.from(a.termPoints("pde"));
    const net = new KAN({ width: [2, 2, 1], grid: 3 });
    const g = new Float64Array(net.paramCount);
    a.lossAndGradient(net, g);
    a.endStep(net, 0);
    expect(Array.from(a.termPoints("pde"))).toEqual(Array.from(first));
    a.endStep(net, 1);
    expect(Array.from(a.termPoints("pde"))).not.toEqual(Array.from(first));
    b.lossAndGradient(net, g);
    b.endStep(net, 0);
    b.endStep(net, 1);
    expect(Array.from(b.termPoints("pde"))).toEqual(Array.from(a.termPoints("pde")));
  });

  it("redraw (the polish rounds) draws the next set of each resampling term; none without one", () => {
    const make = () => poisson({ points: uniformPoints(sq, 30), resampleEvery: 2 });
    const [a, b] = [make(), make()];
    const net = new KAN({ width: [2, 2, 1], grid: 3 });
    const first = Float64Array.from(a.termPoints("pde"));
    a.redraw?.(net);
    expect(Array.from(a.termPoints("pde"))).not.toEqual(Array.from(first));
    b.endStep(net, 1);
    expect(Array.from(a.termPoints("pde"))).toEqual(Array.from(b.termPoints("pde")));
    expect(poisson({ points: uniformPoints(sq, 30) }).redraw).toBeUndefined();
  });

  it("adaptive resampling concentrates points where the residual is large", () => {
    // Residual u - 10 x^8: largest near |x| = 1 for a network that is nearly 0.
    const problem = new PdeProblem({
      name: "rad",
      domain: sq,
      terms: [
        {
          name: "pde",
          points: sobolPoints(sq, 400),
          residual: (e, p) => e.u().sub(p.fn((x) => 10 * x[0] ** 8)),
          adaptive: { every: 1, pool: 8, k: 2, c: 0 },
        },
      ],
    });
    const net = new KAN({ width: [2, 2, 1], grid: 3, initStd: 1e-3 });
    const meanAbs = () => {
      const x = problem.termPoints("pde");
      let s = 0;
      for (let i = 0; i < 400; i++) s += Math.abs(x[2 * i]);
      return s / 400;
    };
    expect(meanAbs()).toBeLessThan(0.6);
    problem.lossAndGradient(net, new Float64Array(net.paramCount));
    problem.endStep(net, 0);
    expect(meanAbs()).toBeGreaterThan(0.8);
  });

  it("trains with Adam (warm-up) and an L-BFGS polish, and the error falls across levels", () => {
    const problem = poisson({}, 15);
    const levels: number[] = [];
    const result = trainMultilevel(new KAN({ width: [2, 3, 1], grid: 3, seed: 1 }), problem, {
      grids: [3, 6],
      steps: 30,
      optimizer: { type: "adam", lr: 1e-2, warmup: { steps: 10, startLr: 1e-4 } },
      polish: { optimizer: { type: "lbfgs", preset: "pykan" }, steps: 20 },
      metricsEvery: 0,
      onLevel: ({ metrics }) => levels.push(metrics.relL2),
    });
    expect(result.status).toBe("completed");
    expect(result.history.levels.map((l) => l.steps)).toEqual([50, 50]);
    expect(levels[1]).toBeLessThan(levels[0]);
    expect(levels[1]).toBeLessThan(0.5);
  });

  it("a run that diverges stops with the trainer's message naming the term and point", () => {
    const problem = poisson({ residual: (e, p) => e.u().pow(16).exp().sub(p.fn(f)) });
    const res = fitModel(new KAN({ width: [2, 2, 1], grid: 3, seed: 1 }), problem, {
      steps: 50,
      optimizer: { type: "gd", lr: 1e3 },
      metricsEvery: 0,
    });
    expect(res.status).toBe("diverged");
    expect(res.message).toMatch(/Cause: term "pde": residual (NaN|-?Infinity) at point \d+ \(x = /);
  });

  it("bad input gets clear errors", () => {
    const net = new KAN({ width: [2, 2, 1], grid: 3 });
    expect(() => poisson({ points: gridPoints(sq, 3), resampleEvery: 5 })).toThrow(/fixed/);
    expect(() => poisson({ residual: (e, p) => e.u().sub(p.fn((x) => 1 / x[0])) })).toThrow(
      /data of term "pde" is Infinity at point \d+ \(x = 0, y = -1\)/,
    );
    const nanRes = poisson({ residual: (e, p) => e.u().div(p.x(0)) });
    expect(() => nanRes.lossAndGradient(net, new Float64Array(net.paramCount))).toThrow(
      /loss is (NaN|Infinity) at the model's starting parameters: term "pde": residual (NaN|-?Infinity) at point \d+ \(x = 0/,
    );
    const one = box([[0, 1]]);
    expect(
      () =>
        new PdeProblem({
          name: "p",
          domain: sq,
          terms: [{ name: "a", points: gridPoints(one, 3), residual: (e) => e.u() }],
        }),
    ).toThrow(/points have 1 coordinates, the domain has 2/);
    expect(
      () =>
        new PdeProblem({
          name: "p",
          domain: sq,
          terms: [{ name: "a", points: { ...gridPoints(sq, 3), n: 0 }, residual: (e) => e.u() }],
        }),
    ).toThrow(/empty/);
    expect(() => new PdeProblem({ name: "p", domain: sq, terms: [] })).toThrow(/non-empty/);
    expect(() => poisson({ jet: { pairs: [] } })).toThrow(/second derivative \(0, 0\)/);
    expect(() =>
      trainMultilevel(new KAN({ width: [2, 2, 1], grid: 3 }), poisson(), {
        grids: [3, 5],
        steps: 1,
        optimizer: { type: "adam" },
      }),
    ).toThrow(/does not nest/);
    expect(() =>
      fitModel(net, poisson(), {
        steps: 1,
        optimizer: { type: "adam" },
        polish: { optimizer: { type: "lbfgs" }, steps: -1 },
      }),
    ).toThrow(/polish.steps\[0\]/);
  });
});
