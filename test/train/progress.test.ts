/** The terminal progress line. */
import { describe, expect, it } from "vitest";
import { progressReporter, progressText } from "../../src/train/progress.js";
import type { TrainProgress } from "../../src/train/trainer.js";

const p = (step: number, extra: Partial<TrainProgress> = {}): TrainProgress => ({
  level: 1,
  levels: 4,
  grid: 10,
  step,
  totalSteps: 60,
  levelStep: step - 32,
  levelSteps: 16,
  loss: 1.234e-4,
  elapsed: 12.34,
  ...extra,
});

describe("progress line", () => {
  it("shows level, grid, step, loss and elapsed time", () => {
    expect(progressText("seed 1234", p(40))).toBe(
      "seed 1234  level 2/4 G=10  step 40/60  loss 1.23e-4  12.3 s",
    );
    expect(progressText("", p(3, { levels: 1, grid: null, totalSteps: 5 }))).toBe(
      "step 3/5  loss 1.23e-4  12.3 s",
    );
  });

  it("rewrites one line on a terminal, throttled, and clears it", () => {
    const out: string[] = [];
    let t = 0;
    const r = progressReporter({ isTTY: true, columns: 200, write: (s) => out.push(s) }, { now: () => t });
    r.setLabel("run");
    r.onProgress(p(33));
    t = 50;
    r.onProgress(p(34)); // throttled
    t = 150;
    r.onProgress(p(35));
    r.onProgress(p(60)); // the last step is always shown
    r.clear();
    expect(out).toHaveLength(4);
    expect(out[0]).toBe("\r\x1b[2Krun  level 2/4 G=10  step 33/60  loss 1.23e-4  12.3 s");
    expect(out[1]).toMatch(/step 35\/60/);
    expect(out[2]).toMatch(/step 60\/60/);
    expect(out[3]).toBe("\r\x1b[2K");
  });

  it("writes nothing when the stream is not a terminal", () => {
    const out: string[] = [];
    const r = progressReporter({ isTTY: false, write: (s) => out.push(s) });
    r.onProgress(p(1));
    r.clear();
    expect(r.active).toBe(false);
    expect(out).toEqual([]);
  });

  it("cuts the line to the terminal width", () => {
    const out: string[] = [];
    const r = progressReporter({ isTTY: true, columns: 20, write: (s) => out.push(s) });
    r.onProgress(p(40));
    expect(out[0]).toBe(`\r\x1b[2K${progressText("", p(40)).slice(0, 19)}`);
  });
});
