/**
 * Worker thread of `runPinnPlanInWorkers` (pinn-parallel.ts): rebuilds the experiment's plan from its name
 * and settings, then trains the runs it is sent, one at a time on this thread, and posts back each run's
 * record (or the error that stopped it) and, at most every 100 ms, its progress.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type PinnExperimentName, pinnPlan } from "../experiments/pinn-plans.js";
import { type PinnJob, runPinnJob } from "../experiments/pinn-runner.js";
import type { TrainProgress } from "../train/trainer.js";
import type { PinnWorkerReply } from "./pinn-parallel.js";

const { name, settings } = workerData as { name: PinnExperimentName; settings: never };
const port = parentPort;
if (port === null) throw new Error("pinn-worker.js must run in a worker thread");
const plan = pinnPlan(name, settings);
const post = (m: PinnWorkerReply) => port.postMessage(m);

port.on("message", (job: PinnJob) => {
  let last = Number.NEGATIVE_INFINITY;
  const onProgress = (progress: TrainProgress) => {
    const t = performance.now();
    if (t - last < 100 && progress.step !== progress.totalSteps) return;
    last = t;
    post({ type: "progress", job, progress });
  };
  try {
    post({ type: "done", job, record: runPinnJob(plan, job, onProgress) });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: "error", job, message: err.message, stack: err.stack ?? "" });
  }
});
