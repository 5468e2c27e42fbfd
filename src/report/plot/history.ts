/**
 * Loss and metric curves of training histories against step, on a log y axis, with the level
 * boundaries of multilevel training (paper Algorithm 1) as labelled dashed vertical lines. Several
 * seeds of one run are drawn as their median with a min..max band.
 */
import type { TrainingHistory } from "../../train/history.js";
import { type ChartOptions, renderChart, type Series, type VerticalLine } from "./chart.js";
import { colorAt, dashAt, PALETTE, styleAt } from "./palette.js";

/** One run to plot: a history, or one history per seed. */
export interface HistoryRun {
  /** Legend label (e.g. "KAN spline multilevel"). */
  label?: string;
  history: TrainingHistory | readonly TrainingHistory[];
  /** Colour of the run (default: the palette). */
  color?: string;
}

/** Options of a training-history plot: quantities, level lines, band and centre over seeds, chart options. */
export interface HistoryPlotOptions extends Omit<ChartOptions, "series" | "vlines"> {
  /** What to plot: "loss" and/or metric names (default: loss, then every metric in order of appearance). */
  quantities?: readonly string[];
  /** Mark level boundaries with dashed lines labelled by the grid size (default true). */
  levels?: boolean;
  /** For runs with several seeds: draw the min..max band around the median (default true). */
  band?: boolean;
  /** Centre line over seeds (default "median"). */
  center?: "median" | "mean";
}

/** A curve over seeds: centre line and min..max envelope at each step. */
export interface AggregatedCurve {
  step: number[];
  center: number[];
  lower: number[];
  upper: number[];
  /** Number of finite values at each step. */
  count: number[];
}

/** The per-step values of "loss" or of a metric (undefined when the history lacks it). */
export function quantityValues(h: TrainingHistory, quantity: string): readonly number[] | undefined {
  return quantity === "loss" ? h.loss : h.metrics[quantity];
}

function median(sorted: number[]): number {
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/**
 * Median (or mean) and min..max of a quantity over several histories, matched by step number; steps
 * where no history has a finite value get NaN.
 */
export function aggregateHistories(
  histories: readonly TrainingHistory[],
  quantity: string,
  center: "median" | "mean" = "median",
): AggregatedCurve {
  const byStep = new Map<number, number[]>();
  for (const h of histories) {
    const v = quantityValues(h, quantity);
    if (!v) continue;
    for (let i = 0; i < h.step.length; i++) {
      let list = byStep.get(h.step[i]);
      if (!list) {
        list = [];
        byStep.set(h.step[i], list);
      }
      if (Number.isFinite(v[i])) list.push(v[i]);
    }
  }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  const out: AggregatedCurve = { step: steps, center: [], lower: [], upper: [], count: [] };
  for (const s of steps) {
    const vals = byStep.get(s)!.sort((a, b) => a - b);
    const n = vals.length;
    out.count.push(n);
    if (n === 0) {
      out.center.push(Number.NaN);
      out.lower.push(Number.NaN);
      out.upper.push(Number.NaN);
      continue;
    }
    out.center.push(center === "median" ? median(vals) : vals.reduce((a, b) => a + b, 0) / n);
    out.lower.push(vals[0]);
    out.upper.push(vals[n - 1]);
  }
  return out;
}

function gridLabel(grid: number | readonly number[]): string {
  return `G=${typeof grid === "number" ? grid : grid.join(",")}`;
}

/**
 * Level boundaries as vertical lines: for each level after the first, a dashed line at the last step
 * of the previous level (where the grid was refined), labelled with the new grid size; the first
 * level's grid is labelled at the first step. Lines at the same step are merged.
 */
export function levelLines(histories: readonly TrainingHistory[]): VerticalLine[] {
  const byX = new Map<number, { labels: string[]; line: boolean }>();
  const add = (x: number, label: string, line: boolean) => {
    const cur = byX.get(x);
    if (!cur) byX.set(x, { labels: [label], line });
    else {
      if (!cur.labels.includes(label)) cur.labels.push(label);
      cur.line ||= line;
    }
  };
  for (const h of histories) {
    if (h.levels.length < 2 || h.step.length === 0) continue;
    const first = h.levels[0];
    if (first.startStep < h.step.length) add(h.step[first.startStep], gridLabel(first.grid), false);
    for (let l = 1; l < h.levels.length; l++) {
      const s = h.levels[l].startStep;
      if (s < 1) continue;
      add(h.step[Math.min(s, h.step.length) - 1], gridLabel(h.levels[l].grid), true);
    }
  }
  return [...byX.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([x, v]) => ({ x, label: v.labels.join(" / "), line: v.line, class: "level-line" }));
}

function asRuns(input: TrainingHistory | readonly TrainingHistory[] | readonly HistoryRun[]): HistoryRun[] {
  if (!Array.isArray(input)) return [{ history: input as TrainingHistory }];
  const arr = input as readonly (TrainingHistory | HistoryRun)[];
  if (arr.length > 0 && "step" in arr[0]) return [{ history: arr as TrainingHistory[] }];
  return arr as HistoryRun[];
}

function historiesOf(run: HistoryRun): readonly TrainingHistory[] {
  return Array.isArray(run.history) ? run.history : [run.history as TrainingHistory];
}

/** Quantities present in any history: "loss" first, then metrics in order of appearance. */
export function historyQuantities(histories: readonly TrainingHistory[]): string[] {
  const q = new Set<string>(["loss"]);
  for (const h of histories) for (const k of Object.keys(h.metrics)) q.add(k);
  return [...q];
}

/**
 * The series `plotHistory` draws: one per run and quantity. With one run, colours and dash patterns
 * tell quantities apart; with several, colours tell runs apart and dash patterns quantities (and, past
 * the palette's seven colours, runs that share a colour).
 */
export function historySeries(
  input: TrainingHistory | readonly TrainingHistory[] | readonly HistoryRun[],
  options: Pick<HistoryPlotOptions, "quantities" | "band" | "center"> = {},
): Series[] {
  const runs = asRuns(input);
  const quantities = options.quantities ?? historyQuantities(runs.flatMap(historiesOf));
  const out: Series[] = [];
  runs.forEach((run, r) => {
    const hs = historiesOf(run);
    quantities.forEach((q, qi) => {
      if (!hs.some((h) => quantityValues(h, q) !== undefined)) return;
      const color = runs.length === 1 ? (run.color ?? styleAt(qi).color) : (run.color ?? colorAt(r));
      // Quantities always differ in dash too, so they stay apart in greyscale print. Runs past the
      // palette's colours take the next dash patterns, so no two series share colour and dash.
      const dash =
        runs.length === 1 ? dashAt(qi) : dashAt(qi + quantities.length * Math.floor(r / PALETTE.length));
      let label: string;
      if (runs.length === 1) label = quantities.length === 1 && run.label ? run.label : q;
      else if (quantities.length === 1) label = run.label ?? `run ${r + 1}`;
      else label = `${run.label ?? `run ${r + 1}`}: ${q}`;
      // NaN in a metric means "not evaluated at this step": join the evaluated points. NaN in the
      // loss means divergence: break the line.
      const connectGaps = q !== "loss";
      if (hs.length === 1) {
        const v = quantityValues(hs[0], q)!;
        out.push({ label, x: hs[0].step, y: v, color, dash, connectGaps });
        return;
      }
      const agg = aggregateHistories(hs, q, options.center ?? "median");
      out.push({
        label,
        x: agg.step,
        y: agg.center,
        color,
        dash,
        connectGaps,
        band: (options.band ?? true) ? { lower: agg.lower, upper: agg.upper } : undefined,
      });
    });
  });
  return out;
}

/**
 * Loss and metrics against step for one run (a history), one run over seeds (an array of histories),
 * or several runs (`HistoryRun[]`), as a standalone SVG string. Defaults: log y axis, x label "step",
 * level boundaries marked, legend right of the plot.
 */
export function plotHistory(
  input: TrainingHistory | readonly TrainingHistory[] | readonly HistoryRun[],
  options: HistoryPlotOptions = {},
): string {
  const runs = asRuns(input);
  const series = historySeries(runs, options);
  const all = runs.flatMap(historiesOf);
  const quantities = options.quantities ?? historyQuantities(all);
  return renderChart({
    xLabel: "step",
    yLabel: quantities.length === 1 ? quantities[0] : "value",
    yScale: "log",
    ...options,
    series,
    vlines: (options.levels ?? true) ? levelLines(all) : [],
  });
}
