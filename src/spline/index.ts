export * from "./basis.js";
export * from "./change-of-basis.js";
export * from "./gauss.js";
export * from "./knots.js";
export * from "./refine.js";
