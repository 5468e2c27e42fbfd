/**
 * The library of named 1D functions a KAN edge can be snapped to (pykan's SYMBOLIC_LIB): each entry gives
 * the value f(t), its derivative f'(t) and pykan's complexity score (used by auto-symbolic selection).
 * A symbolic edge computes `c f(a x + b) + d` (symbolic-edges.ts). The functions are the plain
 * mathematical ones (no singularity protection): an edge whose argument reaches a pole produces
 * Infinity/NaN, which training reports as a diverging run. Printing lives in src/symbolic/.
 */

/** One library function: value, derivative and complexity (pykan's values). */
export interface SymbolicFunction {
  /** Name as in pykan ("x", "x^2", "sin", "gaussian", ...). */
  readonly name: string;
  /** f(t). */
  readonly f: (t: number) => number;
  /** f'(t) (for sgn and abs: the one-sided value at 0 is taken as 0 and sign(0) respectively). */
  readonly df: (t: number) => number;
  /** pykan's complexity score (x: 1, x^2: 2, sin: 2, tanh: 3, arcsin: 4, 0: 0, ...). */
  readonly complexity: number;
}

const fn = (
  name: string,
  complexity: number,
  f: (t: number) => number,
  df: (t: number) => number,
): SymbolicFunction => Object.freeze({ name, complexity, f, df });

const LIBRARY: readonly SymbolicFunction[] = Object.freeze([
  fn(
    "x",
    1,
    (t) => t,
    () => 1,
  ),
  fn(
    "x^2",
    2,
    (t) => t * t,
    (t) => 2 * t,
  ),
  fn(
    "x^3",
    3,
    (t) => t * t * t,
    (t) => 3 * t * t,
  ),
  fn(
    "x^4",
    3,
    (t) => t * t * t * t,
    (t) => 4 * t * t * t,
  ),
  fn(
    "x^5",
    3,
    (t) => t * t * t * t * t,
    (t) => 5 * t * t * t * t,
  ),
  fn(
    "1/x",
    2,
    (t) => 1 / t,
    (t) => -1 / (t * t),
  ),
  fn(
    "1/x^2",
    2,
    (t) => 1 / (t * t),
    (t) => -2 / (t * t * t),
  ),
  fn(
    "sqrt",
    2,
    (t) => Math.sqrt(t),
    (t) => 0.5 / Math.sqrt(t),
  ),
  fn(
    "exp",
    2,
    (t) => Math.exp(t),
    (t) => Math.exp(t),
  ),
  fn(
    "log",
    2,
    (t) => Math.log(t),
    (t) => 1 / t,
  ),
  fn(
    "abs",
    3,
    (t) => Math.abs(t),
    (t) => Math.sign(t),
  ),
  fn(
    "sin",
    2,
    (t) => Math.sin(t),
    (t) => Math.cos(t),
  ),
  fn(
    "cos",
    2,
    (t) => Math.cos(t),
    (t) => -Math.sin(t),
  ),
  fn(
    "tan",
    3,
    (t) => Math.tan(t),
    (t) => 1 / (Math.cos(t) * Math.cos(t)),
  ),
  fn(
    "tanh",
    3,
    (t) => Math.tanh(t),
    (t) => 1 - Math.tanh(t) * Math.tanh(t),
  ),
  fn(
    "sgn",
    3,
    (t) => Math.sign(t),
    () => 0,
  ),
  fn(
    "arcsin",
    4,
    (t) => Math.asin(t),
    (t) => 1 / Math.sqrt(1 - t * t),
  ),
  fn(
    "arccos",
    4,
    (t) => Math.acos(t),
    (t) => -1 / Math.sqrt(1 - t * t),
  ),
  fn(
    "arctan",
    4,
    (t) => Math.atan(t),
    (t) => 1 / (1 + t * t),
  ),
  fn(
    "arctanh",
    4,
    (t) => Math.atanh(t),
    (t) => 1 / (1 - t * t),
  ),
  fn(
    "0",
    0,
    () => 0,
    () => 0,
  ),
  fn(
    "gaussian",
    3,
    (t) => Math.exp(-t * t),
    (t) => -2 * t * Math.exp(-t * t),
  ),
]);

/** The library's function names in pykan's order ("x", "x^2", ..., "0", "gaussian"). */
export const SYMBOLIC_NAMES: readonly string[] = Object.freeze(LIBRARY.map((e) => e.name));

/** Every library function, by name. */
export const SYMBOLIC_FUNCTIONS: Readonly<Record<string, SymbolicFunction>> = Object.freeze(
  Object.fromEntries(LIBRARY.map((e) => [e.name, e])),
);

/** The library function called `name`; throws naming the bad name and the known ones. */
export function symbolicFunction(name: string): SymbolicFunction {
  const f = Object.hasOwn(SYMBOLIC_FUNCTIONS, name) ? SYMBOLIC_FUNCTIONS[name] : undefined;
  if (f === undefined) {
    throw new Error(`unknown symbolic function ${JSON.stringify(name)}; known: ${SYMBOLIC_NAMES.join(", ")}`);
  }
  return f;
}
