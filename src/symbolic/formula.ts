/**
 * The network as a formula (pykan's symbolic_formula): every output as an expression tree (expr.ts) in
 * the input variables, built layer by layer. A symbolic edge contributes `c f(a u + b) + d` of its input
 * expression u; an edge whose spline is exactly zero (pruned, or never trained) contributes nothing; any
 * other numeric edge makes the call throw, naming it (run autoSymbolic first). Elementwise layers with
 * tanh, sigmoid or identity are included as `shift + scale f(u)`. By default the formula is in the user's
 * units: the model's input and output scalers are part of it, so it evaluates like `predict`.
 */
import { ElementwiseLayer } from "../layers/elementwise.js";
import { SplineLayer } from "../layers/spline-layer.js";
import type { Network } from "../model/network.js";
import { splineCoefficients } from "../model/transform.js";
import {
  evaluateExpr,
  exprApply,
  exprLinear,
  exprVariable,
  type SymExpr,
  type SymLinExpr,
  toLatex,
  toText,
} from "./expr.js";

/** Options of `symbolicFormula`: variable names, whether scalers are folded in, printed decimals. */
export interface FormulaOptions {
  /** Input variable names (default x_1, x_2, ...). */
  names?: string[];
  /** Apply the model's scalers so that the formula computes `predict` (default true). */
  scalers?: boolean;
  /** Decimals of the printed constants (default 4). */
  digits?: number;
}

/** The formula of every output: trees, and their plain-text and LaTeX forms. */
export interface SymbolicFormula {
  outputs: SymExpr[];
  text: string[];
  latex: string[];
  /** Evaluates output o at one input point (user's units when the scalers are included). */
  evaluate(o: number, x: ArrayLike<number>): number;
}

const ODD = new Set(["x^3", "x^5", "1/x", "sin", "tan", "tanh", "sgn", "arcsin", "arctan", "arctanh"]);
const EVEN = new Set(["x^2", "x^4", "1/x^2", "cos", "abs", "gaussian"]);

/**
 * `c f(arg)` in a normal form that prints readably (exact identities, equal to rounding): a negative
 * leading coefficient of the argument of an odd or even f flipped (sin(-t) = -sin(t)); the leading
 * coefficient of the argument of a power moved out (c (a u + b)^k = c a^k (u + b/a)^k, likewise 1/x,
 * sqrt for a > 0), the constant of an exponential's argument moved out (c e^(t + b) = c e^b e^t) and
 * that of a logarithm's with a > 0 (c log(a t) = c log(a) + c log(t)).
 */
function edgeTerm(fn: string, c0: number, arg0: SymLinExpr): { c: number; e: SymExpr; offset: number } {
  let c = c0;
  let arg = arg0;
  // f(-t) = -f(t) (odd f) or f(t) (even f): make the argument's leading coefficient positive.
  if (arg.terms.length > 0 && arg.terms[0].c < 0 && (ODD.has(fn) || EVEN.has(fn))) {
    arg = exprLinear([{ c: -1, e: arg }]);
    if (ODD.has(fn)) c = -c;
  }
  const lead = arg.terms.length > 0 ? arg.terms[0].c : 0;
  const scaled = (by: number) => exprLinear([{ c: 1 / by, e: arg }]);
  const power = /^x\^([2-5])$/.exec(fn);
  if (power && lead !== 0)
    return { c: c * lead ** Number(power[1]), e: exprApply(fn, scaled(lead)), offset: 0 };
  if (fn === "1/x" && lead !== 0) return { c: c / lead, e: exprApply(fn, scaled(lead)), offset: 0 };
  if (fn === "1/x^2" && lead !== 0)
    return { c: c / (lead * lead), e: exprApply(fn, scaled(lead)), offset: 0 };
  if (fn === "sqrt" && lead > 0) return { c: c * Math.sqrt(lead), e: exprApply(fn, scaled(lead)), offset: 0 };
  if (fn === "exp" && arg.terms.length > 0)
    return { c: c * Math.exp(arg.c0), e: exprApply(fn, exprLinear(arg.terms)), offset: 0 };
  if (fn === "log" && lead > 0) return { c, e: exprApply(fn, scaled(lead)), offset: c * Math.log(lead) };
  return { c, e: exprApply(fn, arg), offset: 0 };
}

/** The network's outputs as formulas; throws naming the first edge that is still a nonzero spline. */
export function symbolicFormula(model: Network, opts: FormulaOptions = {}): SymbolicFormula {
  const names = opts.names ?? Array.from({ length: model.nIn }, (_, i) => `x_${i + 1}`);
  if (!Array.isArray(names) || names.length !== model.nIn || !names.every((s) => typeof s === "string"))
    throw new Error(`symbolicFormula: names must list ${model.nIn} strings, got ${JSON.stringify(names)}`);
  const digits = opts.digits ?? 4;
  const withScalers = opts.scalers ?? true;
  const sIn = withScalers ? model.scalers.input : undefined;
  const sOut = withScalers ? model.scalers.output : undefined;
  let cur: SymExpr[] = names.map((n, i) => {
    const v = exprVariable(i, n);
    return sIn ? exprLinear([{ c: 1 / sIn.scale[i], e: v }], -sIn.shift[i] / sIn.scale[i]) : v;
  });
  let l = 0;
  for (const layer of model.layers) {
    if (layer instanceof SplineLayer) {
      const P = layer.nIn;
      const Q = layer.nOut;
      const N = layer.nBasis;
      const u = splineCoefficients(layer, model.params);
      const sym = layer.symbolic;
      const next: SymExpr[] = [];
      for (let q = 0; q < Q; q++) {
        const terms: { c: number; e: SymExpr }[] = [];
        let c0 = 0;
        for (let p = 0; p < P; p++) {
          const k = sym ? sym.indexOf(p, q) : -1;
          if (sym && k >= 0) {
            const o = layer.symbolicOffset + 4 * k;
            const [a, b, c, d] = model.params.subarray(o, o + 4);
            const fn = sym.fns[k].name;
            if (fn !== "0") {
              const t = edgeTerm(fn, c, exprLinear([{ c: a, e: cur[p] }], b));
              terms.push(t);
              c0 += t.offset;
            }
            c0 += d;
            continue;
          }
          let zero = true;
          for (let i = 0; i < N && zero; i++) if (u[(p * N + i) * Q + q] !== 0) zero = false;
          if (layer.base && model.params[layer.baseOffset + p * Q + q] !== 0) zero = false;
          if (!zero)
            throw new Error(
              `symbolicFormula: edge (${l}, ${p}, ${q}) (KAN layer ${l}, input ${p}, output ${q}) is not symbolic; fix it (autoSymbolic or fixSymbolic) first`,
            );
        }
        next.push(exprLinear(terms, c0));
      }
      cur = next;
      l++;
    } else if (layer instanceof ElementwiseLayer) {
      const { fn, scale, shift } = layer;
      if (fn !== "tanh" && fn !== "sigmoid" && fn !== "identity")
        throw new Error(`symbolicFormula: elementwise ${fn} layers are not supported`);
      cur = cur.map((e) =>
        fn === "identity"
          ? exprLinear([{ c: scale, e }], shift)
          : exprLinear([{ c: scale, e: exprApply(fn, e) }], shift),
      );
    } else {
      throw new Error(`symbolicFormula: ${layer.type} layers are not supported (KAN spline layers only)`);
    }
  }
  const outputs = cur.map((e, o) => (sOut ? exprLinear([{ c: sOut.scale[o], e }], sOut.shift[o]) : e));
  return {
    outputs,
    text: outputs.map((e) => toText(e, digits)),
    latex: outputs.map((e) => toLatex(e, digits)),
    evaluate: (o, x) => evaluateExpr(outputs[o], x),
  };
}
