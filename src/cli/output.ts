/**
 * The CLI's standard output and error streams when their reader goes away (`mlkan predict ... | head
 * -1`): a closed pipe (EPIPE) must end a command quietly, not with an unhandled 'error' event. After
 * `installPipeGuard()`, an EPIPE marks the stream closed and later writes to it are dropped; commands
 * that stream their result to stdout call `flushOut()` between pieces and stop (with `PipeClosed`,
 * which `main` treats as a quiet, successful end) once nobody reads.
 */

/** Thrown by `flushOut` when stdout's reader has gone; the command ends quietly with status 0. */
export class PipeClosed extends Error {
  constructor() {
    super("standard output was closed by its reader");
    this.name = "PipeClosed";
  }
}

const closed = new Set<NodeJS.WriteStream>();
let installed = false;

/** Handles EPIPE on stdout and stderr (once): the stream is marked closed, nothing is thrown. */
export function installPipeGuard(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE" || closed.has(stream)) {
        closed.add(stream);
        return;
      }
      throw e;
    });
  }
}

/** Whether stdout's reader has gone. */
export function stdoutClosed(): boolean {
  return closed.has(process.stdout);
}

/** Writes to stdout unless its reader has gone (then drops the text). */
export function out(text: string): void {
  if (!closed.has(process.stdout)) process.stdout.write(text);
}

/** Writes to stderr unless its reader has gone. */
export function err(text: string): void {
  if (!closed.has(process.stderr)) process.stderr.write(text);
}

/**
 * Writes a piece of a streamed result to stdout and waits until it is handed over (or the pipe has
 * room again), so memory stays flat and a closed pipe is noticed; throws `PipeClosed` once it is.
 */
export async function flushOut(text: string): Promise<void> {
  if (closed.has(process.stdout)) throw new PipeClosed();
  const ok = process.stdout.write(text);
  await new Promise<void>((resolve) => {
    if (ok) setImmediate(resolve);
    else {
      const done = () => {
        process.stdout.off("drain", done);
        process.stdout.off("error", done);
        resolve();
      };
      process.stdout.once("drain", done);
      process.stdout.once("error", done);
    }
  });
  if (closed.has(process.stdout)) throw new PipeClosed();
}
