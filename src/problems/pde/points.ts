/**
 * Point sets of a PDE problem: where residual, boundary, initial, periodic and interface terms are
 * evaluated (collocation points) and where errors are measured.
 *
 * A `PointSet` writes its rows into a caller's array (`fill`), so a problem can redraw them in place
 * every N steps (resampling) without rebuilding its compiled residuals. Kinds:
 * - `gridPoints`: a tensor grid (linspace with the end points by default, like pykan's meshes), fixed;
 * - `uniformPoints`: i.i.d. uniform in the box, a new draw each time (seeded `Rng`);
 * - `sobolPoints`: consecutive blocks of the Sobol sequence scaled to the box (draw k of r rows takes
 *   points 1 + k r .. (k + 1) r, so redraws never repeat and never include the origin);
 * - `facePoints`, `boundaryPoints`, `initialPoints`: the same on a face x_d = lo or hi of the box
 *   (boundary = every spatial face, lo before hi, coordinate by coordinate; initial = the face t = t0);
 * - `periodicPairs`: rows in pairs (x_d = lo, rest) and (x_d = hi, rest), `group` 2, for periodic
 *   boundary terms such as u(-1, t) = u(1, t), u_x(-1, t) = u_x(1, t);
 * - `interfacePoints`: rows in pairs at x_d = c with `sides` -1 then +1, `group` 2: the left and right
 *   limits of the one-sided derivatives at a kink (`JetOptions.sides`; the |x| feature layer reads them);
 * - `fixedPoints`, `unionPoints`: given rows, and the concatenation of sets.
 * Rows are row-major: x[i * dim + p] is coordinate p of row i. A grid's first coordinate varies slowest.
 */
import { Rng } from "../../util/random.js";
import { describe, requireFinite, requireFiniteArray, requireInteger } from "../../util/validate.js";
import { checkDomain, type Domain } from "./domain.js";
import { SOBOL_MAX_DIM, sobolUnit } from "./sobol.js";

export interface PointSet {
  /** Coordinates per row (the domain's dimension). */
  readonly dim: number;
  /** Rows, a multiple of `group`. */
  readonly n: number;
  /** Rows per residual: 1, or 2 for paired rows (periodic pairs, the two sides of an interface). */
  readonly group: number;
  /** Side (-1 left, +1 right) per row for one-sided derivatives at kinks, or null (right-sided). */
  readonly sides: Int8Array | null;
  /** Whether each draw gives new points (uniform, Sobol); false for fixed sets such as grids. */
  readonly random: boolean;
  /** Grid counts per coordinate when the set is a full tensor grid of the box (for heat maps), else null. */
  readonly counts: readonly number[] | null;
  /** Short description for reports, e.g. "grid 51x51" or "Sobol 4096". */
  readonly label: string;
  /**
   * Writes `rows` rows (default `n`) of draw number `draw` (0 first) into x (rows * dim), drawing from
   * `rng` where random. Fixed sets ignore draw and rng and support only rows = n.
   */
  fill(x: Float64Array, draw: number, rng: Rng, rows?: number): void;
}

export type SamplerKind = "grid" | "uniform" | "sobol";

/** Linspace of `m` points on [a, b] (both ends) or its interior midpoints when `endpoints` is false. */
function linspace(a: number, b: number, m: number, endpoints: boolean, k: number): number {
  if (endpoints) return m === 1 ? (a + b) / 2 : k === m - 1 ? b : a + ((b - a) * k) / (m - 1);
  return a + ((b - a) * (k + 0.5)) / m;
}

function requireRows(set: PointSet, rows: number | undefined): number {
  const r = rows ?? set.n;
  if (!set.random && r !== set.n)
    throw new Error(`point set "${set.label}" is fixed and cannot be drawn with ${r} rows (it has ${set.n})`);
  return requireInteger(`rows of point set "${set.label}"`, r, 1);
}

function countsFor(name: string, counts: number | number[], dim: number): number[] {
  const c = typeof counts === "number" ? new Array<number>(dim).fill(counts) : counts;
  if (!Array.isArray(c) || c.length !== dim)
    throw new Error(`${name}: counts must be one number or ${dim} numbers, got ${describe(counts)}`);
  return c.map((m, i) => requireInteger(`${name}: counts[${i}]`, m, 1));
}

/**
 * A tensor grid over the box: `counts` points per coordinate (one number for all), the end points
 * included unless `endpoints: false` (then cell midpoints). Fixed.
 */
export function gridPoints(
  domain: Domain,
  counts: number | number[],
  opts: { endpoints?: boolean } = {},
): PointSet {
  checkDomain("gridPoints: domain", domain);
  const c = countsFor("gridPoints", counts, domain.dim);
  const endpoints = opts.endpoints ?? true;
  const n = c.reduce((a, b) => a * b, 1);
  return {
    dim: domain.dim,
    n,
    group: 1,
    sides: null,
    random: false,
    counts: c,
    label: `grid ${c.join("x")}`,
    fill(x, _draw, _rng, rows) {
      requireRows(this, rows);
      const d = domain.dim;
      const idx = new Array<number>(d).fill(0);
      for (let i = 0; i < n; i++) {
        for (let p = 0; p < d; p++)
          x[i * d + p] = linspace(domain.lo[p], domain.hi[p], c[p], endpoints, idx[p]);
        for (let p = d - 1; p >= 0; p--) {
          if (++idx[p] < c[p]) break;
          idx[p] = 0;
        }
      }
    },
  };
}

/** n points drawn uniformly in the box (a fresh draw for each draw number, from the problem's Rng). */
export function uniformPoints(domain: Domain, n: number): PointSet {
  checkDomain("uniformPoints: domain", domain);
  requireInteger("uniformPoints: n", n, 1);
  return {
    dim: domain.dim,
    n,
    group: 1,
    sides: null,
    random: true,
    counts: null,
    label: `uniform ${n}`,
    fill(x, _draw, rng, rows) {
      const r = requireRows(this, rows);
      const d = domain.dim;
      for (let i = 0; i < r; i++)
        for (let p = 0; p < d; p++) x[i * d + p] = rng.range(domain.lo[p], domain.hi[p]);
    },
  };
}

/** n Sobol points scaled to the box; draw k is the k-th block of n points after the origin. */
export function sobolPoints(domain: Domain, n: number): PointSet {
  checkDomain("sobolPoints: domain", domain);
  requireInteger("sobolPoints: n", n, 1);
  if (domain.dim > SOBOL_MAX_DIM)
    throw new Error(`sobolPoints: at most ${SOBOL_MAX_DIM} dimensions, got ${domain.dim}`);
  return {
    dim: domain.dim,
    n,
    group: 1,
    sides: null,
    random: true,
    counts: null,
    label: `Sobol ${n}`,
    fill(x, draw, _rng, rows) {
      const r = requireRows(this, rows);
      const skip = 1 + requireInteger("Sobol draw", draw, 0) * r;
      const d = domain.dim;
      sobolUnit(d, r, skip, x);
      for (let i = 0; i < r; i++)
        for (let p = 0; p < d; p++)
          x[i * d + p] = domain.lo[p] + (domain.hi[p] - domain.lo[p]) * x[i * d + p];
    },
  };
}

/** The box with coordinate `dim` removed (for sampling on a face). */
function faceDomain(domain: Domain, dim: number): Domain {
  const keep = (_: unknown, i: number) => i !== dim;
  return {
    dim: domain.dim - 1,
    lo: domain.lo.filter(keep),
    hi: domain.hi.filter(keep),
    names: domain.names.filter(keep),
    time: domain.time < 0 || domain.time === dim ? -1 : domain.time > dim ? domain.time - 1 : domain.time,
  };
}

function sampler(domain: Domain, n: number, kind: SamplerKind): PointSet {
  switch (kind) {
    case "grid":
      return gridPoints(domain, n);
    case "uniform":
      return uniformPoints(domain, n);
    case "sobol":
      return sobolPoints(domain, n);
    default:
      throw new Error(`point kind must be "grid", "uniform" or "sobol", got ${describe(kind)}`);
  }
}

/**
 * Points on the face x_dim = lo (`side` "lo") or hi of the box: the other coordinates from a grid of
 * `n` points per coordinate ("grid", the default) or n uniform or Sobol points.
 */
export function facePoints(
  domain: Domain,
  dim: number,
  side: "lo" | "hi",
  n: number,
  kind: SamplerKind = "grid",
): PointSet {
  checkDomain("facePoints: domain", domain);
  requireInteger("facePoints: dim", dim, 0, domain.dim - 1);
  if (side !== "lo" && side !== "hi")
    throw new Error(`facePoints: side must be "lo" or "hi", got ${describe(side)}`);
  const value = side === "lo" ? domain.lo[dim] : domain.hi[dim];
  const label = `${domain.names[dim]} = ${value}`;
  if (domain.dim === 1) return fixedPoints([[value]], label);
  const inner = sampler(faceDomain(domain, dim), n, kind);
  return embed(inner, domain.dim, dim, value, `${inner.label} on ${label}`);
}

/** Rows of `inner` (dimension d - 1) with coordinate `dim` = value inserted. */
function embed(inner: PointSet, d: number, dim: number, value: number, label: string): PointSet {
  let buf = new Float64Array(0);
  return {
    dim: d,
    n: inner.n,
    group: 1,
    sides: null,
    random: inner.random,
    counts: null,
    label,
    fill(x, draw, rng, rows) {
      const r = requireRows(this, rows);
      if (buf.length < r * (d - 1)) buf = new Float64Array(r * (d - 1));
      inner.fill(buf, draw, rng, r);
      for (let i = 0; i < r; i++) {
        let q = 0;
        for (let p = 0; p < d; p++) x[i * d + p] = p === dim ? value : buf[i * (d - 1) + q++];
      }
    },
  };
}

/**
 * The spatial boundary: both faces of every coordinate except time, lo before hi, coordinate by
 * coordinate, `n` points per face (grid by default, so corners appear once per face that holds them).
 * For pykan's Poisson example, `boundaryPoints(box([[-1, 1], [-1, 1]]), 51)` gives its 204 points.
 */
export function boundaryPoints(domain: Domain, n: number, kind: SamplerKind = "grid"): PointSet {
  checkDomain("boundaryPoints: domain", domain);
  const faces: PointSet[] = [];
  for (let p = 0; p < domain.dim; p++) {
    if (p === domain.time) continue;
    faces.push(facePoints(domain, p, "lo", n, kind), facePoints(domain, p, "hi", n, kind));
  }
  if (faces.length === 0) throw new Error("boundaryPoints: the domain has no spatial coordinate");
  const set = unionPoints(...faces);
  return { ...set, label: `boundary, ${faces.length} faces x ${faces[0].label.split(" on ")[0]}` };
}

/** The initial face t = t0 of a time-dependent box (n points per spatial coordinate for grids). */
export function initialPoints(domain: Domain, n: number, kind: SamplerKind = "grid"): PointSet {
  checkDomain("initialPoints: domain", domain);
  if (domain.time < 0)
    throw new Error("initialPoints: the domain has no time coordinate (box(..., { time }))");
  return facePoints(domain, domain.time, "lo", n, kind);
}

/**
 * Paired rows for periodicity in coordinate `dim`: row 2i at x_dim = lo and row 2i + 1 at x_dim = hi,
 * the other coordinates equal (n pairs from a grid, uniform or Sobol sampler of the face). Use with
 * `e.u(0, 0).sub(e.u(0, 1))` and `e.d(k, 0, 0).sub(e.d(k, 0, 1))` (`at` = row within the pair).
 */
export function periodicPairs(domain: Domain, dim: number, n: number, kind: SamplerKind = "grid"): PointSet {
  checkDomain("periodicPairs: domain", domain);
  requireInteger("periodicPairs: dim", dim, 0, domain.dim - 1);
  const lo = facePoints(domain, dim, "lo", n, kind);
  const d = domain.dim;
  let buf = new Float64Array(0);
  return {
    dim: d,
    n: 2 * lo.n,
    group: 2,
    sides: null,
    random: lo.random,
    counts: null,
    label: `periodic pairs in ${domain.names[dim]}, ${lo.n}`,
    fill(x, draw, rng, rows) {
      const r = requireRows(this, rows);
      if (r % 2 !== 0) throw new Error(`periodicPairs: rows must be even, got ${r}`);
      if (buf.length < (r / 2) * d) buf = new Float64Array((r / 2) * d);
      lo.fill(buf, draw, rng, r / 2);
      for (let i = 0; i < r / 2; i++) {
        for (let p = 0; p < d; p++) {
          x[2 * i * d + p] = buf[i * d + p];
          x[(2 * i + 1) * d + p] = p === dim ? domain.hi[dim] : buf[i * d + p];
        }
      }
    },
  };
}

/**
 * Paired rows on the interface x_dim = at: row 2i with side -1 (left limit), row 2i + 1 the same point
 * with side +1 (right limit); n pairs from a sampler of the face's other coordinates. The jets then carry
 * the one-sided derivatives of features with a kink there (the |x| feature), e.g. a flux jump
 * `e.d(0, 0, 0).mul(k1).sub(e.d(0, 0, 1).mul(k2))`.
 */
export function interfacePoints(
  domain: Domain,
  dim: number,
  at: number,
  n: number,
  kind: SamplerKind = "grid",
): PointSet {
  checkDomain("interfacePoints: domain", domain);
  requireInteger("interfacePoints: dim", dim, 0, domain.dim - 1);
  requireFinite("interfacePoints: at", at);
  if (!(at > domain.lo[dim] && at < domain.hi[dim]))
    throw new Error(
      `interfacePoints: at = ${at} must lie inside (${domain.lo[dim]}, ${domain.hi[dim]}) of ${domain.names[dim]}`,
    );
  const face =
    domain.dim === 1
      ? fixedPoints([[at]], `${domain.names[dim]} = ${at}`)
      : embed(sampler(faceDomain(domain, dim), n, kind), domain.dim, dim, at, "");
  const d = domain.dim;
  const m = face.n;
  const sides = new Int8Array(2 * m);
  for (let i = 0; i < m; i++) {
    sides[2 * i] = -1;
    sides[2 * i + 1] = 1;
  }
  let buf = new Float64Array(0);
  return {
    dim: d,
    n: 2 * m,
    group: 2,
    sides,
    random: face.random,
    counts: null,
    label: `interface ${domain.names[dim]} = ${at}, ${m} pairs`,
    fill(x, draw, rng, rows) {
      const r = requireRows(this, rows);
      if (r !== 2 * m) throw new Error(`interfacePoints: the interface has ${2 * m} rows, asked for ${r}`);
      if (buf.length < m * d) buf = new Float64Array(m * d);
      face.fill(buf, draw, rng, m);
      for (let i = 0; i < m; i++)
        for (let p = 0; p < d; p++) {
          x[2 * i * d + p] = buf[i * d + p];
          x[(2 * i + 1) * d + p] = buf[i * d + p];
        }
    },
  };
}

/** Given rows (`number[][]`, each of the same length), fixed. */
export function fixedPoints(rows: number[][], label = `${rows.length} points`): PointSet {
  if (!Array.isArray(rows) || rows.length === 0)
    throw new Error(`fixedPoints: rows must be a non-empty array of points, got ${describe(rows)}`);
  const d = Array.isArray(rows[0]) ? rows[0].length : 0;
  if (d === 0) throw new Error("fixedPoints: rows[0] must be a non-empty array of coordinates");
  const flat = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== d)
      throw new Error(`fixedPoints: rows[${i}] must have ${d} coordinates, got ${describe(r)}`);
    flat.set(r, i * d);
  });
  requireFiniteArray("fixedPoints: rows (flattened)", flat);
  return {
    dim: d,
    n: rows.length,
    group: 1,
    sides: null,
    random: false,
    counts: null,
    label,
    fill(x, _draw, _rng, r) {
      requireRows(this, r);
      x.set(flat);
    },
  };
}

/** The rows of several sets one after another (same dimension and group; random if any part is). */
export function unionPoints(...sets: PointSet[]): PointSet {
  if (sets.length === 0) throw new Error("unionPoints: needs at least one point set");
  const d = sets[0].dim;
  const group = sets[0].group;
  for (const [i, s] of sets.entries()) {
    if (s.dim !== d) throw new Error(`unionPoints: set ${i} has dimension ${s.dim}, set 0 has ${d}`);
    if (s.group !== group) throw new Error(`unionPoints: set ${i} has group ${s.group}, set 0 has ${group}`);
  }
  const n = sets.reduce((a, s) => a + s.n, 0);
  let sides: Int8Array | null = null;
  if (sets.some((s) => s.sides)) {
    sides = new Int8Array(n).fill(1);
    let o = 0;
    for (const s of sets) {
      if (s.sides) sides.set(s.sides, o);
      o += s.n;
    }
  }
  return {
    dim: d,
    n,
    group,
    sides,
    random: sets.some((s) => s.random),
    counts: null,
    label: sets.map((s) => s.label).join(" + "),
    fill(x, draw, rng, rows) {
      const r = rows ?? n;
      if (r !== n) throw new Error(`a union of point sets is drawn whole (${n} rows), asked for ${r}`);
      let o = 0;
      for (const s of sets) {
        s.fill(o === 0 ? x : x.subarray(o * d), draw, rng);
        o += s.n;
      }
    },
  };
}

/** Draws a point set once into a new array (draw 0, `Rng(seed)`). */
export function drawPoints(set: PointSet, seed = 0): Float64Array {
  const x = new Float64Array(set.n * set.dim);
  set.fill(x, 0, new Rng(seed));
  return x;
}
