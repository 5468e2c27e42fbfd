/**
 * Reading tabular data for `mlkan train` and `mlkan predict` (Node only): CSV (RFC 4180: header row,
 * comma separated, fields optionally in double quotes with `""` for a quote, CRLF or LF line ends,
 * line breaks inside quoted fields) and JSON (an array of row objects, or an object of column arrays).
 * Every error names the file, the line (CSV) or row, the column and the offending value.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";

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

/** Parses CSV text with a header row (RFC 4180). Blank lines are skipped; a BOM is ignored. */
export function parseCsv(text: string, source = "CSV data"): DataTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  let quotedField = false;
  let atFieldStart = true;
  const endRecord = () => {
    fields.push(field);
    // A line with a single empty unquoted field is a blank line.
    if (!(fields.length === 1 && fields[0] === "" && !quotedField))
      records.push({ fields, line: recordLine });
    fields = [];
    field = "";
    quotedField = false;
    atFieldStart = true;
  };
  while (i < n) {
    const ch = text[i];
    if (atFieldStart && ch === '"') {
      // Quoted field: runs to the next quote that is not doubled.
      const openLine = line;
      quotedField = true;
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        if (c === "\n") line++;
        field += c;
        i++;
      }
      if (!closed)
        throw new Error(`${source}: line ${openLine}: a quoted field is never closed (missing '"')`);
      atFieldStart = false;
      if (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r")
        throw new Error(
          `${source}: line ${line}: unexpected ${JSON.stringify(text[i])} after a closing quote (a field with quotes must be entirely quoted)`,
        );
      continue;
    }
    atFieldStart = false;
    if (ch === ",") {
      fields.push(field);
      field = "";
      quotedField = false;
      atFieldStart = true;
      i++;
    } else if (ch === "\r" || ch === "\n") {
      endRecord();
      if (ch === "\r" && text[i + 1] === "\n") i++;
      i++;
      line++;
      recordLine = line;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== "" || fields.length > 0 || quotedField) endRecord();
  if (records.length === 0) throw new Error(`${source}: the file is empty (expected a header row)`);
  const header = records[0].fields.map((h) => h.trim());
  const columns = checkColumns(header, source);
  const rows: Cell[][] = [];
  const where: string[] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    if (rec.fields.length !== columns.length)
      throw new Error(
        `${source}: line ${rec.line} has ${rec.fields.length} field${rec.fields.length === 1 ? "" : "s"}, but the header has ${columns.length} columns`,
      );
    rows.push(rec.fields);
    where.push(`line ${rec.line}`);
  }
  return { source, columns, rows, where };
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
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (e as Error).message;
    throw new Error(`cannot read data file ${path}: ${why}`);
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
