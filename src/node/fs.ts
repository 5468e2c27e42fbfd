/** File system helpers (Node only). */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

function tempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function checkData(path: string, data: unknown): void {
  if (typeof data !== "string" && !(data instanceof Uint8Array))
    throw new Error(`writeFileAtomic ${path}: data must be a string or a Uint8Array, got ${typeof data}`);
}

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one, never a part:
 * writes a temporary file in the same directory, flushes it to disk (fsync) and renames it over the
 * target. Creates missing parent directories; keeps the mode of an existing target. On failure the
 * temporary file is removed, an existing target is left as it was, and the error names the path.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = resolve(path);
  checkData(target, data);
  const dir = dirname(target);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new Error(`writeFileAtomic ${target}: cannot create directory ${dir}: ${message(e)}`, { cause: e });
  }
  let mode: number | undefined;
  try {
    mode = (await stat(target)).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  const tmp = tempPath(target);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(tmp, "wx", mode ?? 0o666);
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, target);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`writeFileAtomic ${target}: ${message(e)}`, { cause: e });
  }
  // Make the rename itself durable (best effort: not every platform can fsync a directory).
  try {
    const d = await open(dir, "r");
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // ignore
  }
}

/** Synchronous `writeFileAtomic`, for exit handlers and other places that cannot await. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const target = resolve(path);
  checkData(target, data);
  const dir = dirname(target);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(`writeFileAtomic ${target}: cannot create directory ${dir}: ${message(e)}`, { cause: e });
  }
  let mode: number | undefined;
  try {
    mode = statSync(target).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  const tmp = tempPath(target);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx", mode ?? 0o666);
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // ignore
      }
    }
    rmSync(tmp, { force: true });
    throw new Error(`writeFileAtomic ${target}: ${message(e)}`, { cause: e });
  }
  try {
    const d = openSync(dir, "r");
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    // ignore
  }
}
