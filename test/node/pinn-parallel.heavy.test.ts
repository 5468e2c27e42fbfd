/**
 * The paper PINN experiments' runs on worker threads (src/node/pinn-parallel.ts): the same output as one
 * run after another on this thread (every metric, history, status, heat-map field and spectrum; only the
 * measured seconds differ), runs started longest first, and errors from a worker named and passed on.
 * Runs on the built worker (dist/), so `npm run build` must precede it (npm test does).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { allenCahnSettings } from "../../dist/experiments/allen-cahn.js";
import { burgersSettings } from "../../dist/experiments/burgers.js";
import { pinnPlan } from "../../dist/experiments/pinn-plans.js";
import { type PinnExperimentOutput, pinnJobOrder, runPinnPlan } from "../../dist/experiments/pinn-runner.js";
import { poissonSettings } from "../../dist/experiments/poisson-interface.js";
import { runPinnPlanInWorkers } from "../../dist/node/pinn-parallel.js";

/** The output without its measured seconds (run walls, the total, every history's clock). */
function withoutClocks(out: PinnExperimentOutput): unknown {
  return JSON.parse(JSON.stringify(out, (k, v) => (k === "wallSeconds" || k === "env" ? undefined : v)));
}

const cli = join(resolve(import.meta.dirname, "../.."), "dist/cli/main.js");
const work = mkdtempSync(join(tmpdir(), "mlkan-pinn-parallel-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("PINN runs on worker threads", () => {
  it("mlkan reproduce allen-cahn --quick --parallel runs --threads 2: the files of --threads 1", () => {
    const run = (dir: string, ...args: string[]) =>
      execFileSync("node", [cli, "reproduce", "allen-cahn", "--quick", "--no-png", "--out", dir, ...args], {
        cwd: work,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    run("one", "--threads", "1");
    run("two", "--threads", "2", "--parallel", "runs");
    const json = (dir: string) => {
      const r = JSON.parse(readFileSync(join(work, dir, "allen-cahn.json"), "utf8"));
      return JSON.parse(JSON.stringify(r, (k, v) => (k === "wallSeconds" || k === "env" ? undefined : v)));
    };
    expect(json("two")).toEqual(json("one"));
    const svgs = readdirSync(join(work, "one")).filter((f) => /heatmap|spectrum/.test(f));
    expect(svgs.length).toBeGreaterThanOrEqual(4);
    for (const f of svgs)
      expect(readFileSync(join(work, "two", f), "utf8")).toBe(readFileSync(join(work, "one", f), "utf8"));
    expect(() => run("bad", "--parallel", "rows")).toThrow(
      /--parallel must be runs or gradients, got "rows"/,
    );
  }, 300_000);

  it("allen-cahn --quick --best on 2 workers: the same output as on this thread, spectra included", async () => {
    const s = allenCahnSettings(true);
    s.rows.push("best");
    const here = runPinnPlan(pinnPlan("allen-cahn", s));
    const order: string[] = [];
    const there = await runPinnPlanInWorkers("allen-cahn", s, 2, {
      onRun: ({ key }) => {
        if (!order.includes(key)) order.push(key);
      },
    });
    expect(withoutClocks(there)).toEqual(withoutClocks(here));
    expect(Object.keys(there.extras).sort()).toEqual(["best", "multilevel", "relu-multilevel"]);
    // Longest first: the two rows of equal cost (4 x 50 steps) in table order, then the best row (150 steps
    // on about half the points).
    expect(order).toEqual(["multilevel", "relu-multilevel", "best"]);
    expect(there.result.rows.map((r) => r.wallSeconds > 0)).toEqual([true, true, true]);
  }, 300_000);

  it("burgers --quick over two seeds on 3 workers: rows and seeds land in table order", async () => {
    const s = burgersSettings(true);
    s.seeds = [1234, 1244];
    s.rows = ["coarse", "fine", "mlp-2-20-20-1"];
    const here = runPinnPlan(pinnPlan("burgers", s));
    const there = await runPinnPlanInWorkers("burgers", s, 3);
    expect(withoutClocks(there)).toEqual(withoutClocks(here));
    expect(there.result.rows.map((r) => r.metrics.loss.values.length)).toEqual([2, 2, 2]);
    expect(Object.keys(there.fields)).toEqual(["fine"]);
  }, 300_000);

  it("poisson-interface --quick with more workers than runs", async () => {
    const s = poissonSettings(true);
    s.rows = ["fine", "multilevel"];
    const here = runPinnPlan(pinnPlan("poisson-interface", s));
    const there = await runPinnPlanInWorkers("poisson-interface", s, 5);
    expect(withoutClocks(there)).toEqual(withoutClocks(here));
  }, 300_000);

  it("an error in a worker rejects with the experiment, row and seed; bad thread counts are refused", async () => {
    const s = allenCahnSettings(true);
    s.rows = ["fine", "multilevel"];
    s.optimizer = { ...s.optimizer, lr: -1 };
    await expect(runPinnPlanInWorkers("allen-cahn", s, 2)).rejects.toThrow(
      /allen-cahn (fine|multilevel) seed 1234: .*lr/,
    );
    await expect(runPinnPlanInWorkers("allen-cahn", allenCahnSettings(true), 0)).rejects.toThrow(
      /threads .* got 0/,
    );
    s.rows = [];
    await expect(runPinnPlanInWorkers("allen-cahn", s, 2)).rejects.toThrow(/no rows selected/);
  }, 300_000);

  it("pinnJobOrder: longest first by row cost, ties in table order, every run once", () => {
    const s = allenCahnSettings(false);
    s.seeds = [1, 2];
    const plan = pinnPlan("allen-cahn", s);
    const order = pinnJobOrder(plan);
    expect(order.length).toBe(plan.rows.length * 2);
    const keys = order.map((j) => `${plan.rows[j.rowIndex].key}@${j.seedIndex}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.slice(0, 2)).toEqual(["mlp-2-32-32-1@0", "mlp-2-32-32-1@1"]);
    expect(keys.slice(2, 4)).toEqual(["coarse@0", "fine-long@0"]);
    expect(keys.slice(-2)).toEqual(["fine@1", "fine-direct@1"]);
    const costs = order.map((j) => plan.rows[j.rowIndex].cost ?? 1);
    for (let k = 1; k < costs.length; k++) expect(costs[k]).toBeLessThanOrEqual(costs[k - 1]);
  });
});
