/**
 * A small expression tree for symbolic formulas: variables, linear combinations `c0 + sum c_k e_k`, and
 * library functions applied to an expression. Linear combinations are flattened when built (a combination
 * of combinations distributes its coefficients), so `a (c f(u) + d) + b` becomes `a c f(u) + (a d + b)`.
 * Evaluation is plain float64 arithmetic; printing (`toText`, `toLatex`) rounds constants to a number of
 * decimals and leaves out terms that round to zero.
 */
import { symbolicFunction } from "../layers/symbolic-functions.js";

/** An input variable x_i with a display name. */
export interface SymVarExpr {
  kind: "var";
  index: number;
  name: string;
}
/** c0 + sum terms[k].c * terms[k].e. */
export interface SymLinExpr {
  kind: "lin";
  terms: { c: number; e: SymExpr }[];
  c0: number;
}
/** A library function (layers/symbolic-functions.ts), or "sigmoid", applied to an expression. */
export interface SymFnExpr {
  kind: "fn";
  fn: string;
  arg: SymExpr;
}
/** A symbolic expression tree: a variable, an affine combination, or a library function of an expression. */
export type SymExpr = SymVarExpr | SymLinExpr | SymFnExpr;

const sigmoid = (t: number): number => 1 / (1 + Math.exp(-t));

/** Variable x_index called `name`. */
export function exprVariable(index: number, name: string): SymVarExpr {
  return { kind: "var", index, name };
}

/** The constant c. */
export function exprConstant(c: number): SymLinExpr {
  return { kind: "lin", terms: [], c0: c };
}

/** f(arg) for a library function name (or "sigmoid"); throws for an unknown name. */
export function exprApply(fn: string, arg: SymExpr): SymExpr {
  if (fn !== "sigmoid") symbolicFunction(fn);
  if (fn === "x") return arg;
  if (fn === "0") return exprConstant(0);
  return { kind: "fn", fn, arg };
}

/** c0 + sum c_k e_k, flattened (nested combinations distributed, equal variables merged). */
export function exprLinear(terms: { c: number; e: SymExpr }[], c0 = 0): SymLinExpr {
  const out: { c: number; e: SymExpr }[] = [];
  let k0 = c0;
  const add = (c: number, e: SymExpr) => {
    if (e.kind === "lin") {
      k0 += c * e.c0;
      for (const t of e.terms) add(c * t.c, t.e);
      return;
    }
    if (e.kind === "var") {
      const same = out.find((t) => t.e.kind === "var" && t.e.index === e.index);
      if (same) {
        same.c += c;
        return;
      }
    }
    out.push({ c, e });
  };
  for (const t of terms) add(t.c, t.e);
  return { kind: "lin", terms: out, c0: k0 };
}

/** Value of the expression at the point `vars` (vars[i] is x_i). */
export function evaluateExpr(e: SymExpr, vars: ArrayLike<number>): number {
  switch (e.kind) {
    case "var":
      return vars[e.index];
    case "lin": {
      let acc = e.c0;
      for (const t of e.terms) acc += t.c * evaluateExpr(t.e, vars);
      return acc;
    }
    case "fn": {
      const v = evaluateExpr(e.arg, vars);
      return e.fn === "sigmoid" ? sigmoid(v) : symbolicFunction(e.fn).f(v);
    }
  }
}

/** Rounds v to `digits` decimals (pykan's ex_round). */
export function roundConstant(v: number, digits: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const f = 10 ** Math.min(digits, 15);
  const r = Math.round(v * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

function numStr(v: number): string {
  return String(v);
}

type Style = "text" | "latex";

/** Prints a term coefficient c times the printed factor s (handles 1, -1). */
function printLin(e: SymLinExpr, digits: number, style: Style): string {
  const parts: { neg: boolean; s: string }[] = [];
  for (const t of e.terms) {
    const c = roundConstant(t.c, digits);
    if (c === 0) continue;
    const inner = print(t.e, digits, style, true);
    const mag = Math.abs(c);
    const s = mag === 1 ? inner : style === "latex" ? `${numStr(mag)} ${inner}` : `${numStr(mag)}*${inner}`;
    parts.push({ neg: c < 0, s });
  }
  const c0 = roundConstant(e.c0, digits);
  if (c0 !== 0 || parts.length === 0) parts.push({ neg: c0 < 0, s: numStr(Math.abs(c0)) });
  let out = "";
  parts.forEach((p, i) => {
    if (i === 0) out = p.neg ? `-${p.s}` : p.s;
    else out += p.neg ? ` - ${p.s}` : ` + ${p.s}`;
  });
  return out;
}

/** Whether the printed expression is a single factor (needs no parentheses as a product factor). */
function isAtomic(e: SymExpr, digits: number): boolean {
  if (e.kind !== "lin") return true;
  const live = e.terms.filter((t) => roundConstant(t.c, digits) !== 0);
  const c0 = roundConstant(e.c0, digits);
  if (live.length === 0) return c0 >= 0;
  return live.length === 1 && c0 === 0 && roundConstant(live[0].c, digits) === 1;
}

function print(e: SymExpr, digits: number, style: Style, asFactor = false): string {
  switch (e.kind) {
    case "var":
      return e.name;
    case "lin": {
      const s = printLin(e, digits, style);
      if (!asFactor || isAtomic(e, digits)) return s;
      return style === "latex" ? `\\left(${s}\\right)` : `(${s})`;
    }
    case "fn":
      return style === "latex" ? latexFn(e, digits) : textFn(e, digits);
  }
}

function textFn(e: SymFnExpr, digits: number): string {
  const a = print(e.arg, digits, "text");
  const af = print(e.arg, digits, "text", true);
  switch (e.fn) {
    case "x^2":
    case "x^3":
    case "x^4":
    case "x^5":
      return `${af}^${e.fn.slice(2)}`;
    case "1/x":
      return `1/${af}`;
    case "1/x^2":
      return `1/${af}^2`;
    case "gaussian":
      return `exp(-${af}^2)`;
    case "arcsin":
      return `asin(${a})`;
    case "arccos":
      return `acos(${a})`;
    case "arctan":
      return `atan(${a})`;
    case "arctanh":
      return `atanh(${a})`;
    case "sgn":
      return `sign(${a})`;
    default:
      return `${e.fn}(${a})`;
  }
}

function latexFn(e: SymFnExpr, digits: number): string {
  const a = print(e.arg, digits, "latex");
  const af = print(e.arg, digits, "latex", true);
  const power = (k: string) => `{${af}}^{${k}}`;
  switch (e.fn) {
    case "x^2":
    case "x^3":
    case "x^4":
    case "x^5":
      return power(e.fn.slice(2));
    case "1/x":
      return `\\frac{1}{${a}}`;
    case "1/x^2":
      return `\\frac{1}{${power("2")}}`;
    case "sqrt":
      return `\\sqrt{${a}}`;
    case "exp":
      return `e^{${a}}`;
    case "gaussian":
      return `e^{-${power("2")}}`;
    case "abs":
      return `\\left|${a}\\right|`;
    case "sgn":
      return `\\operatorname{sgn}\\left(${a}\\right)`;
    case "sigmoid":
      return `\\sigma\\left(${a}\\right)`;
    case "log":
    case "sin":
    case "cos":
    case "tan":
    case "tanh":
    case "arcsin":
    case "arccos":
    case "arctan":
      return `\\${e.fn}\\left(${a}\\right)`;
    default:
      return `\\operatorname{${e.fn}}\\left(${a}\\right)`;
  }
}

/** Plain-text form with constants rounded to `digits` decimals (default 4). */
export function toText(e: SymExpr, digits = 4): string {
  return print(e, digits, "text");
}

/** LaTeX form with constants rounded to `digits` decimals (default 4). */
export function toLatex(e: SymExpr, digits = 4): string {
  return print(e, digits, "latex");
}
