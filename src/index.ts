/**
 * mlkan core entry: Kolmogorov-Arnold Networks with exact multilevel training (arXiv 2603.04827).
 * Imports no `node:` module, so it runs in a browser; file system, threads, CLI and plotting live in
 * separate entry points.
 */
export * from "./layers/index.js";
export * from "./model/index.js";
export * from "./optim/index.js";
export * from "./problems/dataset.js";
export * from "./problems/pde/index.js";
export * from "./problems/pde/paper.js";
export * from "./problems/problem.js";
export * from "./problems/regression.js";
export * from "./problems/residual.js";
export * from "./report/index.js";
export * from "./spline/index.js";
export * from "./symbolic/index.js";
export * from "./train/index.js";
export { Rng } from "./util/random.js";
