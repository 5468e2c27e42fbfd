import { describe, expect, it } from "vitest";
import {
  finiteNumber,
  intAtLeast,
  intList,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  seedList,
} from "../../src/cli/args.js";

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
    expect(positiveNumber("--nu", "3e-3")).toBe(3e-3);
    expect(positiveNumber("--nu", " 0.5 ")).toBe(0.5);
    expect(() => positiveNumber("--nu", "0")).toThrow('--nu must be > 0, got "0"');
    expect(() => positiveNumber("--nu", "-1e-9")).toThrow('--nu must be > 0, got "-1e-9"');
    expect(() => positiveNumber("--nu", "NaN")).toThrow('--nu must be a number, got "NaN"');
    expect(nonNegativeNumber("--weight-decay", "0")).toBe(0);
    expect(nonNegativeNumber("--weight-decay", "1e-4")).toBe(1e-4);
    expect(() => nonNegativeNumber("--weight-decay", "-1e-4")).toThrow(
      '--weight-decay must be >= 0, got "-1e-4"',
    );
    expect(() => nonNegativeNumber("--weight-decay", "")).toThrow("--weight-decay must be a number");
  });

  it("seedList: N consecutive seeds from S, defaults for a missing one, undefined when neither is given", () => {
    expect(seedList(undefined, undefined, 3, 1234)).toBeUndefined();
    expect(seedList("2", "5", 3, 1234)).toEqual([5, 6]);
    expect(seedList("2", undefined, 3, 1234)).toEqual([1234, 1235]);
    expect(seedList(undefined, "7", 3, 0)).toEqual([7, 8, 9]);
    expect(() => seedList("0", undefined, 3, 0)).toThrow(/--seeds must be a positive integer, got "0"/);
    expect(() => seedList(undefined, "-1", 3, 0)).toThrow(/--first-seed/);
  });
});
