/** Legends: a box of swatches (line, dash, marker, band) and labels. */
import { textWidth } from "./axes.js";
import { INK } from "./palette.js";
import { type MarkerShape, markerData } from "./series.js";
import { el, num, textEl } from "./svg.js";

/** One legend entry: label and the style of its series. */
export interface LegendItem {
  label: string;
  color: string;
  /** Dash pattern of the line swatch. */
  dash?: string;
  /** Draw a line swatch (default true unless only a marker is given). */
  line?: boolean;
  marker?: MarkerShape;
  /** Draw a shaded band behind the swatch. */
  band?: boolean;
}

const SWATCH = 26;
const PAD = 8;

/** Longest label shown; longer ones are cut with an ellipsis. */
export const MAX_LEGEND_LABEL = 48;

function shortLabel(s: string): string {
  return s.length > MAX_LEGEND_LABEL ? `${s.slice(0, MAX_LEGEND_LABEL - 1)}\u2026` : s;
}

/** Width and height of the legend box. */
export function legendSize(items: readonly LegendItem[], fontSize = 12): { width: number; height: number } {
  if (items.length === 0) return { width: 0, height: 0 };
  const w = Math.max(...items.map((it) => textWidth(shortLabel(it.label), fontSize)));
  return {
    width: PAD + SWATCH + 6 + w + PAD,
    height: PAD * 0.75 + items.length * fontSize * 1.5 + PAD * 0.5,
  };
}

/** The legend box with its top-left corner at (x, y). */
export function renderLegend(items: readonly LegendItem[], x: number, y: number, fontSize = 12): string {
  if (items.length === 0) return "";
  const { width, height } = legendSize(items, fontSize);
  const row = fontSize * 1.5;
  const out = [
    el("rect", {
      x,
      y,
      width,
      height,
      rx: 3,
      fill: "white",
      "fill-opacity": 0.9,
      stroke: "#c8c8c8",
      "stroke-width": 1,
    }),
  ];
  items.forEach((it, i) => {
    const cy = y + PAD * 0.75 + row * (i + 0.5);
    const sx = x + PAD;
    if (it.band)
      out.push(
        el("rect", { x: sx, y: cy - 5, width: SWATCH, height: 10, fill: it.color, "fill-opacity": 0.18 }),
      );
    if (it.line ?? it.marker === undefined)
      out.push(
        el("path", {
          d: `M${num(sx)} ${num(cy)}h${SWATCH}`,
          stroke: it.color,
          "stroke-width": 2,
          "stroke-dasharray": it.dash ? it.dash : undefined,
          fill: "none",
        }),
      );
    if (it.marker) {
      const hollow = it.marker === "cross";
      out.push(
        el("path", {
          d: markerData(it.marker, sx + SWATCH / 2, cy, 3.5),
          fill: hollow ? "none" : it.color,
          stroke: hollow ? it.color : "white",
          "stroke-width": hollow ? 1.5 : 0.6,
        }),
      );
    }
    out.push(textEl(sx + SWATCH + 6, cy + fontSize * 0.35, shortLabel(it.label), { fill: INK.text }));
  });
  return el("g", { class: "legend", "font-size": fontSize }, out.join(""));
}
