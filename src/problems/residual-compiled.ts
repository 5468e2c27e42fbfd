/**
 * The compiled form of a residual tape (problems/residual.ts): the tape written out as one JavaScript
 * function that runs forward, loss and reverse pass point by point in local variables, instead of the
 * interpreter's node-by-node passes over arrays. The arithmetic is the interpreter's, operation for
 * operation and in the same order (forward: nodes ascending; the loss sum over points in order; reverse:
 * nodes descending, a zero adjoint skipped), so the loss, the jet gradient and the residuals are the same
 * bits; only the dispatch and the array traffic go away.
 *
 * The code is built from the tape's structure only (node kinds, operand indices, offsets): numbers, data
 * arrays and weights enter as closure values, never as text. Where `new Function` is not allowed (a page
 * whose Content-Security-Policy forbids eval), `compileTermLoss` returns null and the interpreter runs.
 */
import type { JetBlockLoss } from "../model/network.js";

/** A residual tape in the interpreter's arrays (one entry per node, operands before their users). */
export interface TapeArrays {
  /** Node kinds: "jet", "data", "const", "add", "sub", "mul", "div", "neg", "sin", "cos", "exp", "tanh", "powi". */
  ops: readonly string[];
  /** First and second operand (node indices; -1 where unused). */
  A: Int32Array;
  B: Int32Array;
  /** const: the value; powi: the exponent. */
  K: Float64Array;
  /** jet: offset of the entry within a residual's rows (`at * width + channel * nOut + output`). */
  jetOffset: Int32Array;
  /** data: the array, its stride and column (residual i reads `data[i * stride + col]`). */
  data: readonly ArrayLike<number>[];
  dataStride: Int32Array;
  dataCol: Int32Array;
}

/** How the term reads its block: jet row layout, reduction scale and the optional per-residual arrays. */
export interface TapeLossSettings {
  /** Jet entries per row (channels times outputs). */
  width: number;
  /** Rows per residual. */
  group: number;
  /** The factor of the sum of squares (weight, divided by the count for a mean). */
  scale: number;
  pointWeights: Float64Array | undefined;
  residualOut: Float64Array | undefined;
}

/** The JetBlockLoss of the tape as compiled code, or null where code cannot be compiled. */
export function compileTermLoss(tape: TapeArrays, st: TapeLossSettings): JetBlockLoss | null {
  const source = tapeSource(tape, st);
  let make: (...args: unknown[]) => JetBlockLoss;
  try {
    make = new Function("K", "D", "PW", "RO", "scale", "width", "group", source) as typeof make;
  } catch {
    return null;
  }
  return make(tape.K, tape.data, st.pointWeights, st.residualOut, st.scale, st.width, st.group);
}

/** The body of the factory `compileTermLoss` calls: constants and data hoisted, then the loss function. */
export function tapeSource(tape: TapeArrays, st: TapeLossSettings): string {
  const { ops, A, B, jetOffset, dataStride, dataCol } = tape;
  const L = ops.length;
  const root = L - 1;
  const head: string[] = ['"use strict";'];
  const fwd: string[] = [];
  const rev: string[] = [];
  for (let t = 0; t < L; t++) {
    const a = `v${A[t]}`;
    const b = `v${B[t]}`;
    switch (ops[t]) {
      case "jet":
        fwd.push(`const v${t} = jet[base + ${jetOffset[t]}];`);
        break;
      case "data":
        head.push(`const d${t} = D[${t}];`);
        fwd.push(`const v${t} = d${t}[i * ${dataStride[t]} + ${dataCol[t]}];`);
        break;
      case "const":
        head.push(`const k${t} = K[${t}];`);
        fwd.push(`const v${t} = k${t};`);
        break;
      case "add":
        fwd.push(`const v${t} = ${a} + ${b};`);
        break;
      case "sub":
        fwd.push(`const v${t} = ${a} - ${b};`);
        break;
      case "mul":
        fwd.push(`const v${t} = ${a} * ${b};`);
        break;
      case "div":
        fwd.push(`const v${t} = ${a} / ${b};`);
        break;
      case "neg":
        fwd.push(`const v${t} = -${a};`);
        break;
      case "sin":
        fwd.push(`const v${t} = Math.sin(${a});`);
        break;
      case "cos":
        fwd.push(`const v${t} = Math.cos(${a});`);
        break;
      case "exp":
        fwd.push(`const v${t} = Math.exp(${a});`);
        break;
      case "tanh":
        fwd.push(`const v${t} = Math.tanh(${a});`);
        break;
      case "powi":
        head.push(`const k${t} = K[${t}];`);
        fwd.push(`const v${t} = ${a} ** k${t};`);
        break;
      default:
        throw new Error(`internal: unknown tape node ${JSON.stringify(ops[t])}`);
    }
  }
  // Reverse, nodes descending: the interpreter's updates, each only when the node's adjoint is not 0.
  for (let t = root; t >= 0; t--) {
    const ga = `g${A[t]}`;
    const gb = `g${B[t]}`;
    const a = `v${A[t]}`;
    const b = `v${B[t]}`;
    let body: string | null;
    switch (ops[t]) {
      case "jet":
        body = `gJet[base + ${jetOffset[t]}] += g;`;
        break;
      case "add":
        body = `${ga} += g; ${gb} += g;`;
        break;
      case "sub":
        body = `${ga} += g; ${gb} -= g;`;
        break;
      case "mul":
        body = `${ga} += g * ${b}; ${gb} += g * ${a};`;
        break;
      case "div":
        body = `${ga} += g / ${b}; ${gb} -= (g * v${t}) / ${b};`;
        break;
      case "neg":
        body = `${ga} -= g;`;
        break;
      case "sin":
        body = `${ga} += g * Math.cos(${a});`;
        break;
      case "cos":
        body = `${ga} -= g * Math.sin(${a});`;
        break;
      case "exp":
        body = `${ga} += g * v${t};`;
        break;
      case "tanh":
        body = `${ga} += g * (1 - v${t} * v${t});`;
        break;
      case "powi":
        body = `${ga} += k${t} === 0 ? 0 : g * k${t} * ${a} ** (k${t} - 1);`;
        break;
      default:
        body = null; // data, const: no operands
    }
    if (body !== null) rev.push(`{ const g = g${t}; if (g !== 0) { ${body} } }`);
  }
  const adjoints: string[] = [];
  for (let t = 0; t < root; t++) adjoints.push(`g${t} = 0`);
  const lam = st.pointWeights ? "PW[i]" : "1";
  return [
    ...head,
    "const rowStride = group * width;",
    "return function compiledTermLoss(jet, gJet, start, rows) {",
    "  gJet.fill(0, 0, rows * width);",
    "  const R = Math.ceil(rows / group);",
    "  const i0 = start / group;",
    "  let sum = 0;",
    "  for (let r = 0; r < R; r++) {",
    "    const base = r * rowStride;",
    "    const i = i0 + r;",
    ...fwd.map((s) => `    ${s}`),
    `    const res = v${root};`,
    st.residualOut ? "    RO[i] = res;" : "",
    `    const lam = ${lam};`,
    "    const lr = lam * res;",
    "    sum += lr * lr;",
    adjoints.length > 0 ? `    let ${adjoints.join(", ")};` : "",
    `    let g${root} = 2 * scale * lam * lr;`,
    ...rev.map((s) => `    ${s}`),
    "  }",
    "  return scale * sum;",
    "};",
  ]
    .filter((s) => s !== "")
    .join("\n");
}
