/**
 * Per-interval polynomial tables for fast free-knot kernels. On interval j of a knot vector (local
 * coordinate u = (x - t_j)/(t_{j+1} - t_j) in [0, 1]) each of the r nonzero B-splines b_{j+m}(x), and each
 * of its derivatives with respect to the 2r knots it depends on, d b_{j+m}(x)/d t_{j+kk} (x held fixed),
 * is a polynomial of degree r - 1 in u. Once per step (the knots change only between steps) these are
 * recovered by interpolation at r Chebyshev nodes of [0, 1] from the exact de Boor tape
 * (spline/basis-knot-grad.ts); afterwards a sample costs a table lookup and Horner sums instead of a
 * de Boor triangle and its reverse sweep.
 *
 * Interpolation in the monomial basis on [0, 1] loses digits as r grows (Vandermonde conditioning), so the
 * tables are meant for r <= TABLE_MAX_ORDER (about 1e-14 relative for cubics); callers fall back to the
 * tape above that.
 *
 * Layouts (offsets given by the caller): values `V[((j*r + m)*r + e]`, knot derivatives
 * `D[(((j*r + m)*2r + kk)*r + e]`, coefficient of u^e, knot index `j + kk` of `KnotVector.t`.
 */
import { evalBasisAt, MAX_DERIV } from "./basis.js";
import { knotTapeBackward, knotTapeForward } from "./basis-knot-grad.js";
import type { KnotVector } from "./knots.js";

/** Highest order for which the interpolated tables are used. */
export const TABLE_MAX_ORDER = 5;

interface Interp {
  nodes: Float64Array;
  /** inv[e*r + i]: weight of the value at node i in the coefficient of u^e. */
  inv: Float64Array;
}
const interpCache: (Interp | undefined)[] = [];

/** Chebyshev nodes of [0, 1] and the inverse of their Vandermonde matrix (cached per order). */
function interp(r: number): Interp {
  const hit = interpCache[r];
  if (hit) return hit;
  const nodes = new Float64Array(r);
  for (let i = 0; i < r; i++) nodes[i] = 0.5 * (1 - Math.cos(((2 * i + 1) * Math.PI) / (2 * r)));
  // Gauss-Jordan on [V | I], V[i][e] = nodes[i]^e; inv = V^{-1}, so coef_e = sum_i inv[e][i] f(node_i).
  const a = new Float64Array(r * 2 * r);
  for (let i = 0; i < r; i++) {
    for (let e = 0; e < r; e++) a[i * 2 * r + e] = nodes[i] ** e;
    a[i * 2 * r + r + i] = 1;
  }
  for (let c = 0; c < r; c++) {
    let piv = c;
    for (let i = c + 1; i < r; i++) if (Math.abs(a[i * 2 * r + c]) > Math.abs(a[piv * 2 * r + c])) piv = i;
    for (let k = 0; k < 2 * r; k++) {
      const tmp = a[c * 2 * r + k];
      a[c * 2 * r + k] = a[piv * 2 * r + k];
      a[piv * 2 * r + k] = tmp;
    }
    const d = a[c * 2 * r + c];
    for (let k = 0; k < 2 * r; k++) a[c * 2 * r + k] /= d;
    for (let i = 0; i < r; i++) {
      if (i === c) continue;
      const f = a[i * 2 * r + c];
      if (f !== 0) for (let k = 0; k < 2 * r; k++) a[i * 2 * r + k] -= f * a[c * 2 * r + k];
    }
  }
  const inv = new Float64Array(r * r);
  for (let e = 0; e < r; e++) for (let i = 0; i < r; i++) inv[e * r + i] = a[e * 2 * r + r + i];
  const out = { nodes, inv };
  interpCache[r] = out;
  return out;
}

const vals = new Float64Array(2 * 16);
const unit = new Float64Array(16);
const jac = new Float64Array(32);
const nodeVals = new Float64Array(16 * 16);
const taylor = new Float64Array(4 * 16);
const nodeJac = new Float64Array(16 * 16 * 32);

/**
 * Fills the value table `V` and/or the knot-derivative table `D` (either may be null) of the intervals
 * j0 <= j < j1 (default: every interval) of `kv` (order r <= TABLE_MAX_ORDER), at the offsets of the full
 * layout (interval j at `vo + j*r*r`, `dO + j*r*2r*r`). Values come from a Taylor expansion by de Boor's
 * derivatives for r <= 4, by interpolation above. An interval's entries do not depend on the range asked
 * for (callers may build the intervals they need lazily). Allocation free after the first call for an order.
 */
export function buildKnotTables(
  kv: KnotVector,
  V: Float64Array | null,
  vo: number,
  D: Float64Array | null,
  dO: number,
  j0 = 0,
  j1 = kv.intervals,
): void {
  const r = kv.order;
  if (r > TABLE_MAX_ORDER) throw new Error(`knot tables support order r <= ${TABLE_MAX_ORDER}, got ${r}`);
  const { nodes, inv } = interp(r);
  const t = kv.t;
  if (!Number.isInteger(j0) || !Number.isInteger(j1) || j0 < 0 || j1 > kv.intervals || j0 > j1) {
    throw new Error(`knot table interval range [${j0}, ${j1}) is not inside [0, ${kv.intervals})`);
  }
  const r2 = 2 * r;
  if (V && r - 1 <= MAX_DERIV) {
    // Values by Taylor expansion at the left end of each interval: the coefficient of u^e is
    // b^(e)(t_j) h^e / e! (de Boor's derivatives, one evaluation per interval, no interpolation error).
    for (let j = j0; j < j1; j++) {
      const lo = t[j + r - 1];
      const h = t[j + r] - lo;
      evalBasisAt(kv, lo, r - 1, taylor, 0);
      let scale = 1;
      for (let e = 0; e < r; e++) {
        for (let m = 0; m < r; m++) V[vo + (j * r + m) * r + e] = taylor[e * r + m] * scale;
        scale *= h / (e + 1);
      }
    }
    V = null;
  }
  if (!V && !D) return;
  for (let j = j0; j < j1; j++) {
    const lo = t[j + r - 1];
    const h = t[j + r] - lo;
    for (let i = 0; i < r; i++) {
      const x = lo + nodes[i] * h;
      knotTapeForward(kv, x, vals, 0);
      for (let m = 0; m < r; m++) nodeVals[i * r + m] = vals[m];
      if (D) {
        // One reverse sweep per basis function: row m of the Jacobian over knots j .. j + 2r - 1.
        for (let m = 0; m < r; m++) {
          unit.fill(0, 0, r);
          unit[m] = 1;
          jac.fill(0, 0, r2);
          knotTapeBackward(kv, unit, 0, jac, -j); // knot j + kk lands in jac[kk]
          for (let kk = 0; kk < r2; kk++) nodeJac[(i * r + m) * r2 + kk] = jac[kk];
        }
      }
    }
    if (V) {
      for (let m = 0; m < r; m++) {
        for (let e = 0; e < r; e++) {
          let acc = 0;
          for (let i = 0; i < r; i++) acc += inv[e * r + i] * nodeVals[i * r + m];
          V[vo + (j * r + m) * r + e] = acc;
        }
      }
    }
    if (!D) continue;
    for (let m = 0; m < r; m++) {
      for (let kk = 0; kk < r2; kk++) {
        const base = dO + ((j * r + m) * r2 + kk) * r;
        for (let e = 0; e < r; e++) {
          let acc = 0;
          for (let i = 0; i < r; i++) acc += inv[e * r + i] * nodeJac[(i * r + m) * r2 + kk];
          D[base + e] = acc;
        }
      }
    }
  }
}
