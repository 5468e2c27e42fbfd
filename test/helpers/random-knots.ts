import { generalKnots, type KnotVector } from "../../src/spline/knots.js";
import type { Rng } from "../../src/util/random.js";

/** Random general knots on [a, b] with n intervals and mesh ratio (largest / smallest gap) <= maxRatio. */
export function randomKnots(rng: Rng, a: number, b: number, n: number, r: number, maxRatio = 4): KnotVector {
  const gaps = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    gaps[i] = 1 + (maxRatio - 1) * rng.uniform();
    total += gaps[i];
  }
  const bp = new Float64Array(n + 1);
  bp[0] = a;
  let acc = 0;
  for (let i = 0; i < n - 1; i++) {
    acc += gaps[i];
    bp[i + 1] = a + ((b - a) * acc) / total;
  }
  bp[n] = b;
  return generalKnots(bp, r);
}

/** Points in [lo, hi] that stay at least `margin` away from every knot. */
export function pointsAwayFromKnots(
  rng: Rng,
  kv: KnotVector,
  count: number,
  lo: number,
  hi: number,
  margin: number,
): number[] {
  const pts: number[] = [];
  let guard = 0;
  while (pts.length < count && guard++ < count * 1000) {
    const x = rng.range(lo, hi);
    let ok = true;
    for (let k = 0; k < kv.t.length; k++) if (Math.abs(x - kv.t[k]) < margin) ok = false;
    if (ok) pts.push(x);
  }
  return pts;
}
