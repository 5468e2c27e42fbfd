import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { collectEnv } from "../../src/node/env.js";
import { safeFileStem, writeReport } from "../../src/node/write.js";
import { parseResult, validateResult } from "../../src/report/result.js";
import { makeResult } from "../report/fixtures.js";
import { checkWellFormed } from "../report/xml.js";

const root = mkdtempSync(join(tmpdir(), "mlkan-report-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("writeReport", () => {
  it("writes markdown, JSON, CSVs and the history plots as SVG and PNG", async () => {
    const dir = join(root, "out");
    const paths = await writeReport(dir, makeResult(), { markdown: { paper: [1.65e-3, null] } });
    expect(readdirSync(dir).sort()).toEqual([
      "regression-history.csv",
      "regression-loss.png",
      "regression-loss.svg",
      "regression-testMse.png",
      "regression-testMse.svg",
      "regression.csv",
      "regression.json",
      "regression.md",
    ]);
    expect(paths.svg.map((p) => basename(p))).toEqual(["regression-loss.svg", "regression-testMse.svg"]);
    expect(paths.png.map((p) => basename(p))).toEqual(["regression-loss.png", "regression-testMse.png"]);
    expect(paths.warnings).toEqual([]);
    const back = parseResult(readFileSync(paths.json, "utf8"));
    expect(back.rows.length).toBe(2);
    const md = readFileSync(paths.markdown, "utf8");
    expect(md).toMatch(/\| +paper \|/);
    expect(md).toContain("![regression-loss.svg](regression-loss.svg)");
    expect(readFileSync(paths.csv, "utf8").split("\r\n")[0]).toMatch(
      /^model,basis,fidelity,params,wallSeconds,/,
    );
    expect(readFileSync(paths.historyCsv!, "utf8").split("\r\n").length).toBe(1 + 120 + 1);
    checkWellFormed(readFileSync(paths.svg[0], "utf8"));
    expect([...readFileSync(paths.png[0]).subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe(
      "PNG",
    );
  });

  it("writes given plots under a given name, without PNG when asked", async () => {
    const dir = join(root, "named");
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>';
    const paths = await writeReport(dir, makeResult(), {
      name: "table 2/quick",
      plots: { "u error": svg },
      png: false,
    });
    expect(readdirSync(dir).sort()).toEqual([
      "table-2-quick-history.csv",
      "table-2-quick-u-error.svg",
      "table-2-quick.csv",
      "table-2-quick.json",
      "table-2-quick.md",
    ]);
    expect(paths.png).toEqual([]);
  });

  it("validates the result first and writes nothing when it is malformed", async () => {
    const dir = join(root, "bad");
    const bad = makeResult() as unknown as { rows: { params: unknown }[] };
    bad.rows[0].params = "many";
    await expect(writeReport(dir, bad as never)).rejects.toThrow(/result\.rows\[0\]\.params/);
    expect(existsSync(dir)).toBe(false);
  });

  it("rejects plots that are not SVG", async () => {
    await expect(writeReport(join(root, "x"), makeResult(), { plots: { a: "png?" } })).rejects.toThrow(
      /plots\["a"\]/,
    );
  });

  it("makes safe file stems", () => {
    expect(safeFileStem("Allen-Cahn (Fig. 7)")).toBe("Allen-Cahn-Fig.-7");
    expect(safeFileStem("../..")).toBe("result");
    expect(safeFileStem("")).toBe("result");
  });
});

describe("collectEnv", () => {
  it("describes the machine and passes the result validator", () => {
    const env = collectEnv(new Date("2026-02-03T04:05:06Z"));
    expect(env.node).toBe(process.version);
    expect(env.cores).toBeGreaterThanOrEqual(1);
    expect(env.cpu.length).toBeGreaterThan(0);
    expect(env.date).toBe("2026-02-03T04:05:06.000Z");
    expect(env.platform).toContain(process.platform);
    expect(validateResult({ ...makeResult(), env }).env).toEqual(env);
  });
});
