/** `mlkan train`'s steps in-process: level selection and reading a checkpoint with a kept level. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type LevelRecordCli,
  readCheckpoint,
  selectLevel,
  type TrainingRecord,
} from "../../src/cli/train.js";
import { KAN } from "../../src/model/kan.js";
import { writeModelFile } from "../../src/node/model-file.js";

const work = mkdtempSync(join(tmpdir(), "mlkan-train-unit-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const level = (grid: number, valRmse?: number): LevelRecordCli => ({
  grid,
  params: 1,
  steps: 1,
  loss: 1,
  metrics: valRmse === undefined ? { trainRmse: 1 } : { trainRmse: 1, valRmse },
});

describe("selectLevel", () => {
  it("picks the lowest validation RMSE (the earliest on ties), or the last level", () => {
    const levels = [level(5, 3), level(10, 1), level(20, 1), level(40, 2)];
    expect(selectLevel(levels, "best").index).toBe(1);
    expect(selectLevel(levels, "last").index).toBe(3);
    expect(selectLevel([level(5), level(10)], "best")).toEqual({
      index: 1,
      why: "the last level (no validation split to select by)",
    });
  });
});

describe("readCheckpoint", () => {
  it("continues from the last level stored beside an earlier kept level", () => {
    const best = new KAN({ width: [2, 1], grid: 3, seed: 1 });
    const last = best.refine(6);
    last.params[0] += 1;
    const record = {
      inputs: ["x", "y"],
      targets: ["z"],
      data: "d.csv",
      trainRows: 1,
      valRows: 1,
      seed: 0,
      optimizer: { type: "lbfgs", preset: "pykan", lr: 1 },
      grids: [3, 6, 12],
      steps: [1, 1, 1],
      levels: [level(3, 1), level(6, 2)],
      status: "level 2 of 3 done",
      selectedLevel: 1,
      options: { grids: "3,6,12" },
    } as TrainingRecord;
    const f = join(work, "ck.json");
    writeModelFile(f, best, { training: record, last });
    const ck = readCheckpoint(f);
    expect(Array.from(ck.last.params)).toEqual(Array.from(last.params));
    expect(ck.last.grids).toEqual([6]);
    expect(ck.kept?.level).toBe(0);
    expect(Array.from(ck.kept?.model.params ?? [])).toEqual(Array.from(best.params));
    writeModelFile(f, best, { training: { ...record, status: "diverged: x", levels: [level(3, 1)] } });
    expect(() => readCheckpoint(f)).toThrow(/that run diverged/);
    writeModelFile(f, best);
    expect(() => readCheckpoint(f)).toThrow(/no training record of mlkan train/);
  });
});

describe("parseTrainOptions", () => {
  const base = {
    data: "d.csv",
    target: "z",
    save: "m.json",
    width: "5",
    grids: "5,10,20,40",
    k: "3",
    basis: "spline",
    normalize: "sigmoid",
    optimizer: "lbfgs",
    lbfgs: "pykan",
    val: "0.2",
    seed: "0",
    metricsEvery: "1",
    select: "best",
  };
  it("refuses oversized models before the data is read, and seeds it cannot use whole", async () => {
    const { parseTrainOptions } = await import("../../src/cli/train.js");
    expect(parseTrainOptions(base).grids).toEqual([5, 10, 20, 40]);
    expect(() => parseTrainOptions({ ...base, width: "1000000000" })).toThrow(
      /--width 1000000000 with grid 40 would have at least 86000000000 parameters, over the limit of 16777216/,
    );
    expect(() => parseTrainOptions({ ...base, seed: "9007199254740992" })).toThrow(
      /--seed must be an integer in/,
    );
    expect(() => parseTrainOptions({ ...base, select: "first" })).toThrow(
      /--select must be "best" or "last"/,
    );
  });
});
