/**
 * The paper's PINN problems (Burgers, Poisson with a discontinuous coefficient, Allen-Cahn) and their
 * reference solutions, for the public entry.
 */
export { type AllenCahnOptions, AllenCahnProblem } from "./allen-cahn.js";
export { BurgersProblem, type BurgersProblemOptions } from "./burgers.js";
export { type PoissonInterfaceOptions, PoissonInterfaceProblem } from "./poisson-interface.js";
export * from "./reference/index.js";
