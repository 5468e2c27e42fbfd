import { describe, expect, it } from "vitest";
import { finiteNumber, intAtLeast, intList, positiveInt } from "../../src/cli/args.js";

describe("command-line option parsers", () => {
  it("intList reads comma-separated integers and names the option and value when one is bad", () => {
    expect(intList("--grids", "5, 10,20", 1)).toEqual([5, 10, 20]);
    expect(intList("--steps", "0,3", 0)).toEqual([0, 3]);
    expect(() => intList("--grids", "5,x", 1)).toThrow(/--grids .*"5,x"/);
    expect(() => intList("--grids", "0,5", 1)).toThrow(/integers >= 1/);
    expect(() => intList("--grids", "1.5", 1)).toThrow(/--grids/);
    expect(() => intList("--grids", "", 1)).toThrow(/--grids/);
  });

  it("the scalar parsers accept digits only and name the bad value", () => {
    expect(positiveInt("--seeds", "3")).toBe(3);
    expect(() => positiveInt("--seeds", "0")).toThrow(/--seeds .*"0"/);
    expect(intAtLeast("--k", "-1", -2)).toBe(-1);
    expect(() => intAtLeast("--k", "1e2", 0)).toThrow(/--k/);
    expect(finiteNumber("--lr", "1e-3")).toBe(1e-3);
    expect(() => finiteNumber("--lr", "Infinity")).toThrow(/--lr/);
  });
});
