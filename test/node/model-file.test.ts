/** Saved model files: streamed writes byte-identical to JSON.stringify, BOM-tolerant reads. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KAN } from "../../src/model/kan.js";
import { MLP } from "../../src/model/mlp.js";
import {
  modelJsonChunks,
  PARAMS_PER_CHUNK,
  readModelFile,
  writeModelFile,
} from "../../src/node/model-file.js";

const work = mkdtempSync(join(tmpdir(), "mlkan-model-file-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("model files", () => {
  it("streams the same bytes as JSON.stringify, in chunks of bounded size", () => {
    const big = new KAN({ width: [3, 60, 2], grid: 500, seed: 1 });
    expect(big.paramCount).toBeGreaterThan(2 * PARAMS_PER_CHUNK);
    big.params[5] = -0;
    big.params[6] = 1e-310;
    for (const [m, extra] of [
      [big, { training: { status: "done", levels: [1, 2] } }],
      [new MLP({ width: [2, 3, 1], seed: 2 }), {}],
      [new MLP({ width: [2, 3, 1], seed: 2 }), { last: big, training: { a: 1 } }],
    ] as const) {
      const chunks = [...modelJsonChunks(m, extra)];
      const plain = Object.fromEntries(
        Object.entries(extra).map(([k, v]) => [k, v instanceof KAN ? v.toJSON() : v]),
      );
      expect(chunks.join("")).toBe(`${JSON.stringify({ ...m.toJSON(), ...plain })}\n`);
      expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(PARAMS_PER_CHUNK * 25);
    }
    big.params[5] = 0; // JSON has no -0: the round trip below compares values with Object.is
    const f = join(work, "big.json");
    writeModelFile(f, big, { training: { x: 1 } });
    const back = readModelFile(f);
    expect(Array.from(back.model.params)).toEqual(Array.from(big.params));
    expect(back.json.training).toEqual({ x: 1 });
    expect(readdirSync(work)).toEqual(["big.json"]);
    expect(() => [...modelJsonChunks(big, { params: 1 })]).toThrow(/extra field "params" is a model field/);
  });

  it("reads a model file that starts with a byte order mark, and names the path on errors", () => {
    const m = new KAN({ width: [2, 1], grid: 3, seed: 4 });
    const f = join(work, "bom.json");
    writeFileSync(f, `\ufeff${JSON.stringify(m.toJSON())}`);
    expect(Array.from(readModelFile(f).model.params)).toEqual(Array.from(m.params));
    writeFileSync(f, "{");
    expect(() => readModelFile(f)).toThrow(/bom\.json: not a saved model \(invalid JSON/);
    expect(() => readModelFile(join(work, "none.json"))).toThrow(
      /cannot read model file .*none\.json: no such file/,
    );
    expect(() => readModelFile(work)).toThrow(/it is a directory/);
  });
});
