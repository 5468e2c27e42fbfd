export * from "./basis.js";
export * from "./basis-knot-grad.js";
export * from "./change-of-basis.js";
export * from "./gauss.js";
export * from "./knot-param.js";
export * from "./knots.js";
export * from "./refine.js";
