/**
 * The runs of a paper PINN experiment (rows x seeds) spread over worker threads (Node only). With `threads`
 * workers, each trains one run at a time with one thread per gradient; runs start longest first
 * (`pinnJobOrder`). A run is the same computation wherever it runs (its own fresh problem, and one thread
 * gives the same bits as any count), so the output equals `runPinnPlan`'s except for the measured seconds.
 * No thread waits at the end of every gradient or through the optimizer step, but runs side by side slow
 * each other down: on 2 cores the Allen-Cahn rows took as long as one after another on two threads each
 * (README), so this serves many seeds on many cores.
 */
import { Worker } from "node:worker_threads";
import { type PinnExperimentName, type PinnExperimentSettings, pinnPlan } from "../experiments/pinn-plans.js";
import {
  assemblePinnOutput,
  checkPinnPlan,
  type PinnExperimentOutput,
  type PinnJob,
  type PinnRunOptions,
  type PinnRunRecord,
  pinnJobOrder,
  pinnJobs,
} from "../experiments/pinn-runner.js";
import type { TrainProgress } from "../train/trainer.js";

/** A message from a PINN worker: progress of a run, its record, or the error that stopped it. */
export type PinnWorkerReply =
  | { type: "progress"; job: PinnJob; progress: TrainProgress }
  | { type: "done"; job: PinnJob; record: PinnRunRecord }
  | { type: "error"; job: PinnJob; message: string; stack: string };

/**
 * Runs every row for every seed of experiment `name` on `threads` worker threads (at most one per run) and
 * assembles the output as `runPinnPlan` does (the runs in `options.completed` are not trained again).
 * `onRun` is called as each run starts; `onProgress` gets the
 * progress of the run started last among those still going (throttled to about 10 per second).
 */
export async function runPinnPlanInWorkers<K extends PinnExperimentName>(
  name: K,
  settings: PinnExperimentSettings[K],
  threads: number,
  options: PinnRunOptions = {},
): Promise<PinnExperimentOutput> {
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`threads must be a positive integer, got ${JSON.stringify(threads)}`);
  const plan = pinnPlan(name, settings);
  checkPinnPlan(plan);
  const t0 = performance.now();
  const jobs = pinnJobs(plan);
  const slot = (j: PinnJob) => j.seedIndex * plan.rows.length + j.rowIndex;
  const queue = pinnJobOrder(plan).filter((j) => !options.completed?.has(slot(j)));
  const records: (PinnRunRecord | undefined)[] = jobs.map((_, k) => options.completed?.get(k));
  const workers: Worker[] = [];
  const running: PinnJob[] = [];
  let started = 0;
  let finished = jobs.length - queue.length;
  const announce = (job: PinnJob) => {
    const row = plan.rows[job.rowIndex];
    const seed = plan.seeds[job.seedIndex];
    options.onRun?.({ key: row.key, row: row.describe, seed, index: slot(job), total: jobs.length });
  };
  try {
    if (queue.length > 0)
      await new Promise<void>((resolve, reject) => {
        let failed = false;
        const fail = (e: Error) => {
          if (failed) return;
          failed = true;
          reject(e);
        };
        const next = (w: Worker): boolean => {
          if (started >= queue.length) return false;
          const job = queue[started++];
          running.push(job);
          announce(job);
          w.postMessage(job);
          return true;
        };
        const count = Math.min(threads, queue.length);
        for (let i = 0; i < count; i++) {
          const w = new Worker(new URL("./pinn-worker.js", import.meta.url), {
            workerData: { name, settings },
          });
          workers.push(w);
          w.on("error", (e) => fail(e));
          w.on("exit", (code) => {
            if (finished < jobs.length)
              fail(new Error(`${plan.experiment}: a worker thread exited with code ${code}`));
          });
          w.on("message", (m: PinnWorkerReply) => {
            if (failed) return;
            if (m.type === "progress") {
              const last = running[running.length - 1];
              if (last !== undefined && slot(last) === slot(m.job)) options.onProgress?.(m.progress);
              return;
            }
            if (m.type === "error") {
              const row = plan.rows[m.job.rowIndex];
              const e = new Error(
                `${plan.experiment} ${row.key} seed ${plan.seeds[m.job.seedIndex]}: ${m.message}`,
              );
              e.stack = m.stack;
              fail(e);
              return;
            }
            records[slot(m.job)] = m.record;
            const at = running.findIndex((j) => slot(j) === slot(m.job));
            if (at >= 0) running.splice(at, 1);
            const row = plan.rows[m.job.rowIndex];
            options.onRunDone?.({ key: row.key, seed: plan.seeds[m.job.seedIndex], record: m.record });
            finished++;
            if (finished === jobs.length) {
              resolve();
              return;
            }
            // The progress line follows the run started last; with none left to start, one still going.
            const shown = running[running.length - 1];
            if (!next(w) && shown !== undefined) announce(shown);
          });
          next(w);
        }
      });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const done = records.map((r, k) => {
    if (r === undefined) throw new Error(`${plan.experiment}: run ${k} returned no record`);
    return r;
  });
  return assemblePinnOutput(plan, done, (performance.now() - t0) / 1000, options);
}
