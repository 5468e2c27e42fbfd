/**
 * The WebAssembly kernels (src/layers/wasm) against the JS kernels: the committed bytes of every module
 * (spline-cubic.wat, linear.wat, elementwise.wat) are the current WAT, and on random shapes (odd Q, odd
 * rows, inputs outside the domain and on its knots, NaN and infinities) every output, gradient and input
 * gradient of the spline kernels has the same bits, plain and jet (the dense kernels: linear.test.ts; the
 * elementwise kernels: elementwise.test.ts).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import wabtInit from "wabt";
import { type JetShape, jetShape } from "../../../src/layers/jet.js";
import { splineBackwardGeneric } from "../../../src/layers/spline-kernel.js";
import {
  cubicBackward,
  cubicForward,
  cubicJetBackward,
  cubicJetForward,
} from "../../../src/layers/spline-kernel-cubic.js";
import {
  splineBackward,
  splineForward,
  splineJetBackward,
  splineJetForward,
} from "../../../src/layers/spline-kernels.js";
import { ELEMENTWISE_WASM_BASE64 } from "../../../src/layers/wasm/elementwise-bytes.js";
import {
  arenaBytes,
  arenaKernels,
  kernelBackend,
  setWasmOverride,
  WasmArena,
  wasmEnabled,
  wasmSupported,
} from "../../../src/layers/wasm/kernels.js";
import { LINEAR_WASM_BASE64 } from "../../../src/layers/wasm/linear-bytes.js";
import { SPLINE_CUBIC_WASM_BASE64 } from "../../../src/layers/wasm/spline-cubic-bytes.js";
import type { KnotVector } from "../../../src/spline/knots.js";
import { uniformKnots } from "../../../src/spline/knots.js";
import { Rng } from "../../../src/util/random.js";
import { sameBits } from "../../helpers/bits.js";

/** Inputs in [a - 1.5 w, b + 1.5 w] with knots, the ends and a few exact interval ends mixed in. */
function inputs(rng: Rng, kv: KnotVector, n: number, special = false): Float64Array {
  const w = kv.b - kv.a;
  const x = rng.fillUniform(new Float64Array(n), kv.a - 1.5 * w, kv.b + 1.5 * w);
  for (let i = 0; i < n; i++) {
    const r = rng.uniform();
    if (r < 0.15) x[i] = kv.a + Math.floor(rng.uniform() * (kv.intervals + 1)) / kv.invh;
    else if (r < 0.2) x[i] = rng.uniform() < 0.5 ? kv.a : kv.b;
  }
  if (special) {
    const sp = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300, -1e300, -0];
    for (let i = 0; i < sp.length && i < n; i++) x[Math.floor(rng.uniform() * n)] = sp[i];
  }
  return x;
}

/** The WASM jet kernels of an arena, and those `jetCase` saw run. */
const JET_KERNELS = ["jetFwd", "jetBwd", "jetFwdQ1", "jetBwdQ1", "jetFwd21", "jetBwd21"] as const;
const ran = new Set<string>();

/**
 * One jet case on both backends: the WASM jet kernels (through the dispatchers) against the JS cubic jet
 * kernels on the same random coefficients, inputs (NaN, infinities, -0 with `special`) and output
 * gradients; returns the first differing index of y, g and gx (-1: the same bits).
 */
function jetCase(
  rng: Rng,
  shape: JetShape,
  c: { P: number; Q: number; G: number; rows: number; wantGx: boolean; special: boolean },
): [number, number, number] {
  const { P, Q, G, rows, wantGx, special } = c;
  const { C } = shape;
  const kv = uniformKnots([-1, 1 + rng.uniform()], G, 4);
  const nCoef = P * (G + 3) * Q;
  const arena = WasmArena.create(
    arenaBytes([nCoef, rows * C * P, rows * C * Q, rows * C * Q, rows * C * P, nCoef], Q, C),
    Q,
    C,
  ) as WasmArena;
  // Count the calls of each WASM jet kernel, so that a case can tell which ones ran.
  const k = arena.kernels as unknown as Record<string, (...a: number[]) => void>;
  for (const name of JET_KERNELS) {
    const f = k[name];
    k[name] = (...a: number[]) => {
      ran.add(name);
      f(...a);
    };
  }
  const coef = rng.fillNormal(arena.f64(nCoef));
  const x = arena.f64(rows * C * P);
  rng.fillNormal(x);
  const xv = inputs(rng, kv, rows * P, special);
  for (let s = 0; s < rows; s++) for (let p = 0; p < P; p++) x[s * C * P + p] = xv[s * P + p];
  const y = arena.f64(rows * C * Q);
  const gy = rng.fillNormal(arena.f64(rows * C * Q));
  const gx = arena.f64(rows * C * P);
  const g = rng.fillNormal(arena.f64(nCoef));
  const yJ = new Float64Array(y.length);
  const gJ = Float64Array.from(g);
  const gxJ = new Float64Array(gx.length);
  /** The arguments both backends share, with fresh scratch for each call. */
  const args = () => {
    const w = () => new Float64Array(Q);
    return {
      kv,
      P,
      Q,
      coef,
      coff: 0,
      x,
      xo: 0,
      rows,
      shape,
      scratch: new Float64Array(64),
      f1: w(),
      f2: w(),
    };
  };
  const back = () => ({ ...args(), goff: 0, a1: new Float64Array(Q), a2: new Float64Array(Q) });
  cubicJetForward({ ...args(), y: yJ, yo: 0 });
  splineJetForward({ ...args(), y, yo: 0 });
  cubicJetBackward({ ...back(), gy, gx: wantGx ? gxJ : null, g: gJ });
  splineJetBackward({ ...back(), gy, gx: wantGx ? gx : null, g });
  return [sameBits(y, yJ), sameBits(g, gJ), sameBits(gx, gxJ)];
}

describe.skipIf(!wasmSupported())("WASM kernels", () => {
  it("the committed bytes are the assembled WAT (npm run build:wasm)", async () => {
    const wabt = await wabtInit();
    for (const [file, bytes] of [
      ["spline-cubic.wat", SPLINE_CUBIC_WASM_BASE64],
      ["linear.wat", LINEAR_WASM_BASE64],
      ["elementwise.wat", ELEMENTWISE_WASM_BASE64],
    ]) {
      const wat = readFileSync(new URL(`../../../src/layers/wasm/${file}`, import.meta.url), "utf8");
      const mod = wabt.parseWat(file, wat, {
        simd: true,
        bulk_memory: true,
        sat_float_to_int: true,
      });
      mod.resolveNames();
      mod.validate();
      const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
      mod.destroy();
      expect(Buffer.from(buffer).toString("base64"), file).toBe(bytes);
    }
  });

  it("plain forward and backward equal the JS kernels bit for bit on random shapes", () => {
    const rng = new Rng(11);
    for (let c = 0; c < 150; c++) {
      const P = 1 + Math.floor(rng.uniform() * 7);
      const Q = 1 + Math.floor(rng.uniform() * 13);
      const G = 1 + Math.floor(rng.uniform() * 40);
      const rows = 1 + Math.floor(rng.uniform() * 70);
      const lo = rng.uniform() * 4 - 2;
      const kv = uniformKnots([lo, lo + 0.1 + rng.uniform() * 3], G, 4);
      const nCoef = P * (G + 3) * Q;
      const special = c % 5 === 0;
      const wantGx = c % 3 !== 0;
      const arena = WasmArena.create(
        arenaBytes([nCoef, rows * P, rows * Q, rows * Q, rows * P, nCoef], Q, 0),
        Q,
        0,
      ) as WasmArena;
      const coef = arena.f64(nCoef);
      const x = arena.f64(rows * P);
      const y = arena.f64(rows * Q);
      const gy = arena.f64(rows * Q);
      const gx = arena.f64(rows * P);
      const g = arena.f64(nCoef);
      rng.fillNormal(coef);
      x.set(inputs(rng, kv, rows * P, special));
      rng.fillNormal(gy);
      rng.fillNormal(g);
      const yJ = new Float64Array(rows * Q).fill(7);
      const gxJ = new Float64Array(rows * P);
      const gJ = Float64Array.from(g);
      y.fill(7);
      cubicForward({ kv, P, Q, coef, coff: 0, x, xo: 0, y: yJ, yo: 0, rows, scratch: new Float64Array(0) });
      splineForward({ kv, P, Q, coef, coff: 0, x, xo: 0, y, yo: 0, rows, scratch: new Float64Array(64) });
      cubicBackward({
        kv,
        P,
        Q,
        coef,
        coff: 0,
        x,
        xo: 0,
        gy,
        gx: wantGx ? gxJ : null,
        g: gJ,
        goff: 0,
        rows,
        scratch: new Float64Array(0),
      });
      splineBackward({
        kv,
        P,
        Q,
        coef,
        coff: 0,
        x,
        xo: 0,
        gy,
        gx: wantGx ? gx : null,
        g,
        goff: 0,
        rows,
        scratch: new Float64Array(64),
      });
      const ctx = `case ${c}: P=${P} Q=${Q} G=${G} rows=${rows}`;
      expect(sameBits(y, yJ), ctx).toBe(-1);
      expect(sameBits(g, gJ), ctx).toBe(-1);
      if (wantGx) expect(sameBits(gx, gxJ), ctx).toBe(-1);
      else expect(gx.every((v) => v === 0)).toBe(true);
    }
  });

  it("offsets inside the arena (coefficients, inputs, outputs, gradient) are honoured", () => {
    const rng = new Rng(12);
    const [P, Q, G, rows] = [3, 5, 6, 9];
    const kv = uniformKnots([-1, 1], G, 4);
    const nCoef = P * (G + 3) * Q;
    const arena = WasmArena.create(
      arenaBytes([nCoef + 7, rows * P + 5, rows * Q + 3, rows * Q, rows * P, nCoef + 11], Q, 0),
      Q,
      0,
    ) as WasmArena;
    const coef = rng.fillNormal(arena.f64(nCoef + 7));
    const x = arena.f64(rows * P + 5);
    x.set(inputs(rng, kv, rows * P + 5));
    const y = arena.f64(rows * Q + 3);
    const gy = rng.fillNormal(arena.f64(rows * Q));
    const gx = arena.f64(rows * P);
    const g = rng.fillNormal(arena.f64(nCoef + 11));
    const yJ = new Float64Array(y.length);
    const gJ = Float64Array.from(g);
    const gxJ = new Float64Array(gx.length);
    cubicForward({ kv, P, Q, coef, coff: 7, x, xo: 5, y: yJ, yo: 3, rows, scratch: new Float64Array(0) });
    splineForward({ kv, P, Q, coef, coff: 7, x, xo: 5, y, yo: 3, rows, scratch: new Float64Array(64) });
    cubicBackward({
      kv,
      P,
      Q,
      coef,
      coff: 7,
      x,
      xo: 5,
      gy,
      gx: gxJ,
      g: gJ,
      goff: 11,
      rows,
      scratch: new Float64Array(0),
    });
    splineBackward({
      kv,
      P,
      Q,
      coef,
      coff: 7,
      x,
      xo: 5,
      gy,
      gx,
      g,
      goff: 11,
      rows,
      scratch: new Float64Array(64),
    });
    expect(sameBits(y, yJ)).toBe(-1);
    expect(sameBits(g, gJ)).toBe(-1);
    expect(sameBits(gx, gxJ)).toBe(-1);
  });

  it("jet forward and backward equal the JS jet kernels bit for bit (mixed pairs, odd Q, outside points)", () => {
    const rng = new Rng(13);
    const specs: { nIn: number; pairs?: [number, number][]; dims?: number[] }[] = [
      { nIn: 2 },
      {
        nIn: 2,
        pairs: [
          [0, 0],
          [1, 1],
          [0, 1],
        ],
      },
      { nIn: 3, pairs: [] },
      {
        nIn: 3,
        dims: [2, 0],
        pairs: [
          [1, 0],
          [0, 0],
        ],
      },
      {
        nIn: 4,
        pairs: [
          [0, 0],
          [1, 1],
          [2, 2],
          [3, 3],
          [0, 1],
          [0, 2],
          [0, 3],
          [1, 2],
          [1, 3],
          [2, 3],
        ],
      },
    ];
    for (let c = 0; c < 100; c++) {
      const spec = specs[c % specs.length];
      const shape: JetShape = jetShape({ dims: spec.dims, pairs: spec.pairs }, spec.nIn);
      const c4 = {
        P: 1 + Math.floor(rng.uniform() * 5),
        Q: 1 + Math.floor(rng.uniform() * 11),
        G: 1 + Math.floor(rng.uniform() * 20),
        rows: 1 + Math.floor(rng.uniform() * 40),
        wantGx: c % 4 !== 0,
        special: c % 5 === 0,
      };
      const ctx = `case ${c}: C=${shape.C} P=${c4.P} Q=${c4.Q} G=${c4.G} rows=${c4.rows}`;
      ran.clear();
      expect(jetCase(rng, shape, c4), ctx).toEqual([-1, -1, -1]);
      expect([...ran].sort(), ctx).toEqual(["jetBwd", "jetFwd"]);
    }
  });

  it("the space-time jet kernels (D = 2, M = 1; Q = 1 two samples a step, any Q one pass) keep the bits", () => {
    const rng = new Rng(17);
    const specs: { nIn: number; pairs: [number, number][]; dims?: number[] }[] = [
      { nIn: 2, pairs: [[0, 0]] },
      { nIn: 2, pairs: [[1, 1]] },
      { nIn: 2, pairs: [[0, 1]] },
      { nIn: 3, dims: [2, 0], pairs: [[1, 0]] },
    ];
    let c = 0;
    for (const spec of specs)
      for (const Q of [1, 2, 3, 5, 8])
        for (const rows of [1, 2, 3, 7, 40, 41])
          for (const wantGx of [true, false]) {
            const shape = jetShape({ dims: spec.dims, pairs: spec.pairs }, spec.nIn);
            const P = 1 + (c % 5);
            const G = 1 + Math.floor(rng.uniform() * 20);
            const ctx = `case ${c}: pairs ${JSON.stringify(spec.pairs)} P=${P} Q=${Q} G=${G} rows=${rows}`;
            ran.clear();
            const cs = { P, Q, G, rows, wantGx, special: c % 3 === 0 };
            expect(jetCase(rng, shape, cs), ctx).toEqual([-1, -1, -1]);
            expect([...ran].sort(), ctx).toEqual(
              Q === 1 ? ["jetBwdQ1", "jetFwdQ1"] : ["jetBwd21", "jetFwd21"],
            );
            c++;
          }
  });

  it("a NaN input gives NaN outputs and NaN gradient rows 0-3 on both backends", () => {
    const [P, Q, G] = [1, 3, 4];
    const kv = uniformKnots([-1, 1], G, 4);
    const nCoef = P * (G + 3) * Q;
    const arena = WasmArena.create(arenaBytes([nCoef, 1, Q, Q, 1, nCoef], Q, 0), Q, 0) as WasmArena;
    const coef = arena.f64(nCoef).map((_, i) => 0.1 * (i + 1));
    const x = arena.f64(1);
    x[0] = Number.NaN;
    const y = arena.f64(Q);
    const gy = arena.f64(Q);
    gy.set([1, 2, 3]);
    const gx = arena.f64(1);
    const g = arena.f64(nCoef);
    splineForward({ kv, P, Q, coef, coff: 0, x, xo: 0, y, yo: 0, rows: 1, scratch: new Float64Array(64) });
    splineBackward({
      kv,
      P,
      Q,
      coef,
      coff: 0,
      x,
      xo: 0,
      gy,
      gx,
      g,
      goff: 0,
      rows: 1,
      scratch: new Float64Array(64),
    });
    const yJ = new Float64Array(Q);
    const gJ = new Float64Array(nCoef);
    const gxJ = new Float64Array(1);
    cubicForward({ kv, P, Q, coef, coff: 0, x, xo: 0, y: yJ, yo: 0, rows: 1, scratch: new Float64Array(0) });
    cubicBackward({
      kv,
      P,
      Q,
      coef,
      coff: 0,
      x,
      xo: 0,
      gy,
      gx: gxJ,
      g: gJ,
      goff: 0,
      rows: 1,
      scratch: new Float64Array(0),
    });
    for (const [yy, gg, xx] of [
      [y, g, gx],
      [yJ, gJ, gxJ],
    ]) {
      expect(Array.from(yy).every(Number.isNaN)).toBe(true);
      expect(Number.isNaN(xx[0])).toBe(true);
      expect(Array.from(gg.subarray(0, 4 * Q)).every(Number.isNaN)).toBe(true);
      expect(Array.from(gg.subarray(4 * Q)).every((v) => v === 0)).toBe(true);
    }
  });

  it("arrays outside an arena, or from two arenas, run on the JS kernels", () => {
    const [P, Q, G, rows] = [2, 4, 5, 6];
    const kv = uniformKnots([-1, 1], G, 4);
    const nCoef = P * (G + 3) * Q;
    const rng = new Rng(14);
    const a1 = WasmArena.create(arenaBytes([nCoef, rows * Q], Q, 0), Q, 0) as WasmArena;
    const a2 = WasmArena.create(arenaBytes([rows * P], Q, 0), Q, 0) as WasmArena;
    const coef = rng.fillNormal(a1.f64(nCoef));
    const y = a1.f64(rows * Q);
    const x = a2.f64(rows * P);
    rng.fillUniform(x, -1.2, 1.2);
    expect(arenaKernels(coef)).toBe(a1.kernels);
    expect(arenaKernels(x)).toBe(a2.kernels);
    expect(arenaKernels(new Float64Array(3))).toBeUndefined();
    const yJ = new Float64Array(rows * Q);
    splineForward({ kv, P, Q, coef, coff: 0, x, xo: 0, y, yo: 0, rows, scratch: new Float64Array(64) });
    cubicForward({ kv, P, Q, coef, coff: 0, x, xo: 0, y: yJ, yo: 0, rows, scratch: new Float64Array(0) });
    expect(sameBits(y, yJ)).toBe(-1);
    // and the generic kernel agrees, as always
    const g1 = new Float64Array(nCoef);
    const g2 = new Float64Array(nCoef);
    const gy = rng.fillNormal(new Float64Array(rows * Q));
    splineBackward({
      kv,
      P,
      Q,
      coef,
      coff: 0,
      x,
      xo: 0,
      gy,
      gx: null,
      g: g1,
      goff: 0,
      rows,
      scratch: new Float64Array(64),
    });
    splineBackwardGeneric({
      kv,
      P,
      Q,
      coef,
      coff: 0,
      x,
      xo: 0,
      gy,
      gx: null,
      g: g2,
      goff: 0,
      rows,
      scratch: new Float64Array(64),
    });
    expect(sameBits(g1, g2)).toBe(-1);
  });

  it("MLKAN_WASM=0 and the override switch the backend of new networks", () => {
    const saved = process.env.MLKAN_WASM;
    try {
      delete process.env.MLKAN_WASM;
      expect(wasmEnabled()).toBe(true);
      expect(kernelBackend()).toBe("wasm-simd");
      process.env.MLKAN_WASM = "0";
      expect(kernelBackend()).toBe("js");
      setWasmOverride(true);
      expect(kernelBackend()).toBe("wasm-simd");
      setWasmOverride(false);
      delete process.env.MLKAN_WASM;
      expect(kernelBackend()).toBe("js");
    } finally {
      setWasmOverride(null);
      if (saved === undefined) delete process.env.MLKAN_WASM;
      else process.env.MLKAN_WASM = saved;
    }
  });
});
