/**
 * `mlkan predict` reliability through the built CLI (issue 12): closed pipes, output paths that would
 * overwrite an input, non-finite predictions, model files with a byte order mark, and batch-streamed
 * output equal to the library's predictions.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAN } from "../../src/model/kan.js";
import { parseCsv } from "../../src/node/data.js";
import { run, scratch, sh, writeData } from "../helpers/cli.js";

const work = scratch("mlkan-cli-predict-");
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  writeData(join(work, "data.csv"), 200);
  writeData(join(work, "many.csv"), 10_000);
  const r = run(
    work,
    "train",
    "--data",
    "data.csv",
    "--target",
    "z",
    "--inputs",
    "x,y",
    "--grids",
    "3",
    "--steps",
    "3",
    "--no-png",
    "--save",
    "m.json",
  );
  expect(r.status).toBe(0);
});

describe("mlkan predict", () => {
  it("streams many rows in batches with exactly the library's predictions", () => {
    const r = run(work, "predict", "m.json", "--data", "many.csv", "--out", "many-pred.csv");
    expect(r.status).toBe(0);
    const t = parseCsv(readFileSync(join(work, "many-pred.csv"), "utf8"));
    expect(t.columns).toEqual(["id", "x", "y", "z", "z_pred"]);
    expect(t.rows).toHaveLength(10_000);
    const model = KAN.fromJSON(JSON.parse(readFileSync(join(work, "m.json"), "utf8")));
    const x = t.rows.map((row) => [Number(row[1]), Number(row[2])]);
    const y = model.predict(x);
    expect(t.rows.map((row) => Number(row[4]))).toEqual(y.map((r) => r[0]));
  });

  it("ends quietly (status 0, no EPIPE) when stdout is closed early", () => {
    const r = sh(
      work,
      `$MLKAN predict m.json --data many.csv | head -1; echo "status \${PIPESTATUS[0]}" >&2`,
    );
    expect(r.stdout).toBe("id,x,y,z,z_pred\n");
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|Error/);
    expect(r.stderr).toMatch(/status 0/);
  });

  it("refuses --out equal to the model or the data file, leaving both intact", () => {
    const model = readFileSync(join(work, "m.json"), "utf8");
    const data = readFileSync(join(work, "data.csv"), "utf8");
    expect(run(work, "predict", "m.json", "--data", "data.csv", "--out", "m.json").stderr).toMatch(
      /the model and --out name the same file "m.json"/,
    );
    expect(run(work, "predict", "m.json", "--data", "data.csv", "--out", "./data.csv").stderr).toMatch(
      /--data and --out name the same file/,
    );
    expect(readFileSync(join(work, "m.json"), "utf8")).toBe(model);
    expect(readFileSync(join(work, "data.csv"), "utf8")).toBe(data);
  });

  it("fails on non-finite predictions naming the rows, or warns with --allow-nonfinite", () => {
    // Output scaled by 1e308: any prediction above 1 in the model's units overflows to Infinity.
    const m = new KAN({ width: [2, 1], grid: 3, seed: 1, domain: [0, 1] });
    m.params.fill(2);
    m.scalers = { output: { shift: [0], scale: [1e308] } };
    writeFileSync(
      join(work, "inf.json"),
      JSON.stringify({ ...m.toJSON(), training: { inputs: ["x", "y"], targets: ["z"] } }),
    );
    writeFileSync(join(work, "two.csv"), "x,y\n0.5,0.5\n0.25,0.75\n");
    const r = run(work, "predict", "inf.json", "--data", "two.csv");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /2 predictions are not finite \(written as empty cells\): line 2 \(z_pred = Infinity\), line 3 \(z_pred = Infinity\)/,
    );
    expect(r.stderr).toMatch(/--allow-nonfinite/);
    expect(r.stdout).toBe("x,y,z_pred\n0.5,0.5,\n0.25,0.75,\n");
    const ok = run(work, "predict", "inf.json", "--data", "two.csv", "--allow-nonfinite");
    expect(ok.status).toBe(0);
    expect(ok.stderr).toMatch(/warning: 2 predictions are not finite/);
  });

  it("reads a model file that starts with a byte order mark", () => {
    writeFileSync(join(work, "bom.json"), `\ufeff${readFileSync(join(work, "m.json"), "utf8")}`);
    const a = run(work, "predict", "bom.json", "--data", "data.csv");
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(run(work, "predict", "m.json", "--data", "data.csv").stdout);
  });
});
