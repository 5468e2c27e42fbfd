/**
 * The monotone parametrisation of free knots (arXiv 2505.18131 trains "the 1D locations of the spline
 * knots"; the parametrisation is ours, digest section 1.7 option (a)): n unconstrained logits theta give
 * the n interval widths of the grid on [a, b] by a softmax mixed with a uniform floor,
 *
 *   g_m = (1 - eps) softmax(theta)_m + eps / n,   m = 0 .. n-1,   sum_m g_m = 1,
 *   t_0 = a,   t_i = a + (b - a) sum_{m<i} g_m  (i = 1 .. n-1),   t_n = b,
 *
 * so the interior knots are strictly increasing, stay inside (a, b), and no interval is narrower than the
 * minimum spacing eps (b - a) / n (eps = `minGap`, a fraction of the uniform spacing, in (0, 1)). theta = 0
 * gives uniform knots; adding a constant to theta changes nothing. The endpoints a, b are fixed, so the
 * domain of the layer does not move and refinement stays exact (section 4.5 of 2603.04827).
 *
 * Everything here is allocation free on caller-provided arrays, except `logitsFromBreakpoints`.
 */

/**
 * Breakpoints from logits: writes `t[to + i]`, i = 0 .. n (t_0 = a and t_n = b exactly) and the softmax
 * `s[so + m]` (kept for the gradient), for n = theta.length-many logits read at `theta[tho + m]`.
 * Throws for a non-finite logit (the message names `what`).
 */
export function breakpointsFromLogits(
  theta: ArrayLike<number>,
  tho: number,
  n: number,
  a: number,
  b: number,
  minGap: number,
  s: Float64Array,
  so: number,
  t: Float64Array,
  to: number,
  what = "knot logits",
): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let m = 0; m < n; m++) {
    const v = theta[tho + m];
    if (!Number.isFinite(v)) throw new Error(`${what}: logit ${m} is ${v} (must be finite)`);
    if (v > max) max = v;
  }
  let sum = 0;
  for (let m = 0; m < n; m++) {
    const e = Math.exp(theta[tho + m] - max);
    s[so + m] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let m = 0; m < n; m++) s[so + m] *= inv;
  const L = b - a;
  const floor = minGap / n;
  const keep = 1 - minGap;
  t[to] = a;
  let acc = 0;
  for (let i = 1; i < n; i++) {
    acc += keep * s[so + i - 1] + floor;
    t[to + i] = a + L * acc;
  }
  t[to + n] = b;
}

/**
 * The chain rule through `breakpointsFromLogits`: from dL/dt_i of the interior breakpoints
 * (`gt[gto + i]`, i = 1 .. n-1; entries 0 and n are ignored) and the softmax `s` it kept, writes
 * dL/dtheta_m into `gTheta[go + m]` (m = 0 .. n-1). `gt` and `gTheta` may be the same array at the same
 * offset.
 */
export function logitGradient(
  gt: Float64Array,
  gto: number,
  n: number,
  a: number,
  b: number,
  minGap: number,
  s: Float64Array,
  so: number,
  gTheta: Float64Array,
  go: number,
): void {
  // dL/dg_m = (b - a) sum_{i=m+1}^{n-1} dL/dt_i (suffix sums), then times (1 - eps), then the softmax
  // Jacobian: dL/dtheta_m = s_m (dL/ds_m - sum_k s_k dL/ds_k).
  const scale = (b - a) * (1 - minGap);
  // First pass: suffix sums into gTheta (read gt[i] before gTheta[i] is written; i runs downwards).
  let suffix = 0;
  let dot = 0;
  for (let m = n - 1; m >= 0; m--) {
    const gs = scale * suffix;
    const own = m >= 1 ? gt[gto + m] : 0; // read before gTheta[m] (maybe the same entry) is written
    gTheta[go + m] = gs;
    dot += s[so + m] * gs;
    suffix += own;
  }
  for (let m = 0; m < n; m++) gTheta[go + m] = s[so + m] * (gTheta[go + m] - dot);
}

/**
 * Logits that reproduce the given breakpoints a = t_0 < ... < t_n = b (up to rounding), centred to sum 0.
 * Throws, naming the interval, when a width is not above the minimum spacing minGap (b - a) / n.
 */
export function logitsFromBreakpoints(
  bp: ArrayLike<number>,
  minGap: number,
  what = "breakpoints",
): Float64Array {
  const n = bp.length - 1;
  const a = bp[0];
  const L = bp[n] - a;
  const theta = new Float64Array(n);
  let mean = 0;
  for (let m = 0; m < n; m++) {
    const g = (bp[m + 1] - bp[m]) / L;
    const sm = (g - minGap / n) / (1 - minGap);
    if (!(sm > 0) || !Number.isFinite(sm)) {
      throw new Error(
        `${what}: interval ${m} [${bp[m]}, ${bp[m + 1]}] has width ${bp[m + 1] - bp[m]}, not above the minimum knot spacing ${(minGap * L) / n} (minGap ${minGap} of the uniform spacing)`,
      );
    }
    theta[m] = Math.log(sm);
    mean += theta[m];
  }
  mean /= n;
  for (let m = 0; m < n; m++) theta[m] -= mean;
  return theta;
}

/**
 * Logits of the grid refined by inserting the midpoint of every interval (n -> 2n), for the same minGap:
 * each width g_m splits into two widths g_m / 2, whose softmax weights are s_m / 2, so the refined logits
 * are theta_m - log 2 twice, here re-centred: `out[2m] = out[2m+1] = theta_m` exactly (the shift
 * cancels in the softmax). The refined breakpoints are the coarse ones plus the midpoints, to rounding.
 */
export function midpointLogits(
  theta: ArrayLike<number>,
  tho: number,
  n: number,
  out: Float64Array,
  oo: number,
): void {
  for (let m = 0; m < n; m++) {
    out[oo + 2 * m] = theta[tho + m];
    out[oo + 2 * m + 1] = theta[tho + m];
  }
}

/**
 * Checks a minimum-spacing fraction: a number in (0, 1). Zero is refused: with no floor, a logit far below
 * the others collapses its interval to zero width in floating point (division by zero in the basis).
 */
export function requireMinGap(minGap: unknown): number {
  if (typeof minGap !== "number" || !Number.isFinite(minGap) || minGap <= 0 || minGap >= 1) {
    throw new Error(
      `minGap (minimum knot spacing, a fraction of the uniform spacing) must be in (0, 1), got ${minGap}`,
    );
  }
  return minGap;
}
