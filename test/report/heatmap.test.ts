import { describe, expect, it } from "vitest";
import { KAN } from "../../src/model/kan.js";
import { box, gridPoints, PdeProblem } from "../../src/problems/pde/index.js";
import { pdeHeatmaps } from "../../src/report/pde.js";
import { colorOf, renderHeatmaps } from "../../src/report/plot/heatmap.js";

describe("heat maps", () => {
  it("colour maps run from their first to their last stop; diverging is white at the centre", () => {
    expect(colorOf("viridis", 0)).toBe("#440154");
    expect(colorOf("viridis", 1)).toBe("#fde725");
    expect(colorOf("diverging", 0.5)).toBe("#f7f7f7");
    expect(colorOf("viridis", Number.NaN)).toBe(colorOf("viridis", 0.5));
  });
  it("draws one cell per value and panel, with the extreme values in the extreme colours", () => {
    const values = [0, 1, 2, 3, 4, 5];
    const svg = renderHeatmaps({
      nx: 3,
      ny: 2,
      x: [0, 1],
      y: [0, 1],
      panels: [
        { title: "a", values },
        { title: "b", values, colorMap: "diverging" },
      ],
    });
    expect(svg.startsWith("<?xml")).toBe(true);
    expect(svg.match(/<g class="cells"/g)?.length).toBe(2);
    const cells = svg.split('<g class="cells"')[1].split("</g>")[0];
    expect(cells.match(/<rect/g)?.length).toBe(6);
    expect(cells).toContain('fill="#440154"');
    expect(cells).toContain('fill="#fde725"');
    expect(() =>
      renderHeatmaps({ nx: 2, ny: 2, x: [0, 1], y: [0, 1], panels: [{ title: "a", values }] }),
    ).toThrow(/panel 0 has 6 values, need nx \* ny = 4/);
  });
  it("pdeHeatmaps: solution, reference and error on the evaluation grid", () => {
    const d = box([
      [-1, 1],
      [0, 2],
    ]);
    const p = new PdeProblem({
      name: "toy",
      domain: d,
      terms: [{ name: "fit", points: gridPoints(d, 4), residual: (e) => e.u() }],
      exact: (x) => x[0] * x[1],
      evaluation: gridPoints(d, [5, 4]),
    });
    const svg = pdeHeatmaps(p, new KAN({ width: [2, 2, 1], grid: 3 }), { label: "KAN" });
    expect(svg).toContain("KAN solution");
    expect(svg).toContain("error (KAN - reference)");
    expect(svg?.match(/<g class="cells"/g)?.length).toBe(3);
    const noExact = new PdeProblem({
      name: "n",
      domain: d,
      terms: [{ name: "fit", points: gridPoints(d, 4), residual: (e) => e.u() }],
    });
    expect(pdeHeatmaps(noExact, new KAN({ width: [2, 2, 1], grid: 3 }))).toBeNull();
  });
});
