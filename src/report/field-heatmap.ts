/**
 * Heat maps of 2-d fields on tensor grids (PINN solutions, references and errors) as one SVG with a
 * panel per field, each with its own colour bar. Cells are drawn as rectangles (downsampled to at most
 * `maxCells` per axis by taking every k-th sample), so the SVG renders identically everywhere and converts
 * to PNG with the report's renderer. Colour maps: "diverging" (blue - white - red, symmetric about 0, for
 * signed fields) and "sequential" (viridis-like, for errors; optionally on a log10 scale).
 */
import type { GridField } from "../problems/pde/jet-terms.js";
import { el, FONT_FAMILY, num, textEl } from "./plot/svg.js";

/** One panel. */
export interface HeatmapPanel {
  title: string;
  field: GridField;
  /** Colour map (default "diverging"). */
  colors?: "diverging" | "sequential";
  /** Sequential maps only: colour by log10 of the value (floored at max * 1e-6). */
  log?: boolean;
}

export interface HeatmapOptions {
  title?: string;
  /** Most cells per axis (default 128). */
  maxCells?: number;
  /** Panel plot area size in px (default 260 x 200). */
  width?: number;
  height?: number;
}

const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];
const DIVERGING: [number, number, number][] = [
  [33, 102, 172],
  [146, 197, 222],
  [247, 247, 247],
  [244, 165, 130],
  [178, 24, 43],
];

function ramp(stops: [number, number, number][], t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((v, k) => Math.round(v + f * (stops[i + 1][k] - v)));
  return `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

function fmtTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 0.01 && a < 1000) return String(Number(v.toPrecision(3)));
  return v.toExponential(1);
}

/** Renders the panels side by side as one SVG document. */
export function renderHeatmaps(panels: readonly HeatmapPanel[], options: HeatmapOptions = {}): string {
  if (panels.length === 0) throw new Error("renderHeatmaps: no panels");
  const W = options.width ?? 260;
  const H = options.height ?? 200;
  const maxCells = options.maxCells ?? 128;
  const left = 44;
  const top = options.title ? 48 : 28;
  const panelW = left + W + 70;
  const totalW = panelW * panels.length + 10;
  const totalH = top + H + 46;
  const parts: string[] = [];
  if (options.title)
    parts.push(
      textEl(totalW / 2, 20, options.title, {
        "text-anchor": "middle",
        "font-size": 14,
        "font-weight": "bold",
      }),
    );
  for (const [pi, panel] of panels.entries()) {
    const { xs, ys, values, names } = panel.field;
    const nx = xs.length;
    const ny = ys.length;
    if (values.length !== nx * ny)
      throw new Error(
        `renderHeatmaps: panel ${JSON.stringify(panel.title)} has ${values.length} values for a ${nx} x ${ny} grid`,
      );
    const ox = pi * panelW + left;
    const sx = Math.max(1, Math.ceil(nx / maxCells));
    const sy = Math.max(1, Math.ceil(ny / maxCells));
    const seq = panel.colors === "sequential";
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    const useLog = seq && panel.log === true && hi > 0;
    const floor = useLog ? Math.max(hi * 1e-6, lo > 0 ? lo : 0) : 0;
    const tr = (v: number) => (useLog ? Math.log10(Math.max(v, floor)) : v);
    let cLo = tr(seq ? lo : -Math.max(Math.abs(lo), Math.abs(hi)));
    let cHi = tr(seq ? hi : Math.max(Math.abs(lo), Math.abs(hi)));
    if (!(cHi > cLo)) {
      cHi = cLo + 1;
      cLo -= 0;
    }
    const color = (v: number) => ramp(seq ? VIRIDIS : DIVERGING, (tr(v) - cLo) / (cHi - cLo));
    const x0 = xs[0];
    const x1 = xs[nx - 1];
    const y0 = ys[0];
    const y1 = ys[ny - 1];
    const px = (x: number) => ox + ((x - x0) / (x1 - x0)) * W;
    const py = (y: number) => top + H - ((y - y0) / (y1 - y0)) * H;
    parts.push(textEl(ox + W / 2, top - 8, panel.title, { "text-anchor": "middle", "font-size": 12 }));
    const cellW = (W / (nx - 1)) * sx;
    const cellH = (H / (ny - 1)) * sy;
    const cells: string[] = [];
    for (let j = 0; j < ny; j += sy)
      for (let i = 0; i < nx; i += sx) {
        const cx = px(xs[i]);
        const cy = py(ys[j]);
        const x = Math.max(ox, cx - cellW / 2);
        const y = Math.max(top, cy - cellH / 2);
        const w = Math.min(ox + W, cx + cellW / 2) - x;
        const h = Math.min(top + H, cy + cellH / 2) - y;
        cells.push(
          `<rect x="${num(x)}" y="${num(y)}" width="${num(w + 0.3)}" height="${num(h + 0.3)}" fill="${color(values[j * nx + i])}"/>`,
        );
      }
    parts.push(`<g shape-rendering="crispEdges">${cells.join("")}</g>`);
    parts.push(el("rect", { x: ox, y: top, width: W, height: H, fill: "none", stroke: "#333" }));
    // Axes: ends and middle.
    for (const x of [x0, (x0 + x1) / 2, x1])
      parts.push(textEl(px(x), top + H + 14, fmtTick(x), { "text-anchor": "middle", "font-size": 10 }));
    for (const y of [y0, (y0 + y1) / 2, y1])
      parts.push(textEl(ox - 4, py(y) + 3, fmtTick(y), { "text-anchor": "end", "font-size": 10 }));
    parts.push(textEl(ox + W / 2, top + H + 30, names[0], { "text-anchor": "middle", "font-size": 11 }));
    parts.push(textEl(ox - 30, top + H / 2, names[1], { "text-anchor": "middle", "font-size": 11 }));
    // Colour bar.
    const bx = ox + W + 10;
    const steps = 40;
    for (let k = 0; k < steps; k++) {
      const t = k / (steps - 1);
      parts.push(
        el("rect", {
          x: bx,
          y: top + H - ((k + 1) / steps) * H,
          width: 12,
          height: H / steps + 0.5,
          fill: ramp(seq ? VIRIDIS : DIVERGING, t),
        }),
      );
    }
    parts.push(el("rect", { x: bx, y: top, width: 12, height: H, fill: "none", stroke: "#333" }));
    const label = (c: number) => (useLog ? fmtTick(10 ** c) : fmtTick(c));
    for (const [c, y] of [
      [cHi, top + 4],
      [(cLo + cHi) / 2, top + H / 2 + 3],
      [cLo, top + H],
    ] as const)
      parts.push(textEl(bx + 15, y, label(c), { "font-size": 9 }));
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(totalW)}" height="${num(totalH)}" viewBox="0 0 ${num(totalW)} ${num(totalH)}" font-family="${FONT_FAMILY}" fill="#222">` +
    `<rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`
  );
}
