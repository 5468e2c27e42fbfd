/**
 * The import graph of src/, read from the source text (no compiler needed): every `import ... from`,
 * `export ... from`, bare `import "x"` and dynamic `import("x")` specifier of a file. Relative
 * specifiers are resolved to absolute .ts paths; everything else (packages, `node:` modules) is kept
 * as written. Shared by the entry-point tests (browser-safe core and report entries) and the layering
 * test (no upward imports, no cycles).
 */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";

/** Absolute path of src/. */
export const SRC = resolve(import.meta.dirname, "../../src");

const IMPORT_RE =
  /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;

/** The import specifiers of one file, as written. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** True for a relative specifier (a file of this package). */
export function isRelative(spec: string): boolean {
  return spec.startsWith(".");
}

/** True for a Node built-in, written `node:x` or by its bare name. */
export function isNodeBuiltin(spec: string): boolean {
  return spec.startsWith("node:") || builtinModules.includes(spec);
}

/** Absolute .ts path of a relative specifier written in `file`. */
export function resolveImport(file: string, spec: string): string {
  return resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
}

/** Every file reachable from `entry` (absolute path) with the specifiers it imports. */
export function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    const deps = importsOf(file);
    seen.set(file, deps);
    for (const d of deps) if (isRelative(d)) stack.push(resolveImport(file, d));
  }
  return seen;
}

/** Every .ts file under `dir` (absolute paths, sorted). */
export function sourceFiles(dir: string = SRC): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out.sort();
}

/** The whole src/ graph: path relative to src/ -> relative paths (under src/) of its relative imports. */
export function srcGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of sourceFiles())
    g.set(
      relative(SRC, f),
      importsOf(f)
        .filter(isRelative)
        .map((d) => relative(SRC, resolveImport(f, d))),
    );
  return g;
}

/** Path relative to src/ of an absolute path. */
export function srcPath(file: string): string {
  return relative(SRC, file);
}

/**
 * Strongly connected groups of more than one file (import cycles) of a graph, each sorted, via
 * Tarjan's algorithm (iterative, so deep graphs do not overflow the stack).
 */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: [string, number][] = [[root, 0]];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const [v, i] = top;
      const deps = (graph.get(v) ?? []).filter((w) => graph.has(w));
      if (i < deps.length) {
        top[1]++;
        const w = deps[i];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const group: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          group.push(w);
        } while (w !== v);
        if (group.length > 1) out.push(group.sort());
      }
    }
  }
  return out;
}

/** Top-level folder of a path relative to src/ ("" for the entry files directly under src/). */
export function topFolder(path: string): string {
  const i = path.indexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** Result of checking a graph against a rank table. */
export interface LayeringReport {
  /** "a.ts -> b.ts (rank x imports rank y)" for every import going to a higher rank. */
  upward: string[];
  /** Top-level folders that have no rank. */
  unknown: string[];
}

/**
 * Checks that no file imports a file of a higher-ranked top-level folder (a file may import its own
 * folder or lower ranks). Files directly under src/ are the entry points and may import anything.
 */
export function checkLayering(graph: Map<string, string[]>, ranks: Record<string, number>): LayeringReport {
  const upward: string[] = [];
  const unknown = new Set<string>();
  const rankOf = (path: string): number | undefined => {
    const top = topFolder(path);
    if (top === "") return Number.POSITIVE_INFINITY;
    const r = ranks[top];
    if (r === undefined) unknown.add(top);
    return r;
  };
  for (const [file, deps] of graph) {
    const a = rankOf(file);
    for (const d of deps) {
      const b = rankOf(d);
      if (a === undefined || b === undefined) continue;
      if (topFolder(file) !== topFolder(d) && b > a)
        upward.push(`${file} -> ${d} (${topFolder(file)} rank ${a} imports ${topFolder(d)} rank ${b})`);
    }
  }
  return { upward, unknown: [...unknown].sort() };
}
