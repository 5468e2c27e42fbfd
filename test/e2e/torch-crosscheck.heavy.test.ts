/**
 * mlkan's paper PINN rows against an independent PyTorch implementation (`bench/torch-crosscheck/`): from
 * the same initial parameters, the loss histories agree to rounding. Runs only where a Python with torch is
 * found (`MLKAN_TORCH_PYTHON`, `python3`, `/usr/bin/python3`, e.g. Debian's python3-torch); the project itself
 * needs no Python, so elsewhere the file is skipped.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const dir = join(root, "bench/torch-crosscheck");
const work = mkdtempSync(join(tmpdir(), "mlkan-torch-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const candidates = [process.env.MLKAN_TORCH_PYTHON, "python3", "/usr/bin/python3"].filter(
  (p): p is string => !!p,
);
const python = candidates.find(
  (p) => spawnSync(p, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 }).status === 0,
);

interface Comparison {
  compared: number;
  "leadingWithin1e-12": number;
  maxRelDiff: number;
}

function crosscheck(experiment: string, mlkanArgs: string[], torchArgs: string[]) {
  const file = join(work, `${experiment}.json`);
  execFileSync("node", [join(dir, "mlkan-run.mjs"), experiment, ...mlkanArgs, "--out", file], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = execFileSync(python!, [`${experiment}.py`, "--against", file, ...torchArgs], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  return JSON.parse(out.split("\n")[0]!) as Record<string, unknown> & { lossesVsMlkan: Comparison };
}

describe.skipIf(!python)("PyTorch cross-check (bench/torch-crosscheck)", () => {
  it("Burgers (Table 3 model, nu = 0.01): 20 Adam steps with the cyclic schedule agree to 1e-12", () => {
    const r = crosscheck("burgers", ["--steps", "20"], []);
    expect(r.lossesVsMlkan.compared).toBe(21);
    expect(r.lossesVsMlkan["leadingWithin1e-12"]).toBe(21);
  });

  it("Poisson interface (multilevel G = 4, 8, 16, 32, 10 steps each): losses and relative L2 per level agree", () => {
    const r = crosscheck("poisson", ["--multilevel", "--level-steps", "10"], ["--level-steps", "10"]);
    expect(r.lossesVsMlkan.compared).toBe(11);
    expect(r.lossesVsMlkan["leadingWithin1e-12"]).toBe(11);
    const pairs: [number[], number[]] = [r.levelLoss as number[], r.mlkanLevelLoss as number[]];
    const rel: [number[], number[]] = [r.levelRelL2 as number[], r.mlkanLevelRelL2 as number[]];
    for (const [torchValues, mlkanValues] of [pairs, rel]) {
      expect(torchValues).toHaveLength(4);
      for (let i = 0; i < 4; i++)
        expect(Math.abs(torchValues[i]! - mlkanValues[i]!)).toBeLessThanOrEqual(
          1e-9 * Math.abs(mlkanValues[i]!),
        );
    }
  });
});
