/**
 * mlkan Node entry: file system, PNG rendering and report writing. Uses `node:` modules, so it is kept
 * apart from the browser-safe core entry (`src/index.ts`).
 */
export * from "./data.js";
export * from "./env.js";
export * from "./fs.js";
export * from "./heap.js";
export * from "./png.js";
export * from "./threads.js";
export * from "./write.js";
