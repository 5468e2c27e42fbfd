import { describe, expect, it } from "vitest";
import { allenCahnModel, allenCahnSettings } from "../../../src/experiments/allen-cahn.js";
import { burgersModel } from "../../../src/experiments/burgers.js";
import { poissonModel, poissonSettings } from "../../../src/experiments/poisson-interface.js";
import type { Network } from "../../../src/model/network.js";
import { AllenCahnProblem } from "../../../src/problems/pde/allen-cahn.js";
import { BurgersProblem } from "../../../src/problems/pde/burgers.js";
import { PoissonInterfaceProblem } from "../../../src/problems/pde/poisson-interface.js";
import type { Problem } from "../../../src/problems/problem.js";
import { gradientError } from "../../helpers/gradcheck.js";

/** Gradient of a problem's loss vs central differences on a subset of parameters. */
function problemGradientError(problem: Problem, model: Network, every: number): number {
  const g = new Float64Array(model.paramCount);
  problem.lossAndGradient(model, g);
  const idx = Array.from({ length: Math.ceil(model.paramCount / every) }, (_, k) => k * every);
  const sub = Float64Array.from(idx, (i) => g[i]);
  const v = Float64Array.from(idx, (i) => model.params[i]);
  const scratch = new Float64Array(model.paramCount);
  return gradientError(sub, v, () => {
    for (const [k, i] of idx.entries()) model.params[i] = v[k];
    const l = problem.lossAndGradient(model, scratch);
    for (const [k, i] of idx.entries()) model.params[i] = v[k];
    return l;
  });
}

describe("paper PINN problems", () => {
  it("Burgers: loss gradient matches central differences; RAD redraws points", () => {
    const p = new BurgersProblem({ nx: 6, nt: 5, nInitial: 6, nBoundary: 4, evalNx: 8, evalNt: 3 });
    const m = burgersModel(3, 4, 0.3, 5);
    expect(problemGradientError(p, m, 7)).toBeLessThan(1e-6);
    const q = new BurgersProblem({
      collocation: "rad",
      nx: 40,
      nt: 1,
      resampleEvery: 1,
      evalNx: 8,
      evalNt: 3,
      seed: 2,
    });
    const before = q.terms[0].x.slice();
    q.endStep(m, 0);
    expect(q.terms[0].x).not.toEqual(before);
    for (let s = 0; s < 40; s++) {
      expect(Math.abs(q.terms[0].x[2 * s])).toBeLessThanOrEqual(1);
      expect(q.terms[0].x[2 * s + 1]).toBeGreaterThanOrEqual(0);
    }
  }, 60_000);

  it("Burgers: redraw (the polish rounds) draws as the step hooks do; none on a fixed grid or while frozen", () => {
    const m = burgersModel(3, 4, 0.3, 5);
    expect(new BurgersProblem({ nx: 6, nt: 5, evalNx: 8, evalNt: 3 }).redraw).toBeUndefined();
    for (const collocation of ["rad", "random"] as const) {
      const make = () =>
        new BurgersProblem({
          collocation,
          nx: 40,
          nt: 1,
          resampleEvery: 1,
          symmetryPairs: 8,
          evalNx: 8,
          evalNt: 3,
          seed: 2,
        });
      const [a, b] = [make(), make()];
      const before = a.terms.map((t) => t.x.slice());
      a.redraw?.(m);
      if (collocation === "rad") b.endStep(m, 0);
      else b.beginStep(1);
      for (const k of [0, 2]) {
        expect(a.terms[k].x).not.toEqual(before[k]);
        expect(a.terms[k].x).toEqual(b.terms[k].x);
      }
      a.frozen = true;
      const now = a.terms[0].x.slice();
      a.redraw?.(m);
      expect(a.terms[0].x).toEqual(now);
    }
  });

  it("Burgers: boundary weight and odd-symmetry term: values, gradient vs central differences, bad values", () => {
    const m = burgersModel(3, 4, 0.3, 5);
    const small = { nx: 5, nt: 4, nInitial: 6, nBoundary: 3, evalNx: 8, evalNt: 3, seed: 4 };
    const g = new Float64Array(m.paramCount);
    const parts = (p: BurgersProblem) =>
      p.terms.map((t) => {
        const q = new BurgersProblem({ ...small });
        q.terms.length = 0;
        q.terms.push(t);
        return q.lossAndGradient(m, g);
      });
    const plain = parts(new BurgersProblem(small));
    const p = new BurgersProblem({ ...small, boundaryWeight: 7, symmetryPairs: 8, symmetryWeight: 3 });
    const weighted = parts(p);
    expect(weighted[0]).toBe(plain[0]);
    expect(weighted[1]).toBeCloseTo(7 * plain[1], 12);
    // The symmetry term by its definition: 3 * mean over pairs of (u(x, t) + u(-x, t))^2.
    const xs = p.terms[2].x;
    expect(p.terms[2].n).toBe(16);
    let want = 0;
    for (let k = 0; k < 8; k++) {
      expect(xs[4 * k + 2]).toBe(-xs[4 * k]);
      expect(xs[4 * k + 3]).toBe(xs[4 * k + 1]);
      const u = m.forward(xs.subarray(4 * k, 4 * k + 4), 2);
      want += (3 * (u[0] + u[1]) ** 2) / 8;
    }
    expect(weighted[2]).toBeGreaterThan(0);
    expect(weighted[2]).toBeCloseTo(want, 12);
    expect(problemGradientError(p, m, 5)).toBeLessThan(1e-6);
    // The pairs are redrawn with the collocation points.
    const r = new BurgersProblem({
      ...small,
      collocation: "random",
      nt: 1,
      resampleEvery: 2,
      symmetryPairs: 4,
    });
    const before = r.terms[2].x.slice();
    r.beginStep(2);
    expect(r.terms[2].x).not.toEqual(before);
    expect(() => new BurgersProblem({ boundaryWeight: 0 })).toThrow(/boundaryWeight/);
    expect(() => new BurgersProblem({ symmetryPairs: 1.5 })).toThrow(/symmetryPairs/);
    expect(() => new BurgersProblem({ symmetryWeight: -1 })).toThrow(/symmetryWeight/);
  }, 60_000);

  it("Burgers: the residual of the jets equals finite differences of the network", () => {
    const p = new BurgersProblem({ nu: 0.05, nx: 4, nt: 4, evalNx: 8, evalNt: 3 });
    const m = burgersModel(4, 5, 0.3, 3);
    const pts = Float64Array.from([0.3, 0.4, -0.6, 0.8]);
    const r = p.residualAt(m, pts, 2);
    const u = (x: number, t: number) => m.forward(Float64Array.from([x, t]), 1)[0];
    const h = 1e-4;
    for (let s = 0; s < 2; s++) {
      const [x, t] = [pts[2 * s], pts[2 * s + 1]];
      const ux = (u(x + h, t) - u(x - h, t)) / (2 * h);
      const ut = (u(x, t + h) - u(x, t - h)) / (2 * h);
      const uxx = (u(x + h, t) - 2 * u(x, t) + u(x - h, t)) / (h * h);
      expect(r[s]).toBeCloseTo(ut + u(x, t) * ux - 0.05 * uxx, 5);
    }
  }, 60_000);

  it("Poisson interface: gradient matches central differences; the flux term uses one-sided derivatives", () => {
    const s = poissonSettings(true);
    const p = new PoissonInterfaceProblem({ n: 9, evalN: 9, rbaMu: 1e-4 });
    const m = poissonModel(s, 4, 7);
    expect(problemGradientError(p, m, 3)).toBeLessThan(1e-6);
    // The interface term against one-sided differences of the network at (0, y).
    const itf = p.terms[2];
    const g = new Float64Array(m.paramCount);
    const loss = m.jetGradient(itf.x, itf.n, itf.shape, itf.loss, g, { sides: itf.sides });
    const u = (x: number, y: number) => m.forward(Float64Array.from([x, y]), 1)[0];
    const h = 1e-6;
    let sum = 0;
    for (let j = 0; j < itf.n / 2; j++) {
      const y = itf.x[4 * j + 1];
      const left = (u(0, y) - u(-h, y)) / h;
      const right = (u(h, y) - u(0, y)) / h;
      sum += (1 * left - 0.5 * right) ** 2;
    }
    expect(loss).toBeCloseTo(0.1 * sum, 4);
    // |x| makes the network kink at x = 0: the two one-sided derivatives differ.
    expect(Math.abs((u(0, 0.3) - u(-h, 0.3)) / h - (u(h, 0.3) - u(0, 0.3)) / h)).toBeGreaterThan(1e-3);
  }, 60_000);

  it("Poisson interface: RBA weights move towards |r| / max |r| and stay in (0, 1]", () => {
    const p = new PoissonInterfaceProblem({ n: 9, evalN: 9, rbaMu: 0.5 });
    const m = poissonModel(poissonSettings(true), 4, 7);
    const g = new Float64Array(m.paramCount);
    p.lossAndGradient(m, g);
    p.endStep(m, 0);
    let max = 0;
    for (const l of p.lambda) {
      expect(l).toBeGreaterThan(0.5 - 1e-12);
      expect(l).toBeLessThanOrEqual(1);
      max = Math.max(max, l);
    }
    expect(max).toBeCloseTo(1, 12);
  }, 60_000);

  it("Allen-Cahn: gradient matches central differences; periodic terms vanish for a periodic model", () => {
    const s = allenCahnSettings(true);
    const p = new AllenCahnProblem({
      points: 30,
      nInitial: 9,
      nPeriodic: 5,
      refN: 64,
      evalStride: 4,
      evalNt: 3,
      seed: 1,
    });
    const m = allenCahnModel(s, 4, 3);
    expect(problemGradientError(p, m, 11)).toBeLessThan(1e-6);
    const spec = p.residualSpectrum(m);
    expect(spec.length).toBe(64 / 4 / 2 + 1);
    for (const v of spec) expect(v).toBeGreaterThanOrEqual(0);
    // Parseval: the spectrum sums (with doubled interior modes) to the mean squared residual.
    const r = p.evalResidualField(m);
    let ms = 0;
    for (const v of r) ms += (v * v) / r.length;
    let total = spec[0] + spec[spec.length - 1];
    for (let k = 1; k < spec.length - 1; k++) total += 2 * spec[k];
    expect(total).toBeCloseTo(ms, 10);
  }, 60_000);

  it("Allen-Cahn: redraw (the polish rounds) draws as beginStep does and recomputes the causal weights", () => {
    const s = allenCahnSettings(true);
    const m = allenCahnModel(s, 4, 3);
    const small = { points: 40, nInitial: 9, nPeriodic: 5, refN: 64, evalStride: 4, evalNt: 3, seed: 1 };
    expect(new AllenCahnProblem(small).redraw).toBeUndefined();
    const make = (causalSlices: number) =>
      new AllenCahnProblem({ ...small, resampleEvery: 5, rbaMu: 0, causalSlices, causalEps: 1 });
    const g = new Float64Array(m.paramCount);
    for (const slices of [0, 4]) {
      const [a, b] = [make(slices), make(slices)];
      const before = a.terms[0].x.slice();
      a.redraw?.(m);
      // The twin: the resampling step's draw, then (with causal weighting) the step's end, which takes
      // the slice weights from the residuals at the new points.
      b.beginStep(5);
      expect(a.terms[0].x).not.toEqual(before);
      expect(a.terms[0].x).toEqual(b.terms[0].x);
      b.lossAndGradient(m, g);
      if (slices > 0) {
        b.endStep(m, 5);
        expect(Array.from(a.causal)).not.toEqual([1, 1, 1, 1]);
      }
      expect(a.causal).toEqual(b.causal);
      expect(a.lossAndGradient(m, g)).toBe(b.lossAndGradient(m, g));
    }
  }, 60_000);
});
