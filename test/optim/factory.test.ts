import { describe, expect, it } from "vitest";
import {
  Adam,
  createOptimizer,
  cyclicLR,
  cyclicMomentum,
  GradientDescent,
  LBFGS,
  type OptimizerSpec,
} from "../../src/optim/index.js";
import { quadratic5, rosenbrock } from "./objectives.js";

describe("createOptimizer", () => {
  it("builds L-BFGS from a preset with overrides", () => {
    const opt = createOptimizer({ type: "lbfgs", preset: "torch", lr: 1 });
    expect(opt).toBeInstanceOf(LBFGS);
    expect(opt.name).toBe("lbfgs");
    expect((opt as LBFGS).settings.historySize).toBe(100);
    const pykan = createOptimizer({ type: "lbfgs", preset: "pykan", maxIter: 5 }) as LBFGS;
    expect(pykan.settings).toMatchObject({ historySize: 10, toleranceGrad: 1e-32, maxIter: 5, maxEval: 6 });
    expect((createOptimizer({ type: "lbfgs" }) as LBFGS).settings).toEqual(new LBFGS().settings);
  });

  it("builds Adam with the schedule and warm-up of the spec (the paper's Burgers and Poisson settings)", () => {
    const burgers = createOptimizer({
      type: "adam",
      lr: 1e-3,
      schedule: { type: "cyclic", mode: "exp_range", baseLr: 1e-4, stepSizeUp: 50, gamma: 0.9995 },
    }) as Adam;
    expect(burgers).toBeInstanceOf(Adam);
    const want = cyclicLR({ baseLr: 1e-4, maxLr: 1e-3, stepSizeUp: 50, gamma: 0.9995 });
    for (let k = 0; k < 200; k += 13) expect(burgers.lr(k)).toBe(want(k));
    const poisson = createOptimizer({ type: "adam", lr: 1e-2, warmup: { steps: 10, startLr: 1e-4 } }) as Adam;
    expect(poisson.lr(0)).toBe(1e-4);
    expect(poisson.lr(10)).toBe(1e-2);
    expect(poisson.lr(1000)).toBe(1e-2);
    const defaults = createOptimizer({ type: "adam" }) as Adam;
    expect([defaults.lr(0), defaults.beta1, defaults.beta2, defaults.eps, defaults.weightDecay]).toEqual([
      1e-3, 0.9, 0.999, 1e-8, 0,
    ]);
    const adamw = createOptimizer({
      type: "adam",
      weightDecay: 1e-4,
      decoupledWeightDecay: true,
      betas: [0.8, 0.9],
    });
    expect(adamw.name).toBe("adamw");
    expect((adamw as Adam).beta1).toBe(0.8);
  });

  it("cycles Adam's beta1 with the rate when the cyclic spec has a momentum (torch's CyclicLR default)", () => {
    const schedule = { type: "cyclic" as const, baseLr: 1e-4, stepSizeUp: 50, gamma: 0.9995 };
    const cycling = createOptimizer({
      type: "adam",
      lr: 1e-3,
      schedule: { ...schedule, momentum: { base: 0.8, max: 0.9 } },
    }) as Adam;
    const want = cyclicMomentum(
      { baseLr: 1e-4, maxLr: 1e-3, stepSizeUp: 50, gamma: 0.9995 },
      { base: 0.8, max: 0.9 },
    );
    for (let k = 0; k < 200; k += 13) expect(cycling.beta1Schedule?.(k)).toBe(want(k));
    expect((createOptimizer({ type: "adam", lr: 1e-3, schedule }) as Adam).beta1Schedule).toBeUndefined();
    expect(() =>
      createOptimizer({ type: "gd", lr: 0.1, schedule: { ...schedule, momentum: { base: 0.8, max: 0.9 } } }),
    ).toThrow(
      'optimizer spec (type "gd"): schedule.momentum cycles Adam\'s beta1, and gradient descent has no momentum',
    );
    expect(() =>
      createOptimizer({
        type: "adam",
        schedule: { ...schedule, momentum: { base: 0.8, max: 0.9 } },
        warmup: { steps: 10, startLr: 1e-5 },
      }),
    ).toThrow('optimizer spec (type "adam"): schedule.momentum: a momentum cycle cannot follow a warm-up');
  });

  it("builds gradient descent", () => {
    const gd = createOptimizer({ type: "gd", lr: 0.1, schedule: { type: "exponential", gamma: 0.5 } });
    expect(gd).toBeInstanceOf(GradientDescent);
    expect((gd as GradientDescent).lr(2)).toBe(0.025);
  });

  it("a spec survives JSON and re-creates an optimizer with fresh state that repeats the run", () => {
    const spec: OptimizerSpec = { type: "lbfgs", preset: "torch", lr: 1, maxIter: 5 };
    const again = JSON.parse(JSON.stringify(spec)) as OptimizerSpec;
    const a = createOptimizer(spec);
    const xa = Float64Array.from([-1.2, 1]);
    a.step(xa, rosenbrock);
    a.step(xa, rosenbrock);
    const b = createOptimizer(again);
    const xb = Float64Array.from([-1.2, 1]);
    b.step(xb, rosenbrock);
    b.step(xb, rosenbrock);
    expect(Array.from(xb)).toEqual(Array.from(xa));
    const adamSpec = JSON.parse(
      JSON.stringify({ type: "adam", lr: 0.01, schedule: { type: "cyclic", baseLr: 1e-3, stepSizeUp: 3 } }),
    );
    const x1 = new Float64Array(5);
    const x2 = new Float64Array(5);
    const o1 = createOptimizer(adamSpec);
    const o2 = createOptimizer(adamSpec);
    for (let k = 0; k < 10; k++) {
      o1.step(x1, quadratic5);
      o2.step(x2, quadratic5);
    }
    expect(Array.from(x2)).toEqual(Array.from(x1));
  });

  it("rejects unknown types, unknown keys and bad values, naming them", () => {
    expect(() => createOptimizer(null as never)).toThrow("optimizer spec must be an object, got null");
    expect(() => createOptimizer([] as never)).toThrow(
      "optimizer spec must be an object, got array of length 0",
    );
    expect(() => createOptimizer({ type: "sgd" } as never)).toThrow(
      'optimizer spec: type must be "lbfgs", "adam" or "gd", got "sgd"',
    );
    expect(() => createOptimizer({ lr: 1 } as never)).toThrow(
      'optimizer spec: type must be "lbfgs", "adam" or "gd", got undefined',
    );
    expect(() => createOptimizer({ type: "lbfgs", history: 10 } as never)).toThrow(
      'optimizer spec (type "lbfgs"): unknown option "history" (allowed: preset, lr, maxIter',
    );
    expect(() => createOptimizer({ type: "lbfgs", preset: "fast" } as never)).toThrow(
      'optimizer spec (type "lbfgs"): preset must be "torch" or "pykan", got "fast"',
    );
    expect(() => createOptimizer({ type: "lbfgs", maxIter: -3 })).toThrow(
      'optimizer spec (type "lbfgs"): maxIter must be an integer >= 1, got -3',
    );
    expect(() => createOptimizer({ type: "lbfgs", schedule: { type: "constant" } } as never)).toThrow(
      'optimizer spec (type "lbfgs"): unknown option "schedule"',
    );
    expect(() => createOptimizer({ type: "adam", learningRate: 1e-3 } as never)).toThrow(
      'optimizer spec (type "adam"): unknown option "learningRate"',
    );
    expect(() => createOptimizer({ type: "adam", lr: -1 })).toThrow(
      'optimizer spec (type "adam"): lr must be a finite number > 0, got -1',
    );
    expect(() => createOptimizer({ type: "adam", betas: [0.9, 2] })).toThrow(
      'optimizer spec (type "adam"): betas[1] must be a number in [0, 1), got 2',
    );
    expect(() =>
      createOptimizer({ type: "adam", schedule: { type: "cyclic", baseLr: 1, stepSizeUp: 5 } }),
    ).toThrow('optimizer spec (type "adam"): cyclicLR: maxLr must be >= baseLr = 1, got 0.001');
    expect(() => createOptimizer({ type: "adam", warmup: { steps: 0, startLr: 1e-4 } })).toThrow(
      'optimizer spec (type "adam"): warmup.steps must be an integer >= 1, got 0',
    );
    expect(() => createOptimizer({ type: "gd" } as never)).toThrow(
      'optimizer spec (type "gd"): lr is required, got undefined',
    );
    expect(() => createOptimizer({ type: "gd", lr: 0.1, momentum: 0.9 } as never)).toThrow(
      'optimizer spec (type "gd"): unknown option "momentum"',
    );
    expect(() => createOptimizer({ type: "gd", lr: "0.1" } as never)).toThrow(
      'optimizer spec (type "gd"): lr must be a finite number > 0, got "0.1"',
    );
  });
});
