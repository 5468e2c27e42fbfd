import { describe, expect, it } from "vitest";
import { parsePinnParallel, pinnRows } from "../../src/cli/reproduce-pinn.js";
import { poissonSettingsFromCli } from "../../src/cli/reproduce-poisson-interface.js";

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

describe("reproduce poisson-interface settings from the command line", () => {
  it("takes --normalize and --init-std, keeping the defaults otherwise", () => {
    const d = poissonSettingsFromCli({ out: "x" });
    expect(d.initStd).toBe(0.1);
    expect(d.normalize).toBe("tanh");
    const s = poissonSettingsFromCli({ out: "x", initStd: "0.01", normalize: "none" });
    expect(s.initStd).toBe(0.01);
    expect(s.normalize).toBe("none");
  });
  it("refuses a bad --init-std or --normalize, naming the value", () => {
    for (const v of ["0", "-0.1", "abc", "", "Infinity"])
      expect(() => poissonSettingsFromCli({ out: "x", initStd: v })).toThrow(/--init-std must be a/);
    expect(() => poissonSettingsFromCli({ out: "x", initStd: "-0.1" })).toThrow(/got -0\.1/);
    expect(() => poissonSettingsFromCli({ out: "x", normalize: "relu" })).toThrow(/got "relu"/);
  });
});
