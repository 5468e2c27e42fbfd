/**
 * The dense-layer WebAssembly kernels (src/layers/wasm/linear.wat) against the JS loops of LinearLayer
 * (kernels.test.ts checks that the committed bytes are the current WAT): on random shapes (odd widths,
 * rows not a multiple of four, jet channel counts 1-6, bias on and off, offsets inside the arrays, NaN,
 * infinities and signed zeros) every output, weight and bias gradient and input gradient has the same
 * bits, plain and jet.
 */
import { describe, expect, it } from "vitest";
import { type JetShape, jetShape } from "../../../src/layers/jet.js";
import { LinearLayer } from "../../../src/layers/linear.js";
import { arenaBytes, WasmArena, wasmSupported } from "../../../src/layers/wasm/kernels.js";
import { Rng } from "../../../src/util/random.js";
import { sameBits } from "../../helpers/bits.js";

/** Jet shapes with C = 2..6 channels (C = 1 is the plain pass). */
const SHAPES: JetShape[] = [
  jetShape({ dims: [0], pairs: [] }, 1),
  jetShape({ dims: [0], pairs: [[0, 0]] }, 1),
  jetShape({ dims: [0, 1], pairs: [[0, 0]] }, 2),
  jetShape({ dims: [0, 1] }, 2),
  jetShape(
    {
      dims: [0, 1],
      pairs: [
        [0, 0],
        [0, 1],
        [1, 1],
      ],
    },
    2,
  ),
];

function fill(rng: Rng, a: Float64Array, special: boolean): void {
  rng.fillNormal(a);
  if (!special) return;
  const sp = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 0, 1e300];
  for (const v of sp) a[Math.floor(rng.uniform() * a.length)] = v;
}

describe.skipIf(!wasmSupported())("WASM dense-layer kernels", () => {
  it("forward, backward and their jet versions equal the JS loops bit for bit on random shapes", () => {
    const rng = new Rng(31);
    let wasmRows = 0;
    for (let c = 0; c < 200; c++) {
      const P = 1 + Math.floor(rng.uniform() * 13);
      const Q = 1 + Math.floor(rng.uniform() * 13);
      const rows = 1 + Math.floor(rng.uniform() * 40);
      const bias = c % 3 !== 0;
      const shape = c % 6 === 5 ? null : SHAPES[c % 5];
      const C = shape ? shape.C : 1;
      const R = rows * C;
      const special = c % 4 === 0;
      const wantGx = c % 7 !== 0;
      const layer = new LinearLayer({ nIn: P, nOut: Q, bias });
      // Parameters, inputs and outputs at offsets inside their arrays.
      const off = 1 + (c % 5);
      layer.offset = off;
      const nParams = off + layer.paramCount + 3;
      const [xo, yo] = [c % 3, (c + 1) % 4];
      const lengths = [nParams, nParams, xo + R * P, yo + R * Q, R * Q, R * P];
      const arena = WasmArena.create(arenaBytes(lengths, Q, 0), Q, 0) as WasmArena;
      const [params, g, x, y, gy, gx] = lengths.map((n) => arena.f64(n));
      fill(rng, params, special);
      fill(rng, x, special);
      fill(rng, gy, special);
      rng.fillNormal(g);
      y.fill(7);
      gx.fill(5);
      const [paramsJ, gJ, xJ, yJ, gyJ, gxJ] = [params, g, x, y, gy, gx].map((a) => Float64Array.from(a));
      const ctx = { start: 0, sides: null };
      if (shape) {
        layer.forwardJet(params, x, xo, y, yo, rows, shape, ctx);
        layer.forwardJet(paramsJ, xJ, xo, yJ, yo, rows, shape, ctx);
        layer.backwardJet(params, x, xo, gy, wantGx ? gx : null, g, rows, shape, ctx);
        layer.backwardJet(paramsJ, xJ, xo, gyJ, wantGx ? gxJ : null, gJ, rows, shape, ctx);
      } else {
        layer.forward(params, x, xo, y, yo, rows);
        layer.forward(paramsJ, xJ, xo, yJ, yo, rows);
        layer.backward(params, x, xo, gy, wantGx ? gx : null, g, rows);
        layer.backward(paramsJ, xJ, xo, gyJ, wantGx ? gxJ : null, gJ, rows);
      }
      const where = `case ${c}: P=${P} Q=${Q} rows=${rows} C=${C} bias=${bias}`;
      expect(sameBits(y, yJ), where).toBe(-1);
      expect(sameBits(g, gJ), where).toBe(-1);
      expect(sameBits(gx, gxJ), where).toBe(-1);
      expect(y.subarray(yo).some((v) => v !== 7)).toBe(true);
      wasmRows += R - (R % 4);
    }
    expect(wasmRows).toBeGreaterThan(1000);
  });

  it("a changed weight changes the WASM output (the kernel reads the arena's parameters)", () => {
    const [P, Q, rows] = [5, 6, 8];
    const layer = new LinearLayer({ nIn: P, nOut: Q, bias: true });
    const arena = WasmArena.create(
      arenaBytes([layer.paramCount, rows * P, rows * Q], Q, 0),
      Q,
      0,
    ) as WasmArena;
    const params = arena.f64(layer.paramCount);
    const x = arena.f64(rows * P);
    const y = arena.f64(rows * Q);
    const rng = new Rng(4);
    rng.fillNormal(params);
    rng.fillNormal(x);
    layer.forward(params, x, 0, y, 0, rows);
    const before = Float64Array.from(y);
    params[2 * Q + 3] += 1; // W[2][3]
    layer.forward(params, x, 0, y, 0, rows);
    for (let s = 0; s < rows; s++) {
      expect(y[s * Q + 3] - before[s * Q + 3]).toBeCloseTo(x[s * P + 2], 12);
      expect(y[s * Q + 2]).toBe(before[s * Q + 2]);
    }
  });
});
