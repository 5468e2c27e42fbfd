/** Scales (data -> pixel) and their ticks: linear with "nice" 1-2-5 steps, logarithmic by decades. */

export type ScaleType = "linear" | "log";

/** A tick of an axis: value, label, and whether it is a major tick. */
export interface Tick {
  value: number;
  /** Label text; empty for minor ticks. */
  label: string;
  /** Major ticks get a label, a longer tick mark and a grid line. */
  major: boolean;
}

/** A scale from data values to pixels, with its ticks. */
export interface Scale {
  readonly type: ScaleType;
  /** Data interval shown, [min, max] with min < max (both > 0 for log). */
  readonly domain: readonly [number, number];
  /** Pixel interval the domain maps to (may be reversed, e.g. [bottom, top] for a y axis). */
  readonly range: readonly [number, number];
  /** Data value to pixel. */
  map(v: number): number;
  /** Whether a value can be drawn on this scale (finite, and > 0 for log). */
  accepts(v: number): boolean;
  ticks(): Tick[];
}

/** Whether `v` is drawable on a scale of this type. */
export function acceptsValue(type: ScaleType, v: number): boolean {
  return Number.isFinite(v) && (type === "linear" || v > 0);
}

/** [min, max] of the drawable values in several arrays, or null when there is none. */
export function extentOf(type: ScaleType, arrays: Iterable<ArrayLike<number>>): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!acceptsValue(type, v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/** m x 10^e, correctly rounded (`10 ** -4` is not: it gives 0.00009999999999999999). */
export function decimal(m: number, e: number): number {
  return Number(`${m}e${e}`);
}

/** A step of the form {1, 2, 5} x 10^k giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const e = Math.floor(Math.log10(raw));
  const f = raw / decimal(1, e);
  const m = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
  return decimal(m, e);
}

/** Widens [min, max] to multiples of a nice step; a point becomes an interval around it. */
export function niceLinearDomain(min: number, max: number, count = 6): [number, number] {
  if (!(max > min)) {
    const d = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= d;
    max += d;
  }
  const step = niceStep(max - min, count);
  // Small relative slack, so 0.30000000000000004 does not round out to the next step.
  const eps = step * 1e-9;
  return [Math.floor((min + eps) / step) * step, Math.ceil((max - eps) / step) * step];
}

function trimMantissa(s: string): string {
  // "2.50e+5" -> "2.5e5", "1.00e-3" -> "1e-3"
  const [m, e] = s.split("e");
  const mm = m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m;
  return `${mm}e${Number(e)}`;
}

/** A label for a linear tick, with as many decimals as the tick step needs. */
export function formatLinearTick(v: number, step: number): string {
  if (Math.abs(v) < step * 1e-9) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || step < 1e-3) {
    const digits = Math.max(0, Math.floor(Math.log10(a)) - Math.floor(Math.log10(step) + 1e-9));
    return trimMantissa(v.toExponential(Math.min(digits, 15)));
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(decimals);
}

/** Nice ticks covering [min, max] (the domain itself need not be nice). */
export function linearTicks(min: number, max: number, count = 6): Tick[] {
  const step = niceStep(max - min, count);
  const eps = step * 1e-9;
  const first = Math.ceil((min - eps) / step);
  const last = Math.floor((max + eps) / step);
  const out: Tick[] = [];
  for (let k = first; k <= last; k++) {
    const v = k * step;
    out.push({ value: v, label: formatLinearTick(v, step), major: true });
  }
  return out;
}

/** Widens [min, max] (both > 0) to whole decades; a single decade point gets a decade each side. */
export function logDomain(min: number, max: number): [number, number] {
  let lo = Math.floor(Math.log10(min) + 1e-12);
  let hi = Math.ceil(Math.log10(max) - 1e-12);
  if (hi <= lo) {
    lo -= 1;
    hi += 1;
  }
  return [decimal(1, lo), decimal(1, hi)];
}

/** A label for a log tick: 1e-3, 2e-3, 1, 5, 1e1, 1e2 (one style for every decade). */
export function formatLogTick(v: number): string {
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = Math.round(v / decimal(1, e));
  return e === 0 ? String(m) : `${m}e${e}`;
}

/**
 * Ticks for a log axis over [min, max]: decades get labels (every k-th decade when there are more than
 * `maxLabels`); within a span of up to two decades 2 and 5 are labelled too; minor ticks at 2..9.
 */
export function logTicks(min: number, max: number, maxLabels = 8): Tick[] {
  const lo = Math.floor(Math.log10(min) + 1e-12);
  const hi = Math.ceil(Math.log10(max) - 1e-12);
  const decades = Math.max(1, hi - lo);
  const every = Math.max(1, Math.ceil((decades + 1) / Math.max(2, maxLabels)));
  const sub = decades <= 2 && maxLabels >= 3 * decades + 1;
  const minors = decades <= 12;
  const out: Tick[] = [];
  const inside = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  for (let e = lo; e <= hi; e++) {
    const p = decimal(1, e);
    if (inside(p)) {
      const labelled = (e - lo) % every === 0;
      out.push({ value: p, label: labelled ? formatLogTick(p) : "", major: labelled });
    }
    if (e === hi) break;
    if (!minors) continue;
    for (let m = 2; m <= 9; m++) {
      const v = decimal(m, e);
      if (!inside(v)) continue;
      const major = sub && (m === 2 || m === 5);
      out.push({ value: v, label: major ? formatLogTick(v) : "", major });
    }
  }
  return out;
}

/** A linear scale; `tickCount` is the approximate number of tick intervals. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
  tickCount = 6,
): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return {
    type: "linear",
    domain: [d0, d1],
    range: [r0, r1],
    map: (v) => r0 + (v - d0) * k,
    accepts: (v) => acceptsValue("linear", v),
    ticks: () => linearTicks(d0, d1, tickCount),
  };
}

/** A base-10 log scale over a positive domain; `maxLabels` bounds the labelled ticks. */
export function logScale(
  domain: readonly [number, number],
  range: readonly [number, number],
  maxLabels = 8,
): Scale {
  const [d0, d1] = domain;
  if (!(d0 > 0 && d1 > 0)) throw new Error(`log scale domain must be positive, got [${d0}, ${d1}]`);
  const [r0, r1] = range;
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const k = l1 === l0 ? 0 : (r1 - r0) / (l1 - l0);
  return {
    type: "log",
    domain: [d0, d1],
    range: [r0, r1],
    map: (v) => r0 + (Math.log10(v) - l0) * k,
    accepts: (v) => acceptsValue("log", v),
    ticks: () => logTicks(d0, d1, maxLabels),
  };
}

/**
 * The domain a chart shows for data with extent `extent` (null: no data): widened to nice steps
 * (linear) or whole decades (log) unless `nice` is false.
 */
export function chartDomain(
  type: ScaleType,
  extent: readonly [number, number] | null,
  options: { nice?: boolean; tickCount?: number } = {},
): [number, number] {
  const nice = options.nice ?? true;
  if (type === "log") {
    if (extent === null) return [1, 10];
    if (!nice && extent[1] > extent[0]) return [extent[0], extent[1]];
    return logDomain(extent[0], extent[1]);
  }
  if (extent === null) return [0, 1];
  if (!nice && extent[1] > extent[0]) return [extent[0], extent[1]];
  return niceLinearDomain(extent[0], extent[1], options.tickCount ?? 6);
}

/** A scale of either type. */
export function makeScale(
  type: ScaleType,
  domain: readonly [number, number],
  range: readonly [number, number],
  tickCount = 6,
): Scale {
  return type === "log" ? logScale(domain, range, tickCount + 2) : linearScale(domain, range, tickCount);
}
