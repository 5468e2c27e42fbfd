/** Symbolic regression of KAN edges (pykan's fix_symbolic, auto_symbolic, symbolic_formula). */
export * from "./auto.js";
export * from "./convert.js";
export * from "./expr.js";
export * from "./fit.js";
export * from "./formula.js";
