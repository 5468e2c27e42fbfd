/**
 * `mlkan train` reliability through the built CLI (issue 12): closed pipes, clashing and unwritable
 * paths, divergence and blow-ups (non-zero exit, a saved and marked state), size limits, seeds, stale
 * temporary files, `--select` (issue 15) and `--resume` after a kill.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, run, scratch, sh, writeData } from "../helpers/cli.js";

const work = scratch("mlkan-cli-train-");
afterAll(() => rmSync(work, { recursive: true, force: true }));
writeData(join(work, "data.csv"), 200);
const FAST = ["--data", "data.csv", "--target", "z", "--inputs", "x,y", "--no-png"];

function model(file: string) {
  return JSON.parse(readFileSync(join(work, file), "utf8"));
}

describe("mlkan train: output and exit status", () => {
  it("ends quietly (status 0, no EPIPE) when stdout is closed early, and still saves the model", () => {
    const r = sh(
      work,
      `$MLKAN train ${FAST.join(" ")} --grids 3,6 --steps 3 --save pipe.json | head -1; echo "status \${PIPESTATUS[0]}" >&2`,
    );
    expect(r.stdout).toMatch(/^training KAN \[2,5,1\]/);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|Error/);
    expect(r.stderr).toMatch(/status 0/);
    expect(model("pipe.json").training.status).toBe("completed");
  });

  it("refuses clashing paths before any work: --save = --plot, --save = JSON --data", () => {
    const r = run(work, "train", ...FAST, "--save", "p.json", "--plot", "p.json");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--save and --plot name the same file "p.json"/);
    expect(existsSync(join(work, "p.json"))).toBe(false);
    writeFileSync(join(work, "d.json"), JSON.stringify({ x: [0, 0.5, 1, 0.2], z: [1, 2, 3, 4] }));
    const before = readFileSync(join(work, "d.json"), "utf8");
    const r2 = run(
      work,
      "train",
      "--data",
      "d.json",
      "--target",
      "z",
      "--val",
      "0",
      "--grids",
      "3",
      "--save",
      "./d.json",
    );
    expect(r2.stderr).toMatch(/--data and --save name the same file/);
    expect(readFileSync(join(work, "d.json"), "utf8")).toBe(before);
    const r3 = run(
      work,
      "train",
      ...FAST.slice(0, -1),
      "--save",
      "q.json",
      "--plot",
      "q.png",
      "--grids",
      "3",
    );
    expect(r3.stderr).toMatch(/--plot and the plot's PNG name the same file "q.png"/);
  });

  it("checks the save path before training (a parent that is a file)", () => {
    writeFileSync(join(work, "afile"), "x");
    const r = run(work, "train", ...FAST, "--save", "afile/m.json", "--grids", "3,6");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--save afile\/m.json: cannot write there: a parent of it is a file/);
    expect(r.stdout).not.toMatch(/level 1/);
  });

  it("exits 1 on a finite blow-up (adam, lr 1e6), saying so, and saves the lowest-loss state marked diverged", () => {
    const r = run(
      work,
      "train",
      ...FAST,
      "--optimizer",
      "adam",
      "--lr",
      "1e6",
      "--steps",
      "40",
      "--grids",
      "3",
      "--save",
      "blow.json",
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/training blew up: the loss is .* over 10000 times the loss at the start/);
    const m = model("blow.json");
    expect(m.training.status).toMatch(/^diverged: training blew up/);
    expect(m.training.diverged).toBe(true);
    expect(r.stdout).toMatch(/wrote blow\.json/);
    expect(r.stdout).toMatch(
      /no level finished: saved the last parameters with a finite loss, marked diverged/,
    );
  });

  it("exits 1 when a later level blows up, keeping the finished level and saying so", () => {
    const r = run(
      work,
      "train",
      ...FAST,
      "--optimizer",
      "adam",
      "--lr",
      "1e6",
      "--steps",
      "0,40",
      "--grids",
      "3,6",
      "--save",
      "late.json",
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/training blew up: .* \(level 2 of 2, grid 6\)/);
    expect(r.stderr).toMatch(/late\.json: kept level 1 \(G=3\)/);
    const m = model("late.json");
    expect(m.training.status).toMatch(/^diverged: training blew up/);
    expect(m.training.selectedLevel).toBe(1);
    expect(m.layers.at(-1).grid).toBe(3);
    expect(run(work, "train", ...FAST, "--lr", "1e-2,", "--grids", "3", "--save", "x.json").stderr).toMatch(
      /--lr must be a number/,
    );
  });

  it("refuses sizes over the limit up front with a clear message", () => {
    const r = run(work, "train", ...FAST, "--width", "1000000000", "--save", "w.json");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/over the limit of 16777216|over 16777216 parameters/);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stderr).not.toMatch(/Invalid typed array length/);
    const r2 = run(work, "train", ...FAST, "--width", "2000", "--grids", "5000", "--save", "w.json");
    expect(r2.stderr).toMatch(/over the limit of 16777216/);
    expect(existsSync(join(work, "w.json"))).toBe(false);
  });

  it("uses seeds whole and refuses seeds beyond 2^53 - 1", () => {
    const r = run(work, "train", ...FAST, "--seed", "9007199254740993", "--grids", "3", "--save", "s.json");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--seed must be an integer in \[0, 9007199254740991\], got "9007199254740993"/);
    for (const s of ["0", "4294967296"])
      run(work, "train", ...FAST, "--seed", s, "--grids", "3", "--steps", "1", "--save", `s${s}.json`);
    expect(model("s0.json").params).not.toEqual(model("s4294967296.json").params);
  });

  it("removes temporary files that an interrupted save left behind", () => {
    const stale = join(work, `.tmpclean.json.${2 ** 22 + 7}.0123456789ab.tmp`);
    writeFileSync(stale, "partial");
    run(work, "train", ...FAST, "--grids", "3", "--steps", "1", "--save", "tmpclean.json");
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(join(work, "tmpclean.json"))).toBe(true);
  });
});

describe("mlkan train --select", () => {
  it("keeps the level with the best validation RMSE on noisy data, and --select last keeps the last", () => {
    const dir = join(work, "noisy");
    mkdirSync(dir);
    writeData(join(dir, "noisy.csv"), 60, 1.5);
    const args = [
      "--data",
      "noisy.csv",
      "--target",
      "z",
      "--inputs",
      "x,y",
      "--grids",
      "3,6,12,24",
      "--steps",
      "20",
      "--no-png",
      "--val",
      "0.3",
    ];
    const best = run(dir, "train", ...args, "--save", "best.json");
    expect(run(dir, "train", ...args, "--select", "last", "--save", "last.json").status).toBe(0);
    expect(best.status).toBe(0);
    const rb = JSON.parse(readFileSync(join(dir, "best.json"), "utf8"));
    const rl = JSON.parse(readFileSync(join(dir, "last.json"), "utf8"));
    const vals: number[] = rb.training.levels.map((l: { metrics: { valRmse: number } }) => l.metrics.valRmse);
    const argmin = vals.indexOf(Math.min(...vals));
    expect(vals[3]).toBeGreaterThan(vals[argmin]); // the data are noisy enough to overfit
    expect(rb.training.selectedLevel).toBe(argmin + 1);
    expect(rl.training.selectedLevel).toBe(4);
    expect(rb.layers.at(-1).grid).toBe([3, 6, 12, 24][argmin]);
    expect(best.stdout).toMatch(
      new RegExp(
        `kept level ${argmin + 1} \\(G=${[3, 6, 12, 24][argmin]}\\): the level with the best validation RMSE`,
      ),
    );
    expect(best.stdout).toMatch(/--select last keeps that one/);
    // The kept model is bit for bit the model of that level: the same run cut at that level.
    const cut = run(
      dir,
      "train",
      ...args.map((a) => (a === "3,6,12,24" ? [3, 6, 12, 24].slice(0, argmin + 1).join(",") : a)),
      "--select",
      "last",
      "--save",
      "cut.json",
    );
    expect(cut.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "cut.json"), "utf8")).params).toEqual(rb.params);
    expect(run(dir, "train", ...args, "--select", "worst", "--save", "x.json").stderr).toMatch(
      /--select must be "best" or "last", got "worst"/,
    );
  });
});

describe("mlkan train --resume", () => {
  it("continues a run killed after its first level to the same bits as an uninterrupted run", async () => {
    const dir = join(work, "resume");
    mkdirSync(dir);
    writeData(join(dir, "data.csv"), 200);
    const args = [
      "--data",
      "data.csv",
      "--target",
      "z",
      "--inputs",
      "x,y",
      "--grids",
      "3,6,12",
      "--steps",
      "5,300,5",
      "--optimizer",
      "adam",
      "--batch",
      "64",
      "--no-png",
    ];
    expect(run(dir, "train", ...args, "--save", "full.json").status).toBe(0);
    // The same run, killed (SIGKILL) as soon as the first level's checkpoint is reported.
    await new Promise<void>((resolve, reject) => {
      const child = spawn("node", [cli, "train", ...args, "--save", "cut.json"], { cwd: dir });
      let text = "";
      child.stdout.on("data", (d: Buffer) => {
        text += d.toString();
        if (/level 1\/3/.test(text)) child.kill("SIGKILL");
      });
      child.on("exit", (_code, signal) =>
        signal === "SIGKILL" ? resolve() : reject(new Error(`not killed: ${text}`)),
      );
    });
    const cut = JSON.parse(readFileSync(join(dir, "cut.json"), "utf8"));
    expect(cut.training.status).toBe("level 1 of 3 done");
    // The same checkpoint beside changed data is refused.
    mkdirSync(join(dir, "changed"));
    writeFileSync(join(dir, "changed", "cut.json"), JSON.stringify(cut));
    writeData(join(dir, "changed", "data.csv"), 201);
    expect(run(join(dir, "changed"), "train", "--resume", "cut.json").stderr).toMatch(
      /the data file data\.csv changed since the run started/,
    );
    const r = run(dir, "train", "--resume", "cut.json", "--no-png");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/resuming at level 2 of 3/);
    const full = JSON.parse(readFileSync(join(dir, "full.json"), "utf8"));
    const resumed = JSON.parse(readFileSync(join(dir, "cut.json"), "utf8"));
    expect(resumed.params).toEqual(full.params);
    expect(resumed.training.levels).toEqual(full.training.levels);
    expect(resumed.training.status).toBe("completed");
    // Resuming again, or with options that would change the run, is refused.
    expect(run(dir, "train", "--resume", "cut.json").stderr).toMatch(/that run already completed/);
    expect(run(dir, "train", "--resume", "full.json", "--grids", "3,6").stderr).toMatch(
      /--resume continues with the options recorded in full.json; remove --grids/,
    );
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
