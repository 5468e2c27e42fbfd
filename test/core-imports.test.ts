/**
 * The core entry must run in a browser: nothing reachable from src/index.ts may import a `node:` module
 * (or a Node built-in by its bare name).
 */
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const src = resolve(import.meta.dirname, "../src");
const builtins = new Set(builtinModules);

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  const re =
    /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    const deps = importsOf(file);
    seen.set(file, deps);
    for (const d of deps) {
      if (d.startsWith(".")) stack.push(resolve(dirname(file), d.replace(/\.js$/, ".ts")));
    }
  }
  return seen;
}

describe("core entry", () => {
  it("imports no node: module, directly or transitively", () => {
    const graph = reachable(resolve(src, "index.ts"));
    expect(graph.size).toBeGreaterThan(3);
    const offenders: string[] = [];
    for (const [file, deps] of graph) {
      for (const d of deps) {
        if (d.startsWith("node:") || builtins.has(d)) offenders.push(`${file} imports ${d}`);
        else if (!d.startsWith("."))
          offenders.push(`${file} imports package ${d} (core has no runtime dependencies)`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the checker itself catches a node: import", () => {
    expect(importsOf(resolve(src, "cli/version.ts"))).toContain("node:fs");
  });
});
