import { describe, expect, it } from "vitest";
import { parsePinnParallel } from "../../src/cli/reproduce-pinn.js";

describe("--parallel of the paper PINN commands", () => {
  it("defaults to gradients, accepts runs, names a bad value", () => {
    expect(parsePinnParallel(undefined)).toBe("gradients");
    expect(parsePinnParallel("gradients")).toBe("gradients");
    expect(parsePinnParallel("runs")).toBe("runs");
    expect(() => parsePinnParallel("rows")).toThrow(/--parallel must be runs or gradients, got "rows"/);
  });
});
