import { describe, expect, it } from "vitest";
import { allenCahnModel, allenCahnSettings } from "../../../src/experiments/allen-cahn.js";
import { jetShape } from "../../../src/layers/jet.js";
import { AllenCahnProblem } from "../../../src/problems/pde/allen-cahn.js";
import { causalWeights } from "../../../src/problems/pde/causal.js";
import { gradientError } from "../../helpers/gradcheck.js";

describe("causal weighting", () => {
  it("weights by definition: w_k = exp(-eps sum_{j<k} L_j), empty slices add nothing", () => {
    // 3 slices on [0, 1]: two points in slice 0, none in slice 1, one in slice 2 (t = 1 goes to the last).
    const x = Float64Array.from([0, 0.1, 0.5, 0.2, -0.3, 1]);
    const r = Float64Array.from([1, 3, 2]);
    const w = causalWeights(x, r, 3, 3, 0.5);
    expect(w[0]).toBe(1);
    expect(w[1]).toBeCloseTo(Math.exp(-0.5 * 5), 14); // L_0 = (1 + 9) / 2
    expect(w[2]).toBeCloseTo(Math.exp(-0.5 * 5), 14); // slice 1 empty
    expect(causalWeights(x, r, 3, 3, 0)).toEqual(Float64Array.from([1, 1, 1]));
    expect(() => causalWeights(x, r, 3, 0, 1)).toThrow(/slices must be an integer >= 1, got 0/);
    expect(() => causalWeights(x, r, 3, 2, -1)).toThrow(/eps must be a finite number >= 0, got -1/);
    expect(() => causalWeights(x, r, 4, 2, 1)).toThrow(/need 8 coordinates and 4 residuals/);
  });

  it("Allen-Cahn with causal weights: gradient (weights held fixed) matches central differences", () => {
    const s = allenCahnSettings(true);
    const p = new AllenCahnProblem({
      points: 40,
      nInitial: 9,
      refN: 64,
      evalStride: 4,
      evalNt: 3,
      periodicTerms: false,
      causalSlices: 4,
      causalEps: 50,
      seed: 2,
    });
    expect(p.terms.map((t) => t.name)).toEqual(["residual", "initial"]);
    const m = allenCahnModel(s, 4, 5, "spline", true);
    for (let i = 0; i < m.params.length; i++) m.params[i] *= 5; // a residual large enough to matter
    const g = new Float64Array(m.paramCount);
    const before = p.lossAndGradient(m, g);
    p.endStep(m, 0); // weights from this step's residuals; fixed from here on
    expect(p.causal[0]).toBe(1);
    for (let k = 1; k < 4; k++) expect(p.causal[k]).toBeLessThanOrEqual(p.causal[k - 1]);
    expect(p.causal[3]).toBeLessThan(0.99);
    const after = p.lossAndGradient(m, g);
    expect(after).toBeLessThan(before);
    const idx = Array.from({ length: Math.ceil(m.paramCount / 7) }, (_, k) => k * 7);
    const sub = Float64Array.from(idx, (i) => g[i]);
    const v = Float64Array.from(idx, (i) => m.params[i]);
    const scratch = new Float64Array(m.paramCount);
    const err = gradientError(sub, v, () => {
      for (const [k, i] of idx.entries()) m.params[i] = v[k];
      return p.lossAndGradient(m, scratch);
    });
    expect(err).toBeLessThan(1e-6);
    expect(() => new AllenCahnProblem({ refN: 64, causalEps: -2 })).toThrow(/causalEps must be .* got -2/);
    expect(() => new AllenCahnProblem({ refN: 64, causalSlices: 1.5 })).toThrow(/causalSlices/);
    expect(() => new AllenCahnProblem({ refN: 64, periodicTerms: 1 as unknown as boolean })).toThrow(
      /periodicTerms must be a boolean, got 1/,
    );
  }, 60_000);

  it("periodic-input model: exactly periodic in x; jets and residual match finite differences", () => {
    const s = allenCahnSettings(true);
    const m = allenCahnModel(s, 8, 7, "spline", true);
    const p = new AllenCahnProblem({
      points: 8,
      refN: 64,
      evalStride: 4,
      evalNt: 3,
      periodicTerms: false,
      seed: 1,
    });
    const f = (x: number, t: number) => m.forward(Float64Array.from([x, t]), 1)[0];
    for (const t of [0, 0.37, 1]) expect(Math.abs(f(-1, t) - f(1, t))).toBeLessThan(1e-13);
    // Residual on the evaluation grid vs central differences of the network.
    const r = p.evalResidualField(m);
    const nx = p.evalXs.length;
    const h = 1e-4;
    for (const j of [1, 2])
      for (const i of [0, 3, 9]) {
        const x = p.evalXs[i];
        const t = p.evalTs[j];
        const u = f(x, t);
        const ut = (f(x, t + h) - f(x, t - h)) / (2 * h);
        const uxx = (f(x + h, t) - 2 * u + f(x - h, t)) / (h * h);
        const fdR = ut - 1e-4 * uxx + 5 * u ** 3 - 5 * u;
        expect(Math.abs(r[j * nx + i] - fdR)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fdR)));
      }
    // u_x, u_t, u_xx from the jets vs central differences (the chain rule through cos(pi x), sin(pi x)).
    // Points away from x = 0, +-1, where sin(pi x) = 0 sits on a knot (u''' jumps: the difference quotient of
    // u_xx converges only O(h) there).
    const pts = Float64Array.from([0.3, 0.4, -0.8, 0.9, 0.55, 0.2]);
    const J = m.jets(pts, 3, jetShape({ dims: [0, 1], pairs: [[0, 0]] }, 2));
    for (let q = 0; q < 3; q++) {
      const x = pts[2 * q];
      const t = pts[2 * q + 1];
      const u = f(x, t);
      expect(J[4 * q]).toBeCloseTo(u, 13);
      const ux = (f(x + h, t) - f(x - h, t)) / (2 * h);
      const ut = (f(x, t + h) - f(x, t - h)) / (2 * h);
      const uxx = (f(x + h, t) - 2 * u + f(x - h, t)) / (h * h);
      expect(Math.abs(J[4 * q + 1] - ux)).toBeLessThan(1e-6 * Math.max(1, Math.abs(ux)));
      expect(Math.abs(J[4 * q + 2] - ut)).toBeLessThan(1e-6 * Math.max(1, Math.abs(ut)));
      expect(Math.abs(J[4 * q + 3] - uxx)).toBeLessThan(1e-4 * Math.max(1, Math.abs(uxx)));
    }
  });

  it("resampling redraws the points every resampleEvery steps, deterministically per seed", () => {
    const mk = () =>
      new AllenCahnProblem({ points: 16, refN: 64, evalStride: 4, evalNt: 3, resampleEvery: 5, seed: 3 });
    const a = mk();
    const b = mk();
    const x0 = Float64Array.from(a.terms[0].x);
    a.beginStep(0);
    a.beginStep(4);
    expect(a.terms[0].x).toEqual(x0);
    a.beginStep(5);
    b.beginStep(5);
    expect(a.terms[0].x).not.toEqual(x0);
    expect(a.terms[0].x).toEqual(b.terms[0].x);
    for (let s = 0; s < 16; s++) {
      expect(Math.abs(a.terms[0].x[2 * s])).toBeLessThanOrEqual(1);
      expect(a.terms[0].x[2 * s + 1]).toBeGreaterThanOrEqual(0);
      expect(a.terms[0].x[2 * s + 1]).toBeLessThanOrEqual(1);
    }
  });
  it("weightState / setWeightState: a problem given another's weights continues its run with the same loss and gradient", () => {
    const s = allenCahnSettings(true);
    const mk = (o: { resampleEvery?: number } = {}) =>
      new AllenCahnProblem({
        points: 40,
        nInitial: 9,
        refN: 64,
        evalStride: 4,
        evalNt: 3,
        rbaMu: 0.1,
        causalSlices: 4,
        causalEps: 50,
        seed: 2,
        ...o,
      });
    const m = allenCahnModel(s, 4, 5, "spline", true);
    for (let i = 0; i < m.params.length; i++) m.params[i] *= 5;
    const a = mk();
    const g = new Float64Array(m.paramCount);
    for (let step = 0; step < 3; step++) {
      a.lossAndGradient(m, g);
      a.endStep(m, step);
    }
    const state = a.weightState();
    // Copies: later steps of `a` leave the state as it was.
    const lambda = Float64Array.from(state.lambda);
    const b = mk();
    const gA = new Float64Array(m.paramCount);
    const gB = new Float64Array(m.paramCount);
    const fresh = b.lossAndGradient(m, gB);
    b.setWeightState(state);
    const la = a.lossAndGradient(m, gA);
    const lb = b.lossAndGradient(m, gB);
    expect(lb).toBe(la);
    expect(Array.from(gB)).toEqual(Array.from(gA));
    expect(lb).not.toBe(fresh); // the weights matter, so the test can fail
    a.endStep(m, 3);
    expect(state.lambda).toEqual(lambda);
    expect(Array.from(b.lambda)).toEqual(Array.from(lambda));
    expect(() => b.setWeightState({ lambda: new Float64Array(3), causal: state.causal })).toThrow(
      /3 RBA and 4 causal weights for a problem with 40 and 4/,
    );
    const r = mk({ resampleEvery: 5 });
    expect(() => r.weightState()).toThrow(/resampleEvery = 5 the points are state too/);
    expect(() => r.setWeightState(state)).toThrow(/resampleEvery = 5/);
  }, 60_000);
});
