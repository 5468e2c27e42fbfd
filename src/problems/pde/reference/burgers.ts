/**
 * Reference solution of the viscous Burgers equation `u_t + u u_x = nu u_xx` on x in [-1, 1], t >= 0, with
 * `u(x, 0) = -sin(pi x)` and `u(+-1, t) = 0` (digest section 5.3, DESIGN.md section 5), by the Cole-Hopf
 * transform. With `u = -2 nu phi_x / phi`, phi solves the heat equation `phi_t = nu phi_xx` from
 * `phi(x, 0) = exp(-cos(pi x) / (2 pi nu))`, so
 *
 *   u(x, t) = - integral sin(pi (x - s z)) F(x - s z) exp(-z^2) dz / integral F(x - s z) exp(-z^2) dz,
 *   F(y) = exp(-cos(pi y) / (2 pi nu)),  s = sqrt(4 nu t),
 *
 * and both integrals are evaluated with one Gauss-Hermite rule (weight exp(-z^2)). The exponents reach
 * 1/(2 pi nu) (50 for nu = 0.01/pi), so the sums are formed from log-weights shifted by their maximum.
 * The initial datum is 2-periodic and odd, so the whole-line solution is too and u(+-1, t) = 0 holds
 * exactly. Accuracy: the default 240 nodes agree with 400 to ~1e-12 at nu >= 0.01/pi, t <= 1 (tested,
 * together with a fine finite-difference solve).
 */
import { requireFinite, requireInteger, requirePositive } from "../../../util/validate.js";
import { gaussHermite } from "./gauss-hermite.js";

/** Options of the Cole-Hopf reference. */
export interface BurgersReferenceOptions {
  /** Viscosity nu > 0 (default 0.01 / pi, the common benchmark; the paper prints 0.01). */
  nu?: number;
  /** Gauss-Hermite nodes (default 240). */
  nodes?: number;
}

/** Default viscosity of the reference, 0.01/pi. */
export const BURGERS_NU_DEFAULT = 0.01 / Math.PI;

/**
 * Evaluates the Cole-Hopf solution u(x, t) of Burgers' equation with u(x, 0) = -sin(pi x) at one point.
 * Any real x (the solution is 2-periodic and odd), t >= 0.
 */
export function burgersColeHopf(x: number, t: number, options: BurgersReferenceOptions = {}): number {
  return new BurgersReference(options).at(x, t);
}

/** A reusable Cole-Hopf evaluator (quadrature rule and scratch built once). */
export class BurgersReference {
  /** Viscosity. */
  readonly nu: number;
  private readonly z: Float64Array;
  private readonly lw: Float64Array;
  private readonly a: Float64Array;
  private readonly sn: Float64Array;

  constructor(options: BurgersReferenceOptions = {}) {
    this.nu = requirePositive("Burgers viscosity nu", options.nu ?? BURGERS_NU_DEFAULT);
    const rule = gaussHermite(requireInteger("Burgers reference nodes", options.nodes ?? 240, 2, 1000));
    this.z = rule.nodes;
    this.lw = rule.logWeights;
    this.a = new Float64Array(this.z.length);
    this.sn = new Float64Array(this.z.length);
  }

  /** u(x, t) for real x and t >= 0. */
  at(x: number, t: number): number {
    requireFinite("x", x);
    requireFinite("t", t);
    if (t < 0) throw new Error(`Burgers reference needs t >= 0, got ${t}`);
    if (t === 0) return -Math.sin(Math.PI * x);
    const { z, lw, a, sn, nu } = this;
    const s = Math.sqrt(4 * nu * t);
    const k = 1 / (2 * Math.PI * nu);
    let amax = -Infinity;
    for (let i = 0; i < z.length; i++) {
      const y = Math.PI * (x - s * z[i]);
      a[i] = lw[i] - k * Math.cos(y);
      sn[i] = Math.sin(y);
      if (a[i] > amax) amax = a[i];
    }
    let num = 0;
    let den = 0;
    for (let i = 0; i < z.length; i++) {
      const e = Math.exp(a[i] - amax);
      num += sn[i] * e;
      den += e;
    }
    return -num / den;
  }

  /**
   * The solution on a tensor grid: `out[j * xs.length + i] = u(xs[i], ts[j])` (time-major rows).
   */
  grid(xs: ArrayLike<number>, ts: ArrayLike<number>): Float64Array {
    const out = new Float64Array(xs.length * ts.length);
    for (let j = 0; j < ts.length; j++)
      for (let i = 0; i < xs.length; i++) out[j * xs.length + i] = this.at(xs[i], ts[j]);
    return out;
  }
}
