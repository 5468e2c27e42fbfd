/**
 * The pure report entry must stay browser-safe like the core: nothing reachable from
 * src/report/index.ts imports a `node:` module, a Node built-in or a package. The Node-only parts
 * (env, png, write, fs) live in src/node/ and are reachable only from src/node/index.ts.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { isNodeBuiltin, isRelative, reachable, SRC, srcPath } from "../helpers/import-graph.js";

const NODE_ONLY = ["node/env.ts", "node/png.ts", "node/write.ts", "node/fs.ts"];

describe("report entry points", () => {
  it("src/report/index.ts reaches no node: module and no package", () => {
    const graph = reachable(resolve(SRC, "report/index.ts"));
    const offenders: string[] = [];
    for (const [file, deps] of graph)
      for (const d of deps)
        if (!isRelative(d) || isNodeBuiltin(d)) offenders.push(`${srcPath(file)} imports ${d}`);
    expect(offenders).toEqual([]);
    const files = [...graph.keys()].map(srcPath);
    for (const nodeOnly of NODE_ONLY) expect(files).not.toContain(nodeOnly);
  });

  it("src/node/index.ts reaches the Node-only report parts", () => {
    const files = [...reachable(resolve(SRC, "node/index.ts")).keys()].map(srcPath);
    for (const f of NODE_ONLY) expect(files).toContain(f);
  });

  it("the Node entry exports the documented API", async () => {
    const node = await import("../../src/node/index.js");
    for (const k of [
      "writeFileAtomic",
      "writeFileAtomicSync",
      "writeReport",
      "svgToPng",
      "pngAvailable",
      "collectEnv",
    ])
      expect(typeof (node as Record<string, unknown>)[k]).toBe("function");
    const report = await import("../../src/report/index.js");
    for (const k of [
      "summarize",
      "validateResult",
      "resultToJson",
      "markdownTable",
      "fmt",
      "resultTable",
      "resultCsv",
      "historyCsv",
      "plotHistory",
      "renderChart",
      "resultPlots",
    ])
      expect(typeof (report as Record<string, unknown>)[k]).toBe("function");
  });
});
