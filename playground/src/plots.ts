/**
 * Drawing for the playground: SVG line charts (the loss curve on a log scale with the level changes
 * marked, edge activations, 1D fits) and canvas heat maps (2D fits). Plain DOM, no plotting library.
 */
const NS = "http://www.w3.org/2000/svg";

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

function clear(svg: SVGSVGElement, w: number, h: number): void {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
}

/** A level change of the run: the global step it began after, and its grid. */
export interface LevelMark {
  step: number;
  grid: number;
}

/**
 * The loss against the step on a log scale; a dashed vertical line labelled "G=..." where each level after
 * the first begins (class `level-marker`). Sets data-first-loss, data-last-loss and data-steps on the svg.
 */
export function drawLoss(svg: SVGSVGElement, losses: number[], initial: number, levels: LevelMark[]): void {
  const W = 560;
  const H = 260;
  const m = { l: 56, r: 12, t: 12, b: 34 };
  clear(svg, W, H);
  const all = [initial, ...losses].filter((v) => v > 0 && Number.isFinite(v));
  svg.dataset.steps = String(losses.length);
  svg.dataset.firstLoss = String(initial);
  svg.dataset.lastLoss = String(losses.length > 0 ? losses[losses.length - 1] : initial);
  const px = m.l;
  const py = m.t;
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  el("rect", { x: px, y: py, width: pw, height: ph, fill: "#fff", stroke: "#999" }, svg);
  if (all.length === 0) return;
  let lo = Math.floor(Math.log10(Math.min(...all)));
  let hi = Math.ceil(Math.log10(Math.max(...all)));
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const n = Math.max(1, losses.length);
  const sx = (s: number) => px + (s / n) * pw;
  const sy = (v: number) => py + ((hi - Math.log10(v)) / (hi - lo)) * ph;
  for (let e = lo; e <= hi; e++) {
    const y = sy(10 ** e);
    el("line", { x1: px, x2: px + pw, y1: y, y2: y, stroke: "#eee" }, svg);
    const t = el("text", { x: px - 6, y: y + 4, "text-anchor": "end", "font-size": 11, fill: "#555" }, svg);
    t.textContent = `1e${e}`;
  }
  const xl = el(
    "text",
    { x: px + pw / 2, y: H - 6, "text-anchor": "middle", "font-size": 12, fill: "#333" },
    svg,
  );
  xl.textContent = `optimizer step (${losses.length})`;
  const yl = el(
    "text",
    {
      x: 14,
      y: py + ph / 2,
      "text-anchor": "middle",
      "font-size": 12,
      fill: "#333",
      transform: `rotate(-90 14 ${py + ph / 2})`,
    },
    svg,
  );
  yl.textContent = "training loss (MSE)";
  for (const mark of levels) {
    if (mark.step <= 0) continue;
    const x = sx(mark.step);
    el(
      "line",
      {
        class: "level-marker",
        "data-grid": mark.grid,
        x1: x,
        x2: x,
        y1: py,
        y2: py + ph,
        stroke: "#d62728",
        "stroke-dasharray": "5 4",
      },
      svg,
    );
    const t = el("text", { x: x + 4, y: py + 14, "font-size": 12, fill: "#d62728" }, svg);
    t.textContent = `G=${mark.grid}`;
  }
  const pts: string[] = [`${sx(0).toFixed(1)},${sy(initial).toFixed(1)}`];
  losses.forEach((v, i) => {
    if (v > 0 && Number.isFinite(v)) pts.push(`${sx(i + 1).toFixed(1)},${sy(v).toFixed(1)}`);
  });
  el("polyline", { points: pts.join(" "), fill: "none", stroke: "#1f77b4", "stroke-width": 1.6 }, svg);
}

/** One curve of a line plot (or dots). */
export interface Series {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  color: string;
  dots?: boolean;
  width?: number;
}

/** A small line plot of several series on common axes; `title` above it. */
export function drawLines(svg: SVGSVGElement, series: Series[], title: string, size: [number, number]): void {
  const [W, H] = size;
  const m = { l: 6, r: 6, t: title ? 16 : 6, b: 6 };
  clear(svg, W, H);
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      xmin = Math.min(xmin, s.xs[i]);
      xmax = Math.max(xmax, s.xs[i]);
      if (Number.isFinite(s.ys[i])) {
        ymin = Math.min(ymin, s.ys[i]);
        ymax = Math.max(ymax, s.ys[i]);
      }
    }
  }
  if (!(ymax > ymin)) {
    ymax = ymin + 1;
    ymin -= 1;
  }
  const pad = 0.06 * (ymax - ymin);
  ymin -= pad;
  ymax += pad;
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  el("rect", { x: m.l, y: m.t, width: pw, height: ph, fill: "#fff", stroke: "#bbb" }, svg);
  if (title) {
    const t = el("text", { x: W / 2, y: 12, "text-anchor": "middle", "font-size": 11, fill: "#333" }, svg);
    t.textContent = title;
  }
  const sx = (x: number) => m.l + ((x - xmin) / (xmax - xmin)) * pw;
  const sy = (y: number) => m.t + ((ymax - y) / (ymax - ymin)) * ph;
  if (ymin < 0 && ymax > 0) el("line", { x1: m.l, x2: m.l + pw, y1: sy(0), y2: sy(0), stroke: "#eee" }, svg);
  for (const s of series) {
    if (s.dots) {
      for (let i = 0; i < s.xs.length; i++)
        el(
          "circle",
          {
            cx: sx(s.xs[i]).toFixed(1),
            cy: sy(s.ys[i]).toFixed(1),
            r: 1.6,
            fill: s.color,
            "fill-opacity": 0.5,
          },
          svg,
        );
    } else {
      const pts: string[] = [];
      for (let i = 0; i < s.xs.length; i++) pts.push(`${sx(s.xs[i]).toFixed(1)},${sy(s.ys[i]).toFixed(1)}`);
      el(
        "polyline",
        { points: pts.join(" "), fill: "none", stroke: s.color, "stroke-width": s.width ?? 1.5 },
        svg,
      );
    }
  }
}

/** Viridis-like colour of t in [0, 1]. */
function colour(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(u));
  const f = u - k;
  const a = stops[k];
  const b = stops[k + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** An n x n heat map of values (row 0 at the top = largest y), coloured over [lo, hi]. */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  values: Float64Array,
  n: number,
  lo: number,
  hi: number,
): void {
  canvas.width = n;
  canvas.height = n;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const img = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const [r, g, b] = colour((values[i] - lo) / (hi - lo || 1));
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
