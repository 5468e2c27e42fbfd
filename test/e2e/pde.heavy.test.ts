/** `mlkan reproduce pykan-poisson | kan-paper-pde | helmholtz` end to end (quick budget, robust facts only). */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "dist/cli/main.js");
const work = mkdtempSync(join(tmpdir(), "mlkan-pde-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function mlkan(...args: string[]): string {
  return execFileSync("node", [cli, ...args], {
    cwd: work,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("mlkan reproduce (PDE peers)", () => {
  it("pykan-poisson --quick: table beside pykan's number, JSON, CSV, curves and heat maps", () => {
    const out = mlkan(
      "reproduce",
      "pykan-poisson",
      "--quick",
      "--rows",
      "kan-multilevel,mlp",
      "--threads",
      "1",
      "--out",
      "pp",
      "--json",
      "pp.json",
      "--no-png",
    );
    expect(out).toMatch(/\| KAN \[2,2,1\] +\| spline \| multilevel G=5,10,20/);
    expect(out).toMatch(/relL2 0\.0165, 164 s/);
    const jump = Number(/largest relative change across a refinement (\S+)/.exec(out)?.[1]);
    expect(jump).toBeLessThanOrEqual(1e-12);
    const levels = /end of each level \(first seed\): (\S+) -> (\S+) -> (\S+)\./.exec(out);
    expect(Number(levels?.[3])).toBeLessThan(Number(levels?.[1]));
    const json = JSON.parse(readFileSync(join(work, "pp.json"), "utf8"));
    expect(json.experiment).toBe("pykan-poisson");
    expect(json.rows.map((r: { key: string }) => r.key)).toEqual(["kan-multilevel", "mlp"]);
    for (const f of [
      "pykan-poisson.md",
      "pykan-poisson.csv",
      "pykan-poisson-relL2.svg",
      "pykan-poisson-heatmap-kan-multilevel.svg",
      "pykan-poisson-heatmap-mlp.svg",
    ])
      expect(existsSync(join(work, "pp", f))).toBe(true);
  }, 120_000);

  it("bad input gets a clear error", () => {
    expect(() => mlkan("reproduce", "poisson-nope")).toThrow(/unknown command 'poisson-nope'/);
    expect(() => mlkan("reproduce", "helmholtz", "--grids", "3,5")).toThrow(/--grids: 5 does not nest in 3/);
    expect(() => mlkan("reproduce", "pykan-poisson", "--rows", "kan")).toThrow(/--rows: unknown row "kan"/);
    expect(() => mlkan("reproduce", "pykan-poisson", "--resample", "10")).toThrow(/uses a fixed grid/);
    expect(() => mlkan("reproduce", "helmholtz", "--steps", "1,2,3")).toThrow(
      /--steps lists 3 values for 4 grids/,
    );
  });
});
