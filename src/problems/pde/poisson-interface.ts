/**
 * The paper's 2-d Poisson problem with a discontinuous coefficient (section 5.2.1, Fig. 6; digest section
 * 5.2; DESIGN.md section 5): `div(eps grad u) = f` on [-1, 1]^2, u = 0 on the boundary, eps = 1 for
 * x < 0 and 1/2 for x >= 0, with the manufactured solution of ./reference/poisson-interface.ts.
 *
 * Loss (sums, not means, as in the paper's Fig. 5):
 *   L = gamma_V sum_V (lambda_i r_i)^2 + gamma_B sum_B u^2 + gamma_I sum_I (eps_l u_x(x_l) - eps_r u_x(x_r))^2
 * with r = eps (u_xx + u_yy) - f, gamma = 1e-2 / 1 / 1e-1 (volume / boundary / interface), and
 * residual-based attention lambda (mu = 1e-4, lambda starts at 1). Points: the 51 x 51 grid of spacing
 * 0.04 gives |V| = 49^2 = 2401 interior points (the 49 on x = 0 use the right-hand coefficient, forcing
 * and one-sided derivatives), |B| = 200 boundary points and |I| = 49 interface points (0, y), each
 * evaluated twice, with left- and right-sided derivatives (`JetOptions.sides`, group 2).
 *
 * The network is expected to take (x, y) and map them itself to the level-set features (x, y, |x|)
 * (a `features` layer; see `poissonModel` in experiments/poisson-interface.ts), so that u can have a kink
 * across x = 0 while staying continuous; derivatives of |x| at x = 0 are one-sided per point.
 *
 * Metrics on a 201 x 201 evaluation grid: relL2, maxAbsErr against u*, evalResidual = mean r^2.
 */
import { jetShape } from "../../layers/jet.js";
import type { Network } from "../../model/network.js";
import { rejectUnknownKeys, requireInteger } from "../../util/validate.js";
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
import {
  POISSON_EPS_LEFT,
  POISSON_EPS_RIGHT,
  poissonEps,
  poissonExact,
  poissonForcing,
} from "./reference/poisson-interface.js";

/** Settings of the Poisson interface problem. */
export interface PoissonInterfaceOptions {
  /** Points per side of the square grid, boundary included (default 51: spacing 0.04). */
  n?: number;
  /** Loss weights (defaults 1e-2, 1, 1e-1). */
  gammaV?: number;
  gammaB?: number;
  gammaI?: number;
  /** Residual-based attention rate (default 1e-4; 0 turns it off). */
  rbaMu?: number;
  /** Evaluation grid points per side (default 201). */
  evalN?: number;
}

const KEYS = ["n", "gammaV", "gammaB", "gammaI", "rbaMu", "evalN"] as const;

/** The Poisson problem with a discontinuous coefficient (see the module comment). */
export class PoissonInterfaceProblem implements Problem {
  readonly name = "Poisson with discontinuous coefficient";
  readonly nIn = 2;
  readonly nOut = 1;
  readonly options: Required<PoissonInterfaceOptions>;
  readonly terms: JetTerm[];
  /** RBA weights of the volume term. */
  readonly lambda: Float64Array;
  private readonly residuals: Float64Array;
  private readonly scratch = jetTermScratch();
  private readonly lap = jetShape(
    {
      dims: [0, 1],
      pairs: [
        [0, 0],
        [1, 1],
      ],
    },
    2,
  );
  readonly evalXs: Float64Array;
  private readonly evalPts: Float64Array;
  private readonly evalRef: Float64Array;
  private readonly evalEps: Float64Array;
  private readonly evalF: Float64Array;

  constructor(options: PoissonInterfaceOptions = {}) {
    rejectUnknownKeys("PoissonInterfaceProblem", options, KEYS);
    const o: Required<PoissonInterfaceOptions> = {
      n: requireInteger("Poisson grid n", options.n ?? 51, 3),
      gammaV: options.gammaV ?? 1e-2,
      gammaB: options.gammaB ?? 1,
      gammaI: options.gammaI ?? 1e-1,
      rbaMu: options.rbaMu ?? 1e-4,
      evalN: requireInteger("Poisson evalN", options.evalN ?? 201, 3),
    };
    if (!(o.rbaMu >= 0 && o.rbaMu < 1)) throw new Error(`Poisson rbaMu must be in [0, 1), got ${o.rbaMu}`);
    this.options = o;
    const g = linspace(-1, 1, o.n);
    // Exact 0 on the interface line when n is odd (linspace rounding).
    if (o.n % 2 === 1) g[(o.n - 1) / 2] = 0;
    const inner = g.subarray(1, o.n - 1);
    const xV = gridPoints(inner, inner);
    const nV = inner.length * inner.length;
    const epsV = new Float64Array(nV);
    const fV = new Float64Array(nV);
    for (let s = 0; s < nV; s++) {
      epsV[s] = poissonEps(xV[2 * s]);
      fV[s] = poissonForcing(xV[2 * s], xV[2 * s + 1]);
    }
    this.lambda = new Float64Array(nV).fill(1);
    this.residuals = new Float64Array(nV);
    const e = residual(this.lap);
    const vol = jetTermLoss({
      shape: this.lap,
      nOut: 1,
      n: nV,
      residual: e
        .data(epsV)
        .mul(e.d2(0, 0).add(e.d2(1, 1)))
        .sub(e.data(fV)),
      weight: o.gammaV,
      reduce: "sum",
      pointWeights: this.lambda,
      residualOut: this.residuals,
    });
    // Boundary: every boundary node of the grid once.
    const bnd: number[] = [];
    for (let i = 0; i < o.n; i++) bnd.push(g[i], -1, g[i], 1);
    for (let j = 1; j < o.n - 1; j++) bnd.push(-1, g[j], 1, g[j]);
    const xB = Float64Array.from(bnd);
    const nB = xB.length / 2;
    const val = jetShape({ dims: [0], pairs: [] }, 2);
    const b = residual(val);
    const bc = jetTermLoss({ shape: val, nOut: 1, n: nB, residual: b.u(), weight: o.gammaB, reduce: "sum" });
    // Interface: (0, y_j) twice, left then right.
    const nI = inner.length;
    const xI = new Float64Array(4 * nI);
    const sides = new Int8Array(2 * nI);
    for (let j = 0; j < nI; j++) {
      xI[4 * j + 1] = inner[j];
      xI[4 * j + 3] = inner[j];
      sides[2 * j] = -1;
      sides[2 * j + 1] = 1;
    }
    const dx = jetShape({ dims: [0], pairs: [] }, 2);
    const ie = residual(dx);
    const flux = ie
      .d(0, 0, 0)
      .mul(POISSON_EPS_LEFT)
      .sub(ie.d(0, 0, 1).mul(POISSON_EPS_RIGHT));
    const itf = jetTermLoss({
      shape: dx,
      nOut: 1,
      n: 2 * nI,
      residual: flux,
      weight: o.gammaI,
      reduce: "sum",
      group: 2,
    });
    this.terms = [
      { name: "volume", x: xV, n: nV, shape: this.lap, loss: vol },
      { name: "boundary", x: xB, n: nB, shape: val, loss: bc },
      { name: "interface", x: xI, n: 2 * nI, shape: dx, loss: itf, sides },
    ];
    this.evalXs = linspace(-1, 1, o.evalN);
    if (o.evalN % 2 === 1) this.evalXs[(o.evalN - 1) / 2] = 0;
    this.evalPts = gridPoints(this.evalXs, this.evalXs);
    const m = o.evalN * o.evalN;
    this.evalRef = new Float64Array(m);
    this.evalEps = new Float64Array(m);
    this.evalF = new Float64Array(m);
    for (let s = 0; s < m; s++) {
      const x = this.evalPts[2 * s];
      const y = this.evalPts[2 * s + 1];
      this.evalRef[s] = poissonExact(x, y);
      this.evalEps[s] = poissonEps(x);
      this.evalF[s] = poissonForcing(x, y);
    }
  }

  lossAndGradient(model: Network, grad: Float64Array): number {
    return sumJetTerms(model, this.terms, grad, this.scratch);
  }

  endStep(_model: Network, _step: number): void {
    if (this.options.rbaMu > 0) updateRba(this.lambda, this.residuals, this.options.rbaMu);
  }

  metrics(model: Network): Record<string, number> {
    const m = this.evalXs.length ** 2;
    const J = model.jets(this.evalPts, m, this.lap);
    const u = new Float64Array(m);
    let rr = 0;
    for (let s = 0; s < m; s++) {
      u[s] = J[5 * s];
      const r = this.evalEps[s] * (J[5 * s + 3] + J[5 * s + 4]) - this.evalF[s];
      rr += r * r;
    }
    return { ...errorNorms(u, this.evalRef), evalResidual: rr / m };
  }

  /** Solution, reference and |error| on the evaluation grid for heat maps. */
  fields(model: Network): GridFields {
    return gridFields(model, this.evalPts, this.evalRef, this.evalXs, this.evalXs, ["x", "y"]);
  }
}
