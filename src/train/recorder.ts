/**
 * The history bookkeeping of a training run (used by `fit` and `trainMultilevel`): one record per step
 * (global step number, loss, wall seconds, evaluations, metrics), level records, and the problem's
 * metrics evaluated on demand. The trainer decides when to push, fill and pop records; this class keeps
 * the arrays of `TrainingHistory` aligned (every metric array as long as `step`).
 */
import type { Network } from "../model/network.js";
import type { Problem } from "../problems/problem.js";
import { emptyHistory, type LevelRecord, type TrainingHistory } from "./history.js";

/** Records the history of one run. Times are wall seconds since the recorder was created. */
export class HistoryRecorder {
  /** The history being filled (returned in `TrainResult.history`). */
  readonly history: TrainingHistory = emptyHistory();
  /** Loss-and-gradient evaluations of each record (aliased as `history.evaluations`). */
  readonly evalCounts: number[] = [];
  /** Metrics of the last `recordMetrics` call. */
  lastMetrics: Record<string, number> = {};
  private readonly t0 = performance.now();
  private metricsMs = 0;

  constructor(private readonly problem: Problem) {
    this.history.evaluations = this.evalCounts;
  }

  /** Wall seconds since the start of the run. */
  elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** Wall seconds spent evaluating metrics so far. */
  get metricsSeconds(): number {
    return this.metricsMs / 1000;
  }

  /** Number of step records. */
  get length(): number {
    return this.history.step.length;
  }

  /** Opens a level record (null for a model without spline layers, which has no grid). */
  beginLevel(grid: number | number[] | null, params: number): LevelRecord | null {
    if (grid === null) return null;
    const record: LevelRecord = { grid, startStep: this.length, params, steps: 0 };
    this.history.levels.push(record);
    return record;
  }

  /** Appends a record for global step `step` (loss and metrics NaN until known); returns its index. */
  push(step: number, evaluations: number): number {
    const h = this.history;
    h.step.push(step);
    h.loss.push(Number.NaN);
    h.wallSeconds.push(this.elapsed());
    this.evalCounts.push(evaluations);
    for (const k of Object.keys(h.metrics)) h.metrics[k].push(Number.NaN);
    return h.step.length - 1;
  }

  /** Removes the last record (a step whose loss turned out non-finite). */
  pop(): void {
    const h = this.history;
    h.step.pop();
    h.loss.pop();
    h.wallSeconds.pop();
    this.evalCounts.pop();
    for (const k of Object.keys(h.metrics)) h.metrics[k].pop();
  }

  /** Evaluates the problem's metrics of `model`, storing them at record `index` (none when < 0). */
  recordMetrics(model: Network, index: number): Record<string, number> {
    const t = performance.now();
    const m = this.problem.metrics(model);
    this.metricsMs += performance.now() - t;
    this.lastMetrics = m;
    if (index < 0) return m;
    const h = this.history;
    for (const [k, v] of Object.entries(m)) {
      let arr = h.metrics[k];
      if (!arr) {
        arr = new Array<number>(h.step.length).fill(Number.NaN);
        h.metrics[k] = arr;
      }
      arr[index] = v;
    }
    return m;
  }
}
