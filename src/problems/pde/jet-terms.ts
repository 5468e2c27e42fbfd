/**
 * Small building blocks shared by the paper's PINN problems (Burgers, Poisson with a discontinuous
 * coefficient, Allen-Cahn): a loss made of several jet terms, each a point set with its own jet shape,
 * compiled residual loss and optional one-sided derivative sides, summed with one gradient buffer per
 * term size; residual-based attention (RBA) weights; and the error metrics against a reference.
 *
 * A term's loss closure comes from `jetTermLoss` (problems/residual.ts) and so runs on worker threads
 * when a thread pool is installed, point weights and residual outputs included.
 */
import type { JetShape } from "../../layers/jet.js";
import type { JetBlockLoss, Network } from "../../model/network.js";

/** One loss term: `loss` evaluated on the output jets of the n points `x` (row-major, nIn per point). */
export interface JetTerm {
  /** Label for reports ("residual", "initial", "boundary", "interface", ...). */
  readonly name: string;
  x: Float64Array;
  n: number;
  readonly shape: JetShape;
  loss: JetBlockLoss;
  /** Per-point side (-1 left, +1 right) for one-sided derivatives at kinks. */
  sides?: Int8Array;
}

/**
 * What `evaluateJetTerms` keeps between calls: one gradient buffer and one loss per term, and the options
 * it passes (made once, so that a call allocates nothing). Make one with `jetTermScratch()`.
 */
export interface JetTermScratch {
  /** Per-term gradients (sized on the first call and at a change of parameter count or term count). */
  g: Float64Array[];
  /** Per-term losses. */
  losses: Float64Array;
  /** The largest term's options: its sides (set per call) and the other terms as its `meanwhile`. */
  hostOptions: { sides?: Int8Array; meanwhile: () => void };
  /** The options of each other term in turn (its sides). */
  termOptions: { sides?: Int8Array };
  /** The call in progress (read by the host's `meanwhile`). */
  model: Network | null;
  terms: readonly JetTerm[];
  host: number;
}

/** Empty scratch for `evaluateJetTerms` and `sumJetTerms`; it sizes its buffers on the first call. */
export function jetTermScratch(): JetTermScratch {
  const sc: JetTermScratch = {
    g: [],
    losses: new Float64Array(0),
    hostOptions: { meanwhile: () => evaluateOthers(sc) },
    termOptions: {},
    model: null,
    terms: [],
    host: 0,
  };
  return sc;
}

/** Every term but the host: its loss into `sc.losses[t]`, its gradient into `sc.g[t]`. */
function evaluateOthers(sc: JetTermScratch): void {
  const model = sc.model as Network;
  for (let t = 0; t < sc.terms.length; t++) {
    if (t === sc.host) continue;
    const term = sc.terms[t];
    sc.termOptions.sides = term.sides;
    sc.losses[t] = model.jetGradient(term.x, term.n, term.shape, term.loss, sc.g[t], sc.termOptions);
  }
  sc.termOptions.sides = undefined;
}

/**
 * Evaluates every term: its loss into `scratch.losses[t]`, its gradient (P entries) into `scratch.g[t]`.
 * The largest term (most points times jet channels) is evaluated with the others as its `meanwhile`
 * (JetOptions): with a thread pool the calling thread evaluates the small terms while the workers start
 * on the large one. Each term is computed as it would be alone, so the values do not depend on the
 * threads; the caller adds them up in its order (`sumJetTerms`, `PdeProblem`).
 */
export function evaluateJetTerms(
  model: Network,
  terms: readonly JetTerm[],
  P: number,
  scratch: JetTermScratch,
): void {
  const T = terms.length;
  if (scratch.g.length !== T || (T > 0 && scratch.g[0].length !== P)) {
    scratch.g = Array.from({ length: T }, () => new Float64Array(P));
    scratch.losses = new Float64Array(T);
  }
  if (T === 0) return;
  let host = 0;
  for (let t = 1; t < T; t++)
    if (terms[t].n * terms[t].shape.C > terms[host].n * terms[host].shape.C) host = t;
  const h = terms[host];
  scratch.model = model;
  scratch.terms = terms;
  scratch.host = host;
  scratch.hostOptions.sides = h.sides;
  try {
    scratch.losses[host] = model.jetGradient(h.x, h.n, h.shape, h.loss, scratch.g[host], scratch.hostOptions);
  } finally {
    scratch.model = null;
    scratch.terms = [];
    scratch.hostOptions.sides = undefined;
  }
}

/**
 * Sums the terms' losses and writes the gradient of the sum into `grad`: the terms evaluated by
 * `evaluateJetTerms`, then `grad = 0 + g_0 + g_1 + ...` and the loss `l_0 + l_1 + ...` in term order, so
 * the bits are those of evaluating the terms one after another, for any thread count. Returns the total
 * loss; `parts` (if given) receives each term's loss in order.
 */
export function sumJetTerms(
  model: Network,
  terms: readonly JetTerm[],
  grad: Float64Array,
  scratch: JetTermScratch,
  parts?: Float64Array,
): number {
  const P = grad.length;
  evaluateJetTerms(model, terms, P, scratch);
  grad.fill(0);
  let total = 0;
  for (let t = 0; t < terms.length; t++) {
    const l = scratch.losses[t];
    if (parts) parts[t] = l;
    total += l;
    const g = scratch.g[t];
    for (let i = 0; i < P; i++) grad[i] += g[i];
  }
  return total;
}

/**
 * Residual-based attention (digest section 5.2, Anagnostopoulos et al.): after each step,
 * `lambda_i <- (1 - mu) lambda_i + mu |r_i| / max_j |r_j|`, starting from lambda_i = 1; the weighted
 * term uses (lambda_i r_i)^2. Updates `lambda` in place from the residuals of the last evaluation.
 */
export function updateRba(
  lambda: Float64Array,
  residuals: Float64Array,
  mu: number,
  count = lambda.length,
): void {
  let max = 0;
  for (let i = 0; i < count; i++) {
    const a = Math.abs(residuals[i]);
    if (a > max) max = a;
  }
  if (!(max > 0) || !Number.isFinite(max)) return;
  const k = mu / max;
  for (let i = 0; i < count; i++) lambda[i] = (1 - mu) * lambda[i] + k * Math.abs(residuals[i]);
}

/** n equally spaced values from a to b inclusive (n >= 2; n = 1 gives a). */
export function linspace(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = a;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = a + ((b - a) * i) / (n - 1);
  out[n - 1] = b;
  return out;
}

/** Relative L2 error ||u - ref|| / ||ref|| and max |u - ref| over paired values. */
export function errorNorms(
  u: ArrayLike<number>,
  ref: ArrayLike<number>,
): { relL2: number; maxAbsErr: number } {
  let num = 0;
  let den = 0;
  let max = 0;
  for (let i = 0; i < ref.length; i++) {
    const e = u[i] - ref[i];
    num += e * e;
    den += ref[i] * ref[i];
    const a = Math.abs(e);
    if (a > max || Number.isNaN(a)) max = a;
  }
  return { relL2: Math.sqrt(num / den), maxAbsErr: max };
}

/**
 * A field sampled on a tensor grid for heat maps: `values[j * nx + i]` at (xs[i], ys[j]), row j = the
 * second coordinate (y or t).
 */
export interface GridField {
  xs: Float64Array;
  ys: Float64Array;
  /** Axis names, e.g. ["x", "t"]. */
  names: [string, string];
  values: Float64Array;
}

/** Solution, reference and |error| on a tensor grid, for heat maps. */
export interface GridFields {
  solution: GridField;
  reference: GridField;
  error: GridField;
}

/**
 * The model's solution at the grid points `pts` (second coordinate major, as `gridPoints`), the
 * reference there and the absolute error, as fields on the tensor grid xs x ys.
 */
export function gridFields(
  model: Network,
  pts: Float64Array,
  reference: Float64Array,
  xs: Float64Array,
  ys: Float64Array,
  names: [string, string],
): GridFields {
  const n = xs.length * ys.length;
  const u = model.forward(pts, n).slice(0, n);
  const err = new Float64Array(n);
  for (let s = 0; s < n; s++) err[s] = Math.abs(u[s] - reference[s]);
  const f = (values: Float64Array): GridField => ({ xs, ys, names, values });
  return { solution: f(u), reference: f(reference), error: f(err) };
}

/** Points of a tensor grid, second coordinate major: (xs[i], ys[j]) at row j * nx + i. */
export function gridPoints(xs: ArrayLike<number>, ys: ArrayLike<number>): Float64Array {
  const pts = new Float64Array(2 * xs.length * ys.length);
  for (let j = 0; j < ys.length; j++)
    for (let i = 0; i < xs.length; i++) {
      const s = j * xs.length + i;
      pts[2 * s] = xs[i];
      pts[2 * s + 1] = ys[j];
    }
  return pts;
}
