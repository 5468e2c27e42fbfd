/**
 * A spline KAN layer (paper eq. 6, `y_q = sum_p phi_pq(x_p)`) as an ONNX subgraph of operators that run
 * in float64, repeating mlkan's own evaluation (spline/basis.ts) step by step:
 *
 * 1. xe = Clip(x, a, b): the point where the polynomial piece is evaluated.
 * 2. Interval index j per (sample, input): uniform knots `Clip(Floor((xe - a) / h), 0, G - 1)` and the
 *    local coordinate u = (xe - a)/h - j; general knots: the number of interior breakpoints <= xe
 *    (`GreaterOrEqual`, summed by a MatMul with ones), as `findInterval`.
 * 3. The r nonzero basis values on that interval: uniform cubic by the closed forms of `cubicUniformAt`,
 *    uniform of other orders by Horner on the cardinal piece table (`uniformPieceTable`), general knots
 *    by de Boor's triangle on knots gathered at j (`evalDeBoor`); all Mul/Add/Sub/Div.
 * 4. Gather of the r active coefficient rows `c[p][j+m][:]` (indices p N + j + m), then one batched
 *    MatMul sums basis times coefficients over (p, m).
 * 5. Linear continuation outside [a, b] (DESIGN.md section 1): `min(x - a, 0) phi'(a) +
 *    max(x - b, 0) phi'(b)`, the end slopes phi'_pq(a), phi'_pq(b) precomputed here; one MatMul each.
 * 6. pykan-style base term (`base: true`): `silu(x) w_b` by Neg, Exp, Add, Div and a MatMul; the spline part
 *    then uses the effective coefficients w_s u.
 *
 * The relu basis exports through its B-spline coefficients u = A^{-T} w (the same function, eq. 7).
 */

import type { SplineLayer } from "../layers/spline-layer.js";
import { evalBasisAt, ONE_SIXTH, uniformPieceTable } from "../spline/basis.js";
import { breakpoints } from "../spline/knots.js";
import type { OnnxGraph } from "./onnx-graph.js";
import { DataType } from "./onnx-proto.js";

/**
 * The B-spline coefficients the layer evaluates (w_s u with a base term), layout `[p][i][q]`, from the
 * network's parameter vector.
 */
export function splineCoefficients(layer: SplineLayer, params: Float64Array): Float64Array {
  const { nIn: P, nOut: Q, nBasis: N } = layer;
  const u = layer.splineCoefficients(params);
  if (layer.base) {
    const ws = layer.baseOffset + P * Q;
    for (let p = 0; p < P; p++) {
      for (let i = 0; i < N; i++) {
        const row = (p * N + i) * Q;
        for (let q = 0; q < Q; q++) u[row + q] = params[ws + p * Q + q] * u[row + q];
      }
    }
  }
  return u;
}

/** phi'_pq at x0 (a or b) for every edge, `[p][q]`, from the coefficients `[p][i][q]`. */
function edgeSlopes(layer: SplineLayer, coef: Float64Array, x0: number): Float64Array {
  const { nIn: P, nOut: Q, nBasis: N } = layer;
  const r = layer.order;
  const scratch = new Float64Array(4 * r);
  const j = evalBasisAt(layer.knots, x0, 1, scratch, 0);
  const out = new Float64Array(P * Q);
  for (let p = 0; p < P; p++) {
    for (let q = 0; q < Q; q++) {
      let acc = 0;
      for (let m = 0; m < r; m++) acc += scratch[r + m] * coef[(p * N + j + m) * Q + q];
      out[p * Q + q] = acc;
    }
  }
  return out;
}

/** Basis values of a uniform cubic at u (closed forms of `cubicUniformAt`), each [n, P]. */
function cubicBasis(g: OnnxGraph, u: string, tag: string): string[] {
  const sixth = g.scalar(ONE_SIXTH);
  const w = g.sub(g.scalar(1), u, `${tag}.w`);
  const u2 = g.mul(u, u, `${tag}.u2`);
  const w2 = g.mul(w, w, `${tag}.w2`);
  // b0 = w2 w / 6
  const b0 = g.mul(g.mul(w2, w), sixth, `${tag}.b0`);
  // b1 = (u2 (3u - 6) + 4) / 6
  const b1 = g.mul(
    g.add(g.mul(u2, g.sub(g.mul(g.scalar(3), u), g.scalar(6))), g.scalar(4)),
    sixth,
    `${tag}.b1`,
  );
  // b2 = (((3 - 3u) u + 3) u + 1) / 6
  const t = g.sub(g.scalar(3), g.mul(g.scalar(3), u));
  const b2 = g.mul(g.add(g.mul(g.add(g.mul(t, u), g.scalar(3)), u), g.scalar(1)), sixth, `${tag}.b2`);
  // b3 = u2 u / 6
  const b3 = g.mul(g.mul(u2, u), sixth, `${tag}.b3`);
  return [b0, b1, b2, b3];
}

/** Basis values of uniform knots of order r at u by Horner on the piece table: one [n, P, r] tensor. */
function uniformBasis(g: OnnxGraph, u: string, r: number, tag: string): string {
  const table = uniformPieceTable(r);
  const column = (e: number) => {
    const v = new Float64Array(r);
    for (let m = 0; m < r; m++) v[m] = table[m * r + e];
    return g.floats(`${tag}.pieces${e}`, v, [r]);
  };
  const uu = g.unsqueeze(u, [2], `${tag}.u3`); // [n, P, 1]
  // acc_m = table[m][r-1]; acc_m = acc_m u + table[m][e], e = r-2 .. 0 (as evalUniformPiece).
  let acc = g.add(g.mul(uu, g.scalar(0)), column(r - 1), `${tag}.horner`); // broadcast to [n, P, r]
  for (let e = r - 2; e >= 0; e--) acc = g.add(g.mul(acc, uu), column(e), `${tag}.horner`);
  return acc;
}

/**
 * Basis values for general knots by de Boor's triangle (Piegl and Tiller A2.2, as `evalDeBoor`), with the
 * knots t[K + 1 - jj] and t[K + jj], K = j + r - 1, gathered per (sample, input). Each value [n, P].
 */
function deBoorBasis(g: OnnxGraph, layer: SplineLayer, xe: string, j64: string, tag: string): string[] {
  const p = layer.order - 1;
  const knots = g.floats(`${tag}.knots`, layer.knots.t, [layer.knots.t.length]);
  const knotAt = (shift: number) =>
    g.gather(knots, g.add(j64, g.ints(`${tag}.shift`, [shift], [])), 0, `${tag}.t`);
  const left: string[] = [""];
  const right: string[] = [""];
  for (let jj = 1; jj <= p; jj++) {
    left.push(g.sub(xe, knotAt(p + 1 - jj), `${tag}.left`));
    right.push(g.sub(knotAt(p + jj), xe, `${tag}.right`));
  }
  // ndu[rr][jj] is the basis of degree jj; only the current column is kept.
  let col: string[] = [g.add(g.mul(xe, g.scalar(0)), g.scalar(1), `${tag}.one`)];
  for (let jj = 1; jj <= p; jj++) {
    const next: string[] = [];
    let saved = "";
    for (let rr = 0; rr < jj; rr++) {
      const temp = g.div(col[rr], g.add(right[rr + 1], left[jj - rr]), `${tag}.temp`);
      const prod = g.mul(right[rr + 1], temp);
      next.push(saved === "" ? prod : g.add(saved, prod)); // 0 + prod = prod exactly
      saved = g.mul(left[jj - rr], temp, `${tag}.saved`);
    }
    next.push(saved);
    col = next;
  }
  return col;
}

/**
 * Emits the layer on the value `x` ([n, P]) and returns the output value ([n, Q]). `params` is the
 * network's parameter vector; `tag` names the layer's values.
 */
export function emitSplineLayer(
  g: OnnxGraph,
  layer: SplineLayer,
  params: Float64Array,
  x: string,
  tag: string,
): string {
  const { nIn: P, nOut: Q, nBasis: N } = layer;
  const kv = layer.knots;
  const r = layer.order;
  const G = kv.intervals;
  const coef = splineCoefficients(layer, params);

  const xe = g.clip(x, kv.a, kv.b, `${tag}.xe`);
  let jf: string;
  let u = "";
  if (kv.uniform) {
    const t = g.mul(g.sub(xe, g.scalar(kv.a)), g.scalar(kv.invh), `${tag}.t`);
    jf = g.clip(g.floor(t), 0, G - 1, `${tag}.j`);
    u = g.sub(t, jf, `${tag}.u`);
  } else if (G === 1) {
    jf = g.mul(xe, g.scalar(0), `${tag}.j`);
  } else {
    const inner = Array.from(breakpoints(kv).subarray(1, G));
    const ge = g.op("GreaterOrEqual", [g.unsqueeze(xe, [2]), g.floats(`${tag}.breaks`, inner, [G - 1])]);
    const count = g.matmul(
      g.cast(ge, g.floatType),
      g.floats(`${tag}.ones`, new Array(G - 1).fill(1), [G - 1, 1]),
    );
    jf = g.reshape(count, [0, P], `${tag}.j`);
  }
  const j64 = g.cast(jf, DataType.INT64, `${tag}.j64`);

  // Basis values as [n, P, r].
  let basis: string;
  if (kv.uniform && r === 4) {
    basis = g.concat(
      cubicBasis(g, u, tag).map((b) => g.unsqueeze(b, [2])),
      2,
      `${tag}.basis`,
    );
  } else if (kv.uniform) {
    basis = uniformBasis(g, u, r, tag);
  } else {
    basis = g.concat(
      deBoorBasis(g, layer, xe, j64, tag).map((b) => g.unsqueeze(b, [2])),
      2,
      `${tag}.basis`,
    );
  }

  // Rows p N + j + m of the coefficient matrix [P N, Q], gathered as [n, P, r, Q].
  const offsets = new Array<number>(P * r);
  for (let p = 0; p < P; p++) for (let m = 0; m < r; m++) offsets[p * r + m] = p * N + m;
  const rows = g.add(g.unsqueeze(j64, [2]), g.ints(`${tag}.rows`, offsets, [P, r]), `${tag}.idx`);
  const cmat = g.floats(`${tag}.coef`, coef, [P * N, Q]);
  const active = g.reshape(g.gather(cmat, rows, 0, `${tag}.active`), [0, P * r, Q]);
  const flatBasis = g.reshape(basis, [0, 1, P * r]);
  let y = g.reshape(g.matmul(flatBasis, active), [-1, Q], `${tag}.spline`);

  // Linear continuation outside [a, b].
  const below = g.op("Min", [g.sub(x, g.scalar(kv.a)), g.scalar(0)], [], `${tag}.below`);
  const above = g.op("Max", [g.sub(x, g.scalar(kv.b)), g.scalar(0)], [], `${tag}.above`);
  const slopeA = g.floats(`${tag}.slope_a`, edgeSlopes(layer, coef, kv.a), [P, Q]);
  const slopeB = g.floats(`${tag}.slope_b`, edgeSlopes(layer, coef, kv.b), [P, Q]);
  y = g.add(y, g.add(g.matmul(below, slopeA), g.matmul(above, slopeB)), `${tag}.extended`);

  if (layer.base) {
    const wb = params.subarray(layer.baseOffset, layer.baseOffset + P * Q);
    const silu = g.silu(x, `${tag}.silu`);
    y = g.add(y, g.matmul(silu, g.floats(`${tag}.base_w`, wb, [P, Q])), `${tag}.out`);
  }
  return y;
}
