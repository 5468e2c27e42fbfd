/** The built CLI end to end (dist/ is built by `npm test` before the suite runs). */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "dist/cli/main.js");
const work = mkdtempSync(join(tmpdir(), "mlkan-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function mlkan(...args: string[]): string {
  return execFileSync("node", [cli, ...args], { cwd: work, encoding: "utf8" });
}

describe("mlkan CLI", () => {
  it("demo prints the exactness table with tiny deviations", () => {
    const out = mlkan("demo");
    const rows = out
      .split("\n")
      .filter((l) => l.startsWith("| dyadic") || l.startsWith("| refinement") || l.startsWith("| knot"));
    expect(rows.length).toBe(5);
    for (const row of rows) {
      const cells = row.split("|").map((c) => c.trim());
      expect(Number(cells[4])).toBeLessThan(1e-13);
      expect(Number(cells[5])).toBeLessThan(1e-13);
    }
  });

  it("bench runs on the tiny config and writes the documented JSON", () => {
    const file = join(work, "bench.json");
    const out = mlkan("bench", "--configs", "tiny", "--seconds", "0.1", "--threads", "1", "--json", file);
    expect(out).toMatch(/\[2,3,1\] G=4/);
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect(json.env.node).toBe(process.version);
    expect(json.env.threads).toEqual([1]);
    expect(json.rows.map((r: { impl: string }) => r.impl)).toEqual(["kan", "kan-pinn", "kan-free", "mlp"]);
    expect(json.rows[1].pinnOverPlain).toBeGreaterThan(1);
    expect(json.rows[2].freeOverFixed).toBeGreaterThan(0);
    expect(json.rows[2].params).toBeGreaterThan(json.rows[0].params); // the knot logits
    for (const row of json.rows) {
      for (const key of [
        "config",
        "batch",
        "impl",
        "threads",
        "medianMs",
        "minMs",
        "p90Ms",
        "steps",
        "params",
      ]) {
        expect(row).toHaveProperty(key);
      }
      expect(row.medianMs).toBeGreaterThan(0);
      expect(row.minMs).toBeLessThanOrEqual(row.medianMs);
      expect(row.p90Ms).toBeGreaterThanOrEqual(row.medianMs);
    }
  });

  it("reproduce free-knots --quick writes the table, the JSON and the knot plots", () => {
    const out = mlkan("reproduce", "free-knots", "--quick", "--problems", "sharp", "--out", "fk", "--no-png");
    expect(out).toMatch(/free knots, multilevel G=5,10,20/);
    const json = JSON.parse(readFileSync(join(work, "fk", "free-knots.json"), "utf8"));
    expect(json.rows.length).toBe(8);
    // Equal parameter counts: each free row has the parameters of its fixed twin.
    for (let i = 0; i < 8; i += 2) expect(json.rows[i + 1].params).toBe(json.rows[i].params);
    expect(readFileSync(join(work, "fk", "free-knots-sharp-knots.svg"), "utf8")).toMatch(/<svg/);
  });

  it("rejects bad arguments with a clear message", () => {
    expect(() => mlkan("bench", "--configs", "[9,9] G=1")).toThrow(/unknown benchmark config/);
    expect(() => mlkan("bench", "--threads", "0")).toThrow(/--threads must be a positive integer, got "0"/);
  });
});

describe("mlkan plot", () => {
  it("draws a saved model over CSV data as SVG and PNG, and needs --data", () => {
    const model = join(work, "net.json");
    const data = join(work, "pts.csv");
    execFileSync(
      "node",
      [
        "--input-type=module",
        "-e",
        `import { KAN } from ${JSON.stringify(join(root, "dist/index.js"))};
         import { writeFileSync } from "node:fs";
         writeFileSync(${JSON.stringify(model)}, JSON.stringify(new KAN({ width: [2, 3, 1], grid: 5, seed: 1 }).toJSON()));
         const rows = ["a,b"]; for (let i = 0; i < 30; i++) rows.push(((i % 7) / 3.5 - 1) + "," + ((i % 5) / 2.5 - 1));
         writeFileSync(${JSON.stringify(data)}, rows.join("\\n") + "\\n");`,
      ],
      { encoding: "utf8" },
    );
    const out = mlkan("plot", model, "--data", data, "--inputs", "a,b", "--out", join(work, "net.svg"));
    expect(out).toMatch(/wrote .*net\.svg/);
    const svg = readFileSync(join(work, "net.svg"), "utf8");
    expect(svg).toContain(">a</text>");
    mlkan("plot", model, "--data", data, "--inputs", "a,b", "--out", join(work, "net.png"));
    expect(readFileSync(join(work, "net.png")).subarray(1, 4).toString()).toBe("PNG");
    expect(() => mlkan("plot", model)).toThrow(/mlkan plot needs samples: pass --data FILE/);
  });
});
