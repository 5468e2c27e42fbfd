/**
 * Parsers of command-line option values: each returns the number or throws an Error naming the option
 * and the value as given.
 */

/** An integer >= 1 written in digits. */
export function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** An integer >= min written in digits (with an optional minus sign). */
export function intAtLeast(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^\s*-?\d+\s*$/.test(v) || !Number.isInteger(n) || n < min)
    throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}

/** A finite number. */
export function finiteNumber(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n))
    throw new Error(`${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

/** A finite number > 0 (a rate, a scale, a viscosity). */
export function positiveNumber(name: string, v: string): number {
  const n = finiteNumber(name, v);
  if (!(n > 0)) throw new Error(`${name} must be > 0, got ${JSON.stringify(v)}`);
  return n;
}

/** A finite number >= 0 (e.g. `--weight-decay 0`), or an error naming the flag and the value. */
export function nonNegativeNumber(name: string, v: string): number {
  const n = finiteNumber(name, v);
  if (!(n >= 0)) throw new Error(`${name} must be >= 0, got ${JSON.stringify(v)}`);
  return n;
}

/** A comma-separated list of integers >= min, each written in digits (e.g. `--grids 5,10,20`). */
export function intList(name: string, v: string, min: number): number[] {
  const parts = v.split(",").map((s) => s.trim());
  return parts.map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || !Number.isSafeInteger(n) || n < min)
      throw new Error(
        `${name} must be a comma-separated list of integers >= ${min}, got ${JSON.stringify(v)}`,
      );
    return n;
  });
}

/**
 * The seed list of `--seeds N --first-seed S`: N consecutive seeds from S, or `undefined` (keep the
 * defaults) when neither option is given. N defaults to `defaultCount`, S to `defaultFirst`.
 */
export function seedList(
  seeds: string | undefined,
  firstSeed: string | undefined,
  defaultCount: number,
  defaultFirst: number,
): number[] | undefined {
  if (seeds === undefined && firstSeed === undefined) return undefined;
  const n = seeds === undefined ? defaultCount : positiveInt("--seeds", seeds);
  const first = firstSeed === undefined ? defaultFirst : intAtLeast("--first-seed", firstSeed, 0);
  return Array.from({ length: n }, (_, i) => first + i);
}
