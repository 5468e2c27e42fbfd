/**
 * The pure report entry must stay browser-safe like the core: nothing reachable from
 * src/report/index.ts imports a `node:` module, a Node built-in or a package. The Node-only files
 * (env, png, write, node/fs) are reachable only from src/node/index.ts.
 */
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const src = resolve(import.meta.dirname, "../../src");

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack = [entry];
  const re =
    /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    const deps = [...readFileSync(file, "utf8").matchAll(re)].map((m) => m[1] ?? m[2] ?? m[3]);
    seen.set(file, deps);
    for (const d of deps)
      if (d.startsWith(".")) stack.push(resolve(dirname(file), d.replace(/\.js$/, ".ts")));
  }
  return seen;
}

describe("report entry points", () => {
  it("src/report/index.ts reaches no node: module and no package", () => {
    const graph = reachable(resolve(src, "report/index.ts"));
    const offenders: string[] = [];
    for (const [file, deps] of graph)
      for (const d of deps)
        if (!d.startsWith(".") || builtinModules.includes(d))
          offenders.push(`${relative(src, file)} imports ${d}`);
    expect(offenders).toEqual([]);
    const files = [...graph.keys()].map((f) => relative(src, f));
    for (const nodeOnly of ["report/env.ts", "report/png.ts", "report/write.ts", "node/fs.ts"])
      expect(files).not.toContain(nodeOnly);
  });

  it("src/node/index.ts reaches the Node-only report parts", () => {
    const files = [...reachable(resolve(src, "node/index.ts")).keys()].map((f) => relative(src, f));
    for (const f of ["report/env.ts", "report/png.ts", "report/write.ts", "node/fs.ts"])
      expect(files).toContain(f);
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
