import { describe, expect, it } from "vitest";
import {
  fmt,
  fmtMeanStd,
  markdownTable,
  metricNames,
  resultMarkdown,
  resultTable,
} from "../../src/report/markdown.js";
import { summarize } from "../../src/report/result.js";
import { makeResult } from "./fixtures.js";

describe("fmt", () => {
  it("uses 3 significant digits, exponent form outside [1e-2, 1e4)", () => {
    expect(fmt(1.65e-3)).toBe("1.65e-3");
    expect(fmt(0.123456)).toBe("0.123");
    expect(fmt(1234.5)).toBe("1230");
    expect(fmt(12345)).toBe("1.23e+4");
    expect(fmt(0)).toBe("0");
    expect(fmt(Number.NaN)).toBe("-");
    expect(fmt(null)).toBe("-");
    expect(fmt(Number.NEGATIVE_INFINITY)).toBe("-inf");
  });
});

describe("fmtMeanStd", () => {
  it("prints mean (std), or the mean alone for one value", () => {
    expect(fmtMeanStd({ mean: 1.65e-3, std: 4.18e-5, values: [1, 2] })).toBe("1.65e-3 (4.18e-5)");
    expect(fmtMeanStd(summarize([2.5e-3]))).toBe("2.50e-3");
    expect(fmtMeanStd(undefined)).toBe("-");
    expect(fmtMeanStd({ mean: 0.5, std: 0.25, values: [0.25, 0.75] }, 2)).toBe("0.5 (0.25)");
  });
});

describe("markdownTable", () => {
  it("pads columns, right-aligns numeric ones and escapes pipes", () => {
    const t = markdownTable(
      ["name", "value"],
      [
        ["a|b", 1.5],
        ["long name", 0.001],
      ],
    );
    expect(t.split("\n")).toEqual([
      "| name      |   value |",
      "|-----------|--------:|",
      "| a\\|b      |     1.5 |",
      "| long name | 1.00e-3 |",
    ]);
  });

  it("keeps every line the same width", () => {
    const t = markdownTable(
      ["x", "y"],
      [
        ["1", "22"],
        ["333", "4"],
      ],
      [true, false],
    );
    const widths = new Set(t.split("\n").map((l) => l.length));
    expect(widths.size).toBe(1);
    expect(t.split("\n")[1]).toBe("|----:|----|");
  });
});

describe("resultTable", () => {
  it("shows metric mean (std), a paper column, params and wall seconds", () => {
    const t = resultTable(makeResult(), { paper: [1.65e-3, "n/a"] });
    const lines = t.split("\n");
    expect(lines[0]).toMatch(
      /^\| model \| basis +\| fidelity +\| +testMse \| +trainMse \| +paper \| params \| wall s \|$/,
    );
    expect(lines[1]).toMatch(/-:\|$/);
    expect(lines[2]).toContain("1.65e-3 (7.07e-5)");
    expect(lines[2]).toContain("| 1.65e-3 |");
    expect(lines[2]).toMatch(/\| +230 \| +1\.25 \|$/);
    // A metric a row lacks prints "-"; one seed prints no std.
    expect(lines[3]).toMatch(/\| +2\.50e-3 \| +- \| +n\/a \|/);
    expect(lines.length).toBe(4);
  });

  it("accepts reference columns as functions and selects metrics", () => {
    const t = resultTable(makeResult().rows, {
      metrics: ["testMse"],
      paper: [{ header: "paper testMse", value: (row) => (row.basis === "relu" ? 3e-3 : null) }],
      wallSeconds: false,
    });
    const lines = t.split("\n");
    expect(lines[0]).toContain("paper testMse");
    expect(lines[0]).not.toContain("trainMse");
    expect(lines[0]).not.toContain("wall s");
    expect(lines[3]).toContain("3.00e-3");
  });

  it("lists metric names in order of first appearance", () => {
    expect(metricNames(makeResult().rows)).toEqual(["testMse", "trainMse"]);
  });
});

describe("resultMarkdown", () => {
  it("has a title, the table, the plots, settings and environment", () => {
    const md = resultMarkdown(makeResult(), { title: "Table 2", plots: ["regression-loss.svg"] });
    expect(md.startsWith("# Table 2\n")).toBe(true);
    expect(md).toContain("over 2 seeds");
    expect(md).toContain("![regression-loss.svg](regression-loss.svg)");
    expect(md).toContain("| grids   | [5,10,20] |");
    expect(md).toContain("Node v20.0.0 on linux, Test CPU (2 cores)");
  });
});
