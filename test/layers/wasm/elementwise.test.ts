/**
 * The elementwise-layer WebAssembly kernels (src/layers/wasm/elementwise.wat) against JS
 * (kernels.test.ts checks that the committed bytes are the current WAT):
 * - its fdlibm tanh, exp and expm1 return the bits of Math.tanh, Math.exp and Math.expm1, and its
 *   sigmoid those of the JS `sigmoid`, on random doubles of every magnitude and on the branch edges;
 * - on random shapes (odd widths, 1-9 rows, jet channel counts 2-10 with repeated pair indices, offsets
 *   inside the arrays, NaN, infinities and signed zeros) ElementwiseLayer's forward, backward, forwardJet
 *   and backwardJet (with and without the forward pass's cache) give the same bits in a WASM arena as on
 *   plain arrays.
 */
import { describe, expect, it } from "vitest";
import { ElementwiseLayer, sigmoid } from "../../../src/layers/elementwise.js";
import { type JetShape, jetShape } from "../../../src/layers/jet.js";
import { ELEMENTWISE_WASM_BASE64 } from "../../../src/layers/wasm/elementwise-bytes.js";
import { arenaBytes, WasmArena, wasmSupported } from "../../../src/layers/wasm/kernels.js";
import { Rng } from "../../../src/util/random.js";
import { sameBits } from "../../helpers/bits.js";

type F = (x: number) => number;

/** Counts the calls of the arena's elementwise kernels into `calls`, by kernel name. */
function countCalls(arena: WasmArena, calls: Record<string, number>): void {
  const k = arena.kernels as unknown as Record<string, (...a: number[]) => void>;
  for (const name of ["ewFwd", "ewBwd", "ewJetFwd", "ewJetBwd"]) {
    const run = k[name];
    calls[name] ??= 0;
    k[name] = (...a: number[]) => {
      calls[name]++;
      run(...a);
    };
  }
}

/** The module's exports used here: its scalar functions and the plain passes. */
interface Exports {
  tanh: F;
  exp: F;
  expm1: F;
  sigmoid: F;
  fwd: (kind: number, scale: number, shift: number, x: number, y: number, n: number) => void;
  bwd: (kind: number, scale: number, x: number, gy: number, gx: number, n: number) => void;
}

/** A standalone instance of the module on `pages` pages of memory, and that memory as f64. */
function standalone(pages = 1): Exports & { f64: Float64Array } {
  // The ES2022 lib has no WebAssembly types: the few members used here.
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const mem = new api.Memory({ initial: pages });
  const bytes = Buffer.from(ELEMENTWISE_WASM_BASE64, "base64");
  const { exports } = new api.Instance(new api.Module(bytes), { env: { mem } });
  return { ...(exports as unknown as Exports), f64: new Float64Array(mem.buffer) };
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (desc: { initial: number }) => { buffer: ArrayBuffer };
}

const SHAPES: JetShape[] = [
  jetShape({ dims: [0], pairs: [] }, 1),
  jetShape({ dims: [0], pairs: [[0, 0]] }, 1),
  jetShape({ dims: [0, 1], pairs: [[0, 0]] }, 2),
  jetShape({ dims: [0, 1] }, 2),
  jetShape(
    {
      dims: [0, 1, 2],
      pairs: [
        [0, 0],
        [0, 1],
        [2, 1],
      ],
    },
    3,
  ),
];

function fill(rng: Rng, a: Float64Array, special: boolean): void {
  for (let i = 0; i < a.length; i++) a[i] = 3 * rng.normal();
  if (!special) return;
  const sp = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 30, -800, 1e-20];
  for (const v of sp) a[Math.floor(rng.uniform() * a.length)] = v;
}

describe.skipIf(!wasmSupported())("WASM elementwise kernels", () => {
  it("tanh, exp, expm1 and sigmoid return the bits of Math.tanh, Math.exp, Math.expm1 and sigmoid", () => {
    const w = standalone();
    const rng = new Rng(5);
    const b = new Float64Array(1);
    const u = new Uint32Array(b.buffer);
    const edges = [
      0,
      -0,
      1,
      -1,
      22,
      -22,
      0.5 * Math.LN2,
      1.5 * Math.LN2,
      56 * Math.LN2,
      -56 * Math.LN2,
      709.78,
      709.79,
      -708.4,
      -745.1,
      -745.2,
      2 ** -28,
      -(2 ** -28),
      2 ** -54,
      2 ** -1022,
      5e-324,
      1e300,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
    ];
    const xs: number[] = [...edges];
    for (let i = 0; i < 200_000; i++) {
      switch (i % 5) {
        case 0:
          xs.push(8 * (rng.uniform() - 0.5));
          break;
        case 1:
          xs.push(60 * (rng.uniform() - 0.5));
          break;
        case 2:
          xs.push((rng.uniform() - 0.5) * 2 ** -Math.floor(rng.uniform() * 60));
          break;
        case 3:
          xs.push(1600 * (rng.uniform() - 0.5));
          break;
        default:
          u[0] = Math.floor(rng.uniform() * 2 ** 32);
          u[1] = Math.floor(rng.uniform() * 2 ** 32);
          xs.push(b[0]);
      }
    }
    const bad: string[] = [];
    for (const x of xs) {
      if (!Object.is(w.tanh(x), Math.tanh(x))) bad.push(`tanh(${x})`);
      if (!Object.is(w.exp(x), Math.exp(x))) bad.push(`exp(${x})`);
      if (!Object.is(w.expm1(x), Math.expm1(x))) bad.push(`expm1(${x})`);
      if (!Object.is(w.sigmoid(x), sigmoid(x))) bad.push(`sigmoid(${x})`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(xs.length).toBeGreaterThan(200_000);
  });

  it("two lanes a step: each lane of fwd and bwd has the scalar bits, whatever the other lane holds", () => {
    // fwd and bwd run tanh and sigmoid on f64x2 pairs ($tanh2, $sigmoid2: expm1's and exp's branches on k
    // as lane selects), an odd last entry alone. Every value meets partners from every branch class.
    const rng = new Rng(17);
    const ln2 = Math.LN2;
    const near = (v: number) => [v, v * (1 + 2 ** -52), v * (1 - 2 ** -52)];
    const values: number[] = [
      0,
      -0,
      2 ** -28,
      2 ** -29,
      2 ** -27,
      1,
      22,
      512,
      511.9,
      1e-300,
      5e-324,
      700,
      709.8,
      750,
      800,
    ];
    // expm1's k changes at a = 2|x| or -2|x| = (k +- 1/2) ln2; its classes 0, -1, <= -2, 2..19, 20..56, > 56
    for (const a of [0.5 * ln2, 1.5 * ln2, 2.5 * ln2, 19.5 * ln2, 20.5 * ln2, 56.5 * ln2, 57.5 * ln2])
      values.push(...near(a / 2));
    // exp's k changes at |w| = (k + 1/2) ln2 for sigmoid's w = -|x|
    for (const a of [0.5 * ln2, 1.5 * ln2, 2.5 * ln2, 30.5 * ln2, 300.5 * ln2]) values.push(...near(a));
    for (let i = 0; i < 3000; i++)
      values.push(2 ** (-30 + 36 * rng.uniform()), 8 * rng.uniform(), 600 * rng.uniform());
    const xs = values.flatMap((v) => [v, -v]);
    xs.push(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    // each value in lane 0 and in lane 1 of a pair, its partner drawn from all values; one more entry alone
    const partner = () => xs[Math.floor(rng.uniform() * xs.length)];
    const lanes: number[] = [];
    for (const v of xs) lanes.push(v, partner(), partner(), v);
    lanes.push(0.75);
    const n = lanes.length;
    const w = standalone(Math.ceil((32 * n) / 65536));
    const f = w.f64;
    const [X, Y, GY, GX] = [0, n, 2 * n, 3 * n];
    for (let i = 0; i < n; i++) {
      f[X + i] = lanes[i];
      f[GY + i] = 1 + rng.uniform();
    }
    for (const [kind, fn] of [
      [0, Math.tanh],
      [1, sigmoid],
    ] as const) {
      const scale = 1.5;
      const shift = -0.25;
      w.fwd(kind, scale, shift, 8 * X, 8 * Y, n);
      w.bwd(kind, scale, 8 * X, 8 * GY, 8 * GX, n);
      const bad: string[] = [];
      for (let i = 0; i < n; i++) {
        const x = f[X + i];
        const t = fn(x);
        const d = kind === 0 ? 1 - t * t : t * (1 - t);
        if (!Object.is(f[Y + i], shift + scale * t)) bad.push(`fwd ${kind} x=${x} at ${i}`);
        if (!Object.is(f[GX + i], f[GY + i] * scale * d)) bad.push(`bwd ${kind} x=${x} at ${i}`);
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
    expect(n % 2).toBe(1);
    expect(n).toBeGreaterThan(70_000);
  });

  it("the layer's plain and jet passes equal the JS loops bit for bit on random shapes", () => {
    const rng = new Rng(41);
    const empty = new Float64Array(0);
    const ctx = { start: 0, sides: null };
    const calls: Record<string, number> = {};
    for (let c = 0; c < 240; c++) {
      const fn = c % 2 === 0 ? ("tanh" as const) : ("sigmoid" as const);
      const W = 1 + Math.floor(rng.uniform() * 7);
      const rows = 1 + Math.floor(rng.uniform() * 9);
      const shape = c % 6 === 5 ? null : SHAPES[c % 5];
      const C = shape ? shape.C : 1;
      const n = rows * C * W;
      const special = c % 3 === 0;
      const scale = c % 4 === 0 ? 1 : 0.5 + rng.uniform() * 2;
      const shift = c % 4 === 0 ? 0 : rng.uniform() - 0.5;
      const spec = { width: W, fn, scale, shift };
      const wasmLayer = new ElementwiseLayer(spec);
      const jsLayer = new ElementwiseLayer(spec);
      const [xo, yo] = [c % 3, (c + 1) % 4];
      const lengths = [xo + n, yo + n, n, n, wasmLayer.bufferLength(rows)];
      const arena = WasmArena.create(arenaBytes(lengths, W, C), W, C) as WasmArena;
      countCalls(arena, calls);
      const [x, y, gy, gx] = lengths.slice(0, 4).map((k) => arena.f64(k));
      wasmLayer.placeBuffers((k) => arena.f64(k), rows);
      fill(rng, x, special);
      fill(rng, gy, special);
      y.fill(7);
      gx.fill(5);
      const [xJ, yJ, gyJ, gxJ] = [x, y, gy, gx].map((a) => Float64Array.from(a));
      const where = `case ${c}: ${fn} W=${W} rows=${rows} C=${C}`;
      if (shape) {
        // Backward without the cache first (recomputes the factors), then forward + cached backward.
        wasmLayer.backwardJet(empty, x, xo, gy, gx, empty, rows, shape, ctx);
        jsLayer.backwardJet(empty, xJ, xo, gyJ, gxJ, empty, rows, shape, ctx);
        expect(sameBits(gx, gxJ), `${where} (uncached)`).toBe(-1);
        gx.fill(5);
        gxJ.fill(5);
        wasmLayer.forwardJet(empty, x, xo, y, yo, rows, shape, ctx);
        jsLayer.forwardJet(empty, xJ, xo, yJ, yo, rows, shape, ctx);
        wasmLayer.backwardJet(empty, x, xo, gy, gx, empty, rows, shape, ctx);
        jsLayer.backwardJet(empty, xJ, xo, gyJ, gxJ, empty, rows, shape, ctx);
      } else {
        wasmLayer.forward(empty, x, xo, y, yo, rows * W === n ? rows : rows);
        jsLayer.forward(empty, xJ, xo, yJ, yo, rows);
        wasmLayer.backward(empty, x, xo, gy, gx, empty, rows);
        jsLayer.backward(empty, xJ, xo, gyJ, gxJ, empty, rows);
      }
      expect(sameBits(y, yJ), where).toBe(-1);
      expect(sameBits(gx, gxJ), where).toBe(-1);
      expect(y.subarray(yo).some((v) => v !== 7)).toBe(true);
      expect(gx.some((v) => v !== 5)).toBe(true);
    }
    // Every pass ran in WASM: 200 jet cases (two backward passes each), 40 plain ones.
    expect(calls).toEqual({ ewFwd: 40, ewBwd: 40, ewJetFwd: 200, ewJetBwd: 400 });
  });

  it("the WASM jets are the layer's chain rule: a finite-difference check on tanh", () => {
    // d/dt of y(x(t)) for x(t) = a + b t + c t^2 / 2: y' = f1 b, y'' = f2 b^2 + f1 c (jet channels 1, 2).
    const shape = jetShape({ dims: [0], pairs: [[0, 0]] }, 1);
    const W = 3;
    const layer = new ElementwiseLayer({ width: W, fn: "tanh", scale: 2, shift: -1 });
    const lengths = [3 * W, 3 * W, layer.bufferLength(1)];
    const arena = WasmArena.create(arenaBytes(lengths, W, 3), W, 3) as WasmArena;
    const calls: Record<string, number> = {};
    countCalls(arena, calls);
    const x = arena.f64(3 * W);
    const y = arena.f64(3 * W);
    layer.placeBuffers((k) => arena.f64(k), 1);
    const a = [0.3, -1.2, 2.1];
    const b = [0.7, -0.4, 1.3];
    const c = [0.2, 0.5, -0.9];
    for (let p = 0; p < W; p++) {
      x[p] = a[p];
      x[W + p] = b[p];
      x[2 * W + p] = c[p];
    }
    layer.forwardJet(new Float64Array(0), x, 0, y, 0, 1, shape, { start: 0, sides: null });
    expect(calls.ewJetFwd).toBe(1);
    const h = 1e-4;
    const g = (p: number, t: number) => -1 + 2 * Math.tanh(a[p] + b[p] * t + (c[p] * t * t) / 2);
    for (let p = 0; p < W; p++) {
      expect(y[p]).toBeCloseTo(g(p, 0), 14);
      expect(y[W + p]).toBeCloseTo((g(p, h) - g(p, -h)) / (2 * h), 7);
      expect(y[2 * W + p]).toBeCloseTo((g(p, h) - 2 * g(p, 0) + g(p, -h)) / (h * h), 5);
    }
  });
});
