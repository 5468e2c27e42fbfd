import { describe, expect, it } from "vitest";
import {
  Adam,
  cyclicMomentum,
  exponentialLR,
  GradientDescent,
  type Objective,
} from "../../src/optim/index.js";
import { quadratic5 } from "./objectives.js";

/** f = x0^2 + 0.25 x1^2, gradient (2 x0, 0.5 x1). */
const quad2: Objective = (x, g) => {
  g[0] = 2 * x[0];
  g[1] = 0.5 * x[1];
  return x[0] * x[0] + 0.25 * x[1] * x[1];
};

const zero: Objective = (_x, g) => {
  g.fill(0);
  return 0;
};

/** Kingma and Ba's Algorithm 1 with bias-corrected moments, written out per coordinate. */
function textbookAdam(
  x0: number[],
  grad: (x: number[]) => number[],
  steps: number,
  lr: number,
  b1: number,
  b2: number,
  eps: number,
): number[][] {
  const x = [...x0];
  const m = x.map(() => 0);
  const v = x.map(() => 0);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const g = grad(x);
    for (let i = 0; i < x.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const mHat = m[i] / (1 - b1 ** t);
      const vHat = v[i] / (1 - b2 ** t);
      x[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    out.push([...x]);
  }
  return out;
}

describe("Adam", () => {
  it("first step: bias correction makes every coordinate move by lr (hand-computed)", () => {
    const opt = new Adam({ lr: 0.1 });
    const x = Float64Array.from([1, -2]);
    const r = opt.step(x, quad2);
    expect(r.loss).toBe(2);
    expect(r.evaluations).toBe(1);
    // g = (2, -1); m1 = 0.1 g, v1 = 0.001 g^2; corrected: m^ = g, v^ = g^2, so x -= 0.1 g / (|g| + 1e-8).
    expect(x[0]).toBeCloseTo(1 - 0.1 * (2 / (2 + 1e-8)), 15);
    expect(x[1]).toBeCloseTo(-2 + 0.1 * (1 / (1 + 1e-8)), 15);
    expect(x[0]).toBeCloseTo(0.9000000005, 12);
    expect(x[1]).toBeCloseTo(-1.900000001, 12);
    // Without the correction the step would be 0.1 * 0.1 g / (sqrt(0.001) |g|) = 0.316.
    expect(Math.abs(1 - x[0])).toBeLessThan(0.1000001);
  });

  it("second and third steps match the bias-corrected textbook recursion", () => {
    const opt = new Adam({ lr: 0.1 });
    const x = Float64Array.from([1, -2]);
    const want = textbookAdam([1, -2], (p) => [2 * p[0], 0.5 * p[1]], 3, 0.1, 0.9, 0.999, 1e-8);
    // Step 2 by hand: g2 = (1.800000001, -0.9500000005), m2 = 0.09 (2, -1) + 0.1 g2, v2 = ...
    for (let k = 0; k < 3; k++) {
      opt.step(x, quad2);
      expect(Math.abs(x[0] - want[k][0])).toBeLessThanOrEqual(1e-15);
      expect(Math.abs(x[1] - want[k][1])).toBeLessThanOrEqual(1e-15);
    }
    const g2 = [2 * 0.9000000005, 0.5 * -1.900000001];
    const m2 = [0.09 * 2 + 0.1 * g2[0], 0.09 * -1 + 0.1 * g2[1]];
    const v2 = [0.999 * 0.001 * 4 + 0.001 * g2[0] ** 2, 0.999 * 0.001 * 1 + 0.001 * g2[1] ** 2];
    const x2 = [0.9000000005, -1.900000001].map(
      (xi, i) => xi - (0.1 * (m2[i] / 0.19)) / (Math.sqrt(v2[i] / (1 - 0.999 ** 2)) + 1e-8),
    );
    expect(want[1][0]).toBeCloseTo(x2[0], 9);
    expect(want[1][1]).toBeCloseTo(x2[1], 9);
    expect(opt.stepCount).toBe(3);
  });

  it("L2 weight decay (Adam) is normalised away; decoupled decay (AdamW) shrinks x by 1 - lr wd", () => {
    // With a zero loss only the decay acts.
    const l2 = new Adam({ lr: 0.1, weightDecay: 0.01 });
    const w = new Adam({ lr: 0.1, weightDecay: 0.01, decoupledWeightDecay: true });
    expect(l2.name).toBe("adam");
    expect(w.name).toBe("adamw");
    const xl = Float64Array.from([1, -2]);
    const xw = Float64Array.from([1, -2]);
    l2.step(xl, zero);
    w.step(xw, zero);
    // Adam: g = wd x, normalised: the step is lr sign(x) whatever wd is.
    expect(xl[0]).toBeCloseTo(0.9, 6);
    expect(xl[1]).toBeCloseTo(-1.9, 6);
    // AdamW: x (1 - 0.1 * 0.01), and the moment update is 0 / (0 + eps) = 0.
    expect(xw[0]).toBe(1 * (1 - 0.001));
    expect(xw[1]).toBe(-2 * (1 - 0.001));
  });

  it("AdamW with a gradient: decay first, then the usual Adam step", () => {
    const w = new Adam({ lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true });
    const x = Float64Array.from([1, -2]);
    w.step(x, quad2);
    expect(x[0]).toBeCloseTo(1 * 0.95 - 0.1 * (2 / (2 + 1e-8)), 15);
    expect(x[1]).toBeCloseTo(-2 * 0.95 + 0.1 * (1 / (1 + 1e-8)), 15);
  });

  it("converges on a quadratic to x* = A^{-1} b", () => {
    const opt = new Adam({ lr: exponentialLR(0.02, 0.998) });
    const x = new Float64Array(5);
    let last = Number.NaN;
    for (let k = 0; k < 3000; k++) last = opt.step(x, quadratic5).loss;
    // x* solved separately (numpy.linalg.solve on the same A, b).
    const xStar = [
      0.8348623853211008, -1.4082568807339448, -0.3061926605504587, 2.779816513761468, -3.1123853211009167,
    ];
    for (let i = 0; i < 5; i++) expect(Math.abs(x[i] - xStar[i])).toBeLessThan(1e-4);
    expect(last).toBeCloseTo(-7.475057339449542, 8);
  });

  it("with a beta1 schedule, each step uses beta1 of its 0-based step in the moment and its bias correction (torch 2 with CyclicLR)", () => {
    // torch >= 2.0's Adam reads the group's current beta1 at every step: m = b1 m + (1 - b1) g and
    // the correction 1 - b1^t, where CyclicLR(cycle_momentum=True) has set b1 before the step.
    const b1 = cyclicMomentum(
      { baseLr: 1e-3, maxLr: 1e-2, stepSizeUp: 3, gamma: 0.99 },
      { base: 0.8, max: 0.9 },
    );
    const opt = new Adam({ lr: 0.05, beta1Schedule: b1 });
    const x = Float64Array.from([1, -2]);
    const want = [1, -2];
    const m = [0, 0];
    const v = [0, 0];
    for (let t = 1; t <= 40; t++) {
      const beta1 = b1(t - 1);
      const g = [2 * want[0], 0.5 * want[1]];
      for (let i = 0; i < 2; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        want[i] -= (0.05 * (m[i] / (1 - beta1 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
      }
      opt.step(x, quad2);
      // x starts at O(1): an absolute bound on the operation-order differences
      for (let i = 0; i < 2; i++) expect(Math.abs(x[i] - want[i])).toBeLessThanOrEqual(1e-14);
    }
    // the cycle moved beta1 away from 0.9, so the run differs from constant betas
    const plain = new Adam({ lr: 0.05 });
    const y = Float64Array.from([1, -2]);
    for (let t = 1; t <= 40; t++) plain.step(y, quad2);
    expect(Math.abs(y[0] - x[0])).toBeGreaterThan(1e-6);
  });

  it("a beta1 schedule that returns betas[0] gives the same bits as none", () => {
    const a = new Adam({ lr: 0.01, betas: [0.85, 0.99] });
    const b = new Adam({ lr: 0.01, betas: [0.85, 0.99], beta1Schedule: () => 0.85 });
    const x = Float64Array.from([1, -2, 0.3, 4, -5]);
    const y = Float64Array.from(x);
    for (let t = 0; t < 50; t++) {
      a.step(x, quadratic5);
      b.step(y, quadratic5);
    }
    expect(Array.from(y)).toEqual(Array.from(x));
  });

  it("uses the schedule at the 0-based step count of its own instance", () => {
    const seen: number[] = [];
    const lr = (k: number) => {
      seen.push(k);
      return 0.01;
    };
    const a = new Adam({ lr });
    const b = new Adam({ lr });
    const x = new Float64Array(2);
    a.step(x, quad2);
    a.step(x, quad2);
    b.step(x, quad2);
    a.step(x, quad2);
    expect(seen).toEqual([0, 1, 0, 2]);
    a.reset();
    a.step(x, quad2);
    expect(seen.at(-1)).toBe(0);
  });

  it("reset restarts the moments: the next step is again a first step", () => {
    const opt = new Adam({ lr: 0.1 });
    const x = Float64Array.from([1, -2]);
    opt.step(x, quad2);
    opt.step(x, quad2);
    opt.reset();
    expect(opt.stepCount).toBe(0);
    const y = Float64Array.from([1, -2]);
    opt.step(y, quad2);
    expect(y[0]).toBeCloseTo(0.9000000005, 12);
  });

  it("returns the optimizer-owned result object and refuses a new length until reset", () => {
    const opt = new Adam();
    const r1 = opt.step(new Float64Array(2), quad2);
    const r2 = opt.step(new Float64Array(2), quad2);
    expect(r1).toBe(r2);
    expect(r2.finalLoss).toBeNaN();
    expect(() => opt.step(new Float64Array(3), zero)).toThrow(
      "Adam.step: x has length 3 but the optimizer's state was sized for 2; call reset() or create a new optimizer",
    );
    opt.reset();
    expect(() => opt.step(new Float64Array(3), zero)).not.toThrow();
  });

  it("rejects bad options and arguments, naming them", () => {
    expect(() => new Adam({ lr: 0 })).toThrow("Adam: lr must be a finite number > 0, got 0");
    expect(() => new Adam({ lr: "1e-3" as never })).toThrow(
      'Adam: lr must be a finite number > 0, got "1e-3"',
    );
    expect(() => new Adam({ betas: [0.9, 1] })).toThrow("Adam: betas[1] must be a number in [0, 1), got 1");
    expect(() => new Adam({ betas: [-0.1, 0.9] })).toThrow(
      "Adam: betas[0] must be a number in [0, 1), got -0.1",
    );
    expect(() => new Adam({ betas: [0.9] as never })).toThrow(
      "Adam: betas must be a pair [beta1, beta2], got array of length 1",
    );
    expect(() => new Adam({ eps: -1 })).toThrow("Adam: eps must be a finite number >= 0, got -1");
    expect(() => new Adam({ weightDecay: Number.NaN })).toThrow(
      "Adam: weightDecay must be a finite number >= 0, got NaN",
    );
    expect(() => new Adam({ decoupledWeightDecay: 1 as never })).toThrow(
      "Adam: decoupledWeightDecay must be true or false, got 1",
    );
    expect(() => new Adam({ weight_decay: 0.1 } as never)).toThrow('Adam: unknown option "weight_decay"');
    expect(() => new Adam(null as never)).toThrow("Adam: options must be an object, got null");
    const opt = new Adam();
    expect(() => opt.step([1, 2] as never, quad2)).toThrow(
      "Adam.step: x must be a Float64Array, got array of length 2",
    );
    expect(() => opt.step(new Float64Array(0), quad2)).toThrow(
      "Adam.step: x must hold at least one parameter, got length 0",
    );
    expect(() => opt.step(new Float64Array(2), "f" as never)).toThrow(
      'Adam.step: objective must be a function, got "f"',
    );
    expect(() => opt.step(new Float64Array(2), (() => undefined) as never)).toThrow(
      "Adam: the objective must return the loss as a number, got undefined",
    );
    expect(() => new Adam({ beta1Schedule: 0.9 as never })).toThrow(
      "Adam: beta1Schedule must be a function of the step, got 0.9",
    );
    const badBeta = new Adam({ beta1Schedule: (k) => (k < 1 ? 0.9 : 1) });
    badBeta.step(new Float64Array(2), quad2);
    expect(() => badBeta.step(new Float64Array(2), quad2)).toThrow(
      "Adam: the beta1 schedule returned 1 at step 1; beta1 must lie in [0, 1)",
    );
    const bad = new Adam({ lr: (k) => (k < 1 ? 0.1 : -1) });
    bad.step(new Float64Array(2), quad2);
    expect(() => bad.step(new Float64Array(2), quad2)).toThrow(
      "Adam: the learning-rate schedule returned -1 at step 1",
    );
  });
});

describe("GradientDescent", () => {
  it("takes x -= lr(k) g with the rate of the 0-based step", () => {
    const opt = new GradientDescent({ lr: (k) => 0.1 / (k + 1) });
    const x = Float64Array.from([1, -2]);
    const r = opt.step(x, quad2);
    expect(r.loss).toBe(2);
    expect(r.evaluations).toBe(1);
    expect(Array.from(x)).toEqual([1 - 0.1 * 2, -2 + 0.1 * 1]);
    opt.step(x, quad2);
    expect(x[0]).toBe(0.8 - 0.05 * 1.6);
    expect(x[1]).toBe(-1.9 + 0.05 * 0.95);
    expect(opt.stepCount).toBe(2);
  });

  it("converges on a quadratic with a constant rate below 2 / lambda_max", () => {
    const opt = new GradientDescent({ lr: 0.3 });
    const x = Float64Array.from([1, -2]);
    for (let k = 0; k < 200; k++) opt.step(x, quad2);
    expect(Math.abs(x[0])).toBeLessThan(1e-12);
    expect(Math.abs(x[1])).toBeLessThan(1e-6);
  });

  it("rejects bad options, naming them", () => {
    expect(() => new GradientDescent({} as never)).toThrow("GradientDescent: lr is required, got undefined");
    expect(() => new GradientDescent({ lr: -0.1 })).toThrow(
      "GradientDescent: lr must be a finite number > 0, got -0.1",
    );
    expect(() => new GradientDescent({ lr: 0.1, momentum: 0.9 } as never)).toThrow(
      'GradientDescent: unknown option "momentum"',
    );
    expect(() => new GradientDescent(0.1 as never)).toThrow(
      "GradientDescent: options must be an object with lr, got 0.1",
    );
  });
});
