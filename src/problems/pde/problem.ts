/**
 * `PdeProblem`: a physics-informed problem (DESIGN.md sections 3-4) that `fit` and `trainMultilevel`
 * train like any other `Problem`. It is a weighted sum of terms, each a mean (or sum) of squared residuals
 * over a point set:
 *
 *     loss = sum_terms weight_T * reduce_{i in T} (lambda_i r_T(x_i))^2,
 *
 * where r_T is written with `residual(...)` over the network's output jets (exact first and chosen
 * second input derivatives, model/jet.ts) and per-point data, and lambda_i = 1 unless the term uses
 * residual-based attention. Example (pykan's Poisson problem):
 *
 *     const domain = box([[-1, 1], [-1, 1]]);
 *     const f = (x) => -2 * Math.PI ** 2 * Math.sin(Math.PI * x[0]) * Math.sin(Math.PI * x[1]);
 *     const problem = new PdeProblem({
 *       name: "Poisson", domain,
 *       terms: [
 *         { name: "pde", points: gridPoints(domain, 51), jet: { pairs: [[0, 0], [1, 1]] }, weight: 0.01,
 *           residual: (e, p) => e.d2(0, 0).add(e.d2(1, 1)).sub(p.fn(f)) },
 *         { name: "boundary", points: boundaryPoints(domain, 51), residual: (e) => e.u() },
 *       ],
 *       exact: (x) => Math.sin(Math.PI * x[0]) * Math.sin(Math.PI * x[1]),
 *     });
 *     trainMultilevel(new KAN({ width: [2, 2, 1], grid: 5 }), problem, { grids: [5, 10, 20], ... });
 *
 * Terms (`PdeTerm`):
 * - `points`: a `PointSet` (grid, uniform, Sobol, faces, periodic pairs, interface pairs; ./points.ts).
 *   Paired sets (group 2) give residuals over both rows of a pair: `e.u(0, at)`, `e.d(k, 0, at)`.
 * - `jet`: which derivatives the jets carry (`{ dims, pairs }`, model/jet.ts); default `{ pairs: [] }`
 *   (value and all first derivatives). `e.d(k)` is the derivative along `dims[k]`; `e.d2(k, l)` needs
 *   the pair (k, l) in `pairs`.
 * - `residual(e, p)`: `e` builds expressions over the jets (problems/residual.ts); `p.x(k)` is
 *   coordinate k of the point and `p.fn(f)` the values f(point) of a function of the coordinates
 *   (computed when points are drawn, not per step). For paired sets both are taken at the pair's first row.
 * - `weight` (default 1), `reduce` ("mean", default, or "sum").
 * - `resampleEvery: N`: redraw a random or Sobol set every N steps (after steps N, 2N, ...; draw k uses
 *   the k-th block of the sequence or the problem's seeded `Rng`).
 * - `adaptive`: residual-based adaptive resampling (RAD, Wu et al. 2023) every `every` steps: draw a
 *   candidate pool of `pool` x n points, evaluate |r| there, keep n of them without replacement with
 *   probability proportional to |r|^k / mean(|r|^k) + c (defaults pool 4, k 1, c 1).
 * - `rba`: residual-based attention (RBA, Anagnostopoulos et al. 2024): after every step,
 *   lambda_i <- (1 - mu) lambda_i + eta |r_i| / max_j |r_j| with the residuals of the step's last loss
 *   evaluation (eta defaults to mu; lambda starts at `init`, default 1, and restarts there when the
 *   points are redrawn). The weights change the objective between steps; they are kept across levels,
 *   so refinement still keeps the loss.
 *
 * Step hooks: `endStep` updates the attention weights and redraws points, so the loss is a deterministic
 * function of the parameters within a step (as `Problem` requires). The trainer's L-BFGS polish phase does
 * not call the hooks, so it optimises a fixed objective; with `redrawEvery` it calls `redraw` between its
 * rounds.
 *
 * Errors: data functions that return a non-finite value at a point, an empty point set, a point set of
 * another dimension than the domain, and a residual that is non-finite at the starting parameters of a
 * model (first evaluation of each model object, e.g. at the start of each level) raise an Error naming the
 * term, the point and its coordinates. Later non-finite losses are returned to the trainer (L-BFGS line
 * searches may probe such points; a run that diverges stops with the trainer's message, to which
 * `describeNonFinite` adds the term and point).
 *
 * Metrics on the evaluation points (a 100-per-coordinate grid of the box unless `evaluation` is given)
 * against `exact` or `reference`: `relL2` = ||u - u*||_2 / ||u*||_2, `maxAbsErr` = max |u - u*|, `mse`
 * = mean (u - u*)^2; with `termMetrics: true` also `loss_<term>` per term.
 *
 * Allocation: point and residual arrays are allocated at construction; per-model gradient scratch is
 * reallocated only when the parameter count changes (refinement). A step allocates nothing here.
 */
import { type JetShape, type JetSpec, jetShape } from "../../layers/jet.js";
import type { JetBlockLoss, JetOptions, Network } from "../../model/network.js";
import { Rng } from "../../util/random.js";
import { describe, rejectUnknownKeys, requireFinite, requireInteger } from "../../util/validate.js";
import type { Problem } from "../problem.js";
import { type Expr, jetTermLoss, type ResidualBuilder, residual } from "../residual.js";
import { checkDomain, type Domain } from "./domain.js";
import { evaluateJetTerms, type JetTerm, jetTermScratch } from "./jet-terms.js";
import { gridPoints, type PointSet } from "./points.js";

/** Per-point data available to a residual. */
export interface PointData {
  /** Coordinate k of the point (first row of a pair). */
  x(k: number): Expr;
  /** f(point) for each point, computed when the points are drawn (x is a view of one row). */
  fn(f: (x: Float64Array) => number): Expr;
}

/** Residual-based attention settings (see the module comment). */
export interface RbaOptions {
  /** Decay of the weights per step: lambda <- (1 - mu) lambda + eta |r| / max |r|. */
  mu: number;
  /** Rate of the residual part (default mu). */
  eta?: number;
  /** Initial weight (default 1). */
  init?: number;
}

/** Residual-based adaptive resampling (RAD) settings (see the module comment). */
export interface AdaptiveOptions {
  /** Redraw after every this many steps. */
  every: number;
  /** Candidate pool size as a multiple of the term's points (default 4). */
  pool?: number;
  /** Exponent k of |r|^k (default 1). */
  k?: number;
  /** Uniform part c (default 1). */
  c?: number;
}

/** One loss term (see the module comment). */
export interface PdeTerm {
  /** Name for reports and messages ("pde", "boundary", "initial", ...). */
  name: string;
  points: PointSet;
  /** Derivatives the jets carry (default `{ pairs: [] }`: value and first derivatives). */
  jet?: JetSpec;
  residual: (e: ResidualBuilder, p: PointData) => Expr;
  weight?: number;
  reduce?: "mean" | "sum";
  resampleEvery?: number;
  adaptive?: AdaptiveOptions;
  rba?: RbaOptions;
}

/** Reference values at given points (e.g. a spectral solution). */
export interface PdeReference {
  /** Points, row-major (m * dim). */
  x: Float64Array;
  /** Values, m * nOut. */
  u: Float64Array;
  /** Grid counts when x is a tensor grid of the box (first coordinate slowest), for heat maps. */
  counts?: number[];
}

/** What defines a PDE problem: domain, weighted residual terms over point sets, resampling, attention and the reference solution. */
export interface PdeProblemOptions {
  name: string;
  domain: Domain;
  /** Outputs of the model (default 1). */
  nOut?: number;
  terms: PdeTerm[];
  /** The exact solution at a point (a number, or nOut numbers). */
  exact?: (x: Float64Array) => number | ArrayLike<number>;
  /** Reference values (instead of, or in preference to, `exact`). */
  reference?: PdeReference;
  /** Where metrics are measured (default: a grid of 100 points per coordinate, ends included). */
  evaluation?: PointSet;
  /** Also report each term's loss as metric `loss_<name>` (default false). */
  termMetrics?: boolean;
  /** Seed of random point draws (default 0). */
  seed?: number;
}

const OPTION_KEYS = [
  "name",
  "domain",
  "nOut",
  "terms",
  "exact",
  "reference",
  "evaluation",
  "termMetrics",
  "seed",
] as const;
const TERM_KEYS = [
  "name",
  "points",
  "jet",
  "residual",
  "weight",
  "reduce",
  "resampleEvery",
  "adaptive",
  "rba",
];

/** A data column of a term: values f(point) per residual. */
interface Column {
  f: (x: Float64Array) => number;
  values: Float64Array;
}

/** A compiled residual over one array of points. */
interface Compiled {
  x: Float64Array;
  rows: number;
  columns: Column[];
  loss: JetBlockLoss;
  r: Float64Array;
}

/** A term with its points, compiled loss and state. */
class Term {
  readonly name: string;
  readonly set: PointSet;
  readonly shape: JetShape;
  readonly weight: number;
  readonly reduce: "mean" | "sum";
  readonly count: number;
  readonly main: Compiled;
  readonly lambda: Float64Array | null;
  readonly jetOptions: JetOptions;
  readonly resampleEvery: number;
  readonly adaptive: Required<AdaptiveOptions> | null;
  readonly rba: Required<RbaOptions> | null;
  draws = 0;
  private pool: Compiled | null = null;
  private poolJets = new Float64Array(0);
  private poolGrad = new Float64Array(0);

  constructor(
    readonly spec: PdeTerm,
    readonly index: number,
    readonly problemName: string,
    readonly domain: Domain,
    readonly nOut: number,
    private readonly rng: Rng,
  ) {
    const where = `PdeProblem "${problemName}": terms[${index}]`;
    if (typeof spec !== "object" || spec === null)
      throw new Error(`${where} must be an object, got ${describe(spec)}`);
    rejectUnknownKeys(where, spec, TERM_KEYS);
    if (typeof spec.name !== "string" || spec.name === "")
      throw new Error(`${where}.name must be a non-empty string, got ${describe(spec.name)}`);
    this.name = spec.name;
    const t = `${where} ("${spec.name}")`;
    const set = spec.points;
    if (typeof set !== "object" || set === null || typeof set.fill !== "function")
      throw new Error(
        `${t}: points must be a point set (gridPoints, sobolPoints, ...), got ${describe(set)}`,
      );
    if (!(set.n > 0)) throw new Error(`${t}: the point set "${set.label}" is empty`);
    if (set.dim !== domain.dim)
      throw new Error(`${t}: points have ${set.dim} coordinates, the domain has ${domain.dim}`);
    if (set.n % set.group !== 0)
      throw new Error(`${t}: ${set.n} rows is not a multiple of the group ${set.group}`);
    if (typeof spec.residual !== "function")
      throw new Error(
        `${t}: residual must be a function (e, p) => expression, got ${describe(spec.residual)}`,
      );
    this.set = set;
    this.shape = jetShape(spec.jet ?? { pairs: [] }, domain.dim);
    this.weight = spec.weight === undefined ? 1 : requireFinite(`${t}: weight`, spec.weight);
    if (this.weight < 0) throw new Error(`${t}: weight must be >= 0, got ${this.weight}`);
    this.reduce = spec.reduce ?? "mean";
    this.count = set.n / set.group;
    this.jetOptions = set.sides ? { sides: set.sides } : {};
    this.resampleEvery =
      spec.resampleEvery === undefined ? 0 : requireInteger(`${t}: resampleEvery`, spec.resampleEvery, 1);
    if (spec.adaptive !== undefined) {
      const a = spec.adaptive;
      rejectUnknownKeys(`${t}: adaptive`, a, ["every", "pool", "k", "c"]);
      this.adaptive = {
        every: requireInteger(`${t}: adaptive.every`, a.every, 1),
        pool: a.pool === undefined ? 4 : requireFinite(`${t}: adaptive.pool`, a.pool),
        k: a.k === undefined ? 1 : requireFinite(`${t}: adaptive.k`, a.k),
        c: a.c === undefined ? 1 : requireFinite(`${t}: adaptive.c`, a.c),
      };
      if (!(this.adaptive.pool >= 1)) throw new Error(`${t}: adaptive.pool must be >= 1, got ${a.pool}`);
      if (this.adaptive.k < 0 || this.adaptive.c < 0)
        throw new Error(`${t}: adaptive.k and adaptive.c must be >= 0`);
      if (set.group !== 1) throw new Error(`${t}: adaptive resampling needs unpaired points (group 1)`);
    } else this.adaptive = null;
    if ((this.resampleEvery > 0 || this.adaptive) && !set.random)
      throw new Error(
        `${t}: resampling needs a random or Sobol point set, but "${set.label}" is fixed (use uniformPoints or sobolPoints)`,
      );
    if (this.resampleEvery > 0 && this.adaptive)
      throw new Error(`${t}: give either resampleEvery or adaptive, not both`);
    if (spec.rba !== undefined) {
      const r = spec.rba;
      rejectUnknownKeys(`${t}: rba`, r, ["mu", "eta", "init"]);
      const mu = requireFinite(`${t}: rba.mu`, r.mu);
      if (!(mu > 0 && mu <= 1)) throw new Error(`${t}: rba.mu must be in (0, 1], got ${mu}`);
      this.rba = {
        mu,
        eta: r.eta === undefined ? mu : requireFinite(`${t}: rba.eta`, r.eta),
        init: r.init === undefined ? 1 : requireFinite(`${t}: rba.init`, r.init),
      };
      this.lambda = new Float64Array(this.count).fill(this.rba.init);
    } else {
      this.rba = null;
      this.lambda = null;
    }
    this.main = this.compile(set.n, this.lambda, this.weight);
    set.fill(this.main.x, 0, rng);
    this.refreshData(this.main);
  }

  /** Builds the residual over a fresh array of `rows` points. */
  private compile(rows: number, lambda: Float64Array | null, weight: number): Compiled {
    const d = this.domain.dim;
    const count = rows / this.set.group;
    const x = new Float64Array(rows * d);
    const columns: Column[] = [];
    const e = residual(this.shape, this.nOut);
    const column = (f: (x: Float64Array) => number): Expr => {
      const values = new Float64Array(count);
      columns.push({ f, values });
      return e.data(values);
    };
    const p: PointData = {
      x: (k) => {
        requireInteger(`coordinate index of p.x in term "${this.name}"`, k, 0, d - 1);
        return column((pt) => pt[k]);
      },
      fn: (f) => {
        if (typeof f !== "function")
          throw new Error(`p.fn in term "${this.name}" needs a function, got ${describe(f)}`);
        return column(f);
      },
    };
    const expr = this.spec.residual(e, p);
    if (!expr || typeof expr !== "object" || typeof (expr as Expr).add !== "function")
      throw new Error(`term "${this.name}": residual(e, p) must return an expression, got ${describe(expr)}`);
    const r = new Float64Array(count);
    const loss = jetTermLoss({
      shape: this.shape,
      nOut: this.nOut,
      n: rows,
      residual: expr,
      weight,
      reduce: this.reduce,
      group: this.set.group,
      ...(lambda ? { pointWeights: lambda } : {}),
      residualOut: r,
    });
    return { x, rows, columns, loss, r };
  }

  /** Recomputes the data columns from the points (throws on a non-finite value). */
  refreshData(c: Compiled): void {
    const d = this.domain.dim;
    const g = this.set.group;
    for (const col of c.columns) {
      for (let i = 0; i < c.rows / g; i++) {
        const pt = c.x.subarray(i * g * d, i * g * d + d);
        const v = col.f(pt);
        if (!Number.isFinite(v))
          throw new Error(
            `PdeProblem "${this.problemName}": data of term "${this.name}" is ${v} at point ${i} (${pointText(this.domain, pt)})`,
          );
        col.values[i] = v;
      }
    }
  }

  /** Draws the next point set (plain resampling). */
  redraw(): void {
    this.draws++;
    this.set.fill(this.main.x, this.draws, this.rng);
    this.refreshData(this.main);
    if (this.lambda && this.rba) this.lambda.fill(this.rba.init);
  }

  /** Residual-based adaptive redraw (RAD) from a candidate pool evaluated with `model`. */
  redrawAdaptive(model: Network): void {
    const a = this.adaptive as Required<AdaptiveOptions>;
    const n = this.set.n;
    const m = Math.max(n, Math.round(a.pool * n));
    if (!this.pool) this.pool = this.compile(m, null, 1);
    const pool = this.pool;
    this.draws++;
    this.set.fill(pool.x, this.draws, this.rng, m);
    this.refreshData(pool);
    const width = this.shape.C * this.nOut;
    if (this.poolJets.length < m * width) {
      this.poolJets = new Float64Array(m * width);
      this.poolGrad = new Float64Array(m * width);
    }
    model.jets(pool.x, m, this.shape, this.jetOptions, this.poolJets);
    pool.loss(this.poolJets, this.poolGrad, 0, m);
    // Probabilities |r|^k / mean |r|^k + c; weighted sampling without replacement by the keys
    // u^(1 / w) (Efraimidis-Spirakis): keep the n largest.
    let mean = 0;
    for (let i = 0; i < m; i++) mean += Math.abs(pool.r[i]) ** a.k;
    mean /= m;
    const keys = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const ri = Math.abs(pool.r[i]);
      let w = (mean > 0 && Number.isFinite(ri) ? ri ** a.k / mean : 0) + a.c;
      if (!(w > 0)) w = 1e-300;
      keys[i] = Math.log(Math.max(this.rng.uniform(), 1e-300)) / w;
    }
    const order = Array.from({ length: m }, (_, i) => i).sort((i, j) => keys[j] - keys[i] || i - j);
    const d = this.domain.dim;
    for (let s = 0; s < n; s++) {
      const i = order[s];
      for (let p = 0; p < d; p++) this.main.x[s * d + p] = pool.x[i * d + p];
    }
    this.refreshData(this.main);
    if (this.lambda && this.rba) this.lambda.fill(this.rba.init);
  }

  /** RBA update from the residuals of the last evaluation. */
  updateAttention(): void {
    const lam = this.lambda;
    const rba = this.rba;
    if (!lam || !rba) return;
    const r = this.main.r;
    let max = 0;
    for (let i = 0; i < this.count; i++) {
      const a = Math.abs(r[i]);
      if (a > max) max = a;
    }
    if (!(max > 0) || !Number.isFinite(max)) return;
    const keep = 1 - rba.mu;
    const rate = rba.eta / max;
    for (let i = 0; i < this.count; i++) lam[i] = keep * lam[i] + rate * Math.abs(r[i]);
  }

  /** The first non-finite residual of the last evaluation, described; null if none. */
  nonFinite(): string | null {
    const r = this.main.r;
    const d = this.domain.dim;
    const g = this.set.group;
    for (let i = 0; i < this.count; i++) {
      if (!Number.isFinite(r[i])) {
        const pt = this.main.x.subarray(i * g * d, i * g * d + d);
        return `term "${this.name}": residual ${r[i]} at point ${i} (${pointText(this.domain, pt)})`;
      }
    }
    return null;
  }
}

function pointText(domain: Domain, pt: ArrayLike<number>): string {
  return Array.from({ length: domain.dim }, (_, p) => `${domain.names[p]} = ${pt[p]}`).join(", ");
}

/** The evaluation points and the exact or reference values there. */
interface Evaluation {
  x: Float64Array;
  n: number;
  u: Float64Array;
  counts: number[] | null;
}

/** Solution, reference and error on the evaluation points (see `PdeProblem.evaluate`). */
export interface PdeEvaluation {
  /** Points, row-major (n * dim). */
  x: Float64Array;
  n: number;
  /** Grid counts per coordinate when the points form a tensor grid (first coordinate slowest), else null. */
  counts: number[] | null;
  /** Model output, exact or reference values, and model minus reference (n * nOut each). */
  u: Float64Array;
  reference: Float64Array;
  error: Float64Array;
}

/** A physics-informed `Problem`: weighted mean-square residual terms over the network's forward jets, with resampling, residual-based attention and error metrics against a reference solution. */
export class PdeProblem implements Problem {
  readonly name: string;
  readonly nIn: number;
  readonly nOut: number;
  readonly domain: Domain;
  private readonly terms: Term[];
  private readonly evaluation: Evaluation | null;
  private readonly termMetrics: boolean;
  private scratch = new Float64Array(0);
  private evalOut = new Float64Array(0);
  private readonly seen = new WeakSet<Network>();
  private lastNonFinite: string | null = null;
  /** The terms as `JetTerm`s (views: the points are redrawn in place) and the buffers of their evaluation. */
  private readonly jetTerms: JetTerm[];
  private readonly termScratch = jetTermScratch();
  /**
   * Draws new points now for every term that resamples (`resampleEvery` or `adaptive`, RAD placed by
   * `model`), as its own resampling does: the rounds of a polish phase (`PolishOptions.redrawEvery`).
   * Present only when some term resamples.
   */
  readonly redraw?: (model: Network) => void;

  constructor(opts: PdeProblemOptions) {
    if (typeof opts !== "object" || opts === null)
      throw new Error(`PdeProblem: options must be an object, got ${describe(opts)}`);
    rejectUnknownKeys("PdeProblem", opts, OPTION_KEYS);
    if (typeof opts.name !== "string" || opts.name === "")
      throw new Error(`PdeProblem: name must be a non-empty string, got ${describe(opts.name)}`);
    this.name = opts.name;
    this.domain = checkDomain(`PdeProblem "${opts.name}": domain`, opts.domain);
    this.nIn = this.domain.dim;
    this.nOut = requireInteger(`PdeProblem "${opts.name}": nOut`, opts.nOut ?? 1, 1);
    if (!Array.isArray(opts.terms) || opts.terms.length === 0)
      throw new Error(
        `PdeProblem "${opts.name}": terms must be a non-empty array, got ${describe(opts.terms)}`,
      );
    const names = new Set<string>();
    const seed = opts.seed === undefined ? 0 : requireFinite(`PdeProblem "${opts.name}": seed`, opts.seed);
    this.terms = opts.terms.map((t, i) => {
      const term = new Term(t, i, opts.name, this.domain, this.nOut, new Rng(seed * 1009 + i + 1));
      if (names.has(term.name))
        throw new Error(`PdeProblem "${opts.name}": two terms are named "${term.name}"`);
      names.add(term.name);
      return term;
    });
    this.termMetrics = opts.termMetrics === true;
    this.evaluation = this.buildEvaluation(opts);
    this.jetTerms = this.terms.map((t) => ({
      name: t.name,
      x: t.main.x,
      n: t.set.n,
      shape: t.shape,
      loss: t.main.loss,
      sides: t.jetOptions.sides,
    }));
    if (this.terms.some((t) => t.resampleEvery > 0 || t.adaptive)) {
      this.redraw = (model: Network) => {
        for (const t of this.terms) {
          if (t.resampleEvery > 0) t.redraw();
          else if (t.adaptive) t.redrawAdaptive(model);
        }
      };
    }
  }

  private buildEvaluation(opts: PdeProblemOptions): Evaluation | null {
    const where = `PdeProblem "${this.name}"`;
    const d = this.domain.dim;
    if (opts.reference !== undefined) {
      const ref = opts.reference;
      if (!(ref?.x instanceof Float64Array) || !(ref.u instanceof Float64Array))
        throw new Error(`${where}: reference needs Float64Arrays x and u`);
      const n = ref.x.length / d;
      if (!Number.isInteger(n) || n === 0 || ref.u.length !== n * this.nOut)
        throw new Error(
          `${where}: reference has ${ref.x.length} coordinates and ${ref.u.length} values; need m * ${d} and m * ${this.nOut} with m >= 1`,
        );
      return { x: ref.x, n, u: ref.u, counts: ref.counts ?? null };
    }
    if (opts.exact === undefined) return null;
    if (typeof opts.exact !== "function")
      throw new Error(`${where}: exact must be a function, got ${describe(opts.exact)}`);
    const set = opts.evaluation ?? gridPoints(this.domain, d === 1 ? 1000 : d === 2 ? 100 : 30);
    if (set.dim !== d) throw new Error(`${where}: evaluation points have ${set.dim} coordinates, need ${d}`);
    const x = new Float64Array(set.n * d);
    set.fill(x, 0, new Rng(0));
    const u = new Float64Array(set.n * this.nOut);
    for (let i = 0; i < set.n; i++) {
      const pt = x.subarray(i * d, (i + 1) * d);
      const v = opts.exact(pt);
      for (let o = 0; o < this.nOut; o++) {
        const vo = typeof v === "number" ? (o === 0 ? v : Number.NaN) : v[o];
        if (!Number.isFinite(vo))
          throw new Error(`${where}: exact solution output ${o} is ${vo} at ${pointText(this.domain, pt)}`);
        u[i * this.nOut + o] = vo;
      }
    }
    return { x, n: set.n, u, counts: set.counts ? [...set.counts] : null };
  }

  /** Term names, in order. */
  get termNames(): string[] {
    return this.terms.map((t) => t.name);
  }

  /** The current points of a term (a view: they change when the term is redrawn). */
  termPoints(name: string): Float64Array {
    return this.term(name).main.x;
  }

  /** The attention weights of a term with `rba` (a view), or null. */
  termWeights(name: string): Float64Array | null {
    return this.term(name).lambda;
  }

  /** The residuals of a term's last evaluation (a view). */
  termResiduals(name: string): Float64Array {
    return this.term(name).main.r;
  }

  private term(name: string): Term {
    const t = this.terms.find((u) => u.name === name);
    if (!t)
      throw new Error(
        `PdeProblem "${this.name}" has no term "${name}" (terms: ${this.termNames.join(", ")})`,
      );
    return t;
  }

  lossAndGradient(model: Network, grad: Float64Array): number {
    const P = model.paramCount;
    if (grad.length !== P) throw new Error(`gradient array has length ${grad.length}, need ${P}`);
    // The largest term with the others as its meanwhile (evaluateJetTerms); the gradient is g_0, then
    // + g_1, + g_2, ... and the loss 0 + l_0 + l_1 + ..., in term order.
    evaluateJetTerms(model, this.jetTerms, P, this.termScratch);
    const { g, losses } = this.termScratch;
    grad.set(g[0]);
    let total = 0;
    for (let k = 0; k < this.jetTerms.length; k++) {
      if (k > 0) {
        const gk = g[k];
        for (let i = 0; i < P; i++) grad[i] += gk[i];
      }
      total += losses[k];
    }
    this.lastNonFinite = null;
    if (!Number.isFinite(total)) {
      const parts = this.terms.map((t) => t.nonFinite()).filter((s): s is string => s !== null);
      this.lastNonFinite =
        parts.length > 0
          ? parts.join("; ")
          : `the loss overflowed (${total}) although every residual is finite`;
      if (!this.seen.has(model)) {
        throw new Error(
          `PdeProblem "${this.name}": the loss is ${total} at the model's starting parameters: ${this.lastNonFinite}`,
        );
      }
    }
    this.seen.add(model);
    return total;
  }

  /** What made the last loss non-finite (term, point, value), or null. */
  describeNonFinite(): string | null {
    return this.lastNonFinite;
  }

  endStep(model: Network, step: number): void {
    const next = step + 1;
    for (const t of this.terms) {
      t.updateAttention();
      if (t.resampleEvery > 0 && next % t.resampleEvery === 0) t.redraw();
      else if (t.adaptive && next % t.adaptive.every === 0) t.redrawAdaptive(model);
    }
  }

  /** Each term's loss (weighted, with the current attention weights) at the model's parameters. */
  termLosses(model: Network): Record<string, number> {
    const out: Record<string, number> = {};
    const P = model.paramCount;
    if (this.scratch.length !== P) this.scratch = new Float64Array(P);
    for (const t of this.terms)
      out[t.name] = model.jetGradient(t.main.x, t.set.n, t.shape, t.main.loss, this.scratch, t.jetOptions);
    return out;
  }

  /** Model output, reference and error on the evaluation points (null without exact or reference). */
  evaluate(model: Network): PdeEvaluation | null {
    const ev = this.evaluation;
    if (!ev) return null;
    const u = model.forward(ev.x, ev.n);
    const error = new Float64Array(u.length);
    for (let i = 0; i < u.length; i++) error[i] = u[i] - ev.u[i];
    return { x: ev.x, n: ev.n, counts: ev.counts, u, reference: ev.u, error };
  }

  metrics(model: Network): Record<string, number> {
    const out: Record<string, number> = {};
    const ev = this.evaluation;
    if (ev) {
      const m = ev.n * this.nOut;
      if (this.evalOut.length !== m) this.evalOut = new Float64Array(m);
      const u = model.forward(ev.x, ev.n, this.evalOut);
      let num = 0;
      let den = 0;
      let max = 0;
      for (let i = 0; i < m; i++) {
        const e = u[i] - ev.u[i];
        num += e * e;
        den += ev.u[i] * ev.u[i];
        const a = Math.abs(e);
        if (a > max || Number.isNaN(a)) max = a;
      }
      out.relL2 = den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
      out.maxAbsErr = max;
      out.mse = num / m;
    }
    if (this.termMetrics) for (const [k, v] of Object.entries(this.termLosses(model))) out[`loss_${k}`] = v;
    return out;
  }
}
