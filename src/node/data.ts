/**
 * Reading tabular data for `mlkan train` and `mlkan predict` (Node only): CSV (RFC 4180: header row,
 * comma separated, fields optionally in double quotes with `""` for a quote, CRLF or LF line ends,
 * line breaks inside quoted fields) and JSON (an array of row objects, or an object of column arrays).
 * Every error names the file, the line (CSV) or row, the column and the offending value.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { extname } from "node:path";
import { StringDecoder } from "node:string_decoder";

/** A cell as read: CSV cells are strings, JSON cells keep their JSON type. */
export type Cell = string | number | boolean | null;

/** A parsed table: column names and rows of cells, with the source and row positions for error messages. */
export interface DataTable {
  /** Where the data came from (a file path, or a name given to the parser), for error messages. */
  source: string;
  columns: string[];
  /** rows[r][c]: the cell of column c in data row r. */
  rows: Cell[][];
  /** Where each row is in the source, e.g. "line 7" (CSV) or "row 3" (JSON); for messages. */
  where: string[];
}

/** Called with each CSV record (its fields) and the line it starts on (1-based). */
export type CsvRecordSink = (fields: string[], line: number) => void;

/**
 * An incremental CSV record parser (RFC 4180 as described at the top of this file): text goes in by
 * `push` in pieces of any size (a piece may end inside a field, a quoted field or a CRLF pair), complete
 * records come out through the sink in order, and `end()` flushes the last record. Memory holds only the
 * record being parsed. Blank lines are skipped; a BOM at the very start is ignored. Errors name the
 * source and the line.
 */
export class CsvParser {
  private buf = "";
  private line = 1;
  private started = false;

  constructor(
    private readonly source: string,
    private readonly sink: CsvRecordSink,
  ) {}

  /** Parses the records completed by `text`. */
  push(text: string): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buf = this.buf.length === 0 ? text : this.buf + text;
    this.drain(false);
  }

  /** Parses what is left (the last record may lack a line end). */
  end(): void {
    this.drain(true);
    this.buf = "";
  }

  private drain(final: boolean): void {
    const s = this.buf;
    const n = s.length;
    let p = 0;
    while (p < n) {
      const next = this.record(s, p, final);
      if (next < 0) break;
      p = next;
    }
    this.buf = p === 0 ? s : s.slice(p);
  }

  /** Parses one record starting at p; returns the position after it, or -1 when it is incomplete. */
  private record(s: string, p: number, final: boolean): number {
    const n = s.length;
    const fields: string[] = [];
    let line = this.line;
    const recordLine = line;
    for (;;) {
      let field: string;
      let quoted = false;
      if (p < n && s.charCodeAt(p) === 34) {
        // Quoted field: runs to the next quote that is not doubled.
        const openLine = line;
        const start = p;
        let q = p + 1;
        let seg = q;
        field = "";
        for (;;) {
          const close = s.indexOf('"', q);
          if (close < 0) {
            if (!final) return -1;
            throw new Error(`${this.source}: line ${openLine}: a quoted field is never closed (missing '"')`);
          }
          if (close + 1 >= n && !final) return -1;
          if (s.charCodeAt(close + 1) === 34) {
            field += `${s.slice(seg, close)}"`;
            q = close + 2;
            seg = q;
            continue;
          }
          field += s.slice(seg, close);
          p = close + 1;
          break;
        }
        for (let i = start; i < p; i++) if (s.charCodeAt(i) === 10) line++;
        quoted = true;
        if (p < n) {
          const c = s.charCodeAt(p);
          if (c !== 44 && c !== 10 && c !== 13)
            throw new Error(
              `${this.source}: line ${line}: unexpected ${JSON.stringify(s[p])} after a closing quote (a field with quotes must be entirely quoted)`,
            );
        }
      } else {
        let e = p;
        while (e < n) {
          const c = s.charCodeAt(e);
          if (c === 44 || c === 10 || c === 13) break;
          e++;
        }
        if (e >= n && !final) return -1;
        field = s.slice(p, e);
        p = e;
      }
      fields.push(field);
      if (p >= n) {
        this.emit(fields, quoted, recordLine, line);
        return n;
      }
      const c = s.charCodeAt(p);
      if (c === 44) {
        p++;
        if (p >= n) {
          if (!final) return -1;
          fields.push("");
          this.emit(fields, false, recordLine, line);
          return n;
        }
        continue;
      }
      if (c === 13) {
        if (p + 1 >= n && !final) return -1;
        p += s.charCodeAt(p + 1) === 10 ? 2 : 1;
      } else p++;
      this.emit(fields, quoted, recordLine, line + 1);
      return p;
    }
  }

  private emit(fields: string[], lastQuoted: boolean, recordLine: number, nextLine: number): void {
    this.line = nextLine;
    // A line with a single empty unquoted field is a blank line.
    if (fields.length === 1 && fields[0] === "" && !lastQuoted) return;
    this.sink(fields, recordLine);
  }
}

/** Parses CSV text with a header row (RFC 4180). Blank lines are skipped; a BOM is ignored. */
export function parseCsv(text: string, source = "CSV data"): DataTable {
  // The whole text is parsed before the header and the field counts are checked, so a syntax error
  // anywhere is reported first.
  const records: [string[], number][] = [];
  const parser = new CsvParser(source, (fields, line) => records.push([fields, line]));
  parser.push(text);
  parser.end();
  if (records.length === 0) throw new Error(`${source}: the file is empty (expected a header row)`);
  const columns = checkColumns(
    records[0][0].map((h) => h.trim()),
    source,
  );
  const rows: Cell[][] = [];
  const where: string[] = [];
  for (let r = 1; r < records.length; r++) {
    const [fields, line] = records[r];
    checkFieldCount(source, fields, columns.length, line);
    rows.push(fields);
    where.push(`line ${line}`);
  }
  return { source, columns, rows, where };
}

function checkFieldCount(source: string, fields: string[], width: number, line: number): void {
  if (fields.length !== width)
    throw new Error(
      `${source}: line ${line} has ${fields.length} field${fields.length === 1 ? "" : "s"}, but the header has ${width} columns`,
    );
}

/** One batch of a streamed CSV file: the header's columns, the rows, and where each row is. */
export interface CsvBatch {
  columns: string[];
  rows: string[][];
  /** Where each row is in the file, e.g. "line 7". */
  where: string[];
}

/**
 * Reads a CSV file (with a header row) in batches of at most `batchRows` data rows, as a generator:
 * memory holds one batch and one read buffer (1 MiB), however long the file. A file with a header and
 * no rows yields nothing. Errors name the path and the line.
 */
export function* csvFileBatches(path: string, batchRows = 4096): Generator<CsvBatch> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new Error(`cannot read data file ${path}: ${readError(e)}`);
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new Error(`cannot read data file ${path}: it is a directory`);
    let columns: string[] | null = null;
    let rows: string[][] = [];
    let where: string[] = [];
    const ready: CsvBatch[] = [];
    const parser = new CsvParser(path, (fields, line) => {
      if (columns === null) {
        columns = checkColumns(
          fields.map((h) => h.trim()),
          path,
        );
        return;
      }
      checkFieldCount(path, fields, columns.length, line);
      rows.push(fields);
      where.push(`line ${line}`);
      if (rows.length >= batchRows) {
        ready.push({ columns, rows, where });
        rows = [];
        where = [];
      }
    });
    const decoder = new StringDecoder("utf8");
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      let got: number;
      try {
        got = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        throw new Error(`cannot read data file ${path}: ${readError(e)}`);
      }
      if (got === 0) break;
      parser.push(decoder.write(buf.subarray(0, got)));
      while (ready.length > 0) yield ready.shift() as CsvBatch;
    }
    parser.push(decoder.end());
    parser.end();
    while (ready.length > 0) yield ready.shift() as CsvBatch;
    if (columns === null) throw new Error(`${path}: the file is empty (expected a header row)`);
    if (rows.length > 0) yield { columns, rows, where };
  } finally {
    closeSync(fd);
  }
}

/**
 * `csvFileBatches` with callbacks: `onHeader` receives the column names (once, before any batch),
 * `onBatch` each batch's rows and where they are. Returns the number of data rows.
 */
export function streamCsvFile(
  path: string,
  onHeader: (columns: string[]) => void,
  onBatch: (rows: string[][], where: string[]) => void,
  batchRows = 4096,
): { rows: number } {
  let total = 0;
  let first = true;
  for (const b of csvFileBatches(path, batchRows)) {
    if (first) onHeader(b.columns);
    first = false;
    onBatch(b.rows, b.where);
    total += b.rows.length;
  }
  return { rows: total };
}

function readError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT"
    ? "no such file"
    : code === "EISDIR"
      ? "it is a directory"
      : code === "EACCES"
        ? "permission denied"
        : (e as Error).message;
}

function checkColumns(header: string[], source: string): string[] {
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (h === "") throw new Error(`${source}: column ${i + 1} of the header has no name`);
    if (seen.has(h)) throw new Error(`${source}: the header names column ${JSON.stringify(h)} twice`);
    seen.add(h);
  });
  return header;
}

/**
 * Parses JSON data: an array of row objects (`[{"x": 1, "y": 2}, ...]`; columns in order of first
 * appearance, every row must have every column) or an object of equally long column arrays
 * (`{"x": [1, 2], "y": [3, 4]}`).
 */
export function parseJsonTable(text: string, source = "JSON data"): DataTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const cell = (x: unknown, where: string, col: string): Cell => {
    if (x === null || typeof x === "string" || typeof x === "number" || typeof x === "boolean") return x;
    throw new Error(
      `${source}: ${where}, column ${JSON.stringify(col)}: expected a number, got ${Array.isArray(x) ? "an array" : "an object"}`,
    );
  };
  if (Array.isArray(v)) {
    const columns: string[] = [];
    const seen = new Set<string>();
    v.forEach((row, r) => {
      if (typeof row !== "object" || row === null || Array.isArray(row))
        throw new Error(
          `${source}: row ${r + 1} must be an object of column values, got ${Array.isArray(row) ? "an array" : JSON.stringify(row)}`,
        );
      for (const k of Object.keys(row)) {
        if (!seen.has(k)) {
          seen.add(k);
          columns.push(k);
        }
      }
    });
    const rows: Cell[][] = [];
    const where: string[] = [];
    v.forEach((row: Record<string, unknown>, r) => {
      const w = `row ${r + 1}`;
      rows.push(
        columns.map((c) => {
          if (!(c in row)) throw new Error(`${source}: ${w} has no value for column ${JSON.stringify(c)}`);
          return cell(row[c], w, c);
        }),
      );
      where.push(w);
    });
    if (columns.length === 0 && v.length > 0) throw new Error(`${source}: the rows have no columns`);
    return { source, columns: checkColumns(columns, source), rows, where };
  }
  if (typeof v === "object" && v !== null) {
    const obj = v as Record<string, unknown>;
    const columns = Object.keys(obj);
    if (columns.length === 0) throw new Error(`${source}: the object has no columns`);
    let len = -1;
    for (const c of columns) {
      const arr = obj[c];
      if (!Array.isArray(arr))
        throw new Error(
          `${source}: column ${JSON.stringify(c)} must be an array of values, got ${JSON.stringify(arr)}`,
        );
      if (len < 0) len = arr.length;
      else if (arr.length !== len)
        throw new Error(
          `${source}: column ${JSON.stringify(c)} has ${arr.length} values but column ${JSON.stringify(columns[0])} has ${len}`,
        );
    }
    const rows: Cell[][] = [];
    const where: string[] = [];
    for (let r = 0; r < len; r++) {
      const w = `row ${r + 1}`;
      rows.push(columns.map((c) => cell((obj[c] as unknown[])[r], w, c)));
      where.push(w);
    }
    return { source, columns, rows, where };
  }
  throw new Error(
    `${source}: expected an array of row objects or an object of column arrays, got ${v === null ? "null" : typeof v}`,
  );
}

/** Reads a CSV or JSON file (by extension; `format` overrides). Errors name the path. */
export function readTable(path: string, format?: "csv" | "json"): DataTable {
  const fmt = format ?? (extname(path).toLowerCase() === ".json" ? "json" : "csv");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`cannot read data file ${path}: ${readError(e)}`);
  }
  return fmt === "json" ? parseJsonTable(text, path) : parseCsv(text, path);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/**
 * A cell as a finite number. Accepts JSON numbers and decimal strings (surrounding spaces allowed);
 * rejects empty cells, NaN and Infinity, and anything else, naming the place and the value.
 */
export function cellNumber(table: DataTable, r: number, c: number): number {
  const v = table.rows[r][c];
  const at = () => `${table.source}: ${table.where[r]}, column ${JSON.stringify(table.columns[c])}`;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`${at()}: ${v} is not a finite number`);
    return v;
  }
  if (v === null) throw new Error(`${at()}: the value is missing (null)`);
  if (typeof v === "boolean") throw new Error(`${at()}: ${v} is not a number`);
  const s = v.trim();
  if (s === "") throw new Error(`${at()}: the cell is empty (missing value)`);
  if (NON_FINITE.test(s))
    throw new Error(
      `${at()}: ${JSON.stringify(v)} is not a finite number (NaN and Infinity are not allowed)`,
    );
  if (!NUMBER.test(s)) throw new Error(`${at()}: ${JSON.stringify(v)} is not a number`);
  const x = Number(s);
  if (!Number.isFinite(x)) throw new Error(`${at()}: ${JSON.stringify(v)} overflows to ${x}`);
  return x;
}

/** Index of each named column, or an error listing the columns there are. */
export function columnIndices(table: DataTable, names: readonly string[], what = "column"): number[] {
  return names.map((name) => {
    const i = table.columns.indexOf(name);
    if (i < 0)
      throw new Error(
        `${table.source}: no ${what} ${JSON.stringify(name)} (columns: ${table.columns.map((c) => JSON.stringify(c)).join(", ")})`,
      );
    return i;
  });
}

/** The named columns as a row-major matrix of finite numbers (`out[r * names.length + j]`). */
export function numericColumns(table: DataTable, names: readonly string[]): Float64Array {
  if (table.rows.length === 0) throw new Error(`${table.source}: no data rows (only a header)`);
  const idx = columnIndices(table, names);
  const w = idx.length;
  const out = new Float64Array(table.rows.length * w);
  for (let r = 0; r < table.rows.length; r++)
    for (let j = 0; j < w; j++) out[r * w + j] = cellNumber(table, r, idx[j]);
  return out;
}

/** Splits a comma-separated list of column names ("a,b , c"), rejecting empty names. */
export function parseColumnList(spec: string, option: string): string[] {
  const names = spec.split(",").map((s) => s.trim());
  if (names.length === 0 || names.some((s) => s === ""))
    throw new Error(`${option} must list column names separated by commas, got ${JSON.stringify(spec)}`);
  if (new Set(names).size !== names.length)
    throw new Error(`${option} names a column twice: ${JSON.stringify(spec)}`);
  return names;
}
