/**
 * Number formatting for tables, logs and progress lines (no dependencies; used from train/ upwards).
 */

/** Formats a number for tables: 3 significant digits in exponent form for small/large magnitudes. */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "-";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-2 && a < 1e4) return Number(v.toPrecision(digits)).toString();
  return v.toExponential(digits - 1);
}
