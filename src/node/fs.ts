/**
 * File system helpers (Node only): atomic writes (whole, in chunks, or streamed), clean-up of the
 * temporary files of interrupted writes, checks that an output path is writable before any work, and
 * path identity (two names for the same file).
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

function tempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Whether a process with this id is running (a process we may not signal counts as running). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporary files that interrupted atomic writes of `path` left behind
 * (`.<name>.<pid>.<hex>.tmp` beside it) whose writing process is no longer running. Returns the
 * paths removed. Never throws (clean-up is best effort).
 */
export function removeStaleTemps(path: string): string[] {
  const target = resolve(path);
  const dir = dirname(target);
  const prefix = `.${basename(target)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const m = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed.push(join(dir, name));
    } catch {
      // ignore
    }
  }
  return removed;
}

/**
 * Checks, before any work, that `path` can be written atomically: its parent directory exists or can
 * be created, a file can be created in it, and `path` is not a directory. Throws an Error naming
 * `what` (e.g. "--save") and the path. Creates the missing parent directories (as the write would).
 */
export function checkWritable(path: string, what: string): void {
  const target = resolve(path);
  const dir = dirname(target);
  const fail = (why: string): never => {
    throw new Error(`${what} ${path}: cannot write there: ${why}`);
  };
  let isDir = false;
  try {
    isDir = statSync(target).isDirectory();
  } catch (e) {
    // ENOENT is the usual case (a new file); other failures show up when the probe file is created.
    if ((e as NodeJS.ErrnoException).code === "ENOTDIR") fail("a parent of it is a file, not a directory");
  }
  if (isDir) fail("it is a directory");
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(
      code === "ENOTDIR" || code === "EEXIST"
        ? `a parent of it is a file, not a directory`
        : `cannot create directory ${dir}: ${message(e)}`,
    );
  }
  const probe = tempPath(target);
  try {
    closeSync(openSync(probe, "wx"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(code === "EACCES" || code === "EPERM" ? `permission denied in ${dir}` : message(e));
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * A canonical name of a file for identity checks: the real path when the file exists (symbolic links
 * resolved), else the real path of its nearest existing ancestor joined with the rest.
 */
export function canonicalPath(path: string): string {
  let p = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      const parent = dirname(p);
      if (parent === p) return resolve(path);
      rest.push(basename(p));
      p = parent;
    }
  }
}

/** Whether two paths name the same file (after resolving symbolic links and relative parts). */
export function samePath(a: string, b: string): boolean {
  return canonicalPath(a) === canonicalPath(b);
}

/**
 * Throws when two of the named output or input paths are the same file, before any work, e.g.
 * `refuseClashes([["--save", "m.json"], ["--plot", "m.json"]])`. Entries with an undefined path are
 * skipped. The message names both options and the path.
 */
export function refuseClashes(paths: readonly (readonly [string, string | undefined])[]): void {
  const seen: [string, string, string][] = [];
  for (const [what, path] of paths) {
    if (path === undefined) continue;
    const c = canonicalPath(path);
    const clash = seen.find((s) => s[2] === c);
    if (clash)
      throw new Error(
        `${clash[0]} and ${what} name the same file ${JSON.stringify(path)}: one would overwrite the other (choose different paths)`,
      );
    seen.push([what, path, c]);
  }
}

/**
 * A file written in pieces and published atomically: chunks go to a temporary file beside `path`;
 * `commit()` flushes it (fsync) and renames it over `path`; `abort()` removes it. Readers never see a
 * part. Memory stays flat however much is written (nothing is kept).
 */
export class AtomicFileWriter {
  readonly path: string;
  private readonly tmp: string;
  private fd: number | undefined;

  constructor(path: string) {
    this.path = resolve(path);
    const dir = dirname(this.path);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new Error(`writeFileAtomic ${this.path}: cannot create directory ${dir}: ${message(e)}`, {
        cause: e,
      });
    }
    removeStaleTemps(this.path);
    let mode: number | undefined;
    try {
      mode = statSync(this.path).mode & 0o7777;
    } catch {
      mode = undefined;
    }
    this.tmp = tempPath(this.path);
    try {
      this.fd = openSync(this.tmp, "wx", mode ?? 0o666);
    } catch (e) {
      throw new Error(`writeFileAtomic ${this.path}: ${message(e)}`, { cause: e });
    }
  }

  /** Appends a chunk (text as UTF-8). */
  write(chunk: string | Uint8Array): void {
    if (this.fd === undefined) throw new Error(`writeFileAtomic ${this.path}: already closed`);
    try {
      const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (e) {
      this.abort();
      throw new Error(`writeFileAtomic ${this.path}: ${message(e)}`, { cause: e });
    }
  }

  /** Flushes and renames the temporary file over the target. */
  commit(): void {
    if (this.fd === undefined) throw new Error(`writeFileAtomic ${this.path}: already closed`);
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
      renameSync(this.tmp, this.path);
    } catch (e) {
      this.abort();
      throw new Error(`writeFileAtomic ${this.path}: ${message(e)}`, { cause: e });
    }
    syncDir(dirname(this.path));
  }

  /** Removes the temporary file; the target is left as it was. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // ignore
      }
      this.fd = undefined;
    }
    rmSync(this.tmp, { force: true });
  }
}

/** `writeFileAtomicSync` for data given in pieces (e.g. a large model serialised chunk by chunk). */
export function writeChunksAtomicSync(path: string, chunks: Iterable<string | Uint8Array>): void {
  const w = new AtomicFileWriter(path);
  try {
    for (const c of chunks) {
      checkData(w.path, c);
      w.write(c);
    }
  } catch (e) {
    w.abort();
    throw e;
  }
  w.commit();
}

/** Makes a rename in `dir` durable (best effort: not every platform can fsync a directory). */
function syncDir(dir: string): void {
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
  removeStaleTemps(target);
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
  checkData(resolve(path), data);
  writeChunksAtomicSync(path, [data]);
}
