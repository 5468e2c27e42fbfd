/**
 * `--resume` of the paper PINN commands end to end: a command interrupted after its first run (the run
 * log then holds that run) and resumed, on one thread or on worker threads, writes the JSON, heat maps and
 * spectra of one uninterrupted command, and deletes the log; a resume with other settings is refused and
 * leaves the log as it was. Runs the built CLI (dist/), so `npm run build` must precede it (npm test does).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { allenCahnSettingsFromCli } from "../../dist/cli/reproduce-allen-cahn.js";
import { pinnPlan } from "../../dist/experiments/pinn-plans.js";
import { runPinnPlan } from "../../dist/experiments/pinn-runner.js";
import { PinnRunLog, runLogPath } from "../../dist/node/run-log.js";

const cli = join(resolve(import.meta.dirname, "../.."), "dist/cli/main.js");
const work = mkdtempSync(join(tmpdir(), "mlkan-resume-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ARGS = ["reproduce", "allen-cahn", "--quick", "--seeds", "2", "--no-png"];

/** Runs the CLI in `work`; returns its stderr, or throws it when the command fails. */
function run(dir: string, ...args: string[]): string {
  const r = spawnSync("node", [cli, ...ARGS, "--out", dir, ...args], { cwd: work, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return r.stderr;
}

/**
 * Writes what a command killed right after its first run leaves: the run log with that run (multilevel,
 * seed 1234), its training seconds marked as 12345.
 */
function interruptedAfterFirstRun(dir: string): string {
  const plan = pinnPlan("allen-cahn", allenCahnSettingsFromCli({ quick: true, seeds: "2", out: dir }));
  const path = runLogPath(join(work, dir), plan.experiment);
  const log = PinnRunLog.open(path, plan, false);
  expect(() =>
    runPinnPlan(plan, {
      onRunDone: ({ key, seed, record }) => {
        // A mark that shows in the output only if the command reuses this record instead of training.
        log.add(key, seed, { ...record, seconds: 12345 });
        throw new Error("killed");
      },
    }),
  ).toThrow("killed");
  return path;
}

function json(dir: string): unknown {
  const r = JSON.parse(readFileSync(join(work, dir, "allen-cahn.json"), "utf8"));
  return JSON.parse(JSON.stringify(r, (k, v) => (k === "wallSeconds" || k === "env" ? undefined : v)));
}

describe("mlkan reproduce --resume", () => {
  it("an interrupted allen-cahn --quick, resumed, writes the files of an uninterrupted one", () => {
    expect(run("full", "--threads", "1")).toMatch(
      /each finished run is recorded in .*allen-cahn\.runs\.json/,
    );
    expect(existsSync(join(work, "full", "allen-cahn.runs.json"))).toBe(false);
    const svgs = readdirSync(join(work, "full")).filter((f) => /heatmap|spectrum/.test(f));
    expect(svgs.length).toBeGreaterThanOrEqual(4);

    for (const [dir, how] of [
      ["one", ["--threads", "1"]],
      ["two", ["--threads", "2", "--parallel", "runs"]],
    ] as const) {
      const log = interruptedAfterFirstRun(dir);
      const before = readFileSync(log, "utf8");
      expect(() => run(dir, "--resume", "--steps", "40")).toThrow(/was written with other settings/);
      expect(readFileSync(log, "utf8")).toBe(before);
      const err = run(dir, ...how, "--resume");
      expect(err).toMatch(
        /--resume: 1 of 4 runs read back from .*allen-cahn\.runs\.json; training the other 3/,
      );
      expect(existsSync(log)).toBe(false);
      expect(json(dir)).toEqual(json("full"));
      const rows = JSON.parse(readFileSync(join(work, dir, "allen-cahn.json"), "utf8")).rows;
      expect(rows.map((r: { key: string; wallSeconds: number }) => [r.key, r.wallSeconds > 12345])).toEqual([
        ["multilevel", true],
        ["relu-multilevel", false],
      ]);
      for (const f of svgs)
        expect(readFileSync(join(work, dir, f), "utf8")).toBe(readFileSync(join(work, "full", f), "utf8"));
    }
    // Without a log, --resume starts from the first run and says so.
    expect(run("fresh", "--threads", "1", "--resume")).toMatch(
      /no runs recorded at .*; starting from the first run/,
    );
    expect(json("fresh")).toEqual(json("full"));
  }, 300_000);
});
