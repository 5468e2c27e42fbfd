/**
 * Import hygiene of src/: the core entry (src/index.ts) runs in a browser, so nothing it reaches may
 * import a `node:` module or a package; and the folders form layers, so no file imports a folder of a
 * higher rank and no files import each other in a cycle.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkLayering,
  cycles,
  importsOf,
  isNodeBuiltin,
  isRelative,
  reachable,
  SRC,
  srcGraph,
  srcPath,
} from "./helpers/import-graph.js";

/**
 * Rank of each top-level folder of src/, low to high: a file may import its own folder or lower ranks.
 * A new top-level folder must be added here (the test below fails until it is).
 */
const RANKS: Record<string, number> = {
  util: 0,
  spline: 1,
  layers: 2,
  model: 3,
  optim: 4,
  problems: 4,
  symbolic: 5,
  train: 6,
  experiments: 7,
  report: 7,
  export: 7,
  bench: 7,
  demo: 7,
  node: 8,
  cli: 9,
};

describe("core entry", () => {
  it("imports no node: module, directly or transitively", () => {
    const graph = reachable(resolve(SRC, "index.ts"));
    expect(graph.size).toBeGreaterThan(3);
    const offenders: string[] = [];
    for (const [file, deps] of graph) {
      for (const d of deps) {
        if (isNodeBuiltin(d)) offenders.push(`${srcPath(file)} imports ${d}`);
        else if (!isRelative(d))
          offenders.push(`${srcPath(file)} imports package ${d} (core has no runtime dependencies)`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the checker itself catches a node: import", () => {
    expect(importsOf(resolve(SRC, "node/version.ts"))).toContain("node:fs");
    expect(isNodeBuiltin("node:fs")).toBe(true);
    expect(isNodeBuiltin("fs")).toBe(true);
    expect(isNodeBuiltin("commander")).toBe(false);
  });
});

describe("layering", () => {
  const graph = srcGraph();

  it("every top-level folder of src/ has a rank", () => {
    const { unknown } = checkLayering(graph, RANKS);
    expect(
      unknown,
      `top-level folder(s) ${unknown.join(", ")} of src/ have no rank: add them to RANKS in test/imports.test.ts`,
    ).toEqual([]);
  });

  it("no file imports a folder of a higher rank", () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(checkLayering(graph, RANKS).upward).toEqual([]);
  });

  it("no import cycles", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("the checks can fail: an upward import, an unknown folder and a cycle are caught", () => {
    const bad = new Map([
      ["util/a.ts", ["layers/b.ts"]],
      ["layers/b.ts", ["layers/c.ts", "util/a.ts"]],
      ["layers/c.ts", ["layers/b.ts"]],
      ["fresh/d.ts", ["util/a.ts"]],
      ["index.ts", ["cli/e.ts"]],
      ["cli/e.ts", []],
    ]);
    const report = checkLayering(bad, RANKS);
    expect(report.upward).toEqual(["util/a.ts -> layers/b.ts (util rank 0 imports layers rank 2)"]);
    expect(report.unknown).toEqual(["fresh"]);
    expect(cycles(bad)).toEqual([["layers/b.ts", "layers/c.ts", "util/a.ts"]]);
  });
});
