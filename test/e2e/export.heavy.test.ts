/**
 * `mlkan export` end to end through the built CLI: a model trained by `mlkan train` (input and target
 * scalers, two levels) is exported to ONNX, run in onnxruntime on the training data (and on points
 * outside the training range), and compared with `mlkan predict`; plus the command's error messages.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { decodeModel } from "../../src/export/index.js";
import { parseCsv } from "../../src/node/data.js";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "dist/cli/main.js");
const work = mkdtempSync(join(tmpdir(), "mlkan-export-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function mlkan(...args: string[]): string {
  return execFileSync("node", [cli, ...args], {
    cwd: work,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function failure(...args: string[]): string {
  try {
    mlkan(...args);
  } catch (e) {
    const err = e as { status: number; stderr: string };
    expect(err.status).toBe(1);
    return err.stderr;
  }
  throw new Error(`mlkan ${args.join(" ")} succeeded but should have failed`);
}

describe("mlkan export --onnx", () => {
  const lines = ["a,b,out"];
  for (let i = 0; i < 300; i++) {
    const a = 10 + 5 * ((i * 0.618034) % 1);
    const b = -2 + 4 * ((i * 0.414214) % 1);
    lines.push(`${a},${b},${100 + 3 * Math.sin(a) * b}`);
  }
  // Rows outside the training range: the exported model continues linearly, as mlkan does.
  const extra = ["a,b", "8,-3", "16,2.5", "12.5,0", "20,-5"];
  writeFileSync(join(work, "data.csv"), `${lines.join("\n")}\n`);
  writeFileSync(join(work, "far.csv"), `${extra.join("\n")}\n`);

  it("a trained model round-trips: onnxruntime gives mlkan predict's values (float64 and float32)", async () => {
    mlkan(
      "train",
      "--data",
      "data.csv",
      "--target",
      "out",
      "--grids",
      "3,6",
      "--steps",
      "8",
      "--seed",
      "1",
      "--threads",
      "1",
      "--save",
      "m/model.json",
    );
    const said = mlkan("export", "m/model.json", "--onnx", "m/model.onnx");
    expect(said).toMatch(
      /wrote m\/model\.onnx: \d+ bytes, ONNX opset 17, float64, input x \[N, 2\] \(a, b\) -> output y \[N, 1\] \(out\)/,
    );
    mlkan("export", "m/model.json", "--onnx", "m/model32.onnx", "--dtype", "float32");
    const bytes = readFileSync(join(work, "m/model.onnx"));
    const meta = decodeModel(bytes) as { metadataProps: { key: string; value: string }[] };
    const props = Object.fromEntries(meta.metadataProps.map((e) => [e.key, e.value]));
    expect(JSON.parse(props["mlkan.inputs"])).toEqual(["a", "b"]);
    expect(JSON.parse(props["mlkan.outputs"])).toEqual(["out"]);

    for (const file of ["data.csv", "far.csv"]) {
      const t = parseCsv(mlkan("predict", "m/model.json", "--data", file), file);
      const n = t.rows.length;
      const x = new Float64Array(n * 2);
      const ref = new Float64Array(n);
      const ia = t.columns.indexOf("a");
      const ib = t.columns.indexOf("b");
      const ip = t.columns.indexOf("out_pred");
      t.rows.forEach((r, s) => {
        x[2 * s] = Number(r[ia]);
        x[2 * s + 1] = Number(r[ib]);
        ref[s] = Number(r[ip]);
      });
      const scale = Math.max(...ref.map(Math.abs));
      const s64 = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
      const y64 = (await s64.run({ x: new ort.Tensor("float64", x, [n, 2]) })).y.data as Float64Array;
      const s32 = await ort.InferenceSession.create(readFileSync(join(work, "m/model32.onnx")), {
        logSeverityLevel: 3,
      });
      const y32 = (await s32.run({ x: new ort.Tensor("float32", Float32Array.from(x), [n, 2]) })).y
        .data as Float32Array;
      let d64 = 0;
      let d32 = 0;
      for (let s = 0; s < n; s++) {
        d64 = Math.max(d64, Math.abs(y64[s] - ref[s]));
        d32 = Math.max(d32, Math.abs(y32[s] - ref[s]));
      }
      expect(d64 / scale, file).toBeLessThanOrEqual(1e-12);
      expect(d32 / scale, file).toBeLessThanOrEqual(1e-5);
      await s64.release();
      await s32.release();
    }
  });

  it("stops with a clear message for a missing target, a bad dtype and an unknown layer", () => {
    expect(failure("export", "m/model.json")).toMatch(/needs a target format: --onnx <file>/);
    expect(failure("export", "m/model.json", "--onnx", "x.onnx", "--dtype", "int8")).toMatch(
      /--dtype must be float64 or float32, got "int8"/,
    );
    const json = JSON.parse(readFileSync(join(work, "m/model.json"), "utf8"));
    json.layers[0].type = "wavelet";
    writeFileSync(join(work, "odd.json"), JSON.stringify(json));
    expect(failure("export", "odd.json", "--onnx", "odd.onnx")).toMatch(
      /odd\.json: model layer 0: unknown layer type "wavelet"/,
    );
    expect(failure("export", "nope.json", "--onnx", "x.onnx")).toMatch(
      /cannot read model file nope\.json: no such file/,
    );
  });
});
