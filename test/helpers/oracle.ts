/**
 * Test oracles: straightforward textbook formulas, written independently of the kernels under test.
 */
import type { KnotVector } from "../../src/spline/knots.js";

/** Cox-de Boor recursion (paper eq. 2) on the full knot vector, half-open intervals, x = b in the last. */
export function coxDeBoor(kv: KnotVector, I: number, r: number, x: number): number {
  const t = kv.t;
  if (r === 1) {
    // Half-open intervals; x = b belongs to the last interval of [a, b].
    if (x === kv.b) return t[I + 1] === kv.b ? 1 : 0;
    return t[I] <= x && x < t[I + 1] ? 1 : 0;
  }
  const left = ((x - t[I]) / (t[I + r - 1] - t[I])) * coxDeBoor(kv, I, r - 1, x);
  const right = ((t[I + r] - x) / (t[I + r] - t[I + 1])) * coxDeBoor(kv, I + 1, r - 1, x);
  return left + right;
}

/** Dense vector of all n + r - 1 basis values at x in [a, b] by Cox-de Boor. */
export function denseBasis(kv: KnotVector, x: number): Float64Array {
  const N = kv.intervals + kv.order - 1;
  const v = new Float64Array(N);
  for (let I = 0; I < N; I++) v[I] = coxDeBoor(kv, I, kv.order, x);
  return v;
}

/** Power-ReLU channel psi_j(x) = ReLU(x - t_j)^(r-1), Heaviside for r = 1. */
export function powerRelu(x: number, tj: number, r: number): number {
  if (r === 1) return x >= tj ? 1 : 0;
  return x > tj ? (x - tj) ** (r - 1) : 0;
}

/** Central difference of f at x with step h. */
export function centralDiff(f: (x: number) => number, x: number, h: number): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
