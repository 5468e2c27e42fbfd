import { describe, expect, it } from "vitest";
import { parsePinnParallel, pinnRows } from "../../src/cli/reproduce-pinn.js";

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
