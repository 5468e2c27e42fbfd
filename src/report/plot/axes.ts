/** Axes, grid lines and frame of a rectangular plot area; reusable by any chart (lines, heatmaps). */
import { INK } from "./palette.js";
import type { Scale, Tick } from "./scale.js";
import { el, num, textEl } from "./svg.js";

/** The rectangle the data is drawn in, in pixels (x, y: top-left corner). */
export interface PlotArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Approximate advance width of `s` in DejaVu Sans at `fontSize` pixels (Arial is a little narrower),
 * for layout: margins, label collisions, legend boxes.
 */
export function textWidth(s: string, fontSize: number): number {
  let w = 0;
  for (const ch of s) {
    if (/[0-9]/.test(ch)) w += 0.636;
    else if (ch === "." || ch === "," || ch === ":" || ch === ";" || ch === "|" || ch === "'") w += 0.318;
    else if (ch === " ") w += 0.318;
    else if (ch === "-" || ch === "(" || ch === ")" || ch === "[" || ch === "]") w += 0.39;
    else if ("ijlft!".includes(ch)) w += 0.3;
    else if ("mwMW".includes(ch)) w += 0.9;
    else if (/[A-Z]/.test(ch)) w += 0.72;
    else w += 0.6;
  }
  return w * fontSize;
}

/** Options of one chart axis: its title and font sizes. */
export interface AxisOptions {
  /** Axis title, e.g. "step". */
  label?: string;
  /** Tick label size in pixels (default 12). */
  fontSize?: number;
  /** Axis title size in pixels (default 13). */
  labelFontSize?: number;
}

/** Labelled ticks of a scale that fit without overlapping, thinned evenly (every 2nd, 3rd, ...). */
function visibleLabels(ticks: Tick[], scale: Scale, size: (t: Tick) => number): Tick[] {
  const out: Tick[] = [];
  let lastEnd: number;
  const sorted = ticks.filter((t) => t.label !== "").sort((a, b) => scale.map(a.value) - scale.map(b.value));
  for (let every = 1; every <= sorted.length; every++) {
    out.length = 0;
    lastEnd = Number.NEGATIVE_INFINITY;
    let ok = true;
    for (let i = 0; i < sorted.length; i += every) {
      const p = scale.map(sorted[i].value);
      const half = size(sorted[i]) / 2;
      if (p - half < lastEnd + 4) {
        ok = false;
        break;
      }
      lastEnd = p + half;
      out.push(sorted[i]);
    }
    if (ok) return out;
  }
  return out;
}

/** Maximum width of the y tick labels (for the left margin). */
export function tickLabelWidth(scale: Scale, fontSize = 12): number {
  let w = 0;
  for (const t of scale.ticks()) if (t.label) w = Math.max(w, textWidth(t.label, fontSize));
  return w;
}

/** Whether a scale's minor ticks get grid lines too (log scales over at most 3 decades). */
function minorGrid(s: Scale): boolean {
  return s.type === "log" && Math.log10(s.domain[1] / s.domain[0]) <= 3 + 1e-9;
}

/**
 * Light grid lines at the major ticks of either scale, and at the minor ticks of log scales spanning
 * few decades (lighter); none on the frame.
 */
export function renderGrid(area: PlotArea, x: Scale | null, y: Scale | null): string {
  const out: string[] = [];
  const x0 = area.x;
  const x1 = area.x + area.width;
  const y0 = area.y;
  const y1 = area.y + area.height;
  const near = (a: number, b: number) => Math.abs(a - b) < 0.5;
  for (const pass of [false, true]) {
    const d: string[] = [];
    if (x)
      for (const t of x.ticks()) {
        if (t.major !== pass || (!pass && !minorGrid(x))) continue;
        const px = x.map(t.value);
        if (near(px, x0) || near(px, x1) || px < x0 || px > x1) continue;
        d.push(`M${num(px)} ${num(y0)}V${num(y1)}`);
      }
    if (y)
      for (const t of y.ticks()) {
        if (t.major !== pass || (!pass && !minorGrid(y))) continue;
        const py = y.map(t.value);
        if (near(py, y0) || near(py, y1) || py < y0 || py > y1) continue;
        d.push(`M${num(x0)} ${num(py)}H${num(x1)}`);
      }
    if (d.length > 0)
      out.push(
        el("path", {
          class: pass ? "grid-major" : "grid-minor",
          d: d.join(""),
          fill: "none",
          stroke: pass ? INK.grid : INK.gridMinor,
          "stroke-width": 1,
        }),
      );
  }
  return out.join("\n");
}

/** The frame around the plot area. */
export function renderFrame(area: PlotArea): string {
  return el("rect", {
    class: "frame",
    x: area.x,
    y: area.y,
    width: area.width,
    height: area.height,
    fill: "none",
    stroke: INK.axis,
    "stroke-width": 1,
  });
}

/** Bottom axis: tick marks, tick labels (thinned when they would overlap) and the axis title. */
export function renderXAxis(area: PlotArea, scale: Scale, options: AxisOptions = {}): string {
  const fs = options.fontSize ?? 12;
  const lfs = options.labelFontSize ?? 13;
  const bottom = area.y + area.height;
  const ticks = scale.ticks();
  const d: string[] = [];
  for (const t of ticks) {
    const px = scale.map(t.value);
    if (px < area.x - 0.5 || px > area.x + area.width + 0.5) continue;
    d.push(`M${num(px)} ${num(bottom)}v${t.major ? 5 : 3}`);
  }
  const out = [el("path", { class: "x-ticks", d: d.join(""), stroke: INK.axis, "stroke-width": 1 })];
  const labels = visibleLabels(ticks, scale, (t) => textWidth(t.label, fs));
  const g = labels.map((t) => textEl(scale.map(t.value), bottom + 8 + fs * 0.95, t.label));
  out.push(
    el("g", { class: "x-tick-labels", "text-anchor": "middle", "font-size": fs, fill: INK.text }, g.join("")),
  );
  if (options.label)
    out.push(
      textEl(area.x + area.width / 2, bottom + 8 + fs + 10 + lfs * 0.8, options.label, {
        class: "x-label",
        "text-anchor": "middle",
        "font-size": lfs,
        fill: INK.text,
      }),
    );
  return out.join("\n");
}

/** Left axis: tick marks, tick labels and the axis title (rotated). */
export function renderYAxis(area: PlotArea, scale: Scale, options: AxisOptions = {}): string {
  const fs = options.fontSize ?? 12;
  const lfs = options.labelFontSize ?? 13;
  const ticks = scale.ticks();
  const d: string[] = [];
  for (const t of ticks) {
    const py = scale.map(t.value);
    if (py < area.y - 0.5 || py > area.y + area.height + 0.5) continue;
    d.push(`M${num(area.x)} ${num(py)}h${t.major ? -5 : -3}`);
  }
  const out = [el("path", { class: "y-ticks", d: d.join(""), stroke: INK.axis, "stroke-width": 1 })];
  const labels = visibleLabels(ticks, scale, () => fs * 1.1);
  const g = labels.map((t) => textEl(area.x - 8, scale.map(t.value) + fs * 0.35, t.label));
  out.push(
    el("g", { class: "y-tick-labels", "text-anchor": "end", "font-size": fs, fill: INK.text }, g.join("")),
  );
  if (options.label) {
    const x = area.x - 8 - tickLabelWidth(scale, fs) - 10 - lfs * 0.25;
    const y = area.y + area.height / 2;
    out.push(
      textEl(x, y, options.label, {
        class: "y-label",
        "text-anchor": "middle",
        "font-size": lfs,
        fill: INK.text,
        transform: `rotate(-90 ${num(x)} ${num(y)})`,
      }),
    );
  }
  return out.join("\n");
}
