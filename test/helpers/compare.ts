/** Normwise comparison of float arrays (analytic against reference values). */

/** max_i |a_i - b_i| / max_i |b_i|: the largest difference relative to the reference b's largest entry. */
export function normwiseRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}
