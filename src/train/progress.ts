/**
 * A single updating progress line for long runs (DESIGN.md section 4): on a terminal it rewrites one
 * line (`label  level 2/4 G=10  step 40/60  loss 1.23e-4  12.3 s`), elsewhere it writes nothing, so
 * logs and pipes stay clean. Browser-safe: the stream is passed in (e.g. `process.stderr`).
 */
import { fmt } from "../util/format.js";
import type { TrainProgress } from "./trainer.js";

/** The part of a writable stream the reporter needs (`process.stderr` fits). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressReporter {
  /** Pass as `onProgress` to `fit` / `trainMultilevel`. */
  readonly onProgress: (p: TrainProgress) => void;
  /** Text in front of the progress (e.g. the row and seed of an experiment). */
  setLabel(label: string): void;
  /** Clears the line (call before printing anything else, and at the end). */
  clear(): void;
  /** Whether anything is shown at all (a terminal). */
  readonly active: boolean;
}

export interface ProgressOptions {
  /** Minimum milliseconds between redraws (default 100). */
  intervalMs?: number;
  /** Show even when the stream is not a terminal (default false). */
  force?: boolean;
  /** Clock in milliseconds (default `performance.now`); for tests. */
  now?: () => number;
}

/** The text of one progress line. */
export function progressText(label: string, p: TrainProgress): string {
  const parts: string[] = [];
  if (label) parts.push(label);
  if (p.levels > 1) {
    const g = p.grid === null ? "" : ` G=${typeof p.grid === "number" ? p.grid : p.grid.join(",")}`;
    parts.push(`level ${p.level + 1}/${p.levels}${g}`);
  }
  parts.push(`step ${p.step}/${p.totalSteps}`, `loss ${fmt(p.loss)}`, `${p.elapsed.toFixed(1)} s`);
  return parts.join("  ");
}

/** A progress line on `stream` when it is a terminal; otherwise a reporter that does nothing. */
export function progressReporter(stream: ProgressStream, options: ProgressOptions = {}): ProgressReporter {
  const active = options.force === true || stream.isTTY === true;
  const interval = options.intervalMs ?? 100;
  const now = options.now ?? (() => performance.now());
  let label = "";
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    active,
    setLabel(l: string) {
      label = l;
      last = Number.NEGATIVE_INFINITY;
    },
    onProgress(p: TrainProgress) {
      if (!active) return;
      const t = now();
      const final = p.step === p.totalSteps;
      if (!final && t - last < interval) return;
      last = t;
      let text = progressText(label, p);
      const width = stream.columns && stream.columns > 10 ? stream.columns - 1 : 0;
      if (width > 0 && text.length > width) text = text.slice(0, width);
      stream.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    clear() {
      if (!active || !shown) return;
      stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}
