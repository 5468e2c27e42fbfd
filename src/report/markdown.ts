/** Markdown tables and number formatting shared by every report. */

/** Formats a number for tables: 3 significant digits in exponent form for small/large magnitudes. */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "-";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-2 && a < 1e4) return Number(v.toPrecision(digits)).toString();
  return v.toExponential(digits - 1);
}

/** A GitHub-flavoured markdown table; numeric columns are right-aligned. */
export function markdownTable(header: string[], rows: (string | number)[][], numeric?: boolean[]): string {
  const cells = rows.map((row) => row.map((c) => (typeof c === "number" ? fmt(c) : c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? "").length)));
  const isNum =
    numeric ?? header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === "number"));
  const line = (row: string[]) =>
    `| ${row.map((c, i) => (isNum[i] ? (c ?? "").padStart(widths[i]) : (c ?? "").padEnd(widths[i]))).join(" | ")} |`;
  const sep = `|${widths.map((w, i) => (isNum[i] ? `${"-".repeat(w + 1)}:` : `${"-".repeat(w + 2)}`)).join("|")}|`;
  return [line(header), sep, ...cells.map(line)].join("\n");
}
