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

describe("reliability helpers (issue 12)", () => {
  it("removes the temp files of interrupted writes whose process is gone, keeping live ones", async () => {
    const { removeStaleTemps } = await import("../../src/node/fs.js");
    const dir = freshDir();
    const target = join(dir, "m.json");
    writeFileSync(target, "{}");
    // pid 2^22 + 12345 is above Linux's default pid_max: no such process.
    const dead = join(dir, `.m.json.${2 ** 22 + 12345}.0123456789ab.tmp`);
    const live = join(dir, `.m.json.${process.pid}.0123456789ab.tmp`);
    const other = join(dir, ".other.json.99999999.0123456789ab.tmp");
    for (const f of [dead, live, other]) writeFileSync(f, "partial");
    writeFileAtomicSync(target, '{"a":1}');
    expect(readdirSync(dir).sort()).toEqual(
      [`.m.json.${process.pid}.0123456789ab.tmp`, ".other.json.99999999.0123456789ab.tmp", "m.json"].sort(),
    );
    expect(removeStaleTemps(target)).toEqual([]);
  });

  it("checkWritable fails before any work for a parent that is a file, a directory target, or no permission", async () => {
    const { checkWritable } = await import("../../src/node/fs.js");
    const dir = freshDir();
    writeFileSync(join(dir, "file"), "x");
    expect(() => checkWritable(join(dir, "file", "m.json"), "--save")).toThrow(
      /--save .*file\/m.json: cannot write there: a parent of it is a file/,
    );
    expect(() => checkWritable(dir, "--save")).toThrow(/cannot write there: it is a directory/);
    checkWritable(join(dir, "new", "m.json"), "--save");
    expect(readdirSync(join(dir, "new"))).toEqual([]);
    if (process.getuid?.() !== 0) {
      mkdirSync(join(dir, "ro"), { mode: 0o500 });
      expect(() => checkWritable(join(dir, "ro", "m.json"), "--save")).toThrow(/permission denied/);
    }
  });

  it("samePath and refuseClashes see through relative parts and symbolic links", async () => {
    const { refuseClashes, samePath } = await import("../../src/node/fs.js");
    const { symlinkSync } = await import("node:fs");
    const dir = freshDir();
    writeFileSync(join(dir, "a.json"), "{}");
    symlinkSync(join(dir, "a.json"), join(dir, "link.json"));
    expect(samePath(join(dir, "a.json"), join(dir, "sub", "..", "a.json"))).toBe(true);
    expect(samePath(join(dir, "a.json"), join(dir, "link.json"))).toBe(true);
    expect(samePath(join(dir, "a.json"), join(dir, "b.json"))).toBe(false);
    expect(() =>
      refuseClashes([
        ["--save", join(dir, "a.json")],
        ["--plot", undefined],
        ["--data", join(dir, "link.json")],
      ]),
    ).toThrow(/--save and --data name the same file/);
  });

  it("AtomicFileWriter streams chunks and publishes only on commit", async () => {
    const { AtomicFileWriter } = await import("../../src/node/fs.js");
    const dir = freshDir();
    const target = join(dir, "out.csv");
    writeFileSync(target, "old");
    const w = new AtomicFileWriter(target);
    w.write("a,b\n");
    w.write(new Uint8Array([49, 44, 50, 10]));
    expect(readFileSync(target, "utf8")).toBe("old");
    w.commit();
    expect(readFileSync(target, "utf8")).toBe("a,b\n1,2\n");
    const w2 = new AtomicFileWriter(target);
    w2.write("partial");
    w2.abort();
    expect(readFileSync(target, "utf8")).toBe("a,b\n1,2\n");
    expect(readdirSync(dir)).toEqual(["out.csv"]);
  });
});
