/**
 * The table kernels' state of a free-knot layer (layers/free-knot-layer.ts) for knots shared per layer or
 * per input, r <= TABLE_MAX_ORDER: per knot group k and interval j ("cell" k*G + j) the polynomial tables
 * of the basis (V, rebuilt by every prepare) and of its knot derivatives (D, built lazily by the first
 * contraction after a prepare) of spline/knot-tables.ts, and the per-interval moments
 * `M[m][e] += G_m u^e` of the backward passes, contracted with D into the knot gradient at the end of a
 * reduction slot (16 multiply-adds per sample instead of a reverse de Boor sweep).
 *
 * Contract:
 * - `rebuild(k)` after the knots of group k changed, then `nextEpoch()` once per prepare.
 * - `locate(k, x)` gives the interval of x and its local coordinate (linear continuation outside [a, b]);
 *   `evaluate(k, x, moments)` the basis values and slopes into `sc` (and the knot-moment weights into `pw`).
 * - A backward pass adds to `M` and calls `touch(cell)`; `contract(g, lo)` adds the knot gradients of the
 *   touched cells to `g[lo + k*G + i]` (breakpoint i = 1 .. G-1) and clears the moments.
 * The interval found is exactly `findInterval`'s, so results do not depend on the lookup.
 */
import { buildKnotTables } from "../spline/knot-tables.js";
import { findInterval, type KnotVector } from "../spline/knots.js";

/** Interval tables, moments and interval lookup of a free-knot layer's table kernels (see the file header). */
export class FreeKnotTables {
  /** Basis tables `V[(cell*r + m)*r + e]` (coefficient of u^e of b_{j+m} on cell k*G + j). */
  readonly V: Float64Array;
  /** Knot-derivative tables `D[((cell*r + m)*2r + kk)*r + e]` (built lazily per cell and prepare). */
  readonly D: Float64Array;
  /** Moments `M[(cell*r + m)*r + e]` accumulated by backward passes since the last contraction. */
  readonly M: Float64Array;
  /** u-weights of the knot derivatives of the effective values at the last `evaluate(..., true)`. */
  readonly pw = new Float64Array(16);
  /** [u, 1/h, ext] of the last `locate`: local coordinate, inverse interval width, x - x_e (0 inside). */
  readonly loc = new Float64Array(3);
  private readonly touched: Uint8Array;
  private readonly touchedList: Int32Array;
  /** Number of cells with moments waiting for `contract`. */
  nTouched = 0;
  /** Prepare counter, and the counter at which each cell's D table was last built (lazy D). */
  private epoch = 1;
  private readonly dEpoch: Int32Array;
  /**
   * Interval lookup: [a, b] cut into 2G equal buckets; bucketStart[k*2G + i] is the interval of group k
   * holding the bucket's left end, from which a short walk finds the interval of x (the same interval as
   * the binary search, at a few comparisons: knots are at least minGap (b - a)/G apart).
   */
  private readonly bucketStart: Int32Array;
  private readonly bucketScale: number;

  /**
   * @param kvs the layer's knot vectors (one per group, rewritten in place by the layer)
   * @param order spline order r
   * @param grid number of intervals G
   * @param domain [a, b]
   * @param sc the layer's scratch for basis values (r values, then r slopes)
   */
  constructor(
    private readonly kvs: KnotVector[],
    private readonly order: number,
    private readonly grid: number,
    private readonly domain: [number, number],
    readonly sc: Float64Array,
  ) {
    const r = order;
    const G = grid;
    const cells = kvs.length * G;
    this.V = new Float64Array(cells * r * r);
    this.D = new Float64Array(cells * 2 * r * r * r);
    this.M = new Float64Array(cells * r * r);
    this.touched = new Uint8Array(cells);
    this.touchedList = new Int32Array(cells);
    this.dEpoch = new Int32Array(cells);
    this.bucketStart = new Int32Array(kvs.length * 2 * G);
    this.bucketScale = (2 * G) / (domain[1] - domain[0]);
  }

  /** Rebuilds the V table and the interval buckets of group k from its current knots. */
  rebuild(k: number): void {
    const [a, b] = this.domain;
    const G = this.grid;
    const r = this.order;
    buildKnotTables(this.kvs[k], this.V, k * G * r * r, null, 0);
    const kv = this.kvs[k];
    const nb = 2 * G;
    for (let i = 0; i < nb; i++) this.bucketStart[k * nb + i] = findInterval(kv, a + (i * (b - a)) / nb);
  }

  /** Marks every D table stale (call once per prepare, after the `rebuild`s). */
  nextEpoch(): void {
    this.epoch = this.epoch === 0x7fffffff ? 1 : this.epoch + 1;
    if (this.epoch === 1) this.dEpoch.fill(0);
  }

  /** Records that cell k*G + j received moments. */
  touch(cell: number): void {
    if (this.touched[cell] === 0) {
      this.touched[cell] = 1;
      this.touchedList[this.nTouched++] = cell;
    }
  }

  /**
   * The interval j in [0, G) of group k holding xe in [a, b] (or NaN): the largest j with t_j <= xe,
   * 0 if none, exactly as `findInterval`, by the bucket table and a walk.
   */
  span(k: number, xe: number): number {
    const G = this.grid;
    const nb = 2 * G;
    const t = this.kvs[k].t;
    const off = this.order - 1;
    if (G <= 8) {
      // Few intervals: the plain binary search is as fast.
      let j = 0;
      let hi = G - 1;
      while (j < hi) {
        const mid = (j + hi + 1) >> 1;
        if (t[off + mid] <= xe) j = mid;
        else hi = mid - 1;
      }
      return j;
    }
    let bkt = Math.floor((xe - this.domain[0]) * this.bucketScale);
    if (!(bkt >= 0)) bkt = 0;
    else if (bkt >= nb) bkt = nb - 1;
    let j = this.bucketStart[k * nb + bkt];
    while (j > 0 && t[off + j] > xe) j--;
    while (j < G - 1 && t[off + j + 1] <= xe) j++;
    return j;
  }

  /**
   * Locates x for group k: x_e = x clamped to [a, b], ext = x - x_e, the interval j of x_e, its local
   * coordinate u and inverse width 1/h, written to `loc` as [u, 1/h, ext]. Returns j.
   */
  locate(k: number, x: number): number {
    const r = this.order;
    const kv = this.kvs[k];
    const t = kv.t;
    let xe = x;
    let ext = 0;
    if (x < kv.a) {
      xe = kv.a;
      ext = x - kv.a;
    } else if (x > kv.b) {
      xe = kv.b;
      ext = x - kv.b;
    }
    const j = this.span(k, xe);
    const lo = t[j + r - 1];
    const ih = 1 / (t[j + r] - lo);
    const loc = this.loc;
    loc[0] = (xe - lo) * ih;
    loc[1] = ih;
    loc[2] = ext;
    return j;
  }

  /**
   * Table evaluation at x for group k: values into sc[0 .. r), slopes into sc[r .. 2r) (linear
   * continuation outside [a, b]); with `moments`, the u-weights of the knot derivatives of the effective
   * values into pw (u^e, plus ext * e u^(e-1) / h outside). Returns the span j.
   */
  evaluate(k: number, x: number, moments: boolean): number {
    const r = this.order;
    const j = this.locate(k, x);
    const u = this.loc[0];
    const ih = this.loc[1];
    const ext = this.loc[2];
    const vb = (k * this.grid + j) * r * r;
    const V = this.V;
    const sc = this.sc;
    for (let m = 0; m < r; m++) {
      const cb = vb + m * r;
      let val = V[cb + r - 1];
      let der = 0;
      for (let e = r - 2; e >= 0; e--) {
        der = der * u + val;
        val = val * u + V[cb + e];
      }
      const slope = der * ih;
      sc[r + m] = slope;
      sc[m] = val + ext * slope;
    }
    if (moments) {
      const pw = this.pw;
      let pe = 1;
      if (ext === 0) {
        for (let e = 0; e < r; e++) {
          pw[e] = pe;
          pe *= u;
        }
      } else {
        let prev = 0;
        const c = ext * ih;
        for (let e = 0; e < r; e++) {
          pw[e] = pe + c * e * prev;
          prev = pe;
          pe *= u;
        }
      }
    }
    return j;
  }

  /**
   * Contracts the moments of the touched intervals with the knot-derivative tables into g (and clears them).
   * D is built lazily, per touched interval, once per prepare (a cell's table does not depend on which cells
   * are built). b_{j+m} depends only on the knots j+m .. j+m+r, so D is zero outside kk in [m, m + r]
   * (exactly: the reverse sweep never reaches those knots) and those terms are skipped.
   */
  contract(g: Float64Array, lo: number): void {
    const r = this.order;
    const G = this.grid;
    const r2 = 2 * r;
    const M = this.M;
    const D = this.D;
    const dEpoch = this.dEpoch;
    const epoch = this.epoch;
    for (let c = 0; c < this.nTouched; c++) {
      const cell = this.touchedList[c];
      this.touched[cell] = 0;
      const k = Math.floor(cell / G);
      const j = cell - k * G;
      if (dEpoch[cell] !== epoch) {
        buildKnotTables(this.kvs[k], null, 0, D, k * G * r * r2 * r, j, j + 1);
        dEpoch[cell] = epoch;
      }
      const mb = cell * r * r;
      const db = cell * r * r2 * r;
      for (let kk = 0; kk < r2; kk++) {
        const i = j + kk - r + 1; // breakpoint index of knot j + kk
        if (i < 1 || i > G - 1) continue;
        let acc = 0;
        const m0 = kk > r ? kk - r : 0;
        const m1 = kk < r - 1 ? kk : r - 1;
        if (r === 4) {
          for (let m = m0; m <= m1; m++) {
            const dm = db + (m * 8 + kk) * 4;
            const mm = mb + m * 4;
            acc += M[mm] * D[dm];
            acc += M[mm + 1] * D[dm + 1];
            acc += M[mm + 2] * D[dm + 2];
            acc += M[mm + 3] * D[dm + 3];
          }
        } else {
          for (let m = m0; m <= m1; m++) {
            const dm = db + (m * r2 + kk) * r;
            const mm = mb + m * r;
            for (let e = 0; e < r; e++) acc += M[mm + e] * D[dm + e];
          }
        }
        g[lo + k * G + i] += acc;
      }
      for (let e = mb; e < mb + r * r; e++) M[e] = 0;
    }
    this.nTouched = 0;
  }
}
