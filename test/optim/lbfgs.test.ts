import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cubicInterpolate,
  LBFGS,
  LBFGS_PRESETS,
  type Objective,
  STRONG_WOLFE,
} from "../../src/optim/index.js";
import { Rng } from "../../src/util/random.js";
import { chainedRosenbrock, quadratic5, recording, rosenbrock } from "./objectives.js";

function standardStart(n: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = i % 2 === 0 ? -1.2 : 1;
  return x;
}

/** Runs steps until one returns after its first evaluation (converged or stalled), at most `maxSteps`. */
function runToRest(opt: LBFGS, x: Float64Array, f: Objective, maxSteps: number): number {
  for (let k = 0; k < maxSteps; k++) {
    if (opt.step(x, f).evaluations === 1 && k > 0) return k + 1;
  }
  return maxSteps;
}

function maxErr(x: Float64Array, want: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - want[i]));
  return m;
}

/**
 * f(x) = 0.5 (x - x*)^T A (x - x*) with A = M^T M + I (SPD, condition ~10-100) and a random x*, i.e.
 * 0.5 x^T A x - b^T x + const with b = A x*, so x* = A^{-1} b. Written around x* so that f -> 0 at the
 * minimiser: in the form 0.5 x^T A x - b^T x the loss rounds at ulp(f*) ~ 1e-14, below which no line
 * search can see a decrease, which stalls any method at |x - x*| ~ sqrt(ulp(f*) / lambda) ~ 1e-8.
 */
function randomQuadratic(n: number, seed: number): { f: Objective; xStar: number[] } {
  const rng = new Rng(seed);
  const M = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
  const A = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += M[k][i] * M[k][j];
      return s;
    }),
  );
  const xStar = Array.from({ length: n }, () => rng.range(-2, 2));
  const e = new Float64Array(n);
  const f: Objective = (x, g) => {
    for (let i = 0; i < n; i++) e[i] = x[i] - xStar[i];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i][j] * e[j];
      g[i] = s;
      sum += e[i] * s;
    }
    return 0.5 * sum;
  };
  return { f, xStar };
}

describe("L-BFGS convergence", () => {
  it("2-D Rosenbrock from (-1.2, 1): torch preset to 1e-4 (its tolerance_change stops it), pykan to 1e-12", () => {
    const x = standardStart(2);
    runToRest(new LBFGS({ preset: "torch" }), x, rosenbrock, 20);
    expect(maxErr(x, [1, 1])).toBeLessThan(1e-4);
    const y = standardStart(2);
    const pykan = new LBFGS({ preset: "pykan" });
    for (let k = 0; k < 5; k++) pykan.step(y, rosenbrock);
    expect(maxErr(y, [1, 1])).toBeLessThan(1e-12);
  });

  it("10-D extended and chained Rosenbrock from (-1.2, 1, ...) reach (1, ..., 1)", () => {
    const ones = new Array(10).fill(1);
    const x = standardStart(10);
    runToRest(new LBFGS(), x, rosenbrock, 30);
    expect(maxErr(x, ones)).toBeLessThan(1e-4);
    const y = standardStart(10);
    runToRest(new LBFGS(), y, chainedRosenbrock, 30);
    expect(maxErr(y, ones)).toBeLessThan(1e-5);
    const z = standardStart(10);
    const pykan = new LBFGS({ preset: "pykan" });
    for (let k = 0; k < 20; k++) pykan.step(z, chainedRosenbrock);
    expect(maxErr(z, ones)).toBeLessThan(1e-8);
  });

  it("reaches x* = A^{-1} b of strictly convex quadratics to 1e-10", () => {
    for (const seed of [1, 2, 3]) {
      const { f, xStar } = randomQuadratic(10, seed);
      const x = new Float64Array(10);
      const opt = new LBFGS({ toleranceGrad: 1e-13, toleranceChange: 0 });
      runToRest(opt, x, f, 20);
      expect(maxErr(x, xStar), `seed ${seed}`).toBeLessThan(1e-10);
    }
  });

  it("without a line search converges on a quadratic with a small fixed step", () => {
    const x = new Float64Array(5);
    const opt = new LBFGS({ lineSearch: "none", lr: 0.5, toleranceGrad: 1e-12, toleranceChange: 0 });
    for (let k = 0; k < 10; k++) opt.step(x, quadratic5);
    expect(
      maxErr(
        x,
        [
          0.8348623853211008, -1.4082568807339448, -0.3061926605504587, 2.779816513761468,
          -3.1123853211009167,
        ],
      ),
    ).toBeLessThan(1e-10);
  });
});

describe("L-BFGS evaluation counts", () => {
  it("reports exactly the objective calls it made, within torch's allowance (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 30 }),
        fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
        fc.constantFrom("strongWolfe", "none") as fc.Arbitrary<"strongWolfe" | "none">,
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (pairs, maxIter, maxEvalOpt, lineSearch, lr, seed) => {
          const rng = new Rng(seed);
          const x = new Float64Array(2 * pairs);
          rng.fillUniform(x, -2, 2);
          const opt = new LBFGS({ maxIter, maxEval: maxEvalOpt, lineSearch, lr, historySize: 5 });
          const maxEval = opt.settings.maxEval;
          const perIteration = lineSearch === "strongWolfe" ? STRONG_WOLFE.maxLs + 1 : 1;
          const rec = recording(rosenbrock);
          for (let k = 0; k < 4; k++) {
            const before = rec.losses.length;
            const r = opt.step(x, rec.objective);
            expect(r.evaluations).toBe(rec.losses.length - before);
            expect(r.evaluations).toBeLessThanOrEqual(Math.max(maxEval - 1, 1) + perIteration);
            if (!Number.isFinite(r.loss)) break;
          }
          expect(opt.totalEvaluations).toBe(rec.losses.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a line search that runs out of iterations uses 26 evaluations and overruns maxEval as torch does", () => {
    // lr 1e-30 on a quadratic: the bracketing phase grows t by at most 10x per iteration, so it
    // exhausts max_ls = 25 far short of the minimiser and returns its best point.
    const opt = new LBFGS({ lr: 1e-30, maxIter: 1 });
    expect(opt.settings.maxEval).toBe(1);
    const x = new Float64Array(5);
    const r = opt.step(x, quadratic5);
    expect(r.evaluations).toBe(1 + 26);
    expect(opt.totalIterations).toBe(1);
    // Still a descent step along d = -g(0) = b.
    const b = [1.0, -2.0, 0.5, 3.0, -1.0];
    const t = x[0] / b[0];
    expect(t).toBeGreaterThan(0);
    expect(t).toBeLessThan(1e-5);
    for (let i = 0; i < 5; i++) expect(x[i]).toBeCloseTo(t * b[i], 20);
    expect(r.finalLoss).toBeLessThan(0);
  });

  it("without a line search: one evaluation per iteration except the last", () => {
    const rec = recording(quadratic5);
    const opt = new LBFGS({ lineSearch: "none", maxIter: 5, toleranceGrad: 0, toleranceChange: 0, lr: 0.1 });
    const x = Float64Array.from([1, 1, 1, 1, 1]);
    const r = opt.step(x, rec.objective);
    expect(r.evaluations).toBe(5);
    expect(rec.losses.length).toBe(5);
    expect(opt.totalIterations).toBe(5);
    expect(r.finalLoss).toBeNaN();
    // Moved after the last evaluation.
    expect(Array.from(x)).not.toEqual(rec.points.at(-1));
  });

  it("returns the loss at the start and, with a line search, the loss at the end", () => {
    const opt = new LBFGS();
    const x = standardStart(2);
    const r = opt.step(x, rosenbrock);
    expect(r.loss).toBeCloseTo(24.2, 12);
    const g = new Float64Array(2);
    expect(r.finalLoss).toBe(rosenbrock(x, g));
  });

  it("returns after one evaluation at a minimiser without iterating", () => {
    const opt = new LBFGS();
    const x = Float64Array.from([1, 1]);
    const r = opt.step(x, rosenbrock);
    expect(r.evaluations).toBe(1);
    expect(r.loss).toBe(0);
    expect(opt.totalIterations).toBe(0);
    expect(Array.from(x)).toEqual([1, 1]);
  });
});

describe("L-BFGS state across steps", () => {
  // f = x^2 / 4 from x = 10: g = 5, so the first iteration's step is min(1, 1/5) lr = 0.2 and x1 = 9.
  // The pair (s, y) = (-1, -0.5) gives H = 2, the exact inverse curvature: with t = lr = 1 the second
  // iteration lands on 0. Had the first-step scaling been applied again, t = 1/4.5 and x2 = 7.
  const f: Objective = (x, g) => {
    g[0] = 0.5 * x[0];
    return 0.25 * x[0] * x[0];
  };

  it("scales only the first iteration of the instance's life; the second step continues", () => {
    const opt = new LBFGS({ lineSearch: "none", maxIter: 1 });
    const x = Float64Array.from([10]);
    opt.step(x, f);
    expect(x[0]).toBe(9);
    expect(opt.totalIterations).toBe(1);
    opt.step(x, f);
    expect(x[0]).toBeCloseTo(0, 14);
    expect(opt.historyLength).toBe(1);
    expect(opt.totalIterations).toBe(2);
    expect(opt.totalEvaluations).toBe(2);
  });

  it("a fresh instance (or reset) scales again", () => {
    const fresh = new LBFGS({ lineSearch: "none", maxIter: 1 });
    const y = Float64Array.from([9]);
    fresh.step(y, f);
    expect(y[0]).toBeCloseTo(9 - 4.5 / 4.5, 14);
    const opt = new LBFGS({ lineSearch: "none", maxIter: 1 });
    const x = Float64Array.from([10]);
    opt.step(x, f);
    opt.reset();
    expect(opt.totalIterations).toBe(0);
    expect(opt.historyLength).toBe(0);
    opt.step(x, f);
    expect(x[0]).toBeCloseTo(8, 14);
  });

  it("continuing one instance for two steps equals one step with twice the iterations", () => {
    const a = new LBFGS({ maxIter: 6, maxEval: 1000, toleranceChange: 0, toleranceGrad: 0 });
    const b = new LBFGS({ maxIter: 3, maxEval: 1000, toleranceChange: 0, toleranceGrad: 0 });
    const xa = standardStart(4);
    const xb = standardStart(4);
    const ra = recording(rosenbrock);
    const rb = recording(rosenbrock);
    a.step(xa, ra.objective);
    b.step(xb, rb.objective);
    b.step(xb, rb.objective);
    // b evaluates once more (at the start of its second step) but otherwise follows a exactly.
    expect(a.totalIterations).toBe(6);
    expect(b.totalIterations).toBe(6);
    expect(Array.from(xb)).toEqual(Array.from(xa));
  });

  it("keeps at most historySize pairs, dropping the oldest", () => {
    const { f: q } = randomQuadratic(10, 7);
    const opt = new LBFGS({ historySize: 3, maxIter: 1, toleranceChange: 0, toleranceGrad: 0 });
    const x = new Float64Array(10);
    const lengths: number[] = [];
    for (let k = 0; k < 8; k++) {
      opt.step(x, q);
      lengths.push(opt.historyLength);
    }
    expect(lengths).toEqual([0, 1, 2, 3, 3, 3, 3, 3]);
  });

  it("tolerance_ys: torch skips pairs with y.s <= 1e-10, pykan's 1e-32 keeps them", () => {
    // f = 5e-7 x^2 from x = 1: g = 1e-6, s = -1e-6, y = -1e-12, y.s = 1e-18.
    const flat: Objective = (x, g) => {
      g[0] = 1e-6 * x[0];
      return 5e-7 * x[0] * x[0];
    };
    const common = { lineSearch: "none", maxIter: 2, maxEval: 10, toleranceChange: 0 } as const;
    const torch = new LBFGS({ preset: "torch", ...common });
    const pykan = new LBFGS({ preset: "pykan", ...common });
    torch.step(Float64Array.from([1]), flat);
    pykan.step(Float64Array.from([1]), flat);
    expect(torch.historyLength).toBe(0);
    expect(pykan.historyLength).toBe(1);
  });

  it("refuses a new parameter length until reset", () => {
    const opt = new LBFGS();
    opt.step(standardStart(2), rosenbrock);
    expect(() => opt.step(standardStart(4), rosenbrock)).toThrow(
      "LBFGS.step: x has length 4 but the optimizer's state was sized for 2",
    );
    opt.reset();
    const x = standardStart(4);
    runToRest(opt, x, rosenbrock, 10);
    expect(maxErr(x, [1, 1, 1, 1])).toBeLessThan(1e-4);
  });
});

describe("L-BFGS presets and options", () => {
  it("presets have the documented settings", () => {
    expect(new LBFGS({ preset: "torch" }).settings).toEqual({
      lr: 1,
      maxIter: 20,
      maxEval: 25,
      toleranceGrad: 1e-7,
      toleranceChange: 1e-9,
      toleranceYs: 1e-10,
      historySize: 100,
      lineSearch: "strongWolfe",
    });
    expect(new LBFGS({ preset: "pykan" }).settings).toEqual({
      lr: 1,
      maxIter: 20,
      maxEval: 25,
      toleranceGrad: 1e-32,
      toleranceChange: 1e-32,
      toleranceYs: 1e-32,
      historySize: 10,
      lineSearch: "strongWolfe",
    });
    expect(new LBFGS().settings).toEqual(new LBFGS({ preset: "torch" }).settings);
    expect(LBFGS_PRESETS.pykan.historySize).toBe(10);
    expect(STRONG_WOLFE).toEqual({ c1: 1e-4, c2: 0.9, toleranceChange: 1e-9, maxLs: 25 });
  });

  it("options override the preset; maxEval defaults to floor(maxIter * 5 / 4)", () => {
    const o = new LBFGS({ preset: "pykan", maxIter: 7, lr: 0.5, lineSearch: "none" }).settings;
    expect([o.maxIter, o.maxEval, o.lr, o.lineSearch, o.historySize]).toEqual([7, 8, 0.5, "none", 10]);
    expect(new LBFGS({ maxIter: 1 }).settings.maxEval).toBe(1);
    expect(new LBFGS({ maxIter: 20, maxEval: 100 }).settings.maxEval).toBe(100);
  });

  it("rejects bad options and arguments, naming them", () => {
    expect(() => new LBFGS({ preset: "scipy" as never })).toThrow(
      'LBFGS: preset must be "torch" or "pykan", got "scipy"',
    );
    expect(() => new LBFGS({ lr: 0 })).toThrow("LBFGS: lr must be a finite number > 0, got 0");
    expect(() => new LBFGS({ maxIter: 0 })).toThrow("LBFGS: maxIter must be an integer >= 1, got 0");
    expect(() => new LBFGS({ maxEval: 2.5 })).toThrow("LBFGS: maxEval must be an integer >= 1, got 2.5");
    expect(() => new LBFGS({ toleranceGrad: -1 })).toThrow(
      "LBFGS: toleranceGrad must be a finite number >= 0, got -1",
    );
    expect(() => new LBFGS({ toleranceChange: Number.NaN })).toThrow(
      "LBFGS: toleranceChange must be a finite number >= 0, got NaN",
    );
    expect(() => new LBFGS({ toleranceYs: Number.POSITIVE_INFINITY })).toThrow(
      "LBFGS: toleranceYs must be a finite number >= 0, got Infinity",
    );
    expect(() => new LBFGS({ historySize: 0 })).toThrow("LBFGS: historySize must be an integer >= 1, got 0");
    expect(() => new LBFGS({ lineSearch: "strong_wolfe" as never })).toThrow(
      'LBFGS: lineSearch must be "strongWolfe" or "none", got "strong_wolfe"',
    );
    expect(() => new LBFGS({ history_size: 10 } as never)).toThrow('LBFGS: unknown option "history_size"');
    expect(() => new LBFGS(7 as never)).toThrow("LBFGS: options must be an object, got 7");
    const opt = new LBFGS();
    expect(() => opt.step(new Float32Array(2) as never, rosenbrock)).toThrow(
      "LBFGS.step: x must be a Float64Array, got Float32Array of length 2",
    );
    expect(() =>
      opt.step(new Float64Array(2), ((_x: Float64Array, g: Float64Array) => {
        g.fill(1);
        return "1";
      }) as never),
    ).toThrow('LBFGS: the objective must return the loss as a number, got "1"');
  });
});

describe("cubicInterpolate (torch's _cubic_interpolate)", () => {
  it("finds the minimiser of a cubic from two values and slopes", () => {
    // p(x) = x^3 - 3x, minimum at x = 1; p' = 3x^2 - 3.
    const p = (x: number) => x ** 3 - 3 * x;
    const dp = (x: number) => 3 * x * x - 3;
    expect(cubicInterpolate(0, p(0), dp(0), 2, p(2), dp(2))).toBeCloseTo(1, 14);
    expect(cubicInterpolate(2, p(2), dp(2), 0, p(0), dp(0))).toBeCloseTo(1, 14);
    // A quadratic (x - 0.3)^2 is a cubic with zero leading term.
    expect(cubicInterpolate(0, 0.09, -0.6, 1, 0.49, 1.4)).toBeCloseTo(0.3, 14);
  });

  it("clamps to the bounds, and falls back to their midpoint without a real critical point", () => {
    const p = (x: number) => x ** 3 - 3 * x;
    const dp = (x: number) => 3 * x * x - 3;
    expect(cubicInterpolate(0, p(0), dp(0), 2, p(2), dp(2), 1.5, 3)).toBe(1.5);
    expect(cubicInterpolate(0, p(0), dp(0), 2, p(2), dp(2), -1, 0.5)).toBe(0.5);
    // q(x) = x^3 + x has q' > 0 everywhere: d1^2 - g1 g2 < 0.
    const q = (x: number) => x ** 3 + x;
    const dq = (x: number) => 3 * x * x + 1;
    expect(cubicInterpolate(0, q(0), dq(0), 1, q(1), dq(1))).toBe(0.5);
    expect(cubicInterpolate(0, q(0), dq(0), 1, q(1), dq(1), 2, 6)).toBe(4);
  });
});
