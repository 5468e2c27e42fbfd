/**
 * The paper's 1-d viscous Burgers PINN (section 5.2.2, Table 3; digest section 5.3; DESIGN.md section 5):
 *
 *   u_t + u u_x - nu u_xx = 0,  x in [-1, 1], t in [0, 1],  u(x, 0) = -sin(pi x),  u(+-1, t) = 0.
 *
 * Model inputs (x, t) in the user's units; one output u. Loss (Gamma_V = Gamma_B = 1, means):
 *   L = mean_V r^2 + mean_B (u - g)^2,
 * with V a tensor grid of collocation points (64 x 64 in the paper, both ends included) or, for the
 * `--best` settings, uniform random points redrawn every `resampleEvery` steps, and B the initial points
 * (64, t = 0, g = -sin(pi x)) together with the boundary points (64 per side, g = 0) in one mean.
 * Options beyond the paper: residual-based attention on V (`rbaMu`), a weight on the initial+boundary term
 * (`boundaryWeight`), and an odd-symmetry term over mirror pairs (`symmetryPairs`):
 *   L += symmetryWeight * mean_pairs (u(x, t) + u(-x, t))^2.
 * The PDE is invariant under (x, u) -> (-x, -u) and u(x, 0) is odd, so the solution is odd in x and the
 * shock sits at x = 0; the term tells the network so (a property of the equation, not of its solution).
 *
 * Metrics (the prototype's lesson: the training loss flatters): `relL2` and `maxAbsErr` against the
 * Cole-Hopf reference on an evaluation grid (default 256 x 101, x x t), and `evalResidual`, the mean
 * squared PDE residual on that finer grid.
 */
import { type JetShape, jetShape } from "../../layers/jet.js";
import type { Network } from "../../model/network.js";
import { Rng } from "../../util/random.js";
import { rejectUnknownKeys, requireInteger, requirePositive } from "../../util/validate.js";
import type { Problem } from "../problem.js";
import { jetTermLoss, residual } from "../residual.js";
import {
  errorNorms,
  type GridFields,
  gridFields,
  gridPoints,
  type JetTerm,
  jetTermScratch,
  linspace,
  sumJetTerms,
  updateRba,
} from "./jet-terms.js";
import { BurgersReference } from "./reference/burgers.js";

/** Settings of the Burgers problem. */
export interface BurgersProblemOptions {
  /** Viscosity (default 0.01/pi, the setting; the paper prints 0.01). */
  nu?: number;
  /** Collocation grid nx x nt (default 64 x 64), or the number of random points is nx * nt. */
  nx?: number;
  nt?: number;
  /**
   * "grid" (default, the paper), "random" (uniform, redrawn every `resampleEvery` steps) or "rad"
   * (residual-based adaptive distribution, Wu et al. 2023: every `resampleEvery` steps a pool of 4n uniform
   * points is drawn and n of them are kept, drawn with replacement with probability proportional to
   * |r| / mean |r| + 1).
   */
  collocation?: "grid" | "random" | "rad";
  /** Redraw random collocation points every this many steps (0: never; default 0). */
  resampleEvery?: number;
  /** Initial points (default 64) and boundary points per side (default 64). */
  nInitial?: number;
  nBoundary?: number;
  /** Residual-based attention rate on the residual term (0: off, the default). */
  rbaMu?: number;
  /** Weight of the initial+boundary term (default 1, the paper's Gamma_B). */
  boundaryWeight?: number;
  /**
   * Mirror pairs for the odd-symmetry term (default 0: no term): the exact solution is odd in x,
   * u(-x, t) = -u(x, t), so the term mean (u(x, t) + u(-x, t))^2 over pairs drawn uniformly in
   * [0, 1] x [0, 1] pins the shock to x = 0. Redrawn with random collocation points.
   */
  symmetryPairs?: number;
  /** Weight of the odd-symmetry term (default 1). */
  symmetryWeight?: number;
  /** Evaluation grid (default 256 x 101). */
  evalNx?: number;
  evalNt?: number;
  /** Seed of random collocation draws. */
  seed?: number;
}

const KEYS = [
  "nu",
  "nx",
  "nt",
  "collocation",
  "resampleEvery",
  "nInitial",
  "nBoundary",
  "rbaMu",
  "boundaryWeight",
  "symmetryPairs",
  "symmetryWeight",
  "evalNx",
  "evalNt",
  "seed",
] as const;

/** The Burgers PINN problem (see the module comment). */
export class BurgersProblem implements Problem {
  readonly name: string;
  readonly nIn = 2;
  readonly nOut = 1;
  readonly nu: number;
  readonly options: Required<BurgersProblemOptions>;
  /** Jet shape (x, t) with u_xx: channels u, u_x, u_t, u_xx. */
  readonly shape: JetShape;
  readonly terms: JetTerm[];
  /** RBA weights of the residual term (all 1 when RBA is off). */
  readonly lambda: Float64Array;
  private readonly residuals: Float64Array;
  private readonly scratch = jetTermScratch();
  private readonly rng: Rng;
  /** Evaluation grid, its points and the reference there. */
  readonly evalXs: Float64Array;
  readonly evalTs: Float64Array;
  private readonly evalPts: Float64Array;
  readonly evalRef: Float64Array;
  /** Whether resampling is paused (e.g. for an L-BFGS polish, which needs a fixed loss). */
  frozen = false;
  /**
   * Draws new collocation points now, as the problem's own resampling does (RAD placed by `model`, or
   * uniform), and new mirror pairs: the rounds of a polish phase (`PolishOptions.redrawEvery`). Only with
   * "random" or "rad" collocation; nothing while `frozen`.
   */
  readonly redraw?: (model: Network) => void;

  constructor(options: BurgersProblemOptions = {}) {
    rejectUnknownKeys("BurgersProblem", options, KEYS);
    const o: Required<BurgersProblemOptions> = {
      nu: requirePositive("Burgers nu", options.nu ?? 0.01 / Math.PI),
      nx: requireInteger("Burgers nx", options.nx ?? 64, 2),
      nt: requireInteger("Burgers nt", options.nt ?? 64, 1),
      collocation: options.collocation ?? "grid",
      resampleEvery: requireInteger("Burgers resampleEvery", options.resampleEvery ?? 0, 0),
      nInitial: requireInteger("Burgers nInitial", options.nInitial ?? 64, 2),
      nBoundary: requireInteger("Burgers nBoundary", options.nBoundary ?? 64, 0),
      rbaMu: options.rbaMu ?? 0,
      boundaryWeight: requirePositive("Burgers boundaryWeight", options.boundaryWeight ?? 1),
      symmetryPairs: requireInteger("Burgers symmetryPairs", options.symmetryPairs ?? 0, 0),
      symmetryWeight: requirePositive("Burgers symmetryWeight", options.symmetryWeight ?? 1),
      evalNx: requireInteger("Burgers evalNx", options.evalNx ?? 256, 2),
      evalNt: requireInteger("Burgers evalNt", options.evalNt ?? 101, 2),
      seed: requireInteger("Burgers seed", options.seed ?? 0, 0),
    };
    if (o.collocation !== "grid" && o.collocation !== "random" && o.collocation !== "rad")
      throw new Error(
        `Burgers collocation must be "grid", "random" or "rad", got ${JSON.stringify(o.collocation)}`,
      );
    if (!(o.rbaMu >= 0 && o.rbaMu < 1)) throw new Error(`Burgers rbaMu must be in [0, 1), got ${o.rbaMu}`);
    if (o.collocation === "grid" && o.nt < 2)
      throw new Error(`Burgers nt must be >= 2 on a grid, got ${o.nt}`);
    this.options = o;
    this.nu = o.nu;
    this.name = `Burgers (nu = ${o.nu.toPrecision(4)})`;
    this.rng = new Rng(o.seed + 77);
    this.shape = jetShape({ dims: [0, 1], pairs: [[0, 0]] }, 2);
    const nV = o.nx * o.nt;
    const xV = new Float64Array(2 * nV);
    this.lambda = new Float64Array(nV).fill(1);
    this.residuals = new Float64Array(nV);
    if (o.collocation === "grid") xV.set(gridPoints(linspace(-1, 1, o.nx), linspace(0, 1, o.nt)));
    else this.draw(xV);
    const e = residual(this.shape);
    const r = e
      .d(1)
      .add(e.u().mul(e.d(0)))
      .sub(e.d2(0, 0).mul(o.nu));
    const vol = jetTermLoss({
      shape: this.shape,
      nOut: 1,
      n: nV,
      residual: r,
      ...(o.rbaMu > 0 && { pointWeights: this.lambda }),
      residualOut: this.residuals,
    });
    // Initial and boundary points in one mean.
    const nB = o.nInitial + 2 * o.nBoundary;
    const xB = new Float64Array(2 * nB);
    const gB = new Float64Array(nB);
    const xi = linspace(-1, 1, o.nInitial);
    for (let i = 0; i < o.nInitial; i++) {
      xB[2 * i] = xi[i];
      xB[2 * i + 1] = 0;
      gB[i] = -Math.sin(Math.PI * xi[i]);
    }
    const tb = linspace(0, 1, o.nBoundary);
    for (let k = 0; k < o.nBoundary; k++)
      for (let side = 0; side < 2; side++) {
        const s = o.nInitial + 2 * k + side;
        xB[2 * s] = side === 0 ? -1 : 1;
        xB[2 * s + 1] = tb[k];
      }
    const valShape = jetShape({ dims: [0], pairs: [] }, 2);
    const b = residual(valShape);
    const bnd = jetTermLoss({
      shape: valShape,
      nOut: 1,
      n: nB,
      residual: b.u().sub(b.data(gB)),
      ...(o.boundaryWeight !== 1 && { weight: o.boundaryWeight }),
    });
    this.terms = [
      { name: "residual", x: xV, n: nV, shape: this.shape, loss: vol },
      { name: "initial+boundary", x: xB, n: nB, shape: valShape, loss: bnd },
    ];
    if (o.symmetryPairs > 0) {
      // Rows 2i and 2i + 1 are (x, t) and (-x, t); the residual of the pair is u(x, t) + u(-x, t).
      const nS = 2 * o.symmetryPairs;
      const xS = new Float64Array(2 * nS);
      this.drawPairs(xS);
      const m = residual(valShape);
      const sym = jetTermLoss({
        shape: valShape,
        nOut: 1,
        n: nS,
        group: 2,
        residual: m.u(0, 0).add(m.u(0, 1)),
        weight: o.symmetryWeight,
      });
      this.terms.push({ name: "odd symmetry", x: xS, n: nS, shape: valShape, loss: sym });
    }
    this.evalXs = linspace(-1, 1, o.evalNx);
    this.evalTs = linspace(0, 1, o.evalNt);
    this.evalPts = gridPoints(this.evalXs, this.evalTs);
    this.evalRef = new BurgersReference({ nu: o.nu }).grid(this.evalXs, this.evalTs);
    if (o.collocation !== "grid") {
      this.redraw = (model: Network) => {
        if (this.frozen) return;
        if (o.collocation === "rad") this.drawAdaptive(model);
        else this.draw(this.terms[0].x);
        this.redrawPairs();
      };
    }
  }

  private draw(x: Float64Array): void {
    for (let s = 0; s < x.length / 2; s++) {
      x[2 * s] = this.rng.range(-1, 1);
      x[2 * s + 1] = this.rng.range(0, 1);
    }
  }

  /** Mirror pairs (x, t), (-x, t) with x, t uniform in [0, 1]. */
  private drawPairs(x: Float64Array): void {
    for (let p = 0; p < x.length / 4; p++) {
      const xi = this.rng.range(0, 1);
      const t = this.rng.range(0, 1);
      x[4 * p] = xi;
      x[4 * p + 1] = t;
      x[4 * p + 2] = -xi;
      x[4 * p + 3] = t;
    }
  }

  /** The odd-symmetry term's point set, redrawn with the collocation points. */
  private redrawPairs(): void {
    if (this.terms.length > 2) this.drawPairs(this.terms[2].x);
  }

  lossAndGradient(model: Network, grad: Float64Array): number {
    return sumJetTerms(model, this.terms, grad, this.scratch);
  }

  beginStep(step: number): void {
    const { collocation, resampleEvery } = this.options;
    if (this.frozen || collocation !== "random" || resampleEvery === 0) return;
    if (step > 0 && step % resampleEvery === 0) {
      this.draw(this.terms[0].x);
      this.redrawPairs();
    }
  }

  endStep(model: Network, step: number): void {
    if (this.frozen) return;
    if (this.options.rbaMu > 0) updateRba(this.lambda, this.residuals, this.options.rbaMu);
    const { collocation, resampleEvery } = this.options;
    if (collocation === "rad" && resampleEvery > 0 && (step + 1) % resampleEvery === 0) {
      this.drawAdaptive(model);
      this.redrawPairs();
    }
  }

  /** RAD: n points from a pool of 4n uniform points, with probability ~ |r| / mean |r| + 1. */
  private drawAdaptive(model: Network): void {
    const x = this.terms[0].x;
    const n = x.length / 2;
    const m = 4 * n;
    const pool = new Float64Array(2 * m);
    this.draw(pool);
    const r = this.residualAt(model, pool, m);
    let mean = 0;
    for (let i = 0; i < m; i++) mean += Math.abs(r[i]) / m;
    const cdf = new Float64Array(m);
    let acc = 0;
    for (let i = 0; i < m; i++) {
      acc += (mean > 0 ? Math.abs(r[i]) / mean : 0) + 1;
      cdf[i] = acc;
    }
    for (let s = 0; s < n; s++) {
      const u = this.rng.uniform() * acc;
      let lo = 0;
      let hi = m - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      x[2 * s] = pool[2 * lo];
      x[2 * s + 1] = pool[2 * lo + 1];
    }
    this.lambda.fill(1);
  }

  /** The PDE residual u_t + u u_x - nu u_xx at n points. */
  residualAt(model: Network, x: Float64Array, n: number): Float64Array {
    const J = model.jets(x, n, this.shape);
    const out = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      const u = J[4 * s];
      out[s] = J[4 * s + 2] + u * J[4 * s + 1] - this.nu * J[4 * s + 3];
    }
    return out;
  }

  metrics(model: Network): Record<string, number> {
    const n = this.evalXs.length * this.evalTs.length;
    const u = model.forward(this.evalPts, n);
    const { relL2, maxAbsErr } = errorNorms(u.subarray(0, n), this.evalRef);
    const r = this.residualAt(model, this.evalPts, n);
    let rr = 0;
    for (let s = 0; s < n; s++) rr += r[s] * r[s];
    return { relL2, maxAbsErr, evalResidual: rr / n };
  }

  /** Solution, reference and |error| on the evaluation grid (x across, t up) for heat maps. */
  fields(model: Network): GridFields {
    return gridFields(model, this.evalPts, this.evalRef, this.evalXs, this.evalTs, ["x", "t"]);
  }
}
