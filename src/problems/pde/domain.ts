/**
 * The domain of a PDE problem: an axis-aligned box [lo_0, hi_0] x ... x [lo_{d-1}, hi_{d-1}], one
 * coordinate of which may be time (then the box is space x [t0, t1]: boundary points lie on the spatial
 * faces only, initial points on the face t = t0). Coordinates are named for messages and plots
 * ("x", "y", "t"); the model's input p is coordinate p, in the user's units.
 */
import { describe, requireDomain, requireInteger } from "../../util/validate.js";

export interface Domain {
  /** Number of coordinates (the model's inputs). */
  readonly dim: number;
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  /** Coordinate names, e.g. ["x", "y"] or ["x", "t"]. */
  readonly names: readonly string[];
  /** Index of the time coordinate, or -1 for a purely spatial box. */
  readonly time: number;
}

export interface BoxOptions {
  /** Coordinate names (default x, y, z, w, ... or with a time coordinate "t" at its index). */
  names?: string[];
  /** Index of the time coordinate (default: none). */
  time?: number;
}

const DEFAULT_NAMES = ["x", "y", "z", "w", "v"];

/**
 * A box domain from one range [a, b] per coordinate, e.g. `box([[-1, 1], [-1, 1]])` or
 * `box([[-1, 1], [0, 1]], { time: 1 })` for (x, t) in [-1, 1] x [0, 1].
 */
export function box(ranges: [number, number][], opts: BoxOptions = {}): Domain {
  if (!Array.isArray(ranges) || ranges.length === 0)
    throw new Error(`box: ranges must be a non-empty array of [a, b] pairs, got ${describe(ranges)}`);
  const dim = ranges.length;
  const checked = ranges.map((r, i) => requireDomain(`box: ranges[${i}]`, r));
  const time = opts.time === undefined ? -1 : requireInteger("box: time", opts.time, 0, dim - 1);
  let names: string[];
  if (opts.names !== undefined) {
    if (!Array.isArray(opts.names) || opts.names.length !== dim)
      throw new Error(`box: names must list ${dim} names, got ${describe(opts.names)}`);
    names = opts.names.map(String);
  } else {
    let k = 0;
    names = ranges.map((_, i) => (i === time ? "t" : (DEFAULT_NAMES[k++] ?? `x${i}`)));
  }
  return {
    dim,
    lo: checked.map((r) => r[0]),
    hi: checked.map((r) => r[1]),
    names,
    time,
  };
}

/** Throws unless `d` is a domain made by `box` (or of the same shape). */
export function checkDomain(name: string, d: Domain): Domain {
  if (
    typeof d !== "object" ||
    d === null ||
    !Array.isArray(d.lo) ||
    !Array.isArray(d.hi) ||
    d.lo.length !== d.dim ||
    d.hi.length !== d.dim
  )
    throw new Error(`${name} must be a domain from box(...), got ${describe(d)}`);
  return d;
}
