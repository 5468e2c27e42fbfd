/** Running the built CLI (dist/cli/main.js) in a scratch directory, for the CLI tests. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "../..");
/** The CLI under test (MLKAN_CLI overrides, e.g. to show that a test fails on an older build). */
export const cli = process.env.MLKAN_CLI ?? join(root, "dist/cli/main.js");

/** A fresh scratch directory. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `mlkan args...` in `cwd`; returns status, stdout, stderr and wall milliseconds. */
export function run(
  cwd: string,
  ...args: string[]
): { status: number; stdout: string; stderr: string; ms: number } {
  const t = performance.now();
  const r = spawnSync("node", [cli, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t };
}

/** Runs a bash command line in `cwd` (for pipes); `$MLKAN` is the CLI. */
export function sh(cwd: string, line: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync("bash", ["-c", line], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, MLKAN: `node ${cli}` },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A CSV of n rows: id, x, y, z = sin(2x) + y^2 / 2 (+ noise of the given size, seeded by i). */
export function writeData(file: string, n: number, noise = 0): void {
  const lines = ["id,x,y,z"];
  for (let i = 0; i < n; i++) {
    const x = -1 + 2 * ((i * 0.618034) % 1);
    const y = 3 * ((i * 0.414214) % 1);
    const e = noise * (((i * 0.7548776662) % 1) * 2 - 1);
    lines.push(`row${i},${x},${y},${Math.sin(2 * x) + 0.5 * y * y + e}`);
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
}
