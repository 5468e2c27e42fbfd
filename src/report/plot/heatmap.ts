/**
 * Heat maps of a scalar field on a tensor grid (e.g. a PDE solution, its reference and the error) as
 * standalone SVG: one panel per field, each with axes and a colour bar, side by side in one figure.
 * Values are `values[i * ny + j]` at x index i (first coordinate, slowest) and y index j, the layout
 * of `gridPoints` (problems/pde). Cells are drawn as rectangles over an equal partition of the box.
 */
import { layoutChart, renderAxesFrame } from "./chart.js";
import { INK } from "./palette.js";
import { linearScale } from "./scale.js";
import { el, num, svgDocument, textEl } from "./svg.js";

/** Colour maps: "viridis" (sequential) and "diverging" (blue - white - red, centred on 0). */
export type ColorMap = "viridis" | "diverging";

const VIRIDIS: readonly [number, number, number][] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [110, 206, 88],
  [181, 222, 43],
  [253, 231, 37],
];
const DIVERGING: readonly [number, number, number][] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

/** The colour of t in [0, 1] on a map, as "#rrggbb" (linear interpolation between the stops). */
export function colorOf(map: ColorMap, t: number): string {
  const stops = map === "viridis" ? VIRIDIS : DIVERGING;
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(u));
  const f = u - k;
  const c = stops[k].map((v, i) => Math.round(v + (stops[k + 1][i] - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

export interface HeatmapPanel {
  /** Panel title, e.g. "KAN solution". */
  title: string;
  /** nx * ny values (x index slowest). */
  values: ArrayLike<number>;
  /** Colour map (default "viridis"; "diverging" is symmetric about 0 unless `range` is given). */
  colorMap?: ColorMap;
  /** Value range of the colour bar (default: the data's min..max, or +-max|v| for "diverging"). */
  range?: [number, number];
}

export interface HeatmapOptions {
  panels: HeatmapPanel[];
  /** Grid counts along x and y. */
  nx: number;
  ny: number;
  /** Box shown: x range and y range. */
  x: [number, number];
  y: [number, number];
  xLabel?: string;
  yLabel?: string;
  /** Figure title above the panels. */
  title?: string;
  /** Pixel size of each panel (default 380 x 340). */
  panelWidth?: number;
  panelHeight?: number;
}

const BAR = 14;

function rangeOf(p: HeatmapPanel): [number, number] {
  if (p.range) return p.range;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < p.values.length; i++) {
    const v = p.values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return [0, 1];
  if ((p.colorMap ?? "viridis") === "diverging") {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/** One panel's SVG body at the origin (translate it into place). */
function renderPanel(p: HeatmapPanel, o: HeatmapOptions, width: number, height: number): string {
  const layout = layoutChart(
    { width, height, title: p.title, xLabel: o.xLabel, yLabel: o.yLabel, rightReserve: BAR + 62 },
    o.x,
    o.y,
  );
  const { area } = layout;
  const [v0, v1] = rangeOf(p);
  const map = p.colorMap ?? "viridis";
  const cells: string[] = [];
  const cw = area.width / o.nx;
  const ch = area.height / o.ny;
  for (let i = 0; i < o.nx; i++) {
    for (let j = 0; j < o.ny; j++) {
      const v = p.values[i * o.ny + j];
      const fill = Number.isFinite(v) ? colorOf(map, (v - v0) / (v1 - v0)) : "#808080";
      // Overlap by a fraction of a pixel so no seams show between cells.
      cells.push(
        el("rect", {
          x: area.x + i * cw,
          y: area.y + area.height - (j + 1) * ch,
          width: cw + 0.3,
          height: ch + 0.3,
          fill,
        }),
      );
    }
  }
  const frame = renderAxesFrame(layout, { title: p.title, xLabel: o.xLabel, yLabel: o.yLabel });
  // Colour bar.
  const bx = area.x + area.width + 14;
  const bar: string[] = [];
  const steps = 64;
  for (let k = 0; k < steps; k++) {
    const y = area.y + area.height - ((k + 1) * area.height) / steps;
    bar.push(
      el("rect", {
        x: bx,
        y,
        width: BAR,
        height: area.height / steps + 0.3,
        fill: colorOf(map, (k + 0.5) / steps),
      }),
    );
  }
  const scale = linearScale(
    [v0, v1],
    [area.y + area.height, area.y],
    Math.max(2, Math.round(area.height / 50)),
  );
  const ticks = scale.ticks().filter((t) => t.major && t.value >= v0 && t.value <= v1);
  const tickMarks = ticks
    .map((t) => el("path", { d: `M${num(bx + BAR)} ${num(scale.map(t.value))}h4`, stroke: INK.axis }))
    .join("");
  const labels = ticks
    .map((t) => textEl(bx + BAR + 7, scale.map(t.value) + 4, t.label, { "font-size": 11, fill: INK.text }))
    .join("");
  bar.push(
    el("rect", { x: bx, y: area.y, width: BAR, height: area.height, fill: "none", stroke: INK.axis }),
    tickMarks,
    labels,
  );
  return [
    el("g", { class: "cells", "shape-rendering": "crispEdges" }, cells.join("")),
    frame.over,
    el("g", { class: "colorbar", "shape-rendering": "crispEdges" }, bar.join("")),
  ].join("\n");
}

/** A figure of heat-map panels side by side (SVG string). */
export function renderHeatmaps(o: HeatmapOptions): string {
  if (!Array.isArray(o.panels) || o.panels.length === 0) throw new Error("renderHeatmaps: no panels");
  if (!(Number.isInteger(o.nx) && o.nx > 0 && Number.isInteger(o.ny) && o.ny > 0))
    throw new Error(`renderHeatmaps: nx and ny must be positive integers, got ${o.nx}, ${o.ny}`);
  for (const [i, p] of o.panels.entries()) {
    if (p.values.length !== o.nx * o.ny)
      throw new Error(
        `renderHeatmaps: panel ${i} has ${p.values.length} values, need nx * ny = ${o.nx * o.ny}`,
      );
  }
  const pw = o.panelWidth ?? 380;
  const ph = o.panelHeight ?? 340;
  const top = o.title ? 30 : 0;
  const width = pw * o.panels.length;
  const height = ph + top;
  const body: string[] = [];
  if (o.title)
    body.push(
      textEl(width / 2, 21, o.title, {
        "text-anchor": "middle",
        "font-size": 16,
        "font-weight": "bold",
        fill: INK.text,
      }),
    );
  o.panels.forEach((p, k) => {
    body.push(el("g", { transform: `translate(${num(k * pw)} ${num(top)})` }, renderPanel(p, o, pw, ph)));
  });
  return svgDocument(width, height, body.join("\n"), { title: o.title ?? o.panels[0].title });
}
