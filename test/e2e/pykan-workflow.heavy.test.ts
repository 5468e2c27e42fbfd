/** `mlkan reproduce hello-kan` and `mlkan reproduce continual` end to end on smoke budgets (built CLI). */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "dist/cli/main.js");
const work = mkdtempSync(join(tmpdir(), "mlkan-pykan-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function mlkan(...args: string[]): string {
  return execFileSync("node", [cli, ...args], {
    cwd: work,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("pykan tutorials on the command line", () => {
  it("reproduce hello-kan --quick prints pykan's numbers beside ours and writes the report", () => {
    const out = mlkan(
      "reproduce",
      "hello-kan",
      "--quick",
      "--steps",
      "3",
      "--no-png",
      "--threads",
      "1",
      "--out",
      "hk",
    );
    expect(out).toMatch(/grid 50 \(projected\)/);
    expect(out).toMatch(/pykan test RMSE/);
    expect(out).toMatch(/3\.14e-3/);
    expect(out).toMatch(/whole run: .* vs pykan 45 s/);
    const json = JSON.parse(readFileSync(join(work, "hk", "hello-kan.json"), "utf8"));
    expect(json.rows).toHaveLength(5);
    expect(existsSync(join(work, "hk", "hello-kan-testRmse.svg"))).toBe(true);
  }, 60_000);
  it("reproduce continual writes one plot per phase and the region table", () => {
    const out = mlkan("reproduce", "continual", "--steps", "2", "--no-png", "--threads", "1", "--out", "cl");
    expect(out).toMatch(/earlier regions \(mean\)/);
    for (let p = 1; p <= 5; p++) expect(existsSync(join(work, "cl", `continual-phase${p}.svg`))).toBe(true);
    expect(() => mlkan("reproduce", "continual", "--steps", "0")).toThrow(
      /--steps must be a positive integer/,
    );
  }, 60_000);
});
