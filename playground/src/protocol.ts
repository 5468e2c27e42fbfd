/** Messages between the page and the training worker. */
import type { ModelJSON } from "../../src/index.js";
import type { RunConfig } from "./presets.js";

/** Page to worker: start a run (replacing any), stop it (keeping its state), resume it. */
export type ToWorker = { type: "start"; config: RunConfig } | { type: "stop" } | { type: "resume" };

/** A model snapshot: the saved form, its grid and the held-out error in the target's units. */
export interface Snapshot {
  model: ModelJSON;
  grid: number;
  testRmse: number;
}

/** Worker to page: losses, level changes, model snapshots, run state, errors. */
export type FromWorker =
  /** Losses of the steps since the last message (global step numbers first + i). */
  | { type: "losses"; first: number; losses: number[] }
  /** A level began at global step `step` (0 for the first), on grid `grid`, with this loss. */
  | {
      type: "level";
      level: number;
      levels: number;
      grid: number;
      step: number;
      /** Training loss at the start of the level. */
      loss: number;
      /** Training loss of the previous level's final model, before the refinement (levels after the first). */
      before?: number;
    }
  | { type: "snapshot"; snapshot: Snapshot; level: number; step: number }
  | { type: "state"; state: "running" | "stopped" | "done" }
  | { type: "error"; message: string };
