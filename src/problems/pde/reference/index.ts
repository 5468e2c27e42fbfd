/** Reference solutions for the paper's PINN problems (core: no node modules). */
export * from "./allen-cahn.js";
export * from "./burgers.js";
export * from "./fft.js";
export * from "./gauss-hermite.js";
export * from "./poisson-interface.js";
