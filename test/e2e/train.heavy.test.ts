/**
 * The training commands end to end, through the built CLI (dist/ is built by `npm test` first):
 * `mlkan reproduce regression --quick`, `mlkan train` + `mlkan predict`, and their error messages.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/index.js";
import { parseCsv } from "../../src/node/data.js";
import { parseResult } from "../../src/report/result.js";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "dist/cli/main.js");
const work = mkdtempSync(join(tmpdir(), "mlkan-train-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function mlkan(...args: string[]): string {
  return execFileSync("node", [cli, ...args], {
    cwd: work,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The error output of a failing command (it must fail). */
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

function target(x: number, y: number): number {
  return Math.sin(2 * x) + 0.5 * y * y;
}

/** A CSV of n rows: id, x, y, z = target(x, y), with a seeded spread of points. */
function writeData(file: string, n: number): void {
  const lines = ["id,x,y,z"];
  for (let i = 0; i < n; i++) {
    const x = -1 + 2 * ((i * 0.618034) % 1);
    const y = 3 * ((i * 0.414214) % 1);
    lines.push(`row${i},${x},${y},${target(x, y)}`);
  }
  writeFileSync(join(work, file), `${lines.join("\n")}\n`);
}

describe("mlkan reproduce regression --quick", () => {
  it("prints the table beside the paper's and writes md, json, csv, svg and png", () => {
    const out = mlkan("reproduce", "regression", "--quick", "--out", "rq", "--json", "rq-copy.json");
    expect(out).toMatch(
      /\| model +\| basis +\| fidelity +\| train MSE \| test MSE \| evals\/run \| paper MSE \| params \| wall s \|/,
    );
    expect(out).toMatch(/\| KAN \[2,5,1\] +\| spline +\| multilevel \(G=5,10,20,40; 32,16,8,4 steps\) \|/);
    expect(out).toMatch(/### Margins/);
    const dir = join(work, "rq");
    for (const f of [
      "regression.md",
      "regression.json",
      "regression.csv",
      "regression-history.csv",
      "regression-spline-loss.svg",
      "regression-spline-loss.png",
      "regression-spline-testMse.svg",
      "regression-spline-testMse.png",
      "regression-relu-mlp-loss.svg",
      "regression-relu-mlp-testMse.png",
    ])
      expect(statSync(join(dir, f)).size, f).toBeGreaterThan(100);
    const result = parseResult(readFileSync(join(dir, "regression.json"), "utf8"));
    expect(readFileSync(join(work, "rq-copy.json"), "utf8")).toBe(
      readFileSync(join(dir, "regression.json"), "utf8"),
    );
    expect(result.rows.length).toBeGreaterThanOrEqual(5);
    const ml = result.rows.find((r) => (r as { key?: string }).key === "spline-multilevel")!;
    const coarse = result.rows.find((r) => (r as { key?: string }).key === "spline-coarse")!;
    // Robust facts only: multilevel ends below its coarse row; the paper's column is in the markdown.
    expect(ml.metrics.trainMse.mean).toBeLessThan(coarse.metrics.trainMse.mean);
    expect(readFileSync(join(dir, "regression.md"), "utf8")).toMatch(/paper MSE[\s\S]*3\.67e-5/);
    expect(readFileSync(join(dir, "regression-spline-loss.svg"), "utf8")).toMatch(/G=40/);
    // The report can be re-rendered from its JSON without training.
    const again = mlkan(
      "reproduce",
      "regression",
      "--from-json",
      "rq/regression.json",
      "--out",
      "rq2",
      "--no-png",
    );
    expect(again).toContain(out.slice(0, out.indexOf("### Margins")));
    expect(readFileSync(join(work, "rq2/regression.md"), "utf8")).toBe(
      readFileSync(join(dir, "regression.md"), "utf8"),
    );
  });
});

describe("README", () => {
  it("its free-knot example runs as printed", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Free knots"));
    const code = /```js\n([\s\S]*?)```/.exec(section)![1];
    expect(code).toMatch(/from "mlkan"/);
    const file = join(work, "readme-free-knots.mjs");
    writeFileSync(
      file,
      code.replace(/from "mlkan"/, `from ${JSON.stringify(pathToFileURL(join(root, "dist/index.js")).href)}`),
    );
    const out = execFileSync("node", [file], { cwd: work, encoding: "utf8" });
    const mse = Number(/test MSE (\S+)/.exec(out)![1]);
    expect(mse).toBeLessThan(1e-5);
    const knots = /knots: (.*)/.exec(out)![1].split(" ").map(Number);
    expect(knots.length).toBe(21);
    expect(knots.filter((t) => Math.abs(t) < 0.1).length).toBeGreaterThan(10);
  });

  it("its library example runs as printed", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Library example"));
    const code = /```js\n([\s\S]*?)```/.exec(section)![1];
    expect(code).toMatch(/from "mlkan"/);
    const file = join(work, "readme-example.mjs");
    writeFileSync(
      file,
      code.replace(/from "mlkan"/, `from ${JSON.stringify(pathToFileURL(join(root, "dist/index.js")).href)}`),
    );
    const out = execFileSync("node", [file], { cwd: work, encoding: "utf8" });
    expect(out).toMatch(/^G=5: test RMSE \S+\nG=10: test RMSE \S+\nG=20: test RMSE \S+\ncompleted 150 steps/);
    const rmse = [...out.matchAll(/test RMSE (\S+)/g)].map((m) => Number(m[1]));
    expect(rmse[2]).toBeLessThan(rmse[0]);
    expect(rmse[2]).toBeLessThan(1e-3);
    const prediction = Number(/\n(\S+) vs 3\.49034/.exec(out)![1]);
    expect(Math.abs(prediction - Math.exp(1.25))).toBeLessThan(5e-3);
  });

  it("its PINN example runs as printed", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## PINN example"));
    const code = /```js\n([\s\S]*?)```/.exec(section)![1];
    expect(code).toMatch(/from "mlkan"/);
    const file = join(work, "readme-pinn.mjs");
    writeFileSync(
      file,
      code.replace(/from "mlkan"/, `from ${JSON.stringify(pathToFileURL(join(root, "dist/index.js")).href)}`),
    );
    const out = execFileSync("node", [file], { cwd: work, encoding: "utf8" });
    expect(out).toMatch(
      /^G=4: relative L2 error \S+\nG=8: relative L2 error \S+\nG=16: relative L2 error \S+\n/,
    );
    expect(out).toMatch(/completed 300 steps over 3 levels/);
    const err = [...out.matchAll(/relative L2 error (\S+)/g)].map((m) => Number(m[1]));
    expect(err[2]).toBeLessThan(err[0]);
    expect(err[2]).toBeLessThan(1e-2);
  });
});

describe("mlkan train and predict", () => {
  writeData("data.csv", 400);

  it("trains multilevel with a validation split, checkpoints, plots, and predicts in the user's units", () => {
    const out = mlkan(
      "train",
      "--data",
      "data.csv",
      "--target",
      "z",
      "--inputs",
      "x,y",
      "--grids",
      "4,8",
      "--steps",
      "15",
      "--seed",
      "3",
      "--save",
      "out/model.json",
    );
    expect(out).toMatch(/training KAN \[2,5,1\] \(spline basis\) on 320 rows, validating on 80/);
    expect(out).toMatch(/level 1\/2 +G=4 +params 105 +train RMSE \S+ +val RMSE \S+/);
    expect(out).toMatch(/level 2\/2 +G=8 +params 165 /);
    const saved = JSON.parse(readFileSync(join(work, "out/model.json"), "utf8"));
    expect(saved.training).toMatchObject({
      inputs: ["x", "y"],
      targets: ["z"],
      status: "completed",
      valRows: 80,
    });
    expect(saved.training.levels).toHaveLength(2);
    const val = saved.training.levels[1].metrics.valRmse;
    expect(val).toBeLessThan(0.05);
    expect(statSync(join(work, "out/model-training.svg")).size).toBeGreaterThan(100);
    expect(existsSync(join(work, "out/model-training.png"))).toBe(true);
    const model = loadModel(saved);
    expect(model.grids).toEqual([8, 8]);
    expect(model.scalers.output).toBeDefined();

    const csv = mlkan("predict", "out/model.json", "--data", "data.csv");
    const t = parseCsv(csv, "predictions");
    expect(t.columns).toEqual(["id", "x", "y", "z", "z_pred"]);
    expect(t.rows).toHaveLength(400);
    expect(t.rows[7][0]).toBe("row7");
    let se = 0;
    for (const r of t.rows) se += (Number(r[4]) - Number(r[3])) ** 2;
    expect(Math.sqrt(se / t.rows.length)).toBeLessThan(0.05);
    // The same predictions as the library (bit for bit), from JSON input written to a file.
    const x = Number(t.rows[11][1]);
    const y = Number(t.rows[11][2]);
    expect(Number(t.rows[11][4])).toBe(model.predict([[x, y]])[0][0]);
    writeFileSync(join(work, "new.json"), JSON.stringify([{ y, x }]));
    mlkan("predict", "out/model.json", "--data", "new.json", "--out", "pred.csv");
    const p = parseCsv(readFileSync(join(work, "pred.csv"), "utf8"));
    expect(p.columns).toEqual(["y", "x", "z_pred"]);
    expect(Number(p.rows[0][2])).toBe(model.predict([[x, y]])[0][0]);
  });

  it("keeps the last good checkpoint when training is killed mid-level", async () => {
    writeData("big.csv", 3000);
    const child = spawn(
      "node",
      [
        cli,
        "train",
        "--data",
        "big.csv",
        "--target",
        "z",
        "--inputs",
        "x,y",
        "--grids",
        "4,8",
        "--steps",
        "2,100000",
        "--save",
        "ck.json",
      ],
      { cwd: work, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    await new Promise<void>((done, fail) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("level 1/2")) setTimeout(() => child.kill("SIGKILL"), 300);
      });
      child.on("exit", () => done());
      child.on("error", fail);
    });
    expect(stdout).toMatch(/level 1\/2 +G=4 .* saved ck\.json/);
    const saved = JSON.parse(readFileSync(join(work, "ck.json"), "utf8"));
    expect(saved.training.status).toBe("level 1 of 2 done");
    expect(loadModel(saved).grids).toEqual([4, 4]);
  });

  it("explains bad input", () => {
    writeFileSync(join(work, "bad.csv"), "x,y,z\n1,2,3\n4,oops,6\n");
    writeFileSync(join(work, "nan.csv"), "x,y,z\n1,2,3\n4,NaN,6\n");
    writeFileSync(join(work, "empty.csv"), "x,y,z\n");
    writeFileSync(join(work, "ragged.csv"), "x,y,z\n1,2\n");
    const train = (data: string, ...more: string[]) =>
      failure("train", "--data", data, "--target", "z", "--save", "m.json", "--steps", "1", ...more);
    expect(train("missing.csv")).toMatch(/cannot read data file missing\.csv: no such file/);
    expect(train("bad.csv")).toMatch(/bad\.csv: line 3, column "y": "oops" is not a number/);
    expect(train("nan.csv")).toMatch(/nan\.csv: line 3, column "y": "NaN" is not a finite number/);
    expect(train("empty.csv")).toMatch(/empty\.csv: no data rows/);
    expect(train("ragged.csv")).toMatch(/ragged\.csv: line 2 has 2 fields, but the header has 3 columns/);
    expect(failure("train", "--data", "data.csv", "--target", "w", "--save", "m.json")).toMatch(
      /data\.csv: no target column "w" \(columns: "id", "x", "y", "z"\)/,
    );
    expect(train("data.csv", "--inputs", "x,q")).toMatch(/data\.csv: no column "q"/);
    // "id" is not numeric: the default inputs (every other column) include it.
    expect(train("data.csv")).toMatch(/data\.csv: line 2, column "id": "row0" is not a number/);
    expect(train("data.csv", "--grids", "5,7")).toMatch(/--grids must nest/);
    expect(train("data.csv", "--val", "1")).toMatch(/--val must be a fraction in \[0, 1\), got "1"/);
    expect(failure("train", "--data", "data.csv", "--target", "z")).toMatch(
      /--save is required \(where to save the model\)/,
    );
    expect(failure("predict", "nope.json", "--data", "data.csv")).toMatch(
      /cannot read model file nope\.json: no such file/,
    );
    writeFileSync(join(work, "notmodel.json"), '{"format": "other"}');
    expect(failure("predict", "notmodel.json", "--data", "data.csv")).toMatch(/not an mlkan model/);
    expect(failure("predict", "out/model.json", "--data", "bad.csv")).toMatch(/bad\.csv: line 3, column "y"/);
    writeFileSync(join(work, "noy.csv"), "x\n1\n");
    expect(failure("predict", "out/model.json", "--data", "noy.csv")).toMatch(
      /noy\.csv: no column "y" \(columns: "x"\)/,
    );
  });
});
