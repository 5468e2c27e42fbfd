/**
 * mlkan Node entry: file system, PNG rendering and report writing. Uses `node:` modules, so it is kept
 * apart from the browser-safe core entry (`src/index.ts`).
 */
export * from "../report/env.js";
export * from "../report/png.js";
export * from "../report/write.js";
export * from "./data.js";
export * from "./fs.js";
export * from "./threads.js";
export * from "./heap.js";
