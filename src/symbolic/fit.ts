/**
 * Fitting one edge's samples (x, y) to `c f(a x + b) + d` for a library function f (pykan's fit_params):
 * a grid search over (a, b) maximising R^2 of the linear fit y ~ f(a x + b) (iteratively zoomed around
 * the best cell), then c, d by linear least squares, then an optional Levenberg-Marquardt refinement of
 * all four parameters on every sample (kept only when it lowers the squared error). Candidates whose
 * values are not finite on some sample (poles, log of negatives) are skipped.
 */
import { symbolicFunction } from "../layers/symbolic-functions.js";

/** Options of `fitEdge`: the grid search ranges and resolution for (a, b) in c f(a x + b) + d. */
export interface EdgeFitOptions {
  /** Search range of a (default [-10, 10], pykan's). */
  aRange?: [number, number];
  /** Search range of b (default [-10, 10]). */
  bRange?: [number, number];
  /** Grid points per axis (default 101, pykan's). */
  gridNumber?: number;
  /** Zoom iterations of the grid search (default 3, pykan's). */
  iterations?: number;
  /** Samples used by the grid search: an even subsample of the sorted x (default 64). */
  searchSamples?: number;
  /** Levenberg-Marquardt iterations after the search (default 30; 0 keeps pykan's plain result). */
  refineSteps?: number;
}

/** A fitted edge: parameters of `c f(a x + b) + d` and the coefficient of determination R^2 on all samples. */
export interface EdgeFit {
  fn: string;
  a: number;
  b: number;
  c: number;
  d: number;
  /** 1 - SSE / SST on the given samples (1 for a perfect fit; -Infinity when not finite). */
  r2: number;
}

/** Least-squares c, d of y ~ c g + d and the R^2 (squared correlation) of that fit. */
function linearFit(
  g: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
): { c: number; d: number; r2: number } {
  let mg = 0;
  let my = 0;
  for (let s = 0; s < n; s++) {
    mg += g[s];
    my += y[s];
  }
  mg /= n;
  my /= n;
  let sgg = 0;
  let sgy = 0;
  let syy = 0;
  for (let s = 0; s < n; s++) {
    const dg = g[s] - mg;
    const dy = y[s] - my;
    sgg += dg * dg;
    sgy += dg * dy;
    syy += dy * dy;
  }
  if (!(sgg > 0) || !Number.isFinite(sgg)) return { c: 0, d: my, r2: syy > 0 ? 0 : 1 };
  const c = sgy / sgg;
  const r2 = syy > 0 ? (sgy * sgy) / (sgg * syy) : 1;
  return { c, d: my - c * mg, r2 };
}

/** R^2 = 1 - SSE/SST of c f(a x + b) + d on the samples (-Infinity when a value is not finite). */
export function fitR2(
  fnName: string,
  a: number,
  b: number,
  c: number,
  d: number,
  x: Float64Array,
  y: Float64Array,
): number {
  const { f } = symbolicFunction(fnName);
  const n = x.length;
  let my = 0;
  for (let s = 0; s < n; s++) my += y[s];
  my /= n;
  let sse = 0;
  let sst = 0;
  for (let s = 0; s < n; s++) {
    const e = c * f(a * x[s] + b) + d - y[s];
    sse += e * e;
    sst += (y[s] - my) * (y[s] - my);
  }
  if (!Number.isFinite(sse)) return Number.NEGATIVE_INFINITY;
  return sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0;
}

/**
 * Fits `c f(a x + b) + d` to samples (x[s], y[s]) for the library function `fnName` (pykan's
 * fit_params, plus an optional refinement). Throws for an unknown name or bad samples.
 */
export function fitEdge(
  x: Float64Array,
  y: Float64Array,
  fnName: string,
  opts: EdgeFitOptions = {},
): EdgeFit {
  const { f, df } = symbolicFunction(fnName);
  const n = x.length;
  if (n < 2 || y.length !== n)
    throw new Error(`fitEdge needs at least 2 samples and x, y of one length (got ${n}, ${y.length})`);
  for (let s = 0; s < n; s++)
    if (!Number.isFinite(x[s]) || !Number.isFinite(y[s]))
      throw new Error(`fitEdge: sample ${s} is not finite`);
  if (fnName === "0") {
    let my = 0;
    for (let s = 0; s < n; s++) my += y[s];
    my /= n;
    return { fn: "0", a: 1, b: 0, c: 0, d: my, r2: fitR2("0", 1, 0, 0, my, x, y) };
  }
  let [a0, a1] = opts.aRange ?? [-10, 10];
  let [b0, b1] = opts.bRange ?? [-10, 10];
  const G = opts.gridNumber ?? 101;
  const iterations = opts.iterations ?? 3;
  if (!Number.isInteger(G) || G < 3) throw new Error(`gridNumber must be an integer >= 3, got ${G}`);
  // Even subsample of the sorted samples for the search.
  const m = Math.min(n, opts.searchSamples ?? 64);
  const order = Array.from(x.keys()).sort((i, j) => x[i] - x[j]);
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const i = order[m === 1 ? 0 : Math.round((k * (n - 1)) / (m - 1))];
    xs[k] = x[i];
    ys[k] = y[i];
  }
  const g = new Float64Array(m);
  let best = { a: 1, b: 0, r2: Number.NEGATIVE_INFINITY };
  for (let it = 0; it < iterations; it++) {
    let bi = -1;
    let bj = -1;
    let br2 = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < G; i++) {
      const a = a0 + ((a1 - a0) * i) / (G - 1);
      for (let j = 0; j < G; j++) {
        const b = b0 + ((b1 - b0) * j) / (G - 1);
        let ok = true;
        for (let s = 0; s < m; s++) {
          const v = f(a * xs[s] + b);
          if (!Number.isFinite(v)) {
            ok = false;
            break;
          }
          g[s] = v;
        }
        if (!ok) continue;
        const { r2 } = linearFit(g, ys, m);
        if (r2 > br2) {
          br2 = r2;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0) break;
    const da = (a1 - a0) / (G - 1);
    const db = (b1 - b0) / (G - 1);
    const a = a0 + da * bi;
    const b = b0 + db * bj;
    best = { a, b, r2: br2 };
    [a0, a1] = [a - da, a + da];
    [b0, b1] = [b - db, b + db];
  }
  if (!Number.isFinite(best.r2)) {
    return { fn: fnName, a: 1, b: 0, c: 0, d: 0, r2: Number.NEGATIVE_INFINITY };
  }
  // c, d on all samples.
  const gAll = new Float64Array(n);
  for (let s = 0; s < n; s++) gAll[s] = f(best.a * x[s] + best.b);
  let cur = { ...linearFit(gAll, y, n), a: best.a, b: best.b };
  let p = [cur.a, cur.b, cur.c, cur.d];
  const sse = (q: number[]): number => {
    let e2 = 0;
    for (let s = 0; s < n; s++) {
      const e = q[2] * f(q[0] * x[s] + q[1]) + q[3] - y[s];
      e2 += e * e;
    }
    return Number.isFinite(e2) ? e2 : Number.POSITIVE_INFINITY;
  };
  let e0 = sse(p);
  let lambda = 1e-3;
  for (let it = 0; it < (opts.refineSteps ?? 30) && e0 > 0; it++) {
    // Normal equations J^T J dp = -J^T r for r = c f(a x + b) + d - y.
    const JTJ = new Float64Array(16);
    const JTr = new Float64Array(4);
    const J = new Float64Array(4);
    for (let s = 0; s < n; s++) {
      const t = p[0] * x[s] + p[1];
      const ft = f(t);
      const dft = df(t);
      J[0] = p[2] * dft * x[s];
      J[1] = p[2] * dft;
      J[2] = ft;
      J[3] = 1;
      const r = p[2] * ft + p[3] - y[s];
      for (let i = 0; i < 4; i++) {
        JTr[i] += J[i] * r;
        for (let j = 0; j < 4; j++) JTJ[i * 4 + j] += J[i] * J[j];
      }
    }
    let improved = false;
    for (let tries = 0; tries < 8 && !improved; tries++) {
      const A = Float64Array.from(JTJ);
      for (let i = 0; i < 4; i++) A[i * 5] += lambda * (JTJ[i * 5] + 1e-12);
      const step = solve4(
        A,
        JTr.map((v) => -v),
      );
      if (step === null) {
        lambda *= 10;
        continue;
      }
      const q = p.map((v, i) => v + step[i]);
      const e1 = sse(q);
      if (e1 < e0) {
        p = q;
        e0 = e1;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
      } else lambda *= 10;
    }
    if (!improved) break;
  }
  cur = { a: p[0], b: p[1], c: p[2], d: p[3], r2: 0 };
  return {
    fn: fnName,
    a: cur.a,
    b: cur.b,
    c: cur.c,
    d: cur.d,
    r2: fitR2(fnName, cur.a, cur.b, cur.c, cur.d, x, y),
  };
}

/** Solves the 4 x 4 system A z = r by Gaussian elimination with partial pivoting (null if singular). */
function solve4(A: Float64Array, r: Float64Array): Float64Array | null {
  const M = Float64Array.from(A);
  const z = Float64Array.from(r);
  for (let k = 0; k < 4; k++) {
    let piv = k;
    for (let i = k + 1; i < 4; i++) if (Math.abs(M[i * 4 + k]) > Math.abs(M[piv * 4 + k])) piv = i;
    if (!(Math.abs(M[piv * 4 + k]) > 0)) return null;
    if (piv !== k) {
      for (let j = 0; j < 4; j++) [M[k * 4 + j], M[piv * 4 + j]] = [M[piv * 4 + j], M[k * 4 + j]];
      [z[k], z[piv]] = [z[piv], z[k]];
    }
    for (let i = k + 1; i < 4; i++) {
      const fct = M[i * 4 + k] / M[k * 4 + k];
      for (let j = k; j < 4; j++) M[i * 4 + j] -= fct * M[k * 4 + j];
      z[i] -= fct * z[k];
    }
  }
  for (let k = 3; k >= 0; k--) {
    let acc = z[k];
    for (let j = k + 1; j < 4; j++) acc -= M[k * 4 + j] * z[j];
    z[k] = acc / M[k * 4 + k];
  }
  for (const v of z) if (!Number.isFinite(v)) return null;
  return z;
}
