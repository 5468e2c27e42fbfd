/** The CSV parser mlkan had before the streaming one (commit 4238860), kept as an oracle for tests. */
import type { DataTable } from "../../src/node/data.js";

/** The old parseCsv. */
export function oracleParseCsv(text: string, source = "CSV data"): DataTable {
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
  const rows: DataTable["rows"] = [];
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
