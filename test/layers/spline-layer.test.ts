import { describe, expect, it } from "vitest";
import { SplineLayer } from "../../src/layers/spline-layer.js";
import { breakpoints } from "../../src/spline/knots.js";
import { Rng } from "../../src/util/random.js";

function layerOutputs(layer: SplineLayer, params: Float64Array, x: Float64Array, rows: number): Float64Array {
  const y = new Float64Array(rows * layer.nOut);
  layer.prepare(params);
  layer.forward(params, x, 0, y, 0, rows);
  return y;
}

function initialised(layer: SplineLayer, seed: number): Float64Array {
  const params = new Float64Array(layer.paramCount);
  layer.init(params, new Rng(seed));
  return params;
}

describe("SplineLayer.refined / transferTo", () => {
  const rows = 64;
  const x = new Rng(3).fillUniform(new Float64Array(rows * 2), -1.5, 1.5);

  for (const [label, spec] of [
    ["uniform cubic, spline basis", { nIn: 2, nOut: 3, order: 4, grid: 5, domain: [-1, 1], basis: "spline" }],
    [
      "uniform quadratic, relu basis, base term",
      { nIn: 2, nOut: 3, order: 3, grid: 4, domain: [-1, 1], basis: "relu", base: true },
    ],
    [
      "general knots",
      {
        nIn: 2,
        nOut: 2,
        order: 4,
        grid: 3,
        domain: [-1, 1],
        basis: "spline",
        breakpoints: [-1, -0.2, 0.3, 1],
      },
    ],
  ] as const) {
    it(`${label}: the refined layer computes the same function (<= 1e-12 relative), inside and outside [a, b]`, () => {
      const coarse = new SplineLayer(spec as ConstructorParameters<typeof SplineLayer>[0]);
      const params = initialised(coarse, 7);
      const fine = coarse.refined(coarse.grid * 2);
      expect(fine.grid).toBe(coarse.grid * 2);
      expect(fine.basis).toBe(coarse.basis);
      expect(fine.base).toBe(coarse.base);
      expect(fine.knots.uniform).toBe(coarse.knots.uniform);
      const out = new Float64Array(fine.paramCount);
      coarse.transferTo(params, fine, out, true);
      const yc = layerOutputs(coarse, params, x, rows);
      const yf = layerOutputs(fine, out, x, rows);
      const scale = Math.max(...yc.map(Math.abs));
      for (let i = 0; i < yc.length; i++) expect(Math.abs(yf[i] - yc[i])).toBeLessThanOrEqual(1e-12 * scale);
    });
  }

  it("general knots refined to a size subdivide every interval evenly; a non-multiple throws", () => {
    const layer = new SplineLayer({
      nIn: 1,
      nOut: 1,
      order: 4,
      grid: 2,
      domain: [0, 1],
      basis: "spline",
      breakpoints: [0, 0.25, 1],
    });
    expect(Array.from(breakpoints(layer.refined(4).knots))).toEqual([0, 0.125, 0.25, 0.625, 1]);
    expect(() => layer.refined(5)).toThrow(/G=2 to G=5: not an integer multiple \(grids do not nest\)/);
  });

  it("explicit breakpoints that do not nest fail when the coefficients move, naming the knot", () => {
    const layer = new SplineLayer({ nIn: 1, nOut: 1, order: 4, grid: 4, domain: [0, 1], basis: "spline" });
    const params = initialised(layer, 1);
    const other = layer.refined({ breakpoints: [0, 0.3, 1] });
    expect(() => layer.transferTo(params, other, new Float64Array(other.paramCount), true)).toThrow(
      /coarse knot 0.25 .*grids do not nest/,
    );
    expect(() => layer.refined({} as { breakpoints: number[] })).toThrow(/a grid must be a grid size/);
  });

  it("withBasis + transferTo without prolongation changes the parametrisation, not the function", () => {
    const layer = new SplineLayer({ nIn: 2, nOut: 2, order: 4, grid: 6, domain: [-1, 1], basis: "spline" });
    const params = initialised(layer, 2);
    const relu = layer.withBasis("relu");
    const w = new Float64Array(relu.paramCount);
    layer.transferTo(params, relu, w, false);
    const u = relu.splineCoefficients(w);
    const u0 = layer.splineCoefficients(params);
    for (let i = 0; i < u.length; i++) expect(Math.abs(u[i] - u0[i])).toBeLessThanOrEqual(1e-12);
  });
});
