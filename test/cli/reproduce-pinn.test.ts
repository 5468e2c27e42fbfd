import { describe, expect, it } from "vitest";
import { allenCahnSettingsFromCli } from "../../src/cli/reproduce-allen-cahn.js";
import { burgersSettingsFromCli } from "../../src/cli/reproduce-burgers.js";
import { parsePinnParallel, pinnRows } from "../../src/cli/reproduce-pinn.js";
import { poissonSettingsFromCli } from "../../src/cli/reproduce-poisson-interface.js";
import { burgersSettingsRecord } from "../../src/experiments/burgers.js";
import { type Adam, createOptimizer } from "../../src/optim/index.js";

describe("--parallel of the paper PINN commands", () => {
  it("defaults to gradients, accepts runs, names a bad value", () => {
    expect(parsePinnParallel(undefined)).toBe("gradients");
    expect(parsePinnParallel("gradients")).toBe("gradients");
    expect(parsePinnParallel("runs")).toBe("runs");
    expect(() => parsePinnParallel("rows")).toThrow(/--parallel must be runs or gradients, got "rows"/);
  });
});

describe("--rows and --best of the paper PINN commands", () => {
  const known = ["coarse", "fine", "multilevel", "best"] as const;
  const o = { out: "x" };
  it("keeps the default rows, or takes the named ones in their order; --best adds best once", () => {
    expect(pinnRows(o, known, ["coarse", "multilevel"])).toEqual(["coarse", "multilevel"]);
    expect(pinnRows({ ...o, rows: " multilevel, coarse" }, known, ["fine"])).toEqual([
      "multilevel",
      "coarse",
    ]);
    expect(pinnRows({ ...o, best: true }, known, ["coarse"])).toEqual(["coarse", "best"]);
    expect(pinnRows({ ...o, rows: "best", best: true }, known, ["coarse"])).toEqual(["best"]);
    expect(pinnRows({ ...o, best: true }, ["coarse", "fine"] as const, ["coarse"])).toEqual(["coarse"]);
  });
  it("refuses an unknown row, naming it and the known ones", () => {
    expect(() => pinnRows({ ...o, rows: "coarse,kan" }, known, [])).toThrow(
      /--rows: unknown row "kan" \(known: coarse, fine, multilevel, best\)/,
    );
  });
});

describe("--init-std and the other number flags of the paper PINN commands", () => {
  it("take --init-std, keeping each problem's default otherwise", () => {
    expect(poissonSettingsFromCli({ out: "x" }).initStd).toBe(0.1);
    expect(burgersSettingsFromCli({ out: "x" }).initStd).toBe(0.01);
    expect(allenCahnSettingsFromCli({ out: "x" }).initStd).toBe(0.1);
    const p = poissonSettingsFromCli({ out: "x", initStd: "0.01", normalize: "none" });
    expect(p.initStd).toBe(0.01);
    expect(p.normalize).toBe("none");
    expect(burgersSettingsFromCli({ out: "x", initStd: "0.1" }).initStd).toBe(0.1);
    expect(allenCahnSettingsFromCli({ out: "x", initStd: "0.03" }).initStd).toBe(0.03);
  });
  it("burgers --cycle-momentum cycles beta1 in the Table 3 rows' Adam (torch's CyclicLR default), in the settings record", () => {
    const plain = burgersSettingsFromCli({ out: "x" });
    const cycled = burgersSettingsFromCli({ out: "x", cycleMomentum: true });
    expect(plain.optimizer.schedule).not.toHaveProperty("momentum");
    expect(cycled.optimizer.schedule).toEqual({
      ...plain.optimizer.schedule,
      momentum: { base: 0.8, max: 0.9 },
    });
    expect(cycled.best.optimizer).toEqual(plain.best.optimizer);
    const adam = createOptimizer(cycled.optimizer) as Adam;
    expect(adam.beta1Schedule?.(0)).toBe(0.9);
    expect(adam.beta1Schedule?.(50)).toBeCloseTo(0.9 - 0.1 * 0.9995 ** 50, 15);
    expect((createOptimizer(plain.optimizer) as Adam).beta1Schedule).toBeUndefined();
    expect(burgersSettingsRecord(cycled).optimizer).not.toEqual(burgersSettingsRecord(plain).optimizer);
  });
  it("burgers --weight-decay and --adamw set the Table 3 rows' Adam weight decay (0 allowed, negatives refused)", () => {
    expect(burgersSettingsFromCli({ out: "x" }).optimizer.weightDecay).toBeUndefined();
    const s = burgersSettingsFromCli({ out: "x", weightDecay: "1e-4" });
    expect(s.optimizer.weightDecay).toBe(1e-4);
    expect(s.optimizer.schedule).toEqual(burgersSettingsFromCli({ out: "x" }).optimizer.schedule);
    expect(s.best.optimizer).toEqual(burgersSettingsFromCli({ out: "x" }).best.optimizer);
    expect((createOptimizer(s.optimizer) as Adam).weightDecay).toBe(1e-4);
    expect(burgersSettingsFromCli({ out: "x", weightDecay: "0" }).optimizer.weightDecay).toBe(0);
    expect(burgersSettingsRecord(s).optimizer).toMatchObject({ weightDecay: 1e-4 });
    const w = burgersSettingsFromCli({ out: "x", adamw: true });
    expect([w.optimizer.weightDecay, w.optimizer.decoupledWeightDecay]).toEqual([1e-2, true]);
    expect(createOptimizer(w.optimizer).name).toBe("adamw");
    const w3 = burgersSettingsFromCli({ out: "x", adamw: true, weightDecay: "1e-3" });
    expect([w3.optimizer.weightDecay, w3.optimizer.decoupledWeightDecay]).toEqual([1e-3, true]);
    expect(s.optimizer.decoupledWeightDecay).toBeUndefined();
    expect(() => burgersSettingsFromCli({ out: "x", weightDecay: "-1e-4" })).toThrow(
      '--weight-decay must be >= 0, got "-1e-4"',
    );
    expect(() => burgersSettingsFromCli({ out: "x", weightDecay: "small" })).toThrow(
      '--weight-decay must be a number, got "small"',
    );
  });
  it("burgers --step-size-up sets the rising half of the Table 3 rows' rate cycle (and the falling half with it)", () => {
    const s = burgersSettingsFromCli({ out: "x", stepSizeUp: "100" });
    expect(s.optimizer.schedule).toEqual({
      ...burgersSettingsFromCli({ out: "x" }).optimizer.schedule,
      stepSizeUp: 100,
    });
    const adam = createOptimizer(s.optimizer) as Adam;
    expect(adam.lr(0)).toBe(1e-4);
    expect(adam.lr(100)).toBeCloseTo(1e-4 + 9e-4 * 0.9995 ** 100, 15);
    expect(adam.lr(200)).toBeCloseTo(1e-4, 15);
    const both = burgersSettingsFromCli({ out: "x", stepSizeUp: "100", cycleMomentum: true });
    expect(both.optimizer.schedule).toMatchObject({ stepSizeUp: 100, momentum: { base: 0.8, max: 0.9 } });
    for (const v of ["0", "1.5", "-50", "x"])
      expect(() => burgersSettingsFromCli({ out: "x", stepSizeUp: v })).toThrow("--step-size-up");
  });
  it("refuse a value that is not a positive number, naming the flag and the value", () => {
    const parsers = [poissonSettingsFromCli, burgersSettingsFromCli, allenCahnSettingsFromCli];
    for (const parse of parsers)
      for (const v of ["0", "-0.1", "abc", "", "Infinity"])
        expect(() => parse({ out: "x", initStd: v })).toThrow(`--init-std must be`);
    expect(() => poissonSettingsFromCli({ out: "x", initStd: "-0.1" })).toThrow(
      '--init-std must be > 0, got "-0.1"',
    );
    expect(() => burgersSettingsFromCli({ out: "x", nu: "0" })).toThrow('--nu must be > 0, got "0"');
    expect(() => allenCahnSettingsFromCli({ out: "x", lr: "x" })).toThrow('--lr must be a number, got "x"');
    expect(() => poissonSettingsFromCli({ out: "x", normalize: "relu" })).toThrow(/got "relu"/);
  });
});
