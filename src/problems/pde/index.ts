/** PDE problems (physics-informed training): domains, point sets, `PdeProblem`. */
export * from "./domain.js";
export * from "./points.js";
export * from "./problem.js";
export { SOBOL_MAX_DIM, sobolUnit } from "./sobol.js";
