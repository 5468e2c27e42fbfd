import { describe, expect, it } from "vitest";
import {
  type AllenCahnRowKey,
  allenCahnBestAdam,
  allenCahnSettings,
} from "../../src/experiments/allen-cahn.js";
import { pinnPlan } from "../../src/experiments/pinn-plans.js";
import {
  decayingAdamPerLevel,
  lastLevelPolish,
  type PinnRunRecord,
  pinnJobs,
  pinnSequentialOrder,
  runPinnJob,
  runPinnPlan,
} from "../../src/experiments/pinn-runner.js";
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
    // In rounds (Burgers' best row): the round length goes along; 0 leaves the option as it was.
    expect(lastLevelPolish(2, 800, 200)).toEqual({
      polish: { optimizer: { type: "lbfgs", preset: "pykan" }, steps: [0, 800], redrawEvery: 200 },
    });
    expect(lastLevelPolish(2, 800, 0)).toEqual(lastLevelPolish(2, 800));
  });
});

describe("shared starts in runPinnPlan (Allen-Cahn: fine from fine-long, multilevel from coarse)", () => {
  const settings = () => ({
    ...allenCahnSettings(true),
    seeds: [1234, 7],
    grids: [4, 8],
    rows: ["coarse", "fine", "fine-long", "multilevel"] as AllenCahnRowKey[],
  });
  /** A record without its clocks. */
  const clockless = (r: PinnRunRecord) => {
    const { wallSeconds: _w, ...history } = r.history;
    const { seconds: _s, ...rest } = r;
    return { ...rest, history };
  };

  it("runs a row that reuses a later row right after it, seed by seed", () => {
    const plan = pinnPlan("allen-cahn", settings());
    expect(plan.rows.map((r) => r.key)).toEqual(["coarse", "fine", "fine-long", "multilevel"]);
    // Jobs in table order: seed 0 rows 0..3, then seed 1 rows 0..3.
    expect(pinnSequentialOrder(plan)).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
    const noReuse = { ...plan, rows: plan.rows.map((r) => ({ ...r, reuses: undefined })) };
    expect(pinnSequentialOrder(noReuse)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("gives every run the numbers of the run alone, reading the shared steps instead of training them", () => {
    const s = settings();
    const plan = pinnPlan("allen-cahn", s);
    const order: string[] = [];
    const got = new Map<string, PinnRunRecord>();
    runPinnPlan(plan, {
      onRun: (r) => order.push(`${r.key}/${r.seed}`),
      onRunDone: (r) => got.set(`${r.key}/${r.seed}`, r.record),
    });
    expect(order).toEqual([
      "coarse/1234",
      "fine-long/1234",
      "fine/1234",
      "multilevel/1234",
      "coarse/7",
      "fine-long/7",
      "fine/7",
      "multilevel/7",
    ]);
    const fresh = pinnPlan("allen-cahn", s);
    const n = s.stepsPerLevel;
    for (const job of pinnJobs(fresh)) {
      const key = `${fresh.rows[job.rowIndex].key}/${fresh.seeds[job.seedIndex]}`;
      const alone = runPinnJob(fresh, job);
      const shared = got.get(key);
      if (shared === undefined) throw new Error(`no record for ${key}`);
      // Clocks aside, the record of the plan run is that of the run alone.
      expect(clockless(shared), key).toEqual(clockless(alone));
    }
    // The shared steps were read, not trained: their clocks are those of the longer run.
    for (const seed of s.seeds) {
      const wall = (k: string) => got.get(`${k}/${seed}`)?.history.wallSeconds ?? [];
      expect(wall("fine")).toEqual(wall("fine-long").slice(0, n));
      expect(wall("multilevel").slice(0, n)).toEqual(wall("coarse").slice(0, n));
      expect(wall("multilevel").length).toBe(2 * n);
    }
  }, 120_000);
});
