/**
 * Gauss-Hermite quadrature: nodes z_i and weights w_i with
 * `integral exp(-z^2) g(z) dz ~ sum_i w_i g(z_i)` over the real line, exact for polynomials g of degree
 * <= 2n - 1. The nodes are the eigenvalues of the Jacobi matrix of the Hermite polynomials (zero diagonal,
 * off-diagonal sqrt(j/2)), found one by one by bisection on Sturm counts (robust for every n), then
 * polished by Newton's method on the orthonormal recurrence
 * `p_j(z) = z sqrt(2/j) p_{j-1}(z) - sqrt((j-1)/j) p_{j-2}(z)`, `p_0 = pi^(-1/4)`; the weight is
 * `2 / p_n'(z_i)^2` with `p_n' = sqrt(2n) p_{n-1}`, computed in logs with rescaling so that nothing
 * overflows. Log-weights are returned too, so callers can combine weights with large exponents without
 * underflow (the weights of the outermost nodes underflow float64 beyond n ~ 360).
 */
import { requireInteger } from "../../../util/validate.js";

/** Nodes (ascending), weights and natural logs of the weights of an n-point Gauss-Hermite rule. */
export interface GaussHermiteRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
  readonly logWeights: Float64Array;
}

const cache = new Map<number, GaussHermiteRule>();

/**
 * The n-point Gauss-Hermite rule for the weight exp(-z^2) (n in [1, 1000]); cached per n.
 * Sum of weights = sqrt(pi).
 */
export function gaussHermite(n: number): GaussHermiteRule {
  requireInteger("Gauss-Hermite node count", n, 1, 1000);
  const hit = cache.get(n);
  if (hit) return hit;
  const x = new Float64Array(n);
  const lw = new Float64Array(n);
  // Number of eigenvalues of the Jacobi matrix below v (signs of the LDL^T pivots of J - v I).
  const countBelow = (v: number): number => {
    let count = 0;
    let d = -v;
    if (d < 0) count++;
    for (let j = 1; j < n; j++) {
      d = -v - j / 2 / (d === 0 ? 1e-300 : d);
      if (d < 0) count++;
    }
    return count;
  };
  const bound = Math.sqrt(2 * n) + 1; // Gershgorin: |z| <= 2 max sqrt(j/2) < sqrt(2n)
  const PIM4 = Math.PI ** -0.25;
  for (let i = 0; i < n; i++) {
    let lo = i > 0 ? x[i - 1] : -bound;
    let hi = bound;
    for (let it = 0; it < 200; it++) {
      const mid = 0.5 * (lo + hi);
      if (mid === lo || mid === hi) break;
      if (countBelow(mid) > i) hi = mid;
      else lo = mid;
    }
    let z = 0.5 * (lo + hi);
    let logPp = 0;
    for (let it = 0; it < 3; it++) {
      let p1 = PIM4;
      let p2 = 0;
      let logScale = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
        if (Math.abs(p1) > 1e100 || Math.abs(p2) > 1e100) {
          p1 *= 1e-100;
          p2 *= 1e-100;
          logScale += 100 * Math.LN10;
        }
      }
      const pp = Math.sqrt(2 * n) * p2;
      logPp = Math.log(Math.abs(pp)) + logScale;
      const step = p1 / pp;
      // Newton only refines within the bisection bracket (it cannot jump to a neighbouring root).
      if (!Number.isFinite(step) || Math.abs(step) > 1e-8 * Math.max(1, Math.abs(z))) break;
      z -= step;
    }
    if (i > 0 && !(z > x[i - 1])) throw new Error(`Gauss-Hermite: nodes not separated for n = ${n}`);
    x[i] = z;
    lw[i] = Math.LN2 - 2 * logPp;
  }
  // Exact symmetry.
  for (let i = 0; i < n >> 1; i++) {
    const z = 0.5 * (x[n - 1 - i] - x[i]);
    x[i] = -z;
    x[n - 1 - i] = z;
    const l = 0.5 * (lw[i] + lw[n - 1 - i]);
    lw[i] = l;
    lw[n - 1 - i] = l;
  }
  if (n % 2 === 1) x[n >> 1] = 0;
  const rule = { nodes: x, weights: lw.map(Math.exp), logWeights: lw };
  cache.set(n, rule);
  return rule;
}
