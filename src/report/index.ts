/**
 * Reports: the result JSON schema, markdown and CSV tables, SVG plots. Browser-safe (no `node:`
 * import); writing files and PNG rendering live in the Node entry (`src/node/index.ts`).
 */
export * from "./csv.js";
export * from "./markdown.js";
export * from "./pde.js";
export * from "./plot/index.js";
export * from "./plots.js";
export * from "./result.js";
