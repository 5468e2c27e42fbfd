import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileAtomic, writeFileAtomicSync } from "../../src/node/fs.js";

const root = mkdtempSync(join(tmpdir(), "mlkan-fs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function freshDir(): string {
  const d = join(root, `case${n++}`);
  mkdirSync(d);
  return d;
}

for (const [name, write] of [
  ["writeFileAtomic", writeFileAtomic],
  ["writeFileAtomicSync", async (p: string, d: string | Uint8Array) => writeFileAtomicSync(p, d)],
] as const) {
  describe(name, () => {
    it("writes a new file, creating parent directories, and leaves no temp file", async () => {
      const dir = freshDir();
      const target = join(dir, "a", "b", "out.txt");
      await write(target, "hello\n");
      expect(readFileSync(target, "utf8")).toBe("hello\n");
      expect(readdirSync(join(dir, "a", "b"))).toEqual(["out.txt"]);
    });

    it("overwrites an existing file, keeping its mode, and writes bytes", async () => {
      const dir = freshDir();
      const target = join(dir, "out.bin");
      writeFileSync(target, "old contents that are longer", { mode: 0o640 });
      await write(target, new Uint8Array([1, 2, 3]));
      expect([...readFileSync(target)]).toEqual([1, 2, 3]);
      expect(statSync(target).mode & 0o777).toBe(0o640);
      expect(readdirSync(dir)).toEqual(["out.bin"]);
    });

    it("fails clearly when a parent is a file, leaving that file intact", async () => {
      const dir = freshDir();
      const file = join(dir, "file.txt");
      writeFileSync(file, "keep me");
      await expect(write(join(file, "child.txt"), "x")).rejects.toThrow(
        /writeFileAtomic .*child\.txt: cannot create directory/,
      );
      expect(readFileSync(file, "utf8")).toBe("keep me");
      expect(readdirSync(dir)).toEqual(["file.txt"]);
    });

    it("fails clearly when the target cannot be replaced, removing its temp file", async () => {
      const dir = freshDir();
      const target = join(dir, "target");
      mkdirSync(target);
      writeFileSync(join(target, "inside.txt"), "still here");
      await expect(write(target, "data")).rejects.toThrow(/writeFileAtomic .*target: /);
      expect(readFileSync(join(target, "inside.txt"), "utf8")).toBe("still here");
      expect(readdirSync(dir)).toEqual(["target"]);
    });

    it("rejects data that is neither a string nor bytes, before touching the disk", async () => {
      const dir = freshDir();
      const target = join(dir, "t.txt");
      writeFileSync(target, "old");
      await expect(write(target, 42 as unknown as string)).rejects.toThrow(
        /data must be a string or a Uint8Array/,
      );
      expect(readFileSync(target, "utf8")).toBe("old");
      expect(readdirSync(dir)).toEqual(["t.txt"]);
    });
  });
}

describe("writeFileAtomic under concurrency", () => {
  it("leaves one complete version when writers race", async () => {
    const dir = freshDir();
    const target = join(dir, "race.txt");
    const versions = Array.from({ length: 8 }, (_, i) => `${String(i).repeat(50_000)}\n`);
    await Promise.all(versions.map((v) => writeFileAtomic(target, v)));
    expect(versions).toContain(readFileSync(target, "utf8"));
    expect(readdirSync(dir)).toEqual(["race.txt"]);
  });
});
