/**
 * Gauss-Legendre quadrature: m nodes and weights on [-1, 1], exact for polynomials of degree <= 2m - 1.
 * Nodes from Newton's method on the Legendre polynomial P_m (three-term recurrence), started at the
 * Chebyshev-like guesses cos(pi (i + 3/4) / (m + 1/2)); weights 2 / ((1 - x^2) P_m'(x)^2).
 */
import { requireInteger } from "../util/validate.js";

/** A quadrature rule on [-1, 1]: nodes (increasing) and their weights. */
export interface GaussRule {
  nodes: Float64Array;
  weights: Float64Array;
}

const cache = new Map<number, GaussRule>();

/** The m-point Gauss-Legendre rule on [-1, 1] (1 <= m <= 64), cached. */
export function gaussLegendre(m: number): GaussRule {
  requireInteger("Gauss-Legendre points", m, 1, 64);
  const hit = cache.get(m);
  if (hit) return hit;
  const nodes = new Float64Array(m);
  const weights = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let dp = 1;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= m; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pm = m === 1 ? x : p1;
      const pm1 = m === 1 ? 1 : p0;
      dp = (m * (x * pm - pm1)) / (x * x - 1);
      const dx = pm / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    // Recompute the derivative at the converged node.
    let p0 = 1;
    let p1 = x;
    for (let k = 2; k <= m; k++) {
      const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
    dp = m === 1 ? 1 : (m * (x * p1 - p0)) / (x * x - 1);
    nodes[m - 1 - i] = x;
    weights[m - 1 - i] = 2 / ((1 - x * x) * dp * dp);
  }
  const rule = { nodes, weights };
  cache.set(m, rule);
  return rule;
}
