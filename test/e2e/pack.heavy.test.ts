/**
 * Packs the package with `npm pack`, installs the tarball into an empty directory and runs the installed
 * `mlkan` binary there: catches a missing `files` entry, a broken `bin`, or a build that only works in
 * the source tree.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "mlkan-pack-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("npm pack + install", () => {
  it("installs from the tarball and runs `npx mlkan --help` and the core entry", () => {
    run("npm", ["pack", "--pack-destination", work, "--silent"], root);
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    const app = join(work, "app");
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "app", version: "1.0.0", type: "module" }),
    );
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(work, tarball!)], app);
    const help = run("npx", ["--no-install", "mlkan", "--help"], app);
    expect(help).toMatch(/Usage: mlkan/);
    expect(help).toMatch(/demo/);
    // The library entry resolves through the exports map and computes.
    writeFileSync(
      join(app, "check.mjs"),
      `import { uniformKnots, basisCount } from "mlkan";\nconsole.log(basisCount(uniformKnots([0, 1], 5, 4)));\n`,
    );
    expect(run("node", ["check.mjs"], app).trim()).toBe("8");
    // The ONNX export entry resolves too (with its protobufjs dependency) and writes a model.
    writeFileSync(
      join(app, "onnx.mjs"),
      `import { KAN } from "mlkan";\nimport { exportOnnx } from "mlkan/export";\nconsole.log(exportOnnx(new KAN({ width: [2, 1] })).length > 500);\n`,
    );
    expect(run("node", ["onnx.mjs"], app).trim()).toBe("true");
  });
});
