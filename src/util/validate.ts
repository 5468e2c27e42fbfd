/** Input validation at the library boundary: every failure names the bad value. */

/**
 * The largest trainable parameter count a model may have: 2^24 = 16,777,216 (128 MiB of Float64
 * parameters; the optimizers keep several vectors of this size, and a saved model stays well below
 * V8's string limit of 2^29 - 24 characters). Constructors refuse larger models before allocating.
 */
export const MAX_PARAMS = 2 ** 24;

/** Throws when `count` parameters exceed `MAX_PARAMS`; `what` names the model or layer. */
export function requireParamCount(what: string, count: number): number {
  if (!(count <= MAX_PARAMS))
    throw new Error(
      `${what} would have ${count} parameters, over the limit of ${MAX_PARAMS} (MAX_PARAMS); use smaller widths or grids`,
    );
  return count;
}

/** Throws unless `v` is a non-null object (not an array); for option records. */
export function requireObject(name: string, v: unknown): void {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new Error(`${name} must be an object, got ${describe(v)}`);
}

/** A short description of a value for error messages (strings quoted, arrays by length). */
export function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `array of length ${v.length}`;
  if (ArrayBuffer.isView(v))
    return `${v.constructor.name} of length ${(v as unknown as ArrayLike<number>).length}`;
  return typeof v;
}

/** Returns v when it is an integer in [min, max]; otherwise throws an Error naming `name` and the value. */
export function requireInteger(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${name} must be an integer ${range}, got ${describe(v)}`);
  }
  return v;
}

/** Returns v when it is a finite number; otherwise throws an Error naming `name` and the value. */
export function requireFinite(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new Error(`${name} must be a finite number, got ${describe(v)}`);
  }
  return v;
}

/** Returns v when it is a finite number > 0; otherwise throws an Error naming `name` and the value. */
export function requirePositive(name: string, v: unknown): number {
  requireFinite(name, v);
  if ((v as number) <= 0) throw new Error(`${name} must be > 0, got ${describe(v)}`);
  return v as number;
}

/** A domain [a, b] with finite a < b. */
export function requireDomain(name: string, v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2)
    throw new Error(`${name} must be a pair [a, b], got ${describe(v)}`);
  const a = requireFinite(`${name}[0]`, v[0]);
  const b = requireFinite(`${name}[1]`, v[1]);
  if (!(a < b)) throw new Error(`${name} must satisfy a < b, got [${a}, ${b}]`);
  return [a, b];
}

/** All entries finite; names the first bad index. */
export function requireFiniteArray(name: string, v: ArrayLike<number>): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new Error(`${name}[${i}] must be finite, got ${v[i]}`);
  }
}

/** Rejects keys that are not in `allowed` (catches typos in option objects). */
export function rejectUnknownKeys(name: string, obj: object, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new Error(`${name}: unknown option ${JSON.stringify(k)} (allowed: ${allowed.join(", ")})`);
    }
  }
}
