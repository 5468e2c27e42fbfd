/**
 * Training: `fit` (one grid), `trainMultilevel` (the paper's Algorithm 1), the training history, and a
 * progress line for terminals.
 */
export * from "./history.js";
export * from "./progress.js";
export * from "./shared-start.js";
export * from "./sparsity.js";
export * from "./trainer.js";
