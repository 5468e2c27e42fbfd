/**
 * Derivatives with respect to the knots (free knots, arXiv 2505.18131):
 *
 * - of the r nonzero B-splines at x: the Cox-de Boor triangle on the span of x is kept (a "tape") and
 *   differentiated in reverse. On level d (order d + 1) each value is
 *   `N_{i,d} = alpha_i N_{i,d-1} + beta_i N_{i+1,d-1}`, `alpha_i = (x - t_i)/(t_{i+d} - t_i)`,
 *   `beta_i = (t_{i+d+1} - x)/(t_{i+d+1} - t_{i+1})`, with `d alpha_i/d t_i = (alpha_i - 1)/(t_{i+d} - t_i)`,
 *   `d alpha_i/d t_{i+d} = -alpha_i/(t_{i+d} - t_i)`, `d beta_i/d t_{i+d+1} = (1 - beta_i)/(t_{i+d+1} - t_{i+1})`,
 *   `d beta_i/d t_{i+1} = beta_i/(t_{i+d+1} - t_{i+1})`. The order-1 indicators do not depend on the knots
 *   (almost everywhere), so the result is the exact derivative wherever x is not a knot; for r >= 3 it is
 *   continuous across knots as well. One forward plus one reverse sweep cost O(r^2) per point, like
 *   de Boor's evaluation itself, whatever the number of knots.
 * - Outside [a, b] the effective basis is `b(x_e) + (x - x_e) b'(x_e)` (linear continuation, DESIGN.md
 *   section 1, x_e = a or b), and the slope `b'_i = p (N_{i,p}/(t_{i+p} - t_i) - N_{i+1,p}/(t_{i+p+1} - t_{i+1}))`
 *   is differentiated too.
 * - of the change of basis A (power-ReLU basis, 2603.04827 Lemma 2) through its closed form
 *   `A_ij = (-1)^r (t_{i+r} - t_i) / prod_{m=i..i+r, m != j} (t_j - t_m)`: logarithmic derivatives.
 *
 * Knot indices are those of `KnotVector.t` (zero-based, extension knots included). The tape lives in
 * module scratch (per worker thread): call `knotTapeBackward` right after the `knotTapeForward` it
 * belongs to.
 */
import type { ChangeOfBasis } from "./change-of-basis.js";
import { findInterval, type KnotVector, MAX_ORDER } from "./knots.js";

const R = MAX_ORDER;
const lev = new Float64Array(R * R);
const adj = new Float64Array(R * R);
/** Tape scalars [K, x_e, ext, p] in a typed array (module `let` doubles would be boxed on every store). */
const tapeState = new Float64Array(4);

/**
 * Evaluates at x the r nonzero basis functions of `kv` (any knots, order r >= 2) with the linear
 * continuation outside [a, b], writing values to `out[off + m]` and slopes d/dx to `out[off + r + m]`
 * (m = 0 .. r-1, basis `span + m`), and records the tape for `knotTapeBackward`. Returns the span j.
 * Agrees with `evalBasisAt` to rounding. Allocation free.
 */
export function knotTapeForward(kv: KnotVector, x: number, out: Float64Array, off: number): number {
  const r = kv.order;
  const p = r - 1;
  const t = kv.t;
  const j = findInterval(kv, x);
  let xe = x;
  let ext = 0;
  if (x < kv.a) {
    xe = kv.a;
    ext = x - kv.a;
  } else if (x > kv.b) {
    xe = kv.b;
    ext = x - kv.b;
  }
  const K = j + p;
  tapeState[0] = K;
  tapeState[1] = xe;
  tapeState[2] = ext;
  tapeState[3] = p;
  lev[0] = 1;
  for (let d = 1; d <= p; d++) {
    const row = d * R;
    const prev = row - R;
    for (let ii = 0; ii <= d; ii++) {
      const i = K - d + ii;
      let v = 0;
      if (ii >= 1) v += ((xe - t[i]) / (t[i + d] - t[i])) * lev[prev + ii - 1];
      if (ii <= d - 1) v += ((t[i + d + 1] - xe) / (t[i + d + 1] - t[i + 1])) * lev[prev + ii];
      lev[row + ii] = v;
    }
  }
  const top = p * R;
  const below = top - R;
  for (let m = 0; m <= p; m++) {
    const i = K - p + m;
    let s = 0;
    if (p >= 1) {
      if (m >= 1) s += (p * lev[below + m - 1]) / (t[i + p] - t[i]);
      if (m <= p - 1) s -= (p * lev[below + m]) / (t[i + p + 1] - t[i + 1]);
    }
    out[off + r + m] = s;
    out[off + m] = lev[top + m] + ext * s;
  }
  return j;
}

/**
 * Reverse sweep of the last `knotTapeForward`: given dL/d(value of basis span + m) in `gb[gbo + m]`,
 * adds dL/dt_k into `gt[gto + k]` for every knot k of `kv.t` the r basis functions depend on (indices
 * span .. span + 2r - 1). Allocation free.
 */
export function knotTapeBackward(
  kv: KnotVector,
  gb: Float64Array,
  gbo: number,
  gt: Float64Array,
  gto: number,
): void {
  const t = kv.t;
  const K = tapeState[0];
  const xe = tapeState[1];
  const ext = tapeState[2];
  const p = tapeState[3];
  for (let k = 0; k < p * R + p + 1; k++) adj[k] = 0;
  const top = p * R;
  const below = top - R;
  for (let m = 0; m <= p; m++) adj[top + m] = gb[gbo + m];
  if (ext !== 0 && p >= 1) {
    // Slope terms of the continuation: value += ext * slope.
    for (let m = 0; m <= p; m++) {
      const gs = ext * gb[gbo + m];
      if (gs === 0) continue;
      const i = K - p + m;
      if (m >= 1) {
        const D = t[i + p] - t[i];
        const c = (gs * p * lev[below + m - 1]) / (D * D);
        adj[below + m - 1] += (gs * p) / D;
        gt[gto + i + p] -= c;
        gt[gto + i] += c;
      }
      if (m <= p - 1) {
        const E = t[i + p + 1] - t[i + 1];
        const c = (gs * p * lev[below + m]) / (E * E);
        adj[below + m] -= (gs * p) / E;
        gt[gto + i + p + 1] += c;
        gt[gto + i + 1] -= c;
      }
    }
  }
  for (let d = p; d >= 1; d--) {
    const row = d * R;
    const prev = row - R;
    for (let ii = 0; ii <= d; ii++) {
      const a = adj[row + ii];
      if (a === 0) continue;
      const i = K - d + ii;
      if (ii >= 1) {
        const D = t[i + d] - t[i];
        const alpha = (xe - t[i]) / D;
        const w = (a * lev[prev + ii - 1]) / D;
        adj[prev + ii - 1] += a * alpha;
        gt[gto + i] += w * (alpha - 1);
        gt[gto + i + d] -= w * alpha;
      }
      if (ii <= d - 1) {
        const E = t[i + d + 1] - t[i + 1];
        const beta = (t[i + d + 1] - xe) / E;
        const w = (a * lev[prev + ii]) / E;
        adj[prev + ii] += a * beta;
        gt[gto + i + d + 1] += w * (1 - beta);
        gt[gto + i + 1] += w * beta;
      }
    }
  }
}

/**
 * The full Jacobian of the r nonzero basis values at x with respect to all knots, for tests and
 * diagnostics: `jac[m * t.length + k]` = d b_{span+m}(x) / d t_k. Returns the span. Allocates.
 */
export function basisKnotJacobian(kv: KnotVector, x: number): { span: number; jac: Float64Array } {
  const r = kv.order;
  const nt = kv.t.length;
  const jac = new Float64Array(r * nt);
  const vals = new Float64Array(2 * r);
  const unit = new Float64Array(r);
  let span = 0;
  for (let m = 0; m < r; m++) {
    span = knotTapeForward(kv, x, vals, 0);
    unit.fill(0);
    unit[m] = 1;
    knotTapeBackward(kv, unit, 0, jac, m * nt);
  }
  return { span, jac };
}

/**
 * The change of basis A (B-splines -> power-ReLUs) of `kv` written in place into `A.band` by the closed
 * form (divided differences of truncated powers), allocation free; `A` must have the size and order of
 * `kv`. Equal to `changeOfBasisRecursive` to rounding.
 */
export function changeOfBasisInto(kv: KnotVector, A: ChangeOfBasis): void {
  const r = kv.order;
  const t = kv.t;
  const N = A.size;
  const W = r + 1;
  const band = A.band;
  const sign = r % 2 === 0 ? 1 : -1;
  for (let I = 0; I < N; I++) {
    for (let d = 0; d <= r; d++) {
      const J = I + d;
      if (J >= N) {
        band[I * W + d] = 0;
        continue;
      }
      let prod = 1;
      for (let m = I; m <= I + r; m++) if (m !== J) prod *= t[J] - t[m];
      band[I * W + d] = (sign * (t[I + r] - t[I])) / prod;
    }
  }
}

/**
 * Adds to `gt[gto + k]` the knot gradient of the power-ReLU parametrisation of one edge:
 * with u = A(t)^{-T} w held fixed in w, `dL/dt_k += -sum_{I,J} u_I (dA_IJ/dt_k) gw_J`, where gw = A^{-1} gu
 * is the gradient with respect to the weights w (`u[uo + I*us]`, `gw[go + J*gs]`). `A` must hold the
 * closed form of `kv` (see `changeOfBasisInto`). Cost O(N r^2). Allocation free.
 */
export function addChangeOfBasisKnotGradient(
  kv: KnotVector,
  A: ChangeOfBasis,
  u: Float64Array,
  uo: number,
  us: number,
  gw: Float64Array,
  go: number,
  gs: number,
  gt: Float64Array,
  gto: number,
): void {
  const r = kv.order;
  const t = kv.t;
  const N = A.size;
  const W = r + 1;
  const band = A.band;
  for (let I = 0; I < N; I++) {
    const uI = u[uo + I * us];
    if (uI === 0) continue;
    const span = t[I + r] - t[I];
    for (let d = 0; d <= r; d++) {
      const J = I + d;
      if (J >= N) break;
      // c = -u_I gw_J A_IJ; dA_IJ/dt_k = A_IJ * (log-derivative in t_k).
      const c = -uI * gw[go + J * gs] * band[I * W + d];
      if (c === 0) continue;
      gt[gto + I + r] += c / span;
      gt[gto + I] -= c / span;
      let own = 0;
      for (let m = I; m <= I + r; m++) {
        if (m === J) continue;
        const inv = 1 / (t[J] - t[m]);
        gt[gto + m] += c * inv;
        own -= inv;
      }
      gt[gto + J] += c * own;
    }
  }
}
