import { describe, expect, it } from "vitest";
import { allenCahnBestAdam, allenCahnSettings } from "../../src/experiments/allen-cahn.js";
import { decayingAdamPerLevel, lastLevelPolish } from "../../src/experiments/pinn-runner.js";
import { poissonBestAdam, poissonSettings } from "../../src/experiments/poisson-interface.js";
import { createSchedule } from "../../src/optim/schedule.js";

describe("decayingAdamPerLevel (the best rows' per-level lr decay)", () => {
  it("warms up as the paper, then decays exponentially by lrEnd / lr over the level's step count", () => {
    const steps = [100, 250, 1000];
    const specs = decayingAdamPerLevel("t", 1e-2, 1e-4, steps);
    expect(specs.length).toBe(3);
    specs.forEach((spec, k) => {
      expect(spec.warmup).toEqual({ steps: 10, startLr: 1e-4 });
      const lr = createSchedule(spec.lr ?? Number.NaN, spec.schedule, spec.warmup);
      // After the 10-step ramp the schedule is lr * gamma^(step - 10), gamma^n = lrEnd / lr.
      expect(lr(steps[k] + 10) / 1e-4).toBeCloseTo(1, 10);
      expect(lr(20) / (1e-2 * (1e-4 / 1e-2) ** (10 / steps[k]))).toBeCloseTo(1, 12);
      // Monotone after the ramp.
      for (let i = 11; i < steps[k]; i++) expect(lr(i + 1)).toBeLessThan(lr(i));
    });
  });

  it("lrEnd = lr is the paper's constant rate after the ramp", () => {
    const [spec] = decayingAdamPerLevel("t", 1e-2, 1e-2, [50]);
    const lr = createSchedule(spec.lr ?? Number.NaN, spec.schedule, spec.warmup);
    for (const i of [10, 20, 49]) expect(lr(i)).toBe(1e-2);
  });

  it("rejects a bad rate pair, naming both values", () => {
    expect(() => decayingAdamPerLevel("Poisson best", 1e-3, 1e-2, [10])).toThrow(
      /Poisson best.*lr 0\.001, lrEnd 0\.01/,
    );
    expect(() => decayingAdamPerLevel("x", 1e-2, 0, [10])).toThrow(/lrEnd 0/);
    expect(() => decayingAdamPerLevel("x", Number.NaN, 1e-3, [10])).toThrow(/lr NaN/);
  });

  it("the Poisson and Allen-Cahn best rows use it, one spec per level, and check the level count", () => {
    const pb = poissonSettings(false).best;
    expect(poissonBestAdam(pb)).toEqual(decayingAdamPerLevel("p", pb.lr, pb.lrEnd, pb.steps));
    expect(() => poissonBestAdam({ ...pb, steps: [1, 2] })).toThrow(/2 step counts for 4 grids/);
    const ab = allenCahnSettings(false).best;
    expect(allenCahnBestAdam(ab)).toEqual(decayingAdamPerLevel("a", ab.lr, ab.lrEnd, ab.steps));
  });
});

describe("lastLevelPolish (the best rows' L-BFGS polish)", () => {
  it("polishes only the last level, and not at all for 0 steps", () => {
    expect(lastLevelPolish(4, 0)).toEqual({});
    expect(lastLevelPolish(3, 200)).toEqual({
      polish: { optimizer: { type: "lbfgs", preset: "pykan" }, steps: [0, 0, 200] },
    });
  });
});
