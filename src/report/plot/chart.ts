/**
 * A generic x-y chart as a standalone SVG string: lines, markers, bands, vertical reference lines,
 * legend, log or linear axes. Good for loss curves, predicted-vs-true scatter plots and 1-D function
 * plots; `layoutChart` gives other chart kinds (heatmaps) the same margins, scales and axes.
 */
import {
  type PlotArea,
  renderFrame,
  renderGrid,
  renderXAxis,
  renderYAxis,
  textWidth,
  tickLabelWidth,
} from "./axes.js";
import { type LegendItem, legendSize, renderLegend } from "./legend.js";
import { INK, styleAt } from "./palette.js";
import { chartDomain, extentOf, linearScale, logScale, type Scale, type ScaleType } from "./scale.js";
import { type MarkerShape, projectSegments, renderBand, renderLine, renderMarkers } from "./series.js";
import { el, escapeXml, hashString, num, svgDocument, textEl } from "./svg.js";

/** One plotted series: points, label and style. */
export interface Series {
  /** Legend label; series without one are not listed. */
  label?: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** "line" (default), "markers" or "line+markers". */
  mode?: "line" | "markers" | "line+markers";
  /** Colour (default: the palette, by series index). */
  color?: string;
  /** Dash pattern, e.g. "6 3" (default solid, or from the palette once the colours run out). */
  dash?: string;
  /** Line width in pixels (default 1.8). */
  width?: number;
  /** Marker shape (default "circle"). */
  marker?: MarkerShape;
  /** Marker radius in pixels (default 3). */
  markerSize?: number;
  opacity?: number;
  /**
   * Points that cannot be drawn (NaN, infinite, <= 0 on a log axis) break the line by default; with
   * `connectGaps` the line joins their neighbours instead (for values recorded only every few steps).
   */
  connectGaps?: boolean;
  /** A shaded band over the same x, e.g. min..max over seeds. */
  band?: { lower: ArrayLike<number>; upper: ArrayLike<number>; opacity?: number };
}

/** A labelled vertical marker line (e.g. a level change). */
export interface VerticalLine {
  x: number;
  /** Text at the top of the plot area, right of the line. */
  label?: string;
  color?: string;
  /** Dash pattern (default "5 4"). */
  dash?: string;
  /** Draw the line (default true); false shows just the label. */
  line?: boolean;
  /** CSS class of the line (default "vline"). */
  class?: string;
}

/** Where the legend goes. */
export type LegendPosition = "right" | "top-right" | "top-left" | "bottom-right" | "bottom-left" | "none";

/** Size, titles, axis labels, scale types and fonts of a chart. */
export interface AxesSpec {
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  xScale?: ScaleType;
  yScale?: ScaleType;
  /** Tick label font size (default 12). */
  fontSize?: number;
  /** Width reserved right of the plot area, e.g. for a legend or a colour bar (default 0). */
  rightReserve?: number;
  /** Height reserved above the plot area, e.g. for labels of vertical lines (default 0). */
  topReserve?: number;
}

/** The computed layout of a chart: size, plot area and both scales. */
export interface ChartLayout {
  width: number;
  height: number;
  area: PlotArea;
  x: Scale;
  y: Scale;
}

/** Everything `renderChart` draws: series, axes, lines, legend, title, layout. */
export interface ChartOptions extends AxesSpec {
  series: readonly Series[];
  /** Fixed data ranges (default: the data's extent, widened to nice steps or whole decades). */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Widen data extents to nice ticks / decades (default true). */
  nice?: boolean;
  /** Legend placement (default "right", outside the plot area; "none" hides it). */
  legend?: LegendPosition;
  vlines?: readonly VerticalLine[];
  /** Background colour (default "white"; "none" for transparent). */
  background?: string;
  /** Text shown in an empty chart (default "no data"). */
  emptyText?: string;
}

const TITLE_SIZE = 15;
const LABEL_SIZE = 13;

/**
 * Margins, plot area and scales for the given domains. y ticks are computed first: their label width
 * sets the left margin, which sets the plot width and so the x ticks.
 */
export function layoutChart(
  spec: AxesSpec,
  xDomain: readonly [number, number],
  yDomain: readonly [number, number],
): ChartLayout {
  const width = spec.width ?? 760;
  const height = spec.height ?? 440;
  const fs = spec.fontSize ?? 12;
  const top = (spec.title ? 16 + TITLE_SIZE + 12 : 14) + (spec.topReserve ?? 0);
  const bottom = 8 + fs + (spec.xLabel ? 10 + LABEL_SIZE : 0) + 14;
  const plotH = Math.max(40, height - top - bottom);
  const yType = spec.yScale ?? "linear";
  const xType = spec.xScale ?? "linear";
  const yRange: [number, number] = [top + plotH, top];
  const yTicks = Math.max(2, Math.round(plotH / 55));
  const y0 = makeScaleFor(yType, yDomain, yRange, yTicks, Math.max(3, Math.floor(plotH / 26)));
  const left = 10 + (spec.yLabel ? LABEL_SIZE + 10 : 0) + tickLabelWidth(y0, fs) + 8 + 4;
  // Room for half of the widest x tick label to the right of the plot area.
  const right = Math.max(16, (spec.rightReserve ?? 0) + 16);
  const plotW = Math.max(60, width - left - right);
  const xRange: [number, number] = [left, left + plotW];
  const x = makeScaleFor(
    xType,
    xDomain,
    xRange,
    Math.max(2, Math.round(plotW / 90)),
    Math.max(3, Math.floor(plotW / 60)),
  );
  return { width, height, area: { x: left, y: top, width: plotW, height: plotH }, x, y: y0 };
}

function makeScaleFor(
  type: ScaleType,
  domain: readonly [number, number],
  range: readonly [number, number],
  tickCount: number,
  maxLogLabels: number,
): Scale {
  return type === "log" ? logScale(domain, range, maxLogLabels) : linearScale(domain, range, tickCount);
}

/** Title, grid, frame and both axes of a layout; the caller adds the data layer between grid and axes. */
export function renderAxesFrame(layout: ChartLayout, spec: AxesSpec): { under: string; over: string } {
  const fs = spec.fontSize ?? 12;
  const under = renderGrid(layout.area, layout.x, layout.y);
  const over = [
    renderFrame(layout.area),
    renderXAxis(layout.area, layout.x, { label: spec.xLabel, fontSize: fs, labelFontSize: LABEL_SIZE }),
    renderYAxis(layout.area, layout.y, { label: spec.yLabel, fontSize: fs, labelFontSize: LABEL_SIZE }),
  ];
  if (spec.title) {
    // Centred over the plot area, shifted and if need be shrunk to stay inside the image.
    const natural = textWidth(spec.title, TITLE_SIZE) * 1.08;
    const size = Math.max(9, Math.min(TITLE_SIZE, (TITLE_SIZE * (layout.width - 16)) / natural));
    const w = (natural * size) / TITLE_SIZE;
    const cx = Math.min(Math.max(layout.area.x + layout.area.width / 2, 8 + w / 2), layout.width - 8 - w / 2);
    over.push(
      textEl(cx, 16 + TITLE_SIZE * 0.8, spec.title, {
        class: "title",
        "text-anchor": "middle",
        "font-size": size,
        "font-weight": "bold",
        fill: INK.text,
      }),
    );
  }
  return { under, over: over.join("\n") };
}

function seriesStyle(s: Series, i: number): { color: string; dash: string } {
  const d = styleAt(i);
  return { color: s.color ?? d.color, dash: s.dash ?? d.dash };
}

/** Legend entries for the labelled series. */
export function legendItems(series: readonly Series[]): LegendItem[] {
  const out: LegendItem[] = [];
  series.forEach((s, i) => {
    if (!s.label) return;
    const { color, dash } = seriesStyle(s, i);
    const mode = s.mode ?? "line";
    out.push({
      label: s.label,
      color,
      dash,
      line: mode !== "markers",
      marker: mode === "line" ? undefined : (s.marker ?? "circle"),
      band: s.band !== undefined,
    });
  });
  return out;
}

interface PlacedLabel {
  text: string;
  /** Left edge and centre baseline row (0 = just above the plot area). */
  left: number;
  row: number;
  color: string;
  cls: string;
}

const MAX_LABEL_ROWS = 3;

/**
 * Places the labels of vertical lines above the plot area, centred on their line (kept within the
 * plot's width), stacking a label one row up when it would overlap its left neighbour.
 */
function placeVlineLabels(lines: readonly VerticalLine[], layout: ChartLayout, fs: number): PlacedLabel[] {
  const { area, x } = layout;
  const rowEnds: number[] = [];
  const out: PlacedLabel[] = [];
  const visible = lines
    .filter((l) => l.label && x.accepts(l.x))
    .map((l) => ({ l, px: x.map(l.x) }))
    .filter(({ px }) => px >= area.x - 0.5 && px <= area.x + area.width + 0.5)
    .sort((a, b) => a.px - b.px);
  for (const { l, px } of visible) {
    const text = l.label!;
    const w = textWidth(text, fs);
    const left = Math.min(Math.max(px - w / 2, area.x), area.x + area.width - w);
    let row = rowEnds.findIndex((end) => left > end + 6);
    if (row < 0)
      row = rowEnds.length < MAX_LABEL_ROWS ? rowEnds.length : rowEnds.indexOf(Math.min(...rowEnds));
    rowEnds[row] = left + w;
    out.push({ text, left, row, color: l.color ?? INK.level, cls: `${l.class ?? "vline"}-label` });
  }
  return out;
}

function labelRows(placed: readonly PlacedLabel[]): number {
  return placed.reduce((m, p) => Math.max(m, p.row + 1), 0);
}

/** Vertical lines (drawn under the data) and their labels (above the plot area). */
function renderVlines(
  lines: readonly VerticalLine[],
  layout: ChartLayout,
  fs: number,
): { lines: string; labels: string } {
  const { area, x } = layout;
  const out: string[] = [];
  for (const l of lines) {
    if (!(l.line ?? true) || !x.accepts(l.x)) continue;
    const px = x.map(l.x);
    if (px < area.x - 0.5 || px > area.x + area.width + 0.5) continue;
    out.push(
      el("path", {
        class: l.class ?? "vline",
        d: `M${num(px)} ${num(area.y)}V${num(area.y + area.height)}`,
        stroke: l.color ?? INK.level,
        "stroke-width": 1.2,
        "stroke-dasharray": l.dash ?? "5 4",
        fill: "none",
      }),
    );
  }
  const labels = placeVlineLabels(lines, layout, fs).map((p) =>
    textEl(p.left, area.y - 6 - p.row * fs * 1.25, p.text, { class: p.cls, fill: p.color }),
  );
  return {
    lines: out.join("\n"),
    labels: labels.length > 0 ? el("g", { class: "vline-labels", "font-size": fs }, labels.join("")) : "",
  };
}

/** Renders a chart to a standalone SVG document string (deterministic: same input, same string). */
export function renderChart(options: ChartOptions): string {
  const xType = options.xScale ?? "linear";
  const yType = options.yScale ?? "linear";
  const fs = options.fontSize ?? 12;
  // Extents over the points that can be drawn on both axes.
  const xs: number[] = [];
  const ys: number[] = [];
  const ok = (t: ScaleType, v: number) => Number.isFinite(v) && (t === "linear" || v > 0);
  for (const s of options.series) {
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      if (!ok(xType, s.x[i])) continue;
      if (ok(yType, s.y[i])) {
        xs.push(s.x[i]);
        ys.push(s.y[i]);
      }
      if (s.band) {
        if (ok(yType, s.band.lower[i])) ys.push(s.band.lower[i]);
        if (ok(yType, s.band.upper[i])) ys.push(s.band.upper[i]);
      }
    }
  }
  const hasData = xs.length > 0;
  for (const l of options.vlines ?? []) if (ok(xType, l.x) && hasData) xs.push(l.x);
  const nice = options.nice ?? true;
  const xDomain = options.xDomain ?? chartDomain(xType, extentOf(xType, [xs]), { nice });
  const yDomain = options.yDomain ?? chartDomain(yType, extentOf(yType, [ys]), { nice });
  const position = options.legend ?? "right";
  const items = position === "none" ? [] : legendItems(options.series);
  const lsize = legendSize(items, fs);
  const spec: AxesSpec = {
    ...options,
    xScale: xType,
    yScale: yType,
    rightReserve: position === "right" && items.length > 0 ? lsize.width + 8 : 0,
  };
  let layout = layoutChart(spec, xDomain, yDomain);
  // Reserve rows above the plot area for the labels of vertical lines (placement depends on the
  // layout, so iterate until the number of rows is stable).
  const vlines = options.vlines ?? [];
  const labelFs = fs - 1;
  for (let rows = 0, it = 0; it < 3; it++) {
    const need = labelRows(placeVlineLabels(vlines, layout, labelFs));
    if (need <= rows) break;
    rows = need;
    spec.topReserve = rows * labelFs * 1.25 + 4;
    layout = layoutChart(spec, xDomain, yDomain);
  }
  const { area } = layout;

  // Data layer, clipped to the plot area: bands under lines under markers.
  const bands: string[] = [];
  const lines: string[] = [];
  const marks: string[] = [];
  const maxPoints = Math.max(200, Math.round(area.width * 4));
  options.series.forEach((s, i) => {
    const { color, dash } = seriesStyle(s, i);
    if (s.band) {
      const b = renderBand(
        s.x,
        s.band.lower,
        s.band.upper,
        layout.x,
        layout.y,
        color,
        s.band.opacity,
        s.connectGaps ?? false,
      );
      if (b) bands.push(b);
    }
    const segs = projectSegments(s.x, s.y, layout.x, layout.y, s.connectGaps ?? false);
    const mode = s.mode ?? "line";
    const label = s.label ? escapeXml(s.label) : undefined;
    const parts: string[] = [];
    if (mode !== "markers")
      parts.push(renderLine(segs, { color, dash, width: s.width, opacity: s.opacity }, maxPoints));
    if (mode !== "line")
      parts.push(renderMarkers(segs, s.marker ?? "circle", color, s.markerSize ?? 3, s.opacity));
    const body = parts.filter((p) => p !== "").join("\n");
    (mode === "line" ? lines : marks).push(
      `<g class="series" data-index="${i}"${label ? ` data-label="${label}"` : ""}>${body}</g>`,
    );
  });
  const data = [...bands, ...lines, ...marks].join("\n");
  const clipId = `mlkan-clip-${hashString(`${num(area.x)},${num(area.y)},${num(area.width)},${num(area.height)}|${data}`)}`;
  const defs = el(
    "clipPath",
    { id: clipId },
    el("rect", { x: area.x, y: area.y, width: area.width, height: area.height }),
  );

  const { under, over } = renderAxesFrame(layout, spec);
  const vl = renderVlines(vlines, layout, labelFs);
  const body = [under, vl.lines];
  body.push(el("g", { class: "data", "clip-path": `url(#${clipId})` }, `\n${data}\n`));
  body.push(vl.labels);
  if (!hasData)
    body.push(
      textEl(area.x + area.width / 2, area.y + area.height / 2, options.emptyText ?? "no data", {
        class: "empty",
        "text-anchor": "middle",
        "font-size": LABEL_SIZE,
        fill: "#888888",
      }),
    );
  body.push(over);
  if (items.length > 0) {
    let lx = area.x + area.width - lsize.width - 8;
    let ly = area.y + 8;
    if (position === "right") {
      lx = area.x + area.width + 14;
      ly = area.y;
    } else if (position === "top-left" || position === "bottom-left") lx = area.x + 8;
    if (position === "bottom-left" || position === "bottom-right")
      ly = area.y + area.height - lsize.height - 8;
    body.push(renderLegend(items, lx, ly, fs));
  }
  return svgDocument(layout.width, layout.height, body.join("\n"), {
    title: options.title,
    background: options.background,
    defs,
  });
}
