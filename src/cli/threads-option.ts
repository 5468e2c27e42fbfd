/**
 * The `--threads` option of the training commands: how many threads compute each gradient (the batch's
 * reduction slots split over a worker pool, src/node/threads.ts). Any count gives the same bits; the pool
 * declines batches too small to gain, so the default is every available core (at most 8).
 */

import { defaultThreads, useThreads } from "../node/threads.js";
import { positiveInt } from "./args.js";

/** The commander flags of the shared `--threads` option. */
export const THREADS_FLAGS = "--threads <n>";
/** The help text of the shared `--threads` option. */
export const THREADS_HELP =
  "threads per gradient (1: no workers; default: the available cores, at most 8); results are identical for any count";

/** The thread count of `--threads` (undefined: the default), or an error naming the bad value. */
export function parseThreads(v: string | undefined): number {
  if (v === undefined) return defaultThreads();
  return positiveInt("--threads", v);
}

/** Runs `fn` with every network using `threads` threads, and stops the workers afterwards. */
export async function withThreads<T>(threads: number, fn: () => Promise<T>): Promise<T> {
  useThreads(threads);
  try {
    return await fn();
  } finally {
    useThreads(1);
  }
}
