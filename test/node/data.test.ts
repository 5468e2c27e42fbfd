/** The CSV and JSON readers of `mlkan train` / `mlkan predict` (src/node/data.ts). */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  cellNumber,
  numericColumns,
  parseColumnList,
  parseCsv,
  parseJsonTable,
  readTable,
} from "../../src/node/data.js";
import { toCsv } from "../../src/report/csv.js";

const dir = mkdtempSync(join(tmpdir(), "mlkan-data-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseCsv (RFC 4180)", () => {
  it("reads a header and rows; CRLF or LF; trailing newline optional; BOM ignored", () => {
    for (const text of ["a,b\r\n1,2\r\n3,4\r\n", "a,b\n1,2\n3,4", "\ufeffa,b\n1,2\n3,4\n"]) {
      const t = parseCsv(text, "t.csv");
      expect(t.columns).toEqual(["a", "b"]);
      expect(t.rows).toEqual([
        ["1", "2"],
        ["3", "4"],
      ]);
      expect(t.where).toEqual(["line 2", "line 3"]);
    }
  });

  it("handles quoted fields: commas, doubled quotes, line breaks, empty quoted fields", () => {
    const t = parseCsv('name,"x, y",z\n"a ""b""",1,"line\nbreak"\n"",2,""\nlast,3,4\n', "q.csv");
    expect(t.columns).toEqual(["name", "x, y", "z"]);
    expect(t.rows).toEqual([
      ['a "b"', "1", "line\nbreak"],
      ["", "2", ""],
      ["last", "3", "4"],
    ]);
    // Line numbers count the line break inside the quoted field.
    expect(t.where).toEqual(["line 2", "line 4", "line 5"]);
  });

  it("skips blank lines, keeps empty cells, trims header names", () => {
    const t = parseCsv(" a , b \n\n1,\n\n,2\n\n", "b.csv");
    expect(t.columns).toEqual(["a", "b"]);
    expect(t.rows).toEqual([
      ["1", ""],
      ["", "2"],
    ]);
    expect(t.where).toEqual(["line 3", "line 5"]);
  });

  it("round-trips what the report CSV writer writes", () => {
    const text = toCsv(
      ["a", "b,c", 'd"e'],
      [
        ["x\ny", 1.5, 'q"q'],
        ["", -2e-300, "plain"],
      ],
    );
    const t = parseCsv(text);
    expect(t.columns).toEqual(["a", "b,c", 'd"e']);
    expect(t.rows).toEqual([
      ["x\ny", "1.5", 'q"q'],
      ["", "-2e-300", "plain"],
    ]);
  });

  it("rejects malformed files with the line", () => {
    expect(() => parseCsv("", "e.csv")).toThrow(/e.csv: the file is empty/);
    expect(() => parseCsv("\n\n", "e.csv")).toThrow(/the file is empty/);
    expect(() => parseCsv("a,b\n1,2,3\n", "r.csv")).toThrow(
      /r.csv: line 2 has 3 fields, but the header has 2 columns/,
    );
    expect(() => parseCsv("a,b\n1\n", "r.csv")).toThrow(/line 2 has 1 field, but/);
    expect(() => parseCsv('a,b\n1,"2\n3,4\n', "u.csv")).toThrow(
      /u.csv: line 2: a quoted field is never closed/,
    );
    expect(() => parseCsv('a,b\n"1"x,2\n', "u.csv")).toThrow(/line 2: unexpected "x" after a closing quote/);
    expect(() => parseCsv("a,a\n1,2\n", "d.csv")).toThrow(/names column "a" twice/);
    expect(() => parseCsv("a,,c\n1,2,3\n", "d.csv")).toThrow(/column 2 of the header has no name/);
  });
});

describe("parseJsonTable", () => {
  it("reads an array of row objects and an object of column arrays", () => {
    const a = parseJsonTable('[{"x": 1, "y": "2.5"}, {"y": 3, "x": -1e3}]', "a.json");
    expect(a.columns).toEqual(["x", "y"]);
    expect(a.rows).toEqual([
      [1, "2.5"],
      [-1000, 3],
    ]);
    expect(a.where).toEqual(["row 1", "row 2"]);
    const b = parseJsonTable('{"x": [1, 2], "y": [3, null]}', "b.json");
    expect(b.columns).toEqual(["x", "y"]);
    expect(b.rows).toEqual([
      [1, 3],
      [2, null],
    ]);
  });

  it("rejects malformed data, naming the row and column", () => {
    expect(() => parseJsonTable("{", "j.json")).toThrow(/j.json: not valid JSON/);
    expect(() => parseJsonTable("3", "j.json")).toThrow(
      /expected an array of row objects or an object of column arrays, got number/,
    );
    expect(() => parseJsonTable('[{"x": 1}, {"y": 2}]', "j.json")).toThrow(
      /row 1 has no value for column "y"/,
    );
    expect(() => parseJsonTable('[{"x": 1}, [2]]', "j.json")).toThrow(/row 2 must be an object/);
    expect(() => parseJsonTable('{"x": [1, 2], "y": [3]}', "j.json")).toThrow(
      /column "y" has 1 values but column "x" has 2/,
    );
    expect(() => parseJsonTable('[{"x": [1]}]', "j.json")).toThrow(
      /row 1, column "x": expected a number, got an array/,
    );
    expect(() => parseJsonTable("{}", "j.json")).toThrow(/has no columns/);
  });
});

describe("numeric columns", () => {
  const t = parseCsv("a,b,c,d\n1, 2.5 ,x,\n-3e2,+.5,inf,NaN\n0x10,1e999,7,\n", "n.csv");
  it("accepts decimal numbers with spaces, signs and exponents", () => {
    expect(cellNumber(t, 0, 0)).toBe(1);
    expect(cellNumber(t, 0, 1)).toBe(2.5);
    expect(cellNumber(t, 1, 0)).toBe(-300);
    expect(cellNumber(t, 1, 1)).toBe(0.5);
    const clean = parseCsv("a,b\n1, 2.5 \n-3e2,+.5\n", "c.csv");
    expect(Array.from(numericColumns(clean, ["b", "a"]))).toEqual([2.5, 1, 0.5, -300]);
  });

  it("names the file, line, column and value of a bad cell", () => {
    expect(() => cellNumber(t, 0, 2)).toThrow(/n.csv: line 2, column "c": "x" is not a number/);
    expect(() => cellNumber(t, 0, 3)).toThrow(/line 2, column "d": the cell is empty \(missing value\)/);
    expect(() => cellNumber(t, 1, 2)).toThrow(
      /line 3, column "c": "inf" is not a finite number \(NaN and Infinity are not allowed\)/,
    );
    expect(() => cellNumber(t, 1, 3)).toThrow(/"NaN" is not a finite number/);
    expect(() => cellNumber(t, 2, 0)).toThrow(/line 4, column "a": "0x10" is not a number/);
    expect(() => cellNumber(t, 2, 1)).toThrow(/"1e999" overflows to Infinity/);
    expect(() => numericColumns(t, ["a", "zz"])).toThrow(
      /n.csv: no column "zz" \(columns: "a", "b", "c", "d"\)/,
    );
    const j = parseJsonTable('[{"x": true}, {"x": null}]', "j.json");
    expect(() => cellNumber(j, 0, 0)).toThrow(/j.json: row 1, column "x": true is not a number/);
    expect(() => cellNumber(j, 1, 0)).toThrow(/row 2, column "x": the value is missing/);
    expect(() => numericColumns(parseCsv("a,b\n"), ["a"])).toThrow(/no data rows \(only a header\)/);
  });

  it("parses column lists", () => {
    expect(parseColumnList(" a, b ,c", "--inputs")).toEqual(["a", "b", "c"]);
    expect(() => parseColumnList("a,,b", "--inputs")).toThrow(/--inputs must list column names/);
    expect(() => parseColumnList("a,a", "--target")).toThrow(/--target names a column twice/);
  });
});

describe("readTable", () => {
  it("reads by extension and names unreadable paths", () => {
    writeFileSync(join(dir, "d.csv"), "x,y\n1,2\n");
    writeFileSync(join(dir, "d.json"), '[{"x": 1, "y": 2}]');
    expect(readTable(join(dir, "d.csv")).rows).toEqual([["1", "2"]]);
    expect(readTable(join(dir, "d.json")).rows).toEqual([[1, 2]]);
    expect(() => readTable(join(dir, "missing.csv"))).toThrow(
      /cannot read data file .*missing.csv: no such file/,
    );
    expect(() => readTable(dir)).toThrow(/cannot read data file .*: it is a directory/);
  });
});
