/**
 * The run log of the paper PINN commands (src/node/run-log.ts): records read back with their bits, the
 * runs it holds skipped by `runPinnPlan` with the output unchanged, and a log of another command refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pinnPlan } from "../../src/experiments/pinn-plans.js";
import {
  type PinnExperimentOutput,
  type PinnRunRecord,
  runPinnPlan,
} from "../../src/experiments/pinn-runner.js";
import { poissonSettings } from "../../src/experiments/poisson-interface.js";
import { PinnRunLog, removeRunLog, runLogPath } from "../../src/node/run-log.js";

const work = mkdtempSync(join(tmpdir(), "mlkan-run-log-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Two rows over two seeds of the quick Poisson plan (four short runs, heat-map fields of the first seed's multilevel run). */
function settings() {
  const s = poissonSettings(true);
  s.rows = ["coarse", "multilevel"];
  s.seeds = [1234, 1244];
  s.stepsPerLevel = 20;
  return s;
}

/** The output without its measured seconds. */
function withoutClocks(out: PinnExperimentOutput): unknown {
  return JSON.parse(JSON.stringify(out, (k, v) => (k === "wallSeconds" || k === "env" ? undefined : v)));
}

describe("PINN run log", () => {
  const plan = pinnPlan("poisson-interface", settings());
  const records: { key: string; seed: number; record: PinnRunRecord }[] = [];
  const full = runPinnPlan(plan, { onRunDone: (r) => records.push(r) });

  it("reads back every record with its bits and puts it at its run's index", () => {
    const path = runLogPath(join(work, "a"), plan.experiment);
    expect(path.endsWith(join("a", "poisson-interface.runs.json"))).toBe(true);
    const log = PinnRunLog.open(path, plan, true);
    expect(log.size).toBe(0);
    // Table order is seed-major: (coarse, 1234), (multilevel, 1234), (coarse, 1244), (multilevel, 1244).
    log.add("multilevel", 1244, records[3].record);
    log.add("coarse", 1234, records[0].record);
    log.add("multilevel", 1234, records[1].record);
    const back = PinnRunLog.open(path, plan, true).completed();
    expect([...back.keys()].sort()).toEqual([0, 1, 3]);
    for (const k of [0, 1, 3]) expect(back.get(k)).toEqual(records[k].record);
    // NaN (metrics between evaluations) and the heat-map fields (Float64Array) come back as such.
    const metric = back.get(0)?.history.metrics.relL2 ?? [];
    expect(metric.some((v) => Number.isNaN(v))).toBe(true);
    expect(back.get(1)?.fields?.solution.values).toBeInstanceOf(Float64Array);
    expect(back.get(1)?.fields?.solution.values).toEqual(records[1].record.fields?.solution.values);
    // Without --resume the log starts empty.
    expect(PinnRunLog.open(path, plan, false).size).toBe(0);
    removeRunLog(join(work, "a"), plan.experiment);
    expect(PinnRunLog.open(path, plan, true).size).toBe(0);
  });

  it("runPinnPlan trains only the runs missing from the log; the output is that of the full run", () => {
    const completed = new Map([
      [0, records[0].record],
      [3, records[3].record],
    ]);
    const trained: string[] = [];
    const out = runPinnPlan(plan, { completed, onRun: ({ key, seed }) => trained.push(`${key} ${seed}`) });
    expect(trained).toEqual(["multilevel 1234", "coarse 1244"]);
    expect(withoutClocks(out)).toEqual(withoutClocks(full));
  });

  it("another --rows reuses the runs of the rows it shares and keeps the others in the file", () => {
    const path = join(work, "c.runs.json");
    const log = PinnRunLog.open(path, plan, false);
    log.add("coarse", 1234, records[0].record);
    log.add("multilevel", 1244, records[3].record);
    const s = settings();
    s.rows = ["multilevel"];
    const narrow = pinnPlan("poisson-interface", s);
    const back = PinnRunLog.open(path, narrow, true);
    expect(back.size).toBe(1);
    // The narrow plan's runs: (multilevel, 1234), (multilevel, 1244).
    expect([...back.completed().keys()]).toEqual([1]);
    back.add("multilevel", 1234, records[1].record);
    const all = PinnRunLog.open(path, plan, true);
    expect(all.size).toBe(3);
    expect([...all.completed().keys()].sort()).toEqual([0, 1, 3]);
  });

  it("refuses a log of other settings, another experiment, or not a log, and a run not in the plan", () => {
    const path = join(work, "b.runs.json");
    PinnRunLog.open(path, plan, false).add("coarse", 1234, records[0].record);
    const other = settings();
    other.stepsPerLevel = 21;
    expect(() => PinnRunLog.open(path, pinnPlan("poisson-interface", other), true)).toThrow(
      /--resume: .*b\.runs\.json was written with other settings \(multilevel differ\)/,
    );
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.replace('"experiment":"poisson-interface"', '"experiment":"burgers"'));
    expect(() => PinnRunLog.open(path, plan, true)).toThrow(
      /is the run log of burgers, not of poisson-interface/,
    );
    writeFileSync(path, text.replace('"runs":[{"key":"coarse"', '"runs":[{"key":1'));
    expect(() => PinnRunLog.open(path, plan, true)).toThrow(/a run without key, seed and record/);
    writeFileSync(path, text.slice(0, 100));
    expect(() => PinnRunLog.open(path, plan, true)).toThrow(/b\.runs\.json: not a readable run log/);
    writeFileSync(path, "{}");
    expect(() => PinnRunLog.open(path, plan, true)).toThrow(/not a run log of mlkan reproduce/);
    expect(() => PinnRunLog.open(path, plan, false).add("coarse", 1, records[0].record)).toThrow(
      /row coarse seed 1 is not a run of the plan/,
    );
  });
});
