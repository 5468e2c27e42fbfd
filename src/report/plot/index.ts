/** SVG charts built as plain strings (browser-safe, no dependencies). */
export * from "./axes.js";
export * from "./chart.js";
export * from "./heatmap.js";
export * from "./history.js";
export * from "./legend.js";
export * from "./palette.js";
export * from "./scale.js";
export * from "./series.js";
export * from "./svg.js";
