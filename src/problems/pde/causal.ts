/**
 * Causal weighting of a time-dependent PINN residual (Wang, Sankaran, Perdikaris 2022, "Respecting
 * causality is all you need for training physics-informed neural networks").
 *
 * Contract: points carry (x, t) with t in [0, 1] (time at offset 1 of each pair); time is split into
 * `slices` equal slices, slice k = min(slices - 1, floor(t slices)). With L_j the mean squared residual of
 * the points in slice j (0 for an empty slice), the weight of slice k is
 *
 *   w_k = exp(-eps sum_{j<k} L_j),   so w_0 = 1 and the weights do not increase with k.
 *
 * The weights are constants of the loss: the caller multiplies them into the residual term and does not
 * differentiate through them (the paper's stop-gradient).
 */

/** Causal weights w_k (length `slices`) from residuals r_i at points x (pairs (x, t), `n` points). */
export function causalWeights(
  x: Float64Array,
  residuals: Float64Array,
  n: number,
  slices: number,
  eps: number,
): Float64Array {
  if (!Number.isInteger(slices) || slices < 1)
    throw new Error(`causalWeights: slices must be an integer >= 1, got ${slices}`);
  if (!(Number.isFinite(eps) && eps >= 0))
    throw new Error(`causalWeights: eps must be a finite number >= 0, got ${eps}`);
  if (x.length < 2 * n || residuals.length < n)
    throw new Error(
      `causalWeights: need ${2 * n} coordinates and ${n} residuals, got ${x.length} and ${residuals.length}`,
    );
  const sum = new Float64Array(slices);
  const count = new Float64Array(slices);
  for (let s = 0; s < n; s++) {
    const k = Math.max(0, Math.min(slices - 1, Math.floor(x[2 * s + 1] * slices)));
    sum[k] += residuals[s] * residuals[s];
    count[k]++;
  }
  const w = new Float64Array(slices);
  let acc = 0;
  for (let k = 0; k < slices; k++) {
    w[k] = Math.exp(-eps * acc);
    if (count[k] > 0) acc += sum[k] / count[k];
  }
  return w;
}
