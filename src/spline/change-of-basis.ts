/**
 * The change of basis between B-splines and power-ReLUs (paper eq. 4, Lemma 2, Corollary 1; digest
 * section 2): on [a, b], `b_i(x) = sum_j A_ij psi_j(x)` with `psi_j(x) = ReLU(x - t_j)^(r-1)` (the
 * Heaviside step for r = 1), i, j = 1-r .. n-1. A is upper triangular with bandwidth r (A_ij != 0 only for
 * i <= j <= i + r), truncated at the bottom right (power-ReLUs with t_j >= b vanish on [a, b]).
 *
 * Stored banded: `band[I*(r+1) + d] = A[I][I+d]` (array indices I = i + r - 1), zero where I + d >= N.
 * Applying A, A^T, A^{-1} and A^{-T} to a coefficient vector costs O(N r).
 */
import { basisCount, type KnotVector } from "./knots.js";

/**
 * The banded matrix A between the power-ReLU and the B-spline basis of one knot vector (w = A^T u, eqs.
 * 15-16).
 */
export interface ChangeOfBasis {
  /** Matrix size N = n + r - 1. */
  readonly size: number;
  readonly order: number;
  /** Banded upper-triangular storage, N * (r + 1). */
  readonly band: Float64Array;
}

function emptyBand(N: number, r: number): ChangeOfBasis {
  return { size: N, order: r, band: new Float64Array(N * (r + 1)) };
}

/**
 * Uniform knots, closed form (Corollary 1, eq. 36):
 * `A_ij = (-1)^(j-i) r / ((j-i)! (r-j+i)! h^(r-1))` for i <= j <= i + r.
 */
export function changeOfBasisUniform(kv: KnotVector): ChangeOfBasis {
  if (!kv.uniform) throw new Error("changeOfBasisUniform needs uniform knots; use changeOfBasisRecursive");
  const r = kv.order;
  const N = basisCount(kv);
  const A = emptyBand(N, r);
  const scale = r / kv.h ** (r - 1);
  const stencil = new Float64Array(r + 1);
  for (let d = 0; d <= r; d++)
    stencil[d] = ((d % 2 === 0 ? 1 : -1) * scale) / (factorial(d) * factorial(r - d));
  for (let I = 0; I < N; I++) {
    for (let d = 0; d <= r && I + d < N; d++) A.band[I * (r + 1) + d] = stencil[d];
  }
  return A;
}

/**
 * General knots, the recursion of Lemma 2 (eq. 5):
 * `A^[s]_ij = A^[s-1]_ij / (t_{i+s-1} - t_i) - A^[s-1]_{i+1,j} / (t_{i+s} - t_{i+1})`, from `A^[1] = I - S`,
 * every order built on the order-r knots. Columns j >= n are dropped at every stage (equivalent, since
 * the recursion acts on rows).
 */
export function changeOfBasisRecursive(kv: KnotVector): ChangeOfBasis {
  const r = kv.order;
  const t = kv.t;
  const N = basisCount(kv);
  const W = r + 1;
  // Order-s matrices have N + r - s rows (basis functions of order s on the same knots).
  let rows = N + r - 1;
  let prev = new Float64Array(rows * W);
  for (let I = 0; I < rows; I++) {
    prev[I * W] = 1;
    if (I + 1 < N) prev[I * W + 1] = -1;
  }
  for (let s = 2; s <= r; s++) {
    const nextRows = rows - 1;
    const next = new Float64Array(nextRows * W);
    for (let I = 0; I < nextRows; I++) {
      const dl = t[I + s - 1] - t[I];
      const dr = t[I + s] - t[I + 1];
      for (let d = 0; d <= s && I + d < N; d++) {
        const own = d <= s - 1 ? prev[I * W + d] : 0;
        const below = d >= 1 ? prev[(I + 1) * W + d - 1] : 0;
        next[I * W + d] = own / dl - below / dr;
      }
    }
    prev = next;
    rows = nextRows;
  }
  const A = emptyBand(N, r);
  A.band.set(prev.subarray(0, N * W));
  return A;
}

/**
 * General knots, the closed form by divided differences of truncated powers:
 * `A_ij = (-1)^r (t_{i+r} - t_i) / prod_{m=i..i+r, m != j} (t_j - t_m)`.
 * An independent formula used to cross-check the recursion.
 */
export function changeOfBasisDividedDifference(kv: KnotVector): ChangeOfBasis {
  const r = kv.order;
  const t = kv.t;
  const N = basisCount(kv);
  const A = emptyBand(N, r);
  const sign = r % 2 === 0 ? 1 : -1;
  for (let I = 0; I < N; I++) {
    for (let d = 0; d <= r && I + d < N; d++) {
      const J = I + d;
      let prod = 1;
      for (let m = I; m <= I + r; m++) if (m !== J) prod *= t[J] - t[m];
      A.band[I * (r + 1) + d] = (sign * (t[I + r] - t[I])) / prod;
    }
  }
  return A;
}

/** The change of basis for a knot vector: closed form for uniform knots, Lemma 2 otherwise. */
export function changeOfBasis(kv: KnotVector): ChangeOfBasis {
  return kv.uniform ? changeOfBasisUniform(kv) : changeOfBasisRecursive(kv);
}

/** Dense copy (row-major N x N), for tests and small diagnostics. */
export function denseChangeOfBasis(A: ChangeOfBasis): Float64Array {
  const { size: N, order: r, band } = A;
  const out = new Float64Array(N * N);
  for (let I = 0; I < N; I++)
    for (let d = 0; d <= r && I + d < N; d++) out[I * N + I + d] = band[I * (r + 1) + d];
  return out;
}

/** y = A x. Vectors are read at `x[xo + k*xs]` and written at `y[yo + k*ys]`; x and y must not overlap. */
export function applyA(
  A: ChangeOfBasis,
  x: Float64Array,
  xo: number,
  xs: number,
  y: Float64Array,
  yo: number,
  ys: number,
): void {
  const { size: N, order: r, band } = A;
  const W = r + 1;
  for (let I = 0; I < N; I++) {
    let acc = 0;
    const dmax = Math.min(r, N - 1 - I);
    for (let d = 0; d <= dmax; d++) acc += band[I * W + d] * x[xo + (I + d) * xs];
    y[yo + I * ys] = acc;
  }
}

/** y = A^T x (maps spline weights u to power-ReLU weights w = A^T u, digest section 2.5). */
export function applyAT(
  A: ChangeOfBasis,
  x: Float64Array,
  xo: number,
  xs: number,
  y: Float64Array,
  yo: number,
  ys: number,
): void {
  const { size: N, order: r, band } = A;
  const W = r + 1;
  for (let J = 0; J < N; J++) {
    let acc = 0;
    const dmax = Math.min(r, J);
    for (let d = 0; d <= dmax; d++) acc += band[(J - d) * W + d] * x[xo + (J - d) * xs];
    y[yo + J * ys] = acc;
  }
}

/** Solves A y = x (back substitution; maps gradients grad_w = A^{-1} grad_u). In place allowed. */
export function solveA(
  A: ChangeOfBasis,
  x: Float64Array,
  xo: number,
  xs: number,
  y: Float64Array,
  yo: number,
  ys: number,
): void {
  const { size: N, order: r, band } = A;
  const W = r + 1;
  for (let I = N - 1; I >= 0; I--) {
    let acc = x[xo + I * xs];
    const dmax = Math.min(r, N - 1 - I);
    for (let d = 1; d <= dmax; d++) acc -= band[I * W + d] * y[yo + (I + d) * ys];
    y[yo + I * ys] = acc / band[I * W];
  }
}

/** Solves A^T y = x (forward substitution; maps power-ReLU weights to spline weights u = A^{-T} w). */
export function solveAT(
  A: ChangeOfBasis,
  x: Float64Array,
  xo: number,
  xs: number,
  y: Float64Array,
  yo: number,
  ys: number,
): void {
  const { size: N, order: r, band } = A;
  const W = r + 1;
  for (let J = 0; J < N; J++) {
    let acc = x[xo + J * xs];
    const dmax = Math.min(r, J);
    for (let d = 1; d <= dmax; d++) acc -= band[(J - d) * W + d] * y[yo + (J - d) * ys];
    y[yo + J * ys] = acc / band[J * W];
  }
}

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}
