/**
 * Symbolic edges of a spline layer (pykan's Symbolic_KANLayer, as a per-edge mask): edge (p, q) listed
 * here computes `c f(a x_p + b) + d` with a library function f (symbolic-functions.ts) and four trainable
 * parameters [a, b, c, d], *instead of* its spline (and base term). The spline layer keeps the masked
 * edge's coefficients at zero (zero at conversion, zero gradient) and adds these terms to its outputs.
 *
 * Parameters: 4 per edge, in list order, at the layer's `symbolicOffset`. Jets (derivatives with respect
 * to the inputs, model/jet.ts) are not supported for symbolic edges: the layer throws a clear error.
 */
import { type SymbolicFunction, symbolicFunction } from "./symbolic-functions.js";

/** One symbolic edge in a layer description: input p, output q, library function name. */
export interface SymbolicEdgeSpec {
  in: number;
  out: number;
  fn: string;
}

/** The symbolic edges of one P x Q layer (validated; forward and backward of their terms). */
export class SymbolicEdges {
  readonly nIn: number;
  readonly nOut: number;
  /** Input index of each edge. */
  readonly p: Int32Array;
  /** Output index of each edge. */
  readonly q: Int32Array;
  readonly fns: readonly SymbolicFunction[];
  /** mask[p*Q + q] = 1 where edge (p, q) is symbolic. */
  readonly mask: Uint8Array;

  constructor(specs: readonly SymbolicEdgeSpec[], nIn: number, nOut: number) {
    if (!Array.isArray(specs)) throw new Error(`symbolic edges must be a list, got ${JSON.stringify(specs)}`);
    this.nIn = nIn;
    this.nOut = nOut;
    const n = specs.length;
    this.p = new Int32Array(n);
    this.q = new Int32Array(n);
    this.mask = new Uint8Array(nIn * nOut);
    const fns: SymbolicFunction[] = [];
    specs.forEach((s, k) => {
      if (s === null || typeof s !== "object") throw new Error(`symbolic edge ${k} must be an object`);
      const { in: p, out: q } = s;
      if (!Number.isInteger(p) || p < 0 || p >= nIn)
        throw new Error(`symbolic edge ${k}: input index ${JSON.stringify(p)} is not in 0..${nIn - 1}`);
      if (!Number.isInteger(q) || q < 0 || q >= nOut)
        throw new Error(`symbolic edge ${k}: output index ${JSON.stringify(q)} is not in 0..${nOut - 1}`);
      if (this.mask[p * nOut + q]) throw new Error(`symbolic edge (${p}, ${q}) is listed twice`);
      this.mask[p * nOut + q] = 1;
      this.p[k] = p;
      this.q[k] = q;
      fns.push(symbolicFunction(s.fn));
    });
    this.fns = fns;
  }

  /** Number of symbolic edges. */
  get count(): number {
    return this.p.length;
  }

  /** Parameters: [a, b, c, d] per edge. */
  get paramCount(): number {
    return 4 * this.p.length;
  }

  /** Whether edge (p, q) is symbolic. */
  has(p: number, q: number): boolean {
    return this.mask[p * this.nOut + q] === 1;
  }

  /** Index k of edge (p, q) in the list, or -1. */
  indexOf(p: number, q: number): number {
    for (let k = 0; k < this.p.length; k++) if (this.p[k] === p && this.q[k] === q) return k;
    return -1;
  }

  /** The descriptions, in order. */
  toSpec(): SymbolicEdgeSpec[] {
    return this.fns.map((f, k) => ({ in: this.p[k], out: this.q[k], fn: f.name }));
  }

  /** Writes the identity-like initial parameters a = 1, b = 0, c = 1, d = 0 at `off`. */
  init(params: Float64Array, off: number): void {
    for (let k = 0; k < this.p.length; k++) {
      params[off + 4 * k] = 1;
      params[off + 4 * k + 1] = 0;
      params[off + 4 * k + 2] = 1;
      params[off + 4 * k + 3] = 0;
    }
  }

  /** Adds `c f(a x_p + b) + d` of every edge into y[yo + s*Q + q] for rows samples. */
  forward(
    params: Float64Array,
    off: number,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
    rows: number,
  ): void {
    const P = this.nIn;
    const Q = this.nOut;
    for (let k = 0; k < this.p.length; k++) {
      const { f } = this.fns[k];
      const p = this.p[k];
      const q = this.q[k];
      const a = params[off + 4 * k];
      const b = params[off + 4 * k + 1];
      const c = params[off + 4 * k + 2];
      const d = params[off + 4 * k + 3];
      for (let s = 0; s < rows; s++) y[yo + s * Q + q] += c * f(a * x[xo + s * P + p] + b) + d;
    }
  }

  /** Adds dLoss/d[a, b, c, d] into g[off ..] and (if gx) dLoss/dx_p into gx, from gy (offset 0). */
  backward(
    params: Float64Array,
    off: number,
    x: Float64Array,
    xo: number,
    gy: Float64Array,
    gx: Float64Array | null,
    g: Float64Array,
    rows: number,
  ): void {
    const P = this.nIn;
    const Q = this.nOut;
    for (let k = 0; k < this.p.length; k++) {
      const { f, df } = this.fns[k];
      const p = this.p[k];
      const q = this.q[k];
      const a = params[off + 4 * k];
      const b = params[off + 4 * k + 1];
      const c = params[off + 4 * k + 2];
      let ga = 0;
      let gb = 0;
      let gc = 0;
      let gd = 0;
      for (let s = 0; s < rows; s++) {
        const gys = gy[s * Q + q];
        const xv = x[xo + s * P + p];
        const t = a * xv + b;
        const cd = c * df(t) * gys;
        ga += cd * xv;
        gb += cd;
        gc += f(t) * gys;
        gd += gys;
        if (gx) gx[s * P + p] += cd * a;
      }
      g[off + 4 * k] += ga;
      g[off + 4 * k + 1] += gb;
      g[off + 4 * k + 2] += gc;
      g[off + 4 * k + 3] += gd;
    }
  }
}
