/**
 * Whole networks on the WASM backend against the same networks on the JS kernels: losses, parameter
 * and input gradients, jets and jet gradients have the same bits (DESIGN.md section 1), for every kind of
 * network (the WASM kernels serve the uniform cubic layers, the rest runs in JS on the same memory).
 * Also the memory contract: `params` is a view on the network's memory that never detaches, a foreign
 * `params` array falls back to the JS kernels, and jets beyond the reserved channels fall back too.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { JetSpec } from "../../src/layers/jet.js";
import type { LayerSpec } from "../../src/layers/layer.js";
import { setWasmOverride, wasmSupported } from "../../src/layers/wasm/kernels.js";
import { KAN, type KANOptions } from "../../src/model/kan.js";
import { mseLoss } from "../../src/model/losses.js";
import { MLP } from "../../src/model/mlp.js";
import { type JetBlockLoss, Network } from "../../src/model/network.js";
import { Rng } from "../../src/util/random.js";

function same(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

function build<T>(wasm: boolean, make: () => T): T {
  setWasmOverride(wasm);
  try {
    return make();
  } finally {
    setWasmOverride(null);
  }
}

/** A jet loss touching every channel: sum_c w_c jet_c^2 (w_c = 1 + c mod 3). */
function jetLoss(C: number, nOut: number): JetBlockLoss {
  return (jet, gJet, _start, rows) => {
    let s = 0;
    for (let i = 0; i < rows * C * nOut; i++) {
      const w = 1 + ((Math.floor(i / nOut) % C) % 3);
      s += w * jet[i] * jet[i];
      gJet[i] = 2 * w * jet[i];
    }
    return s;
  };
}

interface Run {
  backend: string;
  loss: number;
  grad: Float64Array;
  inputGrad: Float64Array;
  out: Float64Array;
  jets?: Float64Array;
  jetLoss?: number;
  jetGrad?: Float64Array;
}

function runAll(net: Network, x: Float64Array, n: number, t: Float64Array, jet?: JetSpec): Run {
  const grad = new Float64Array(net.paramCount);
  const inputGrad = new Float64Array(n * net.nIn);
  const loss = net.gradient(x, n, mseLoss(t, n, net.nOut), grad, inputGrad);
  const run: Run = { backend: net.backend, loss, grad, inputGrad, out: net.forward(x, n) };
  if (jet) {
    const shape = net.jetShape(jet);
    run.jets = net.jets(x, n, shape);
    run.jetGrad = new Float64Array(net.paramCount);
    run.jetLoss = net.jetGradient(x, n, shape, jetLoss(shape.C, net.nOut), run.jetGrad);
  }
  return run;
}

function expectSameRuns(a: Run, b: Run, ctx: string): void {
  expect(Object.is(a.loss, b.loss), `${ctx}: loss ${a.loss} vs ${b.loss}`).toBe(true);
  expect(same(a.grad, b.grad), `${ctx}: gradient`).toBe(true);
  expect(same(a.inputGrad, b.inputGrad), `${ctx}: input gradient`).toBe(true);
  expect(same(a.out, b.out), `${ctx}: forward`).toBe(true);
  if (a.jets && b.jets && a.jetGrad && b.jetGrad) {
    expect(same(a.jets, b.jets), `${ctx}: jets`).toBe(true);
    expect(Object.is(a.jetLoss, b.jetLoss), `${ctx}: jet loss`).toBe(true);
    expect(same(a.jetGrad, b.jetGrad), `${ctx}: jet gradient`).toBe(true);
  }
}

afterEach(() => setWasmOverride(null));

describe.skipIf(!wasmSupported())("networks on the WASM backend", () => {
  it("KANs of random shapes give the same bits as on the JS kernels (plain and jet gradients)", () => {
    const rng = new Rng(21);
    for (let c = 0; c < 24; c++) {
      const nIn = 1 + rng.int(3);
      const depth = 1 + rng.int(3);
      const width = [nIn];
      for (let l = 0; l < depth - 1; l++) width.push(1 + rng.int(9));
      width.push(1 + rng.int(3));
      const opts: KANOptions = {
        width,
        grid: 1 + rng.int(12),
        seed: c,
        initStd: 0.3,
        basis: c % 4 === 1 ? "relu" : "spline",
        base: c % 5 === 2,
        normalize: c % 6 === 3 ? "tanh" : "none",
      };
      // Odd batch sizes, several slots, inputs outside the domain.
      const n = 1 + rng.int(700);
      const x = rng.fillUniform(new Float64Array(n * nIn), -1.6, 1.6);
      const t = rng.fillNormal(new Float64Array(n * width[width.length - 1]));
      const jet: JetSpec =
        nIn === 1
          ? {}
          : {
              pairs:
                nIn === 2
                  ? [
                      [0, 0],
                      [1, 1],
                      [0, 1],
                    ]
                  : [
                      [0, 0],
                      [2, 1],
                    ],
            };
      const a = runAll(
        build(true, () => new KAN(opts)),
        x,
        n,
        t,
        jet,
      );
      const b = runAll(
        build(false, () => new KAN(opts)),
        x,
        n,
        t,
        jet,
      );
      expect(a.backend).toBe("wasm-simd");
      expect(b.backend).toBe("js");
      expectSameRuns(a, b, `case ${c} ${JSON.stringify(opts)} n=${n}`);
    }
  });

  it("networks mixing features, linear, elementwise and spline layers of other orders or knots", () => {
    const layers: LayerSpec[] = [
      {
        type: "features",
        nIn: 2,
        features: [
          { input: 0, kind: "identity" },
          { input: 1, kind: "identity" },
          { input: 0, kind: "abs" },
        ],
      },
      { type: "linear", nIn: 3, nOut: 4, bias: true },
      { type: "elementwise", width: 4, fn: "tanh", scale: 1, shift: 0 },
      { type: "spline", nIn: 4, nOut: 5, order: 4, grid: 7, domain: [-1, 1], basis: "spline", initStd: 0.4 },
      {
        type: "spline",
        nIn: 5,
        nOut: 3,
        order: 4,
        grid: 3,
        domain: [-1, 1],
        basis: "spline",
        breakpoints: [-1, -0.2, 0.3, 1],
        initStd: 0.4,
      },
      { type: "spline", nIn: 3, nOut: 2, order: 3, grid: 5, domain: [-1, 1], basis: "relu", initStd: 0.4 },
    ];
    const rng = new Rng(22);
    const n = 333;
    const x = rng.fillUniform(new Float64Array(2 * n), -1.2, 1.2);
    const t = rng.fillNormal(new Float64Array(2 * n));
    const jet: JetSpec = {
      pairs: [
        [0, 0],
        [1, 1],
        [0, 1],
      ],
    };
    const a = runAll(
      build(true, () => new Network({ layers, seed: 3 })),
      x,
      n,
      t,
      jet,
    );
    const b = runAll(
      build(false, () => new Network({ layers, seed: 3 })),
      x,
      n,
      t,
      jet,
    );
    expect(a.backend).toBe("wasm-simd");
    expectSameRuns(a, b, "mixed");
    // MLPs: their dense layers run the WASM kernels of linear.wat on whole blocks of four rows.
    const t1 = t.subarray(0, n);
    for (const [width, activation] of [
      [[2, 7, 1], "silu"],
      [[2, 9, 12, 3], "tanh"],
    ] as const) {
      const mlp = (w: boolean) => build(w, () => new MLP({ width: [...width], activation, seed: 1 }));
      const tw = width[width.length - 1] === 1 ? t1 : rng.fillNormal(new Float64Array(3 * n));
      expect(mlp(true).backend).toBe("wasm-simd");
      expect(mlp(false).backend).toBe("js");
      expectSameRuns(runAll(mlp(true), x, n, tw, jet), runAll(mlp(false), x, n, tw, jet), `mlp ${width}`);
    }
  });

  it("params is a view on the network's memory, never detached; a foreign params array falls back to JS", () => {
    const opts: KANOptions = { width: [2, 6, 1], grid: 5, seed: 4 };
    const net = build(true, () => new KAN(opts));
    const params = net.params;
    expect(net.backend).toBe("wasm-simd");
    expect(net.wasmMemoryBytes).toBeGreaterThan(0);
    const rng = new Rng(23);
    const n = 500;
    const x = rng.fillUniform(new Float64Array(2 * n), -1, 1);
    const t = rng.fillNormal(new Float64Array(n));
    const before = runAll(net, x, n, t);
    // Many steps and jets later, the view is the same object and still attached.
    for (let i = 0; i < 3; i++) runAll(net, x, n, t, {});
    expect(net.params).toBe(params);
    expect(params.length).toBe(net.paramCount);
    params[0] += 0.25;
    const moved = runAll(net, x, n, t);
    expect(moved.loss).not.toBe(before.loss);
    // A foreign array: the JS kernels, same bits as a JS network with those parameters.
    net.params = Float64Array.from(params);
    expect(net.backend).toBe("js");
    const foreign = runAll(net, x, n, t);
    const js = build(false, () => new KAN(opts));
    js.params.set(params);
    expectSameRuns(foreign, runAll(js, x, n, t), "foreign params");
    expectSameRuns(foreign, moved, "foreign params vs arena params");
    // clone, refine and toJSON work from either
    expect(net.clone().backend).toBe("wasm-simd");
    expect(same(Float64Array.from(net.toJSON().params), params)).toBe(true);
  });

  it("jets with more channels than reserved run on the JS kernels, with the same bits", () => {
    const opts: KANOptions = { width: [2, 5, 3, 1], grid: 6, seed: 5, initStd: 0.4 };
    const rng = new Rng(24);
    const n = 200;
    const x = rng.fillUniform(new Float64Array(2 * n), -1.3, 1.3);
    const t = rng.fillNormal(new Float64Array(n));
    // C = 1 + 2 + 5 = 8 > 1 + 2 + 3 = 6 (repeated and mirrored pairs)
    const jet: JetSpec = {
      pairs: [
        [0, 0],
        [1, 1],
        [0, 1],
        [1, 0],
        [0, 0],
      ],
    };
    const a = runAll(
      build(true, () => new KAN(opts)),
      x,
      n,
      t,
      jet,
    );
    const b = runAll(
      build(false, () => new KAN(opts)),
      x,
      n,
      t,
      jet,
    );
    expectSameRuns(a, b, "wide jets");
  });

  it("a NaN input propagates NaN into the gradient alike on both backends", () => {
    const opts: KANOptions = { width: [2, 4, 1], grid: 5, seed: 6 };
    const rng = new Rng(25);
    const n = 130;
    const x = rng.fillUniform(new Float64Array(2 * n), -1, 1);
    x[2 * 70 + 1] = Number.NaN;
    const t = rng.fillNormal(new Float64Array(n));
    const a = runAll(
      build(true, () => new KAN(opts)),
      x,
      n,
      t,
    );
    const b = runAll(
      build(false, () => new KAN(opts)),
      x,
      n,
      t,
    );
    expectSameRuns(a, b, "NaN input");
    expect(Number.isNaN(a.loss)).toBe(true);
    // input 1 of the first layer: its rows 0-3 (interval 0) of every output; and everything downstream
    const first = (p: number, i: number, q: number) => (p * 8 + i) * 4 + q;
    expect(Number.isNaN(a.grad[first(1, 0, 0)])).toBe(true);
    expect(Number.isNaN(a.grad[first(1, 3, 3)])).toBe(true);
    expect(Number.isNaN(a.grad[first(1, 4, 0)])).toBe(false);
  });

  it("MLKAN_WASM=0 gives JS networks", () => {
    const saved = process.env.MLKAN_WASM;
    try {
      process.env.MLKAN_WASM = "0";
      const net = new KAN({ width: [2, 3, 1], grid: 4 });
      expect(net.backend).toBe("js");
      expect(net.wasmMemoryBytes).toBe(0);
      delete process.env.MLKAN_WASM;
      expect(new KAN({ width: [2, 3, 1], grid: 4 }).backend).toBe("wasm-simd");
    } finally {
      if (saved === undefined) delete process.env.MLKAN_WASM;
      else process.env.MLKAN_WASM = saved;
    }
  });
});
