/**
 * The streaming side of src/node/data.ts (beside data.test.ts): the incremental parser against the previous whole-text parser
 * (the oracle in test/helpers/csv-oracle.ts) on random CSV text cut into random pieces, the streamed
 * file reader, and byte order marks in JSON data.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { CsvParser, parseCsv, parseJsonTable, streamCsvFile } from "../../src/node/data.js";
import { oracleParseCsv } from "../helpers/csv-oracle.js";

const work = mkdtempSync(join(tmpdir(), "mlkan-data-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** CSV-ish text from the characters that matter (separators, quotes, line ends, a BOM, plain text). */
const csvText = fc
  .array(
    fc.constantFrom("a", "b", "1", "2.5", ",", '"', '""', "\n", "\r\n", "\r", " ", "x y", "\ufeff", ""),
    {
      maxLength: 60,
    },
  )
  .map((parts) => parts.join(""));

/** Feeds `text` to a CsvParser in pieces cut at `cuts` (fractions of the length). */
function parsePieces(text: string, cuts: number[]) {
  const records: [string[], number][] = [];
  const parser = new CsvParser("t", (f, line) => records.push([f, line]));
  const at = [...new Set(cuts.map((c) => Math.floor(c * text.length)))].sort((a, b) => a - b);
  let prev = 0;
  for (const c of at) {
    parser.push(text.slice(prev, c));
    prev = c;
  }
  parser.push(text.slice(prev));
  parser.end();
  return records;
}

describe("CsvParser", () => {
  it("parses exactly as the previous parser did (tables and error messages), in any chunking", () => {
    fc.assert(
      fc.property(
        csvText,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        (text, cuts) => {
          const want = outcome(() => oracleParseCsv(text, "t"));
          expect(outcome(() => parseCsv(text, "t"))).toEqual(want);
          const whole = outcome(() => parsePieces(text, []));
          expect(outcome(() => parsePieces(text, cuts))).toEqual(whole);
        },
      ),
      { seed: 12, numRuns: 3000 },
    );
  });

  it("streams a file in batches with line numbers, and names the file and line on errors", () => {
    const f = join(work, "s.csv");
    writeFileSync(f, '\ufeffa,b\r\n1,"x\ny"\n\n3,4\n5,6');
    const batches: [string[][], string[]][] = [];
    let header: string[] = [];
    const r = streamCsvFile(
      f,
      (c) => {
        header = c;
      },
      (rows, where) => batches.push([rows, where]),
      2,
    );
    expect(header).toEqual(["a", "b"]);
    expect(r.rows).toBe(3);
    expect(batches).toEqual([
      [
        [
          ["1", "x\ny"],
          ["3", "4"],
        ],
        ["line 2", "line 5"],
      ],
      [[["5", "6"]], ["line 6"]],
    ]);
    writeFileSync(f, "a,b\n1,2\n3\n");
    expect(() =>
      streamCsvFile(
        f,
        () => {},
        () => {},
      ),
    ).toThrow(/s\.csv: line 3 has 1 field, but the header has 2 columns/);
    expect(() =>
      streamCsvFile(
        join(work, "none.csv"),
        () => {},
        () => {},
      ),
    ).toThrow(/cannot read data file .*none\.csv: no such file/);
    expect(() =>
      streamCsvFile(
        work,
        () => {},
        () => {},
      ),
    ).toThrow(/it is a directory/);
  });

  it("keeps multi-byte characters cut between read buffers", () => {
    const f = join(work, "u.csv");
    const name = "é".repeat(700_000);
    writeFileSync(f, `a\n${name}\n`);
    const got: string[] = [];
    streamCsvFile(
      f,
      () => {},
      (rows) => got.push(...rows.map((r) => r[0])),
    );
    expect(got).toEqual([name]);
  });
});

describe("JSON data", () => {
  it("accepts a byte order mark", () => {
    expect(parseJsonTable('\ufeff{"x":[1,2]}', "j").rows).toEqual([[1], [2]]);
  });
});
