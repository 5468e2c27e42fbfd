/** Drawing data series into a plot area: line paths with gaps, markers, bands. */
import type { Scale } from "./scale.js";
import { el, num } from "./svg.js";

/** Marker shapes of series points. */
export type MarkerShape = "circle" | "square" | "triangle" | "diamond" | "cross";

/**
 * Projects the points (x[i], y[i]) to pixels as flat [px0, py0, px1, py1, ...] segments. A point that
 * cannot be drawn (NaN, infinite, or <= 0 on a log scale) ends the current segment, or is just skipped
 * when `connectGaps` is true (e.g. a metric evaluated only every few steps, NaN in between).
 */
export function projectSegments(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  xs: Scale,
  ys: Scale,
  connectGaps = false,
): number[][] {
  const n = Math.min(x.length, y.length);
  const out: number[][] = [];
  let cur: number[] = [];
  for (let i = 0; i < n; i++) {
    if (xs.accepts(x[i]) && ys.accepts(y[i])) {
      cur.push(xs.map(x[i]), ys.map(y[i]));
    } else if (!connectGaps && cur.length > 0) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/**
 * Thins a segment whose pixel x is non-decreasing to at most about `maxPoints` points by keeping, per
 * pixel bucket, the first, lowest, highest and last point (in their original order), so spikes survive.
 * Segments that go back in x are returned unchanged.
 */
export function decimate(seg: number[], maxPoints: number): number[] {
  const n = seg.length / 2;
  if (n <= maxPoints) return seg;
  for (let i = 1; i < n; i++) if (seg[2 * i] < seg[2 * i - 2]) return seg;
  const x0 = seg[0];
  const span = seg[2 * n - 2] - x0;
  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const width = span / buckets;
  if (!(width > 0)) return seg;
  const out: number[] = [];
  let i = 0;
  while (i < n) {
    const b = Math.min(buckets - 1, Math.floor((seg[2 * i] - x0) / width));
    let j = i;
    let lo = i;
    let hi = i;
    while (j < n && Math.min(buckets - 1, Math.floor((seg[2 * j] - x0) / width)) === b) {
      if (seg[2 * j + 1] < seg[2 * lo + 1]) lo = j;
      if (seg[2 * j + 1] > seg[2 * hi + 1]) hi = j;
      j++;
    }
    const keep = [...new Set([i, lo, hi, j - 1])].sort((a, c) => a - c);
    for (const k of keep) out.push(seg[2 * k], seg[2 * k + 1]);
    i = j;
  }
  return out;
}

/** SVG path data of polyline segments ("M x y L x y x y ..."); one-point segments are left out. */
export function linePathData(segments: readonly number[][]): string {
  let d = "";
  for (const s of segments) {
    if (s.length < 4) continue;
    d += `M${num(s[0])} ${num(s[1])}L`;
    const pts: string[] = [];
    for (let i = 2; i < s.length; i += 2) pts.push(`${num(s[i])} ${num(s[i + 1])}`);
    d += pts.join(" ");
  }
  return d;
}

/** Path data of one marker of radius `r` centred at (x, y). */
export function markerData(shape: MarkerShape, x: number, y: number, r: number): string {
  switch (shape) {
    case "circle":
      return `M${num(x - r)} ${num(y)}a${num(r)} ${num(r)} 0 1 0 ${num(2 * r)} 0a${num(r)} ${num(r)} 0 1 0 ${num(-2 * r)} 0Z`;
    case "square": {
      const s = r * 0.9;
      return `M${num(x - s)} ${num(y - s)}h${num(2 * s)}v${num(2 * s)}h${num(-2 * s)}Z`;
    }
    case "triangle": {
      const h = r * 1.15;
      return `M${num(x)} ${num(y - h)}L${num(x + h * 0.866)} ${num(y + h * 0.5)}L${num(x - h * 0.866)} ${num(y + h * 0.5)}Z`;
    }
    case "diamond": {
      const h = r * 1.25;
      return `M${num(x)} ${num(y - h)}L${num(x + h)} ${num(y)}L${num(x)} ${num(y + h)}L${num(x - h)} ${num(y)}Z`;
    }
    case "cross": {
      const h = r * 0.9;
      return `M${num(x - h)} ${num(y - h)}L${num(x + h)} ${num(y + h)}M${num(x - h)} ${num(y + h)}L${num(x + h)} ${num(y - h)}`;
    }
  }
}

/** Stroke style of a series: colour, width, dash, opacity. */
export interface LineStyle {
  color: string;
  /** Stroke width in pixels (default 1.8). */
  width?: number;
  /** Dash pattern, e.g. "6 3"; "" or undefined is solid. */
  dash?: string;
  opacity?: number;
}

/**
 * A series as a line: one `<path class="series-line">` (several segments when there are gaps), plus
 * small dots for isolated points, which a path would not show. `maxPoints` bounds the points per
 * segment (see `decimate`).
 */
export function renderLine(segments: readonly number[][], style: LineStyle, maxPoints = 4000): string {
  const w = style.width ?? 1.8;
  const thinned = segments.map((s) => decimate(s, maxPoints));
  const out: string[] = [];
  const d = linePathData(thinned);
  if (d !== "")
    out.push(
      el("path", {
        class: "series-line",
        d,
        fill: "none",
        stroke: style.color,
        "stroke-width": w,
        "stroke-dasharray": style.dash ? style.dash : undefined,
        "stroke-linejoin": "round",
        "stroke-linecap": style.dash ? "butt" : "round",
        "stroke-opacity": style.opacity,
      }),
    );
  const dots = thinned.filter((s) => s.length === 2).map((s) => markerData("circle", s[0], s[1], w * 1.2));
  if (dots.length > 0) out.push(el("path", { class: "series-dots", d: dots.join(""), fill: style.color }));
  return out.join("\n");
}

/** A series as markers: one `<path class="series-markers">` holding every marker. */
export function renderMarkers(
  segments: readonly number[][],
  shape: MarkerShape,
  color: string,
  radius = 3,
  opacity?: number,
): string {
  const d: string[] = [];
  for (const s of segments)
    for (let i = 0; i < s.length; i += 2) d.push(markerData(shape, s[i], s[i + 1], radius));
  if (d.length === 0) return "";
  const hollow = shape === "cross";
  return el("path", {
    class: "series-markers",
    d: d.join(""),
    fill: hollow ? "none" : color,
    "fill-opacity": hollow ? undefined : opacity,
    stroke: hollow ? color : "white",
    "stroke-width": hollow ? 1.5 : 0.6,
  });
}

/**
 * A band between `lower` and `upper` over `x` (e.g. min..max over seeds): one `<path class="series-band">`
 * with a polygon per stretch where x, lower and upper can all be drawn (or, with `connectGaps`, one
 * polygon over all drawable points).
 */
export function renderBand(
  x: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  xs: Scale,
  ys: Scale,
  color: string,
  opacity = 0.18,
  connectGaps = false,
): string {
  const n = Math.min(x.length, lower.length, upper.length);
  const polys: string[] = [];
  let idx: number[] = [];
  const flush = () => {
    if (idx.length >= 2) {
      const top = idx.map((i) => `${num(xs.map(x[i]))} ${num(ys.map(upper[i]))}`);
      const bottom = idx
        .slice()
        .reverse()
        .map((i) => `${num(xs.map(x[i]))} ${num(ys.map(lower[i]))}`);
      polys.push(`M${top.join("L")}L${bottom.join("L")}Z`);
    }
    idx = [];
  };
  for (let i = 0; i < n; i++) {
    if (xs.accepts(x[i]) && ys.accepts(lower[i]) && ys.accepts(upper[i])) idx.push(i);
    else if (!connectGaps) flush();
  }
  flush();
  if (polys.length === 0) return "";
  return el("path", {
    class: "series-band",
    d: polys.join(""),
    fill: color,
    "fill-opacity": opacity,
    stroke: "none",
  });
}
