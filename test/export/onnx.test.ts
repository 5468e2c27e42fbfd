/**
 * ONNX export checked in onnxruntime (CPU): random models of every layer type, spline order, basis and
 * knot kind, with input and target scalers, evaluated at random points inside and outside the spline
 * domains, agree with `model.predict` to 1e-12 in float64 and 1e-5 in float32, relative to the largest
 * output magnitude of each model (the sums inside a layer run in another order in onnxruntime, so
 * outputs near zero differ by a few units in the last place of the output's scale, not of themselves).
 */
import ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { paperModel } from "../../src/experiments/regression.js";
import { decodeModel, exportOnnx, ONNX_OPSET } from "../../src/export/index.js";
import type { Layer, LayerSpec } from "../../src/layers/index.js";
import { KAN, MLP, Network, type Scalers } from "../../src/model/index.js";
import { Rng } from "../../src/util/random.js";
import { isNodeBuiltin, isRelative, reachable, SRC, srcPath } from "../helpers/import-graph.js";

/** Operators with float64 kernels in onnxruntime's CPU provider that the exporter may use. */
const FLOAT64_OPS = new Set([
  "Abs",
  "Add",
  "Cast",
  "Clip",
  "Concat",
  "Cos",
  "Div",
  "Exp",
  "Floor",
  "Gather",
  "Greater",
  "GreaterOrEqual",
  "Identity",
  "Log",
  "MatMul",
  "Max",
  "Min",
  "Mul",
  "Neg",
  "Relu",
  "Reshape",
  "Sigmoid",
  "Sign",
  "Sin",
  "Sqrt",
  "Sub",
  "Tanh",
  "Unsqueeze",
  "Where",
]);

interface Agreement {
  /** max |onnx - mlkan| / max |mlkan| over the points (worst output column). */
  rel: number;
  /** Size of the exported file. */
  bytes: number;
}

/** Random points: about half inside [lo, hi] per coordinate, the rest up to `spread` widths outside. */
function points(rng: Rng, n: number, nIn: number, lo: number, hi: number, spread = 1): Float64Array {
  const x = new Float64Array(n * nIn);
  const w = hi - lo;
  for (let i = 0; i < x.length; i++) {
    const inside = rng.uniform() < 0.6;
    x[i] = inside
      ? rng.range(lo, hi)
      : rng.uniform() < 0.5
        ? lo - spread * w * rng.uniform()
        : hi + spread * w * rng.uniform();
  }
  // The domain ends themselves.
  x[0] = lo;
  x[x.length - 1] = hi;
  return x;
}

async function agreement(model: Network, x: Float64Array, dtype: "float64" | "float32"): Promise<Agreement> {
  const bytes = exportOnnx(model, { dtype });
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const n = x.length / model.nIn;
  const input =
    dtype === "float64"
      ? new ort.Tensor("float64", x, [n, model.nIn])
      : new ort.Tensor("float32", Float32Array.from(x), [n, model.nIn]);
  const result = await session.run({ x: input });
  const y = result.y;
  expect(y.dims).toEqual([n, model.nOut]);
  expect(y.type).toBe(dtype);
  const ref = model.predict(x);
  let rel = 0;
  for (let o = 0; o < model.nOut; o++) {
    let scale = 0;
    let diff = 0;
    for (let s = 0; s < n; s++) {
      const k = s * model.nOut + o;
      scale = Math.max(scale, Math.abs(ref[k]));
      diff = Math.max(diff, Math.abs((y.data as Float64Array | Float32Array)[k] - ref[k]));
    }
    expect(scale).toBeGreaterThan(0);
    rel = Math.max(rel, diff / scale);
  }
  await session.release();
  return { rel, bytes: bytes.length };
}

function spline(
  nIn: number,
  nOut: number,
  order: number,
  basis: "spline" | "relu",
  knots: "uniform" | "general",
  rng: Rng,
  domain: [number, number] = [-1, 1],
): LayerSpec {
  const grid = 3 + rng.int(5);
  const spec: LayerSpec = { type: "spline", nIn, nOut, order, grid, domain, basis, initStd: 0.5 };
  if (knots === "general") {
    const inner = Array.from({ length: grid - 1 }, () => rng.range(domain[0], domain[1])).sort(
      (a, b) => a - b,
    );
    spec.breakpoints = [domain[0], ...inner, domain[1]];
  }
  return spec;
}

function randomScalers(rng: Rng, nIn: number, nOut: number): Scalers {
  const v = (k: number, lo: number, hi: number) => Array.from({ length: k }, () => rng.range(lo, hi));
  return {
    input: { shift: v(nIn, -2, 2), scale: v(nIn, 0.5, 3) },
    output: { shift: v(nOut, -5, 5), scale: v(nOut, 0.1, 10) },
  };
}

/** Every model family of the tests, built from one seed. */
function models(): { name: string; model: Network; range: [number, number] }[] {
  const rng = new Rng(16);
  const out: { name: string; model: Network; range: [number, number] }[] = [];
  for (const order of [1, 2, 3, 4, 5, 6, 8, 12]) {
    for (const basis of ["spline", "relu"] as const) {
      for (const knots of ["uniform", "general"] as const) {
        const layers = [spline(2, 3, order, basis, knots, rng), spline(3, 2, order, basis, knots, rng)];
        out.push({
          name: `spline r=${order} ${basis} ${knots}`,
          model: new Network({ layers, seed: rng.int(1000) }),
          range: [-1, 1],
        });
      }
    }
  }
  for (const knots of ["uniform", "general"] as const) {
    const base = spline(2, 3, knots === "uniform" ? 4 : 3, "spline", knots, rng);
    const layers: LayerSpec[] = [{ ...base, base: true } as LayerSpec, spline(3, 1, 4, "relu", knots, rng)];
    out.push({ name: `base term ${knots}`, model: new Network({ layers, seed: 7 }), range: [-1, 1] });
  }
  for (const fn of ["tanh", "sigmoid", "relu", "silu", "identity"] as const) {
    const layers: LayerSpec[] = [
      { type: "linear", nIn: 3, nOut: 4, bias: true },
      { type: "elementwise", width: 4, fn, scale: rng.range(0.5, 2), shift: rng.range(-0.5, 0.5) },
      spline(4, 2, 4, "spline", "uniform", rng, [0, 1]),
      { type: "linear", nIn: 2, nOut: 2, bias: false },
    ];
    out.push({ name: `linear + ${fn}`, model: new Network({ layers, seed: rng.int(1000) }), range: [-2, 2] });
  }
  for (const activation of ["tanh", "sigmoid", "relu", "silu"] as const) {
    out.push({
      name: `MLP ${activation}`,
      model: new MLP({ width: [2, 6, 6, 1], activation, seed: 3 }),
      range: [-3, 3],
    });
  }
  out.push({
    name: "features (identity, abs, cos, sin, asinh)",
    model: new Network({
      layers: [
        {
          type: "features",
          nIn: 2,
          features: [
            { input: 0, kind: "identity" },
            { input: 1, kind: "identity", scale: 0.5, shift: 0.1 },
            { input: 0, kind: "abs", scale: 2, shift: -0.3 },
            { input: 1, kind: "cos", scale: 1.5 },
            { input: 0, kind: "sin", shift: 0.25 },
            { input: 1, kind: "asinh", gain: 12, shift: -0.1 },
            { input: 0, kind: "asinh", scale: 0.8 },
          ],
        },
        spline(7, 2, 4, "spline", "uniform", rng),
        spline(2, 1, 3, "relu", "general", rng),
      ],
      seed: 11,
    }),
    range: [-1.5, 1.5],
  });
  out.push({
    name: "KAN normalize sigmoid",
    model: new KAN({ width: [3, 4, 2], grid: 6, normalize: "sigmoid", seed: 2, initStd: 0.5 }),
    range: [-1, 1],
  });
  out.push({
    name: "Table 2 model, G=40",
    model: paperModel({ initStd: 0.1, normalize: "sigmoid" }, 40, 1234),
    range: [0, 1],
  });
  // Input and target scalers on a copy of each of a few models.
  const withScalers = [
    "spline r=4 relu general",
    "base term uniform",
    "linear + silu",
    "Table 2 model, G=40",
  ];
  for (const which of withScalers) {
    const { name, model, range } = out.find((m) => m.name === which)!;
    const scaled = new Network({
      layers: model.layerSpecs(),
      params: model.params,
      scalers: randomScalers(rng, model.nIn, model.nOut),
    });
    out.push({ name: `${name} + scalers`, model: scaled, range: [range[0] * 3 - 1, range[1] * 3 + 1] });
  }
  return out;
}

const all = models();
const worst = { float64: 0, float32: 0 };
afterAll(() => {
  // One line for the record (the figures the issue asks for).
  console.log(
    `ONNX agreement over ${all.length} models: float64 ${worst.float64.toExponential(2)}, float32 ${worst.float32.toExponential(2)} (max |onnx - mlkan| / max |mlkan|)`,
  );
});

describe("exportOnnx in onnxruntime", () => {
  it.each(all.map((m) => [m.name, m] as const))("%s: float64 to 1e-12, float32 to 1e-5", async (_name, m) => {
    const rng = new Rng(99);
    const x = points(rng, 300, m.model.nIn, m.range[0], m.range[1]);
    const f64 = await agreement(m.model, x, "float64");
    expect(f64.rel).toBeLessThanOrEqual(1e-12);
    const f32 = await agreement(m.model, x, "float32");
    expect(f32.rel).toBeLessThanOrEqual(1e-5);
    worst.float64 = Math.max(worst.float64, f64.rel);
    worst.float32 = Math.max(worst.float32, f32.rel);
  });

  it("the test models cover every layer type, spline order 1-12, both bases, both knot kinds, base terms", () => {
    const splines = all.flatMap((m) => m.model.splineLayers);
    expect(new Set(splines.map((l) => l.order))).toEqual(new Set([1, 2, 3, 4, 5, 6, 8, 12]));
    expect(new Set(splines.map((l) => l.basis))).toEqual(new Set(["spline", "relu"]));
    expect(new Set(splines.map((l) => l.knots.uniform))).toEqual(new Set([true, false]));
    expect(splines.some((l) => l.base)).toBe(true);
    const types = new Set(all.flatMap((m) => m.model.layers.map((l) => l.type)));
    expect(types).toEqual(new Set(["spline", "linear", "elementwise", "features"]));
  });

  it("writes opset 17 with input x [N, nIn], output y [N, nOut] and only float64-capable operators", () => {
    const ops = new Set<string>();
    for (const { model } of all) {
      const m = decodeModel(exportOnnx(model)) as {
        irVersion: number;
        opsetImport: { version: number }[];
        graph: {
          node: { opType: string }[];
          input: { name: string; type: { tensorType: { elemType: number; shape: { dim: unknown[] } } } }[];
          output: { name: string; type: { tensorType: { elemType: number; shape: { dim: unknown[] } } } }[];
        };
      };
      expect(m.irVersion).toBe(8);
      expect(m.opsetImport).toEqual([{ version: ONNX_OPSET }]);
      expect(ONNX_OPSET).toBe(17);
      const [inp] = m.graph.input;
      const [outp] = m.graph.output;
      expect(inp.name).toBe("x");
      expect(inp.type.tensorType.elemType).toBe(11);
      expect(inp.type.tensorType.shape.dim).toEqual([{ dimParam: "N" }, { dimValue: model.nIn }]);
      expect(outp.name).toBe("y");
      expect(outp.type.tensorType.shape.dim).toEqual([{ dimParam: "N" }, { dimValue: model.nOut }]);
      for (const node of m.graph.node) ops.add(node.opType);
    }
    const unexpected = [...ops].filter((op) => !FLOAT64_OPS.has(op));
    expect(unexpected).toEqual([]);
  });

  it("exports the Table 2 model ([2,5,1], Linear + sigmoid + spline at G=40) in under 8 kB", () => {
    const model = paperModel({ initStd: 0.1, normalize: "sigmoid" }, 40, 1234);
    expect(model.paramCount).toBe(15 + 5 * 43); // the paper's 230
    const f64 = exportOnnx(model).length;
    const f32 = exportOnnx(model, { dtype: "float32" }).length;
    expect(f64).toBeLessThan(8000);
    expect(f32).toBeLessThan(f64);
  });

  it("the export entry runs in browsers: no node: module, protobufjs its only package", () => {
    const offenders: string[] = [];
    for (const [file, deps] of reachable(`${SRC}/export/index.ts`)) {
      for (const d of deps) {
        if (isNodeBuiltin(d)) offenders.push(`${srcPath(file)} imports ${d}`);
        else if (!isRelative(d) && !d.startsWith("protobufjs/"))
          offenders.push(`${srcPath(file)} imports package ${d}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("names a layer it does not know", () => {
    class Doubler implements Layer {
      readonly type = "doubler";
      readonly nIn = 2;
      readonly nOut = 2;
      readonly paramCount = 0;
      offset = 0;
      init(): void {}
      prepare(): void {}
      forward(
        _p: Float64Array,
        x: Float64Array,
        xo: number,
        y: Float64Array,
        yo: number,
        rows: number,
      ): void {
        for (let i = 0; i < rows * 2; i++) y[yo + i] = 2 * x[xo + i];
      }
      backward(): void {}
      forwardJet(): void {}
      backwardJet(): void {}
      finishGradient(): void {}
      toSpec(): LayerSpec {
        return { type: "linear", nIn: 2, nOut: 2, bias: false };
      }
    }
    const net = new Network({ layers: [{ type: "linear", nIn: 2, nOut: 2, bias: true }, new Doubler()] });
    expect(() => exportOnnx(net)).toThrow(/layer 1 of type "doubler" \(Doubler\)/);
  });

  it("rejects bad options with a message naming them", () => {
    const model = new KAN({ width: [2, 1], grid: 3 });
    expect(() => exportOnnx(model, { dtype: "float16" as "float32" })).toThrow(
      /dtype must be "float64" or "float32", got "float16"/,
    );
    expect(() => exportOnnx(model, { inputNames: ["a"] })).toThrow(
      /inputNames must be an array of 2 strings/,
    );
    expect(() => exportOnnx(model, { bogus: 1 } as object)).toThrow(/unknown option "bogus"/);
  });

  it("records column names and the layer list in the metadata", () => {
    const model = new KAN({ width: [2, 1], grid: 3 });
    const m = decodeModel(
      exportOnnx(model, { inputNames: ["u", "v"], outputNames: ["w"], producerVersion: "9.9" }),
    ) as {
      producerName: string;
      producerVersion: string;
      metadataProps: { key: string; value: string }[];
    };
    expect(m.producerName).toBe("mlkan");
    expect(m.producerVersion).toBe("9.9");
    const meta = Object.fromEntries(m.metadataProps.map((e) => [e.key, e.value]));
    expect(JSON.parse(meta["mlkan.inputs"])).toEqual(["u", "v"]);
    expect(JSON.parse(meta["mlkan.outputs"])).toEqual(["w"]);
    expect(JSON.parse(meta["mlkan.layers"])).toEqual(model.layerSpecs());
    expect(meta["mlkan.kind"]).toBe("KAN");
  });
});
