import { describe, expect, it } from "vitest";
import {
  csvField,
  historyCsv,
  levelOfRecords,
  resultCsv,
  resultHistoryCsv,
  toCsv,
} from "../../src/report/csv.js";
import { makeHistory, makeResult } from "./fixtures.js";

describe("csvField (RFC 4180)", () => {
  it("quotes fields with commas, quotes and line breaks, doubling inner quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
    expect(csvField("")).toBe("");
  });

  it("writes numbers at full precision and NaN / null as empty", () => {
    expect(csvField(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(csvField(1.5e-300)).toBe("1.5e-300");
    expect(csvField(Number.NaN)).toBe("");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(Number.POSITIVE_INFINITY)).toBe("inf");
  });
});

describe("toCsv", () => {
  it("ends every line with CRLF by default, or the given eol", () => {
    expect(toCsv(["a", "b"], [[1, "x,y"]])).toBe('a,b\r\n1,"x,y"\r\n');
    expect(toCsv(["a"], [[1], [2]], { eol: "\n" })).toBe("a\n1\n2\n");
  });
});

describe("resultCsv", () => {
  it("has one line per row with mean, std and n per metric", () => {
    const lines = resultCsv(makeResult()).split("\r\n");
    expect(lines[0]).toBe(
      "model,basis,fidelity,params,wallSeconds,testMse_mean,testMse_std,testMse_n,trainMse_mean,trainMse_std,trainMse_n",
    );
    const { testMse: a, trainMse: b } = makeResult().rows[0].metrics;
    expect(lines[1]).toBe(`KAN,spline,multilevel,230,1.25,${a.mean},${a.std},2,${b.mean},${b.std},2`);
    expect(a.std).toBeCloseTo(Math.SQRT1_2 * 1e-4, 15);
    // The fidelity holds a comma: quoted. std null and a missing metric: empty fields.
    expect(lines[2]).toBe('KAN,relu,"fine, G=20",230,2,0.0025,,1,,,');
    expect(lines[3]).toBe("");
    expect(lines.length).toBe(4);
  });
});

describe("historyCsv", () => {
  it("writes step, loss, metrics, wall seconds, level and grid; NaN as empty", () => {
    const h = makeHistory([5, 10], 3);
    const lines = historyCsv(h, { eol: "\n" }).trimEnd().split("\n");
    expect(lines[0]).toBe("step,loss,testMse,wallSeconds,level,grid");
    expect(lines.length).toBe(7);
    expect(lines[1]).toBe(`1,0.1,,0.01,0,5`);
    expect(lines[4]).toMatch(/^4,0\.01,,0\.04,1,10$/);
    expect(lines[5]).toMatch(/^5,0\.009000000000000001,0\.018000000000000002,0\.05,1,10$/);
  });

  it("adds a run column for several histories and joins per-layer grids", () => {
    const a = makeHistory([5], 2);
    const b = makeHistory([5], 2);
    b.levels[0].grid = [5, 8];
    const lines = historyCsv([a, b], { eol: "\n" }).trimEnd().split("\n");
    expect(lines[0]).toBe("run,step,loss,testMse,wallSeconds,level,grid");
    expect(lines[3]).toBe("1,1,0.1,,0.01,0,5;8");
  });

  it("maps records to levels, and leaves records before the first level without one", () => {
    const h = makeHistory([5, 10, 20], 2);
    expect([...levelOfRecords(h)]).toEqual([0, 0, 1, 1, 2, 2]);
    h.levels = [];
    expect([...levelOfRecords(h)]).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(historyCsv(h, { eol: "\n" }).split("\n")[1]).toBe("1,0.1,,0.01,,");
  });

  it("collects the histories of a result's rows", () => {
    const lines = resultHistoryCsv(makeResult(), { eol: "\n" }).trimEnd().split("\n");
    expect(lines[0]).toBe("model,basis,fidelity,run,step,loss,testMse,wallSeconds,level,grid");
    expect(lines.length).toBe(1 + 2 * 60);
    expect(lines[61]).toMatch(/^KAN,spline,multilevel,1,1,0\.15/);
  });
});
