/**
 * Writing PINN residuals briefly (DESIGN.md section 3). A residual is an expression over the output jets
 * (u, its first derivatives, the chosen second derivatives), per-point data and constants:
 *
 *   const e = residual(shape);                           // shape = net.jetShape({ pairs: [[0,0],[1,1]] })
 *   const r = e.d2(0, 0).add(e.d2(1, 1)).sub(e.data(f)); // u_xx + u_yy - f
 *   const loss = jetTermLoss({ shape, nOut: 1, n, residual: r });   // mean(r^2), a JetBlockLoss
 *
 * Burgers: `e.d(1).add(e.u().mul(e.d(0))).sub(e.d2(0, 0).mul(nu))` with dims (x, t).
 * Expressions are compiled once into a flat tape, and the tape into a JavaScript function
 * (residual-compiled.ts); evaluating a residual and its exact adjoint with respect to the jet entries
 * allocates nothing per sample. Rows can be grouped (`group: 2`) so that one
 * residual combines several evaluations of the same point, e.g. the left and right limits at an
 * interface (`at` selects the row within the group).
 */
import type { JetShape } from "../layers/jet.js";
import { withDescriptor } from "../model/loss-descriptor.js";
import type { JetBlockLoss } from "../model/network.js";
import { requireFinite, requireInteger } from "../util/validate.js";
import { compileTermLoss } from "./residual-compiled.js";

type Op =
  | "jet"
  | "data"
  | "const"
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "neg"
  | "sin"
  | "cos"
  | "exp"
  | "tanh"
  | "powi";

interface Node {
  op: Op;
  a: number;
  b: number;
  /** jet: channel * nOut + output; powi: exponent; const: value. */
  k: number;
  /** jet: row within the group. */
  at: number;
  data?: ArrayLike<number>;
  dataStride: number;
  dataCol: number;
}

/** A residual expression; build with the methods, combine with numbers or other expressions. */
export class Expr {
  constructor(
    readonly graph: Graph,
    readonly id: number,
  ) {}
  private lift(v: Expr | number): number {
    if (typeof v === "number")
      return this.graph.push({
        op: "const",
        a: -1,
        b: -1,
        k: requireFinite("constant", v),
        at: 0,
        dataStride: 0,
        dataCol: 0,
      });
    if (v.graph !== this.graph) throw new Error("cannot combine expressions built for different residuals");
    return v.id;
  }
  private bin(op: Op, v: Expr | number): Expr {
    return new Expr(
      this.graph,
      this.graph.push({ op, a: this.id, b: this.lift(v), k: 0, at: 0, dataStride: 0, dataCol: 0 }),
    );
  }
  private un(op: Op, k = 0): Expr {
    return new Expr(
      this.graph,
      this.graph.push({ op, a: this.id, b: -1, k, at: 0, dataStride: 0, dataCol: 0 }),
    );
  }
  add(v: Expr | number): Expr {
    return this.bin("add", v);
  }
  sub(v: Expr | number): Expr {
    return this.bin("sub", v);
  }
  mul(v: Expr | number): Expr {
    return this.bin("mul", v);
  }
  div(v: Expr | number): Expr {
    return this.bin("div", v);
  }
  neg(): Expr {
    return this.un("neg");
  }
  /** Integer power (e.g. 2, 3). */
  pow(n: number): Expr {
    return this.un("powi", requireInteger("power", n, 0, 16));
  }
  square(): Expr {
    return this.pow(2);
  }
  sin(): Expr {
    return this.un("sin");
  }
  cos(): Expr {
    return this.un("cos");
  }
  exp(): Expr {
    return this.un("exp");
  }
  tanh(): Expr {
    return this.un("tanh");
  }
}

class Graph {
  readonly nodes: Node[] = [];
  push(n: Node): number {
    this.nodes.push(n);
    return this.nodes.length - 1;
  }
}

/** Builders for the leaves of a residual over the given jet shape and output count. */
export interface ResidualBuilder {
  /** Output value u_o (row `at` of the group). */
  u(o?: number, at?: number): Expr;
  /** First derivative of u_o with respect to input dims[k]. */
  d(k: number, o?: number, at?: number): Expr;
  /** Second derivative of u_o for the pair (k, l) of dims positions; the pair must be in the shape. */
  d2(k: number, l: number, o?: number, at?: number): Expr;
  /** Per-residual data: data[i * stride + col] for residual (group) i. */
  data(values: ArrayLike<number>, stride?: number, col?: number): Expr;
  /** A constant. */
  c(v: number): Expr;
}

/**
 * A builder of PDE residual expressions on output jets of this shape (values, derivatives, data, constants).
 */
export function residual(shape: JetShape, nOut = 1): ResidualBuilder {
  const graph = new Graph();
  const out = (o: number) => requireInteger("output index", o, 0, nOut - 1);
  const row = (at: number) => requireInteger("row within group", at, 0);
  const jet = (channel: number, o: number, at: number) =>
    new Expr(
      graph,
      graph.push({
        op: "jet",
        a: -1,
        b: -1,
        k: channel * nOut + out(o),
        at: row(at),
        dataStride: 0,
        dataCol: 0,
      }),
    );
  return {
    u: (o = 0, at = 0) => jet(0, o, at),
    d: (k, o = 0, at = 0) => jet(1 + requireInteger("derivative index", k, 0, shape.D - 1), o, at),
    d2: (k, l, o = 0, at = 0) => {
      for (let m = 0; m < shape.M; m++) {
        if (
          (shape.pairK[m] === k && shape.pairL[m] === l) ||
          (shape.pairK[m] === l && shape.pairL[m] === k)
        ) {
          return jet(1 + shape.D + m, o, at);
        }
      }
      throw new Error(`second derivative (${k}, ${l}) is not among the jet's pairs; add it to the jet spec`);
    },
    data: (values, stride = 1, col = 0) =>
      new Expr(
        graph,
        graph.push({
          op: "data",
          a: -1,
          b: -1,
          k: 0,
          at: 0,
          data: values,
          dataStride: requireInteger("data stride", stride, 1),
          dataCol: requireInteger("data column", col, 0),
        }),
      ),
    c: (v) =>
      new Expr(
        graph,
        graph.push({
          op: "const",
          a: -1,
          b: -1,
          k: requireFinite("constant", v),
          at: 0,
          dataStride: 0,
          dataCol: 0,
        }),
      ),
  };
}

/** Options of a jet-term loss: jet shape, outputs, rows, the residual expression, weight and reduction. */
export interface JetTermOptions {
  shape: JetShape;
  nOut: number;
  /** Number of rows (points, counting every member of a group). */
  n: number;
  residual: Expr;
  /** Multiplies the term (default 1). */
  weight?: number;
  /** "mean" over residuals (default) or "sum". */
  reduce?: "mean" | "sum";
  /** Rows per residual (default 1; must divide the block size 64). */
  group?: number;
  /** Per-residual weights lambda_i: the term uses (lambda_i r_i)^2 (residual-based attention). */
  pointWeights?: Float64Array;
  /** If given, receives the residual values r_i of the last evaluation. */
  residualOut?: Float64Array;
  /**
   * "compiled" (default): the tape runs as generated code (problems/residual-compiled.ts), or as the
   * interpreter where code cannot be generated; "interpreted": always the interpreter. Same bits.
   */
  tape?: "compiled" | "interpreted";
}

const GROUPS_DIVIDING_BLOCK = [1, 2, 4, 8, 16, 32, 64];

/**
 * The nodes the residual depends on, in evaluation order (operands before their users; the root last),
 * with operand indices renumbered into this list. Other expressions built on the same builder are left
 * out.
 */
function reachable(expr: Expr): Node[] {
  const all = expr.graph.nodes;
  const keep = new Uint8Array(expr.id + 1);
  keep[expr.id] = 1;
  for (let t = expr.id; t >= 0; t--) {
    if (!keep[t]) continue;
    const nd = all[t];
    if (nd.a >= 0) keep[nd.a] = 1;
    if (nd.b >= 0) keep[nd.b] = 1;
  }
  const index = new Int32Array(expr.id + 1).fill(-1);
  const out: Node[] = [];
  for (let t = 0; t <= expr.id; t++) {
    if (!keep[t]) continue;
    const nd = all[t];
    index[t] = out.length;
    out.push({ ...nd, a: nd.a >= 0 ? index[nd.a] : -1, b: nd.b >= 0 ? index[nd.b] : -1 });
  }
  return out;
}

/**
 * A JetBlockLoss for weight * reduce_i (lambda_i r_i)^2 with the residual compiled to a tape; its gradient
 * with respect to the jet entries is exact (reverse mode over the tape).
 */
export function jetTermLoss(opts: JetTermOptions): JetBlockLoss {
  const { shape, nOut, n, residual: expr } = opts;
  const group = opts.group ?? 1;
  if (!GROUPS_DIVIDING_BLOCK.includes(group))
    throw new Error(`group must divide 64 (1, 2, 4, ...), got ${group}`);
  if (n % group !== 0) throw new Error(`n = ${n} rows is not a multiple of the group size ${group}`);
  const count = n / group;
  const weight = opts.weight ?? 1;
  requireFinite("term weight", weight);
  const reduce = opts.reduce ?? "mean";
  if (reduce !== "mean" && reduce !== "sum")
    throw new Error(`reduce must be "mean" or "sum", got ${JSON.stringify(reduce)}`);
  if (opts.pointWeights && opts.pointWeights.length < count) {
    throw new Error(`pointWeights has length ${opts.pointWeights.length}, need ${count}`);
  }
  if (opts.residualOut && opts.residualOut.length < count) {
    throw new Error(`residualOut has length ${opts.residualOut.length}, need ${count}`);
  }
  const tape = opts.tape ?? "compiled";
  if (tape !== "compiled" && tape !== "interpreted")
    throw new Error(`tape must be "compiled" or "interpreted", got ${JSON.stringify(tape)}`);
  const nodes = reachable(expr);
  for (const node of nodes) {
    if (node.op === "jet" && node.at >= group)
      throw new Error(`residual uses row ${node.at} of a group of ${group}`);
    if (
      node.op === "data" &&
      node.data &&
      node.data.length < (count - 1) * node.dataStride + node.dataCol + 1
    ) {
      throw new Error(
        `residual data has length ${node.data.length}, need ${count} values (stride ${node.dataStride})`,
      );
    }
  }
  return buildTermLoss(nodes, {
    shape,
    nOut,
    n,
    group,
    weight,
    reduce,
    pointWeights: opts.pointWeights,
    residualOut: opts.residualOut,
    tape,
  });
}

interface TermSettings {
  shape: JetShape;
  nOut: number;
  n: number;
  group: number;
  weight: number;
  reduce: "mean" | "sum";
  pointWeights: Float64Array | undefined;
  residualOut: Float64Array | undefined;
  tape: "compiled" | "interpreted";
}

/** Operation codes of the compiled tape: the index into this list (the `case` labels below). */
const OPS: readonly Op[] = [
  "jet",
  "data",
  "const",
  "add",
  "sub",
  "mul",
  "div",
  "neg",
  "sin",
  "cos",
  "exp",
  "tanh",
  "powi",
];
const NO_DATA = new Float64Array(0);

/**
 * The JetBlockLoss of a compiled residual, with a descriptor from which a worker can rebuild it.
 *
 * The interpreter runs the tape node by node over all residuals of a block (values `val[t * cap + r]`),
 * so the dispatch on the operation is paid once per node and block, not once per point. Each residual's
 * arithmetic is the scalar tape's, in the same order (forward: nodes ascending; reverse: nodes
 * descending, an adjoint of 0 skipped), so the values and the jet gradient do not depend on the block
 * size. By default the same tape runs as generated code (residual-compiled.ts, the same operations in
 * the same order per residual, so the same bits: on the Allen-Cahn residual 65 instead of 100 ns per
 * point, of which 40 are the cube's `**`); the interpreter stays where code cannot be generated.
 */
function buildTermLoss(nodes: Node[], st: TermSettings): JetBlockLoss {
  const { shape, nOut, group, pointWeights, residualOut } = st;
  const count = st.n / group;
  const scale = st.reduce === "mean" ? st.weight / count : st.weight;
  const L = nodes.length;
  const width = shape.C * nOut;
  const rowStride = group * width;
  const op = Int32Array.from(nodes, (nd) => OPS.indexOf(nd.op));
  const A = Int32Array.from(nodes, (nd) => nd.a);
  const B = Int32Array.from(nodes, (nd) => nd.b);
  const K = Float64Array.from(nodes, (nd) => nd.k);
  const jetOffset = Int32Array.from(nodes, (nd) => (nd.op === "jet" ? nd.at * width + nd.k : 0));
  const data = nodes.map((nd) => nd.data ?? NO_DATA);
  const dataStride = Int32Array.from(nodes, (nd) => nd.dataStride);
  const dataCol = Int32Array.from(nodes, (nd) => nd.dataCol);
  const root = L - 1;
  // Residuals per block; grows (allocates) only when a call brings more rows than any before.
  let cap = 0;
  let val = new Float64Array(0);
  let adj = new Float64Array(0);
  const interpreted: JetBlockLoss = (jet, gJet, start, rows) => {
    gJet.fill(0, 0, rows * width);
    const R = Math.ceil(rows / group);
    if (R > cap) {
      cap = Math.max(R, 64);
      val = new Float64Array(L * cap);
      adj = new Float64Array(L * cap);
    }
    const i0 = start / group;
    // Forward over the tape, all residuals of the block per node.
    for (let t = 0; t < L; t++) {
      const o = t * cap;
      const a = A[t] * cap;
      const b = B[t] * cap;
      switch (op[t]) {
        case 0: {
          // jet
          const off = jetOffset[t];
          for (let r = 0; r < R; r++) val[o + r] = jet[r * rowStride + off];
          break;
        }
        case 1: {
          // data
          const d = data[t];
          const ds = dataStride[t];
          const dc = dataCol[t];
          for (let r = 0; r < R; r++) val[o + r] = d[(i0 + r) * ds + dc];
          break;
        }
        case 2: // const
          val.fill(K[t], o, o + R);
          break;
        case 3: // add
          for (let r = 0; r < R; r++) val[o + r] = val[a + r] + val[b + r];
          break;
        case 4: // sub
          for (let r = 0; r < R; r++) val[o + r] = val[a + r] - val[b + r];
          break;
        case 5: // mul
          for (let r = 0; r < R; r++) val[o + r] = val[a + r] * val[b + r];
          break;
        case 6: // div
          for (let r = 0; r < R; r++) val[o + r] = val[a + r] / val[b + r];
          break;
        case 7: // neg
          for (let r = 0; r < R; r++) val[o + r] = -val[a + r];
          break;
        case 8: // sin
          for (let r = 0; r < R; r++) val[o + r] = Math.sin(val[a + r]);
          break;
        case 9: // cos
          for (let r = 0; r < R; r++) val[o + r] = Math.cos(val[a + r]);
          break;
        case 10: // exp
          for (let r = 0; r < R; r++) val[o + r] = Math.exp(val[a + r]);
          break;
        case 11: // tanh
          for (let r = 0; r < R; r++) val[o + r] = Math.tanh(val[a + r]);
          break;
        case 12: {
          // powi
          const k = K[t];
          for (let r = 0; r < R; r++) val[o + r] = val[a + r] ** k;
          break;
        }
      }
    }
    // The loss and the seed of the reverse pass: d(scale (lam r)^2)/dr = 2 scale lam^2 r.
    for (let t = 0; t < root; t++) adj.fill(0, t * cap, t * cap + R);
    let sum = 0;
    const ro = root * cap;
    for (let r = 0; r < R; r++) {
      const res = val[ro + r];
      if (residualOut) residualOut[i0 + r] = res;
      const lam = pointWeights ? pointWeights[i0 + r] : 1;
      const lr = lam * res;
      sum += lr * lr;
      adj[ro + r] = 2 * scale * lam * lr;
    }
    // Reverse over the tape, nodes descending.
    for (let t = root; t >= 0; t--) {
      const o = t * cap;
      const a = A[t] * cap;
      const b = B[t] * cap;
      switch (op[t]) {
        case 0: {
          // jet
          const off = jetOffset[t];
          for (let r = 0; r < R; r++) {
            const g = adj[o + r];
            if (g !== 0) gJet[r * rowStride + off] += g;
          }
          break;
        }
        case 3: // add
          for (let r = 0; r < R; r++) {
            const g = adj[o + r];
            if (g === 0) continue;
            adj[a + r] += g;
            adj[b + r] += g;
          }
          break;
        case 4: // sub
          for (let r = 0; r < R; r++) {
            const g = adj[o + r];
            if (g === 0) continue;
            adj[a + r] += g;
            adj[b + r] -= g;
          }
          break;
        case 5: // mul
          for (let r = 0; r < R; r++) {
            const g = adj[o + r];
            if (g === 0) continue;
            adj[a + r] += g * val[b + r];
            adj[b + r] += g * val[a + r];
          }
          break;
        case 6: // div
          for (let r = 0; r < R; r++) {
            const g = adj[o + r];
            if (g === 0) continue;
            adj[a + r] += g / val[b + r];
            adj[b + r] -= (g * val[o + r]) / val[b + r];
          }
          break;
        case 7: // neg
          for (let r = 0; r < R; r++) {
            const g = adj[o + r];
            if (g !== 0) adj[a + r] -= g;
          }
          break;
        case 8: // sin
          for (let r = 0; r < R; r++) {
            const g = adj[o + r];
            if (g !== 0) adj[a + r] += g * Math.cos(val[a + r]);
          }
          break;
        case 9: // cos
          for (let r = 0; r < R; r++) {
            const g = adj[o + r];
            if (g !== 0) adj[a + r] -= g * Math.sin(val[a + r]);
          }
          break;
        case 10: // exp
          for (let r = 0; r < R; r++) {
            const g = adj[o + r];
            if (g !== 0) adj[a + r] += g * val[o + r];
          }
          break;
        case 11: // tanh
          for (let r = 0; r < R; r++) {
            const g = adj[o + r];
            if (g !== 0) adj[a + r] += g * (1 - val[o + r] * val[o + r]);
          }
          break;
        case 12: {
          // powi
          const k = K[t];
          for (let r = 0; r < R; r++) {
            const g = adj[o + r];
            if (g !== 0) adj[a + r] += k === 0 ? 0 : g * k * val[a + r] ** (k - 1);
          }
          break;
        }
        default:
          break;
      }
    }
    return scale * sum;
  };
  const compiled =
    st.tape === "compiled"
      ? compileTermLoss(
          { ops: nodes.map((nd) => nd.op), A, B, K, jetOffset, data, dataStride, dataCol },
          { width, group, scale, pointWeights, residualOut },
        )
      : null;
  const loss = compiled ?? interpreted;
  const inputs: ArrayLike<number>[] = [];
  const configNodes = nodes.map((nd) => {
    const { data, ...rest } = nd;
    if (nd.op !== "data") return { ...rest, dataIndex: -1 };
    inputs.push(data as ArrayLike<number>);
    return { ...rest, dataIndex: inputs.length - 1 };
  });
  let pointWeightsIndex = -1;
  if (pointWeights) {
    inputs.push(pointWeights);
    pointWeightsIndex = inputs.length - 1;
  }
  return withDescriptor(loss, {
    kind: "jetTerm",
    config: {
      nodes: configNodes,
      shape: { dims: Array.from(shape.dims), pairK: Array.from(shape.pairK), pairL: Array.from(shape.pairL) },
      nOut,
      n: st.n,
      group,
      weight: st.weight,
      reduce: st.reduce,
      pointWeightsIndex,
      tape: st.tape,
    },
    inputs,
    outputs: residualOut ? [residualOut] : [],
  });
}

/**
 * Rebuilds a jet-term loss from its descriptor's configuration, reading its data from `inputs` and
 * writing residuals to `outputs` (used by worker threads, on shared copies of the arrays).
 */
export function jetTermLossFromDescriptor(
  config: Record<string, unknown>,
  inputs: Float64Array[],
  outputs: Float64Array[],
): JetBlockLoss {
  const c = config as {
    nodes: (Omit<Node, "data"> & { dataIndex: number })[];
    shape: { dims: number[]; pairK: number[]; pairL: number[] };
    nOut: number;
    n: number;
    group: number;
    weight: number;
    reduce: "mean" | "sum";
    pointWeightsIndex: number;
    tape?: "compiled" | "interpreted";
  };
  const nodes: Node[] = c.nodes.map(({ dataIndex, ...nd }) =>
    dataIndex >= 0 ? { ...nd, data: inputs[dataIndex] } : nd,
  );
  const D = c.shape.dims.length;
  const M = c.shape.pairK.length;
  const shape: JetShape = {
    dims: Int32Array.from(c.shape.dims),
    D,
    M,
    pairK: Int32Array.from(c.shape.pairK),
    pairL: Int32Array.from(c.shape.pairL),
    C: 1 + D + M,
  };
  return buildTermLoss(nodes, {
    shape,
    nOut: c.nOut,
    n: c.n,
    group: c.group,
    weight: c.weight,
    reduce: c.reduce,
    pointWeights: c.pointWeightsIndex >= 0 ? inputs[c.pointWeightsIndex] : undefined,
    residualOut: outputs[0],
    tape: c.tape ?? "compiled",
  });
}
