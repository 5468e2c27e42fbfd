import { describe, expect, it } from "vitest";
import { renderChart } from "../../../src/report/plot/chart.js";
import {
  aggregateHistories,
  historySeries,
  levelLines,
  plotHistory,
} from "../../../src/report/plot/history.js";
import { decimate } from "../../../src/report/plot/series.js";
import { escapeXml, num } from "../../../src/report/plot/svg.js";
import { resultPlots } from "../../../src/report/plots.js";
import { makeHistory, makeResult } from "../fixtures.js";
import { checkWellFormed, countClass } from "../xml.js";

/** The `d` attributes of elements with a class. */
function paths(svg: string, cls: string): string[] {
  return [...svg.matchAll(new RegExp(`<path class="${cls}" d="([^"]*)"`, "g"))].map((m) => m[1]);
}

/** Text contents of a `<g class=...>` group's text elements. */
function groupTexts(svg: string, cls: string): string[] {
  const g = new RegExp(`<g class="${cls}"[^>]*>(.*?)</g>`, "s").exec(svg);
  if (!g) return [];
  return [...g[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe("XML checker (self-test)", () => {
  it("accepts well-formed XML and rejects broken markup", () => {
    expect(checkWellFormed('<?xml version="1.0"?><a x="1"><b/>t &amp; u</a>').counts).toEqual({ a: 1, b: 1 });
    expect(() => checkWellFormed("<a><b></a></b>")).toThrow();
    expect(() => checkWellFormed("<a>x < y</a>")).toThrow();
    expect(() => checkWellFormed("<a>x & y</a>")).toThrow(/raw '&'/);
    expect(() => checkWellFormed('<a t="<"/>')).toThrow();
    expect(() => checkWellFormed('<a x="1" x="2"/>')).toThrow(/duplicate/);
    expect(() => checkWellFormed("<a/><b/>")).toThrow(/second root/);
    expect(() => checkWellFormed("<a>")).toThrow(/unclosed/);
  });
});

describe("plotHistory", () => {
  const h = makeHistory([5, 10, 20], 20);
  const svg = plotHistory(h, { title: "Loss" });

  it("is a standalone, well-formed SVG document with a system font", () => {
    const { root } = checkWellFormed(svg);
    expect(root).toBe("svg");
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('font-family="DejaVu Sans, Arial, sans-serif"');
    expect(svg).toMatch(/viewBox="0 0 760 440"/);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it("draws one path per quantity and a dashed line per level boundary, labelled with the grid", () => {
    expect(countClass(svg, "series-line")).toBe(2); // loss, testMse
    expect(countClass(svg, "series-band")).toBe(0);
    expect(countClass(svg, "level-line")).toBe(2); // 5 -> 10, 10 -> 20
    expect(groupTexts(svg, "vline-labels")).toEqual(["G=5", "G=10", "G=20"]);
    expect(svg).toMatch(/class="level-line"[^>]*stroke-dasharray="5 4"/);
    expect(groupTexts(svg, "legend")).toEqual(["loss", "testMse"]);
  });

  it("puts the boundary at the last step of the previous level", () => {
    expect(levelLines([h]).map((l) => [l.x, l.label, l.line])).toEqual([
      [1, "G=5", false],
      [20, "G=10", true],
      [40, "G=20", true],
    ]);
    expect(levelLines([makeHistory([7], 5)])).toEqual([]);
  });

  it("has log ticks that cover the data range, labelled like 1e-3", () => {
    const values = [...h.loss, ...h.metrics.testMse].filter(Number.isFinite);
    const labels = groupTexts(svg, "y-tick-labels");
    expect(labels).toContain("1e-3");
    const ticks = labels.map(Number);
    expect(ticks.every(Number.isFinite)).toBe(true);
    expect(Math.min(...ticks)).toBeLessThanOrEqual(Math.min(...values));
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(Math.max(...values));
    expect(groupTexts(svg, "x-tick-labels")).toEqual(["0", "10", "20", "30", "40", "50", "60"]);
  });

  it("joins metric points across NaN (not evaluated) but not across a NaN loss", () => {
    const [loss, test] = paths(svg, "series-line");
    expect(loss.match(/M/g)?.length).toBe(1);
    expect(test.match(/M/g)?.length).toBe(1);
    // testMse is recorded every 5th step: 12 points.
    expect(test.split(/[ML]/).join(" ").trim().split(/\s+/).length).toBe(24);
    const broken = makeHistory([5], 10);
    broken.loss[4] = Number.NaN;
    const s = plotHistory(broken);
    expect(paths(s, "series-line")[0].match(/M/g)?.length).toBe(2);
  });

  it("is deterministic", () => {
    expect(plotHistory(makeHistory([5, 10, 20], 20), { title: "Loss" })).toBe(svg);
    expect(plotHistory(makeHistory([5, 10], 20))).not.toBe(svg);
  });

  it("escapes <, & and > in titles and labels", () => {
    const s = plotHistory([{ label: "KAN <a&b>", history: h }], {
      title: 'x < y & "z" > w',
      quantities: ["loss"],
    });
    checkWellFormed(s);
    expect(s).toContain("x &lt; y &amp; &quot;z&quot; &gt; w");
    expect(s).toContain("KAN &lt;a&amp;b&gt;");
    expect(s).not.toContain("<a&b>");
  });

  it("draws the median of several seeds with a min..max band, one series per run and quantity", () => {
    const seeds = [makeHistory([5, 10], 10, 1), makeHistory([5, 10], 10, 2), makeHistory([5, 10], 10, 4)];
    const s = plotHistory([
      { label: "multilevel", history: seeds },
      { label: "single", history: makeHistory([10], 20) },
    ]);
    checkWellFormed(s);
    expect(countClass(s, "series-line")).toBe(4);
    expect(countClass(s, "series-band")).toBe(2);
    expect(countClass(s, "level-line")).toBe(1);
    expect(groupTexts(s, "legend")).toEqual([
      "multilevel: loss",
      "multilevel: testMse",
      "single: loss",
      "single: testMse",
    ]);
    const agg = aggregateHistories(seeds, "loss");
    expect(agg.center[0]).toBeCloseTo(0.2, 15);
    expect(agg.lower[0]).toBeCloseTo(0.1, 15);
    expect(agg.upper[0]).toBeCloseTo(0.4, 15);
    const test = aggregateHistories(seeds, "testMse", "mean");
    expect(test.count[0]).toBe(0);
    expect(Number.isNaN(test.center[0])).toBe(true);
    expect(test.center[4]).toBeCloseTo((2 * (0.1 + 0.2 + 0.4) * 0.9 ** 4) / 3, 15);
  });

  it("can leave out the level lines", () => {
    expect(countClass(plotHistory(h, { levels: false }), "level-line")).toBe(0);
  });

  it("gives every series its own colour and dash pair when the runs outnumber the palette", () => {
    // Eight rows, as the Burgers command's loss plot: the eighth must not repeat the first's style.
    const runs = Array.from({ length: 8 }, (_, r) => ({
      label: `row ${r}`,
      history: makeHistory([5], 10, r + 1),
    }));
    for (const quantities of [["loss"], ["loss", "testMse"]]) {
      const series = historySeries(runs, { quantities });
      expect(series).toHaveLength(8 * quantities.length);
      const styles = new Set(series.map((s) => `${s.color}|${s.dash}`));
      expect(styles.size).toBe(series.length);
    }
    // Fewer runs than colours: quantities keep their dash, runs their colour, as before.
    const two = historySeries(runs.slice(0, 2), { quantities: ["loss", "testMse"] });
    expect(two.map((s) => s.dash)).toEqual(["", "7 4", "", "7 4"]);
    expect(new Set(two.map((s) => s.color)).size).toBe(2);
  });
});

describe("renderChart", () => {
  it("skips NaN and non-positive values on a log axis, breaking the line there", () => {
    const s = renderChart({
      yScale: "log",
      series: [{ label: "y", x: [1, 2, 3, 4, 5, 6, 7], y: [1, Number.NaN, 2, 0, -1, 3, 4] }],
    });
    checkWellFormed(s);
    expect(s).not.toMatch(/NaN|Infinity/);
    const [d] = paths(s, "series-line");
    // Segments [1], [2], [3, 4]: one polyline; the isolated points become dots.
    expect(d.match(/M/g)?.length).toBe(1);
    expect(paths(s, "series-dots")[0].match(/M/g)?.length).toBe(2);
    const joined = renderChart({
      yScale: "log",
      series: [{ x: [1, 2, 3, 4, 5, 6, 7], y: [1, Number.NaN, 2, 0, -1, 3, 4], connectGaps: true }],
    });
    expect(paths(joined, "series-line")[0].match(/M/g)?.length).toBe(1);
    expect(countClass(joined, "series-dots")).toBe(0);
  });

  it("keeps the y range to the drawable values", () => {
    const s = renderChart({ yScale: "log", series: [{ x: [1, 2, 3], y: [-5, 1e-3, 0.5] }] });
    const ticks = groupTexts(s, "y-tick-labels").map(Number);
    expect(Math.min(...ticks)).toBe(1e-3);
    expect(Math.max(...ticks)).toBe(1);
  });

  it("renders an empty chart with a note", () => {
    const s = renderChart({ yScale: "log", series: [{ x: [1], y: [Number.NaN] }], title: "nothing" });
    checkWellFormed(s);
    expect(s).toContain(">no data</text>");
    expect(countClass(s, "series-line")).toBe(0);
  });

  it("draws scatter markers, lines with markers and a legend inside the plot", () => {
    const s = renderChart({
      legend: "top-left",
      xLabel: "true",
      yLabel: "predicted",
      series: [
        { label: "test", x: [0, 1, 2], y: [0.1, 0.9, 2.2], mode: "markers" },
        { label: "y = x", x: [0, 2], y: [0, 2], dash: "4 3" },
        { label: "grid", x: [0, 1], y: [1, 1], mode: "line+markers", marker: "diamond" },
      ],
    });
    checkWellFormed(s);
    expect(countClass(s, "series-markers")).toBe(2);
    expect(countClass(s, "series-line")).toBe(2);
    expect(groupTexts(s, "legend")).toEqual(["test", "y = x", "grid"]);
    expect(s).toContain(">predicted</text>");
    expect(s).toMatch(/class="y-label"[^>]*transform="rotate\(-90 /);
  });

  it("uses different colours for different series and a clip id that depends on the content", () => {
    const a = renderChart({
      series: [
        { x: [0, 1], y: [0, 1] },
        { x: [0, 1], y: [1, 0] },
      ],
    });
    const strokes = [...a.matchAll(/class="series-line" d="[^"]*" fill="none" stroke="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(new Set(strokes).size).toBe(2);
    const b = renderChart({ series: [{ x: [0, 1], y: [0, 2] }] });
    const id = (s: string) => /clipPath id="([^"]+)"/.exec(s)?.[1];
    expect(id(a)).not.toBe(id(b));
    expect(a).toContain(`clip-path="url(#${id(a)})"`);
  });
});

describe("helpers", () => {
  it("decimate keeps the extremes and bounds the point count", () => {
    const seg: number[] = [];
    for (let i = 0; i < 10000; i++) seg.push(i / 10, i === 5000 ? -100 : Math.sin(i / 100));
    const d = decimate(seg, 400);
    expect(d.length / 2).toBeLessThanOrEqual(400);
    const ys = d.filter((_, i) => i % 2 === 1);
    expect(Math.min(...ys)).toBe(-100);
    expect(d[0]).toBe(0);
    expect(d[d.length - 2]).toBe(999.9);
  });

  it("escapeXml and num", () => {
    expect(escapeXml(`<&>"'\u0001`)).toBe("&lt;&amp;&gt;&quot;&apos;");
    expect(num(-0.001)).toBe("0");
    expect(num(1.23456)).toBe("1.23");
  });

  it("resultPlots draws one chart per quantity with a series per row that has a history", () => {
    const plots = resultPlots(makeResult());
    expect(Object.keys(plots)).toEqual(["loss", "testMse"]);
    for (const s of Object.values(plots)) {
      checkWellFormed(s);
      expect(countClass(s, "series-line")).toBe(1);
      expect(countClass(s, "series-band")).toBe(1);
      expect(countClass(s, "level-line")).toBe(2);
    }
    expect(resultPlots({ ...makeResult(), rows: [] })).toEqual({});
  });
});
