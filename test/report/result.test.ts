import { describe, expect, it } from "vitest";
import {
  parseResult,
  resultToJson,
  summarize,
  validateHistory,
  validateResult,
} from "../../src/report/result.js";
import { makeHistory, makeResult } from "./fixtures.js";

describe("summarize", () => {
  it("gives the mean and the sample standard deviation (n - 1)", () => {
    const s = summarize([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(s.values).toEqual([1, 2, 3, 4]);
  });

  it("gives std null for one value", () => {
    expect(summarize([1.5e-3])).toEqual({ mean: 1.5e-3, std: null, values: [1.5e-3] });
  });

  it("keeps digits when the spread is tiny against the mean", () => {
    const s = summarize([1e8 + 1, 1e8 + 2, 1e8 + 3]);
    expect(s.std).toBeCloseTo(1, 12);
  });

  it("copies the values and rejects empty or non-numeric input", () => {
    const v = [1, 2];
    const s = summarize(v);
    v[0] = 99;
    expect(s.values).toEqual([1, 2]);
    expect(() => summarize([])).toThrow(/non-empty/);
    expect(() => summarize([1, "2" as unknown as number])).toThrow(/values\[1\]/);
  });
});

describe("validateResult", () => {
  it("accepts a well-formed result and returns an equal copy", () => {
    const r = makeResult();
    const v = validateResult(r);
    expect(v).not.toBe(r);
    expect(resultToJson(v)).toBe(resultToJson(r));
  });

  const cases: [string, (r: Record<string, unknown>) => void, RegExp][] = [
    ["missing experiment", (r) => delete r.experiment, /result\.experiment must be a string/],
    ["settings not an object", (r) => (r.settings = [1]), /result\.settings must be an object/],
    ["env.cores zero", (r) => ((r.env as Record<string, unknown>).cores = 0), /result\.env\.cores/],
    ["negative wallSeconds", (r) => (r.wallSeconds = -1), /result\.wallSeconds must be a finite number >= 0/],
    ["rows not an array", (r) => (r.rows = {}), /result\.rows must be an array/],
    [
      "params not an integer",
      (r) => ((r.rows as Record<string, unknown>[])[1].params = 2.5),
      /result\.rows\[1\]\.params must be an integer/,
    ],
    [
      "std a string",
      (r) => {
        const m = (r.rows as { metrics: Record<string, Record<string, unknown>> }[])[0].metrics;
        m.testMse.std = "x";
      },
      /result\.rows\[0\]\.metrics\.testMse\.std must be a number or null, got "x"/,
    ],
    [
      "empty values",
      (r) => {
        const m = (r.rows as { metrics: Record<string, Record<string, unknown>> }[])[0].metrics;
        m.trainMse.values = [];
      },
      /result\.rows\[0\]\.metrics\.trainMse\.values must not be empty/,
    ],
    [
      "history arrays of different lengths",
      (r) => {
        const h = (r.rows as { history: { loss: number[] }[] }[])[0].history;
        h[1].loss.pop();
      },
      /result\.rows\[0\]\.history\[1\]\.loss must have length 60/,
    ],
    [
      "level beyond the steps",
      (r) => {
        const h = (r.rows as { history: { levels: { startStep: number }[] }[] }[])[0].history;
        h[0].levels[2].startStep = 99;
      },
      /result\.rows\[0\]\.history\[0\]\.levels\[2\]\.startStep must be <= the number of steps/,
    ],
  ];
  for (const [what, mutate, message] of cases) {
    it(`rejects ${what}, naming the field`, () => {
      const r = makeResult() as unknown as Record<string, unknown>;
      mutate(r);
      expect(() => validateResult(r)).toThrow(message);
    });
  }

  it("rejects a non-object", () => {
    expect(() => validateResult(null)).toThrow(/result must be an object, got null/);
    expect(() => validateResult([])).toThrow(/result must be an object/);
  });

  it("rejects steps that do not increase", () => {
    const h = makeHistory();
    h.step[3] = h.step[2];
    expect(() => validateHistory(h)).toThrow(/history\.step must be increasing/);
  });
});

describe("result JSON", () => {
  it("round-trips, with NaN written as null and read back as NaN", () => {
    const r = makeResult();
    const text = resultToJson(r);
    expect(text).not.toMatch(/NaN/);
    expect(text.endsWith("}\n")).toBe(true);
    const back = parseResult(text);
    const h = Array.isArray(back.rows[0].history) ? back.rows[0].history[0] : back.rows[0].history!;
    expect(Number.isNaN(h.metrics.testMse[0])).toBe(true);
    expect(h.metrics.testMse[4]).toBe(makeHistory().metrics.testMse[4]);
    expect(back.rows[1].metrics.testMse.std).toBeNull();
    expect(resultToJson(back)).toBe(text);
  });

  it("puts flat arrays on one line and is deterministic", () => {
    const text = resultToJson(makeResult());
    expect(text).toMatch(/"values": \[0\.0016, 0\.0017\]/);
    expect(text).toMatch(/"grids": \[5, 10, 20\]/);
    expect(resultToJson(makeResult())).toBe(text);
  });

  it("reports invalid JSON text clearly", () => {
    expect(() => parseResult("{", "run.json")).toThrow(/run\.json: not valid JSON/);
  });
});

describe("validateHistory", () => {
  it("reads typed arrays as plain arrays", () => {
    const h = makeHistory([5], 3);
    const typed = { ...h, loss: Float64Array.from(h.loss) };
    const v = validateHistory(typed);
    expect(Array.isArray(v.loss)).toBe(true);
    expect(v.loss).toEqual(h.loss);
  });
});
