/**
 * Runs that share their start, read from one another instead of trained twice. Training is deterministic,
 * so the first n steps of a longer run are, bit for bit, a run of n steps from the same start with the same
 * optimizer (one whose rates do not depend on the planned step count), and a multilevel run's later levels
 * can continue from such a result (`trainMultilevel` with `startLevel`, given the problem's state at that
 * step). The paper's PINN tables use this for rows that are prefixes of others (e.g. Allen-Cahn's fine
 * row is the first 2500 steps of its fine-long row); the numbers are those of separate runs.
 *
 * - `prefixResult`: the result of the first `point.step` steps of a finished `fit` run, from the run and
 *   the model kept at that step (`onMetrics`, so the step must be a multiple of `metricsEvery`).
 * - `joinResults`: a run made of a first part (whole levels) and its continuation.
 */
import type { Network } from "../model/network.js";
import type { TrainingHistory } from "./history.js";
import { completedMessage } from "./options.js";
import type { MetricsPoint, TrainResult } from "./trainer.js";

/** The part of an `onMetrics` point a prefix needs (copied when the point was reported). */
export type PrefixPoint = Pick<
  MetricsPoint,
  "step" | "metrics" | "evaluations" | "elapsed" | "metricsSeconds"
>;

/**
 * The result `fit` returns for `point.step` steps, read from `full`, a longer `fit` run from the same start
 * (one level at most, first step 1) that went past that step, and `model`, a copy of its model at that step.
 * The evaluations include the one a run makes at its end; the seconds are those the long run had spent.
 */
export function prefixResult<M extends Network>(
  full: TrainResult<Network>,
  point: PrefixPoint,
  model: M,
): TrainResult<M> {
  const h = full.history;
  const n = point.step;
  if (!Number.isInteger(n) || n < 1 || h.step[0] !== 1 || h.step[n - 1] !== n || h.step.length <= n)
    throw new Error(
      `prefixResult: the run must have gone past step ${n} (it has ${h.step.length} records from step ${h.step[0]})`,
    );
  if (h.levels.length > 1)
    throw new Error(`prefixResult: the run has ${h.levels.length} levels; a fit run has one`);
  const loss = h.loss[n - 1];
  if (!Number.isFinite(loss)) throw new Error(`prefixResult: the loss at step ${n} is ${loss}`);
  const history: TrainingHistory = {
    step: h.step.slice(0, n),
    loss: h.loss.slice(0, n),
    metrics: Object.fromEntries(Object.entries(h.metrics).map(([k, v]) => [k, v.slice(0, n)])),
    wallSeconds: h.wallSeconds.slice(0, n),
    levels: h.levels.map((l) => ({ ...l, steps: n, finalLoss: loss })),
  };
  if (h.evaluations) history.evaluations = h.evaluations.slice(0, n);
  const evaluations = point.evaluations + 1;
  return {
    model,
    history,
    status: "completed",
    message: completedMessage(n, 1, evaluations, point.elapsed, loss),
    metrics: { ...point.metrics },
    evaluations,
    seconds: point.elapsed,
    metricsSeconds: point.metricsSeconds,
  };
}

/**
 * One run from `first` (whole levels, e.g. a `prefixResult`) and `rest`, the run that continued it
 * (`trainMultilevel` with `startLevel` = the levels of `first`, so its steps are already counted from the
 * start): histories joined (wall seconds of `rest` after those of `first`), evaluations and seconds added,
 * model, status and metrics of `rest`.
 */
export function joinResults<M extends Network>(
  first: TrainResult<Network>,
  rest: TrainResult<M>,
): TrainResult<M> {
  const a = first.history;
  const b = rest.history;
  const na = a.step.length;
  const nb = b.step.length;
  if (nb > 0 && na > 0 && b.step[0] !== a.step[na - 1] + 1)
    throw new Error(`joinResults: the second run starts at step ${b.step[0]}, not ${a.step[na - 1] + 1}`);
  const keys = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])];
  const column = (m: Record<string, number[]>, k: string, len: number) =>
    m[k] ?? new Array<number>(len).fill(Number.NaN);
  const history: TrainingHistory = {
    step: [...a.step, ...b.step],
    loss: [...a.loss, ...b.loss],
    metrics: Object.fromEntries(
      keys.map((k) => [k, [...column(a.metrics, k, na), ...column(b.metrics, k, nb)]]),
    ),
    wallSeconds: [...a.wallSeconds, ...b.wallSeconds.map((t) => t + first.seconds)],
    levels: [...a.levels, ...b.levels.map((l) => ({ ...l, startStep: l.startStep + na }))],
  };
  if (a.evaluations || b.evaluations)
    history.evaluations = [
      ...(a.evaluations ?? new Array(na).fill(1)),
      ...(b.evaluations ?? new Array(nb).fill(1)),
    ];
  const evaluations = first.evaluations + rest.evaluations;
  const seconds = first.seconds + rest.seconds;
  const steps = history.step.length > 0 ? history.step[history.step.length - 1] : 0;
  const lastLoss = history.loss.length > 0 ? history.loss[history.loss.length - 1] : Number.NaN;
  return {
    model: rest.model,
    history,
    status: rest.status,
    message:
      rest.status === "completed"
        ? completedMessage(steps, history.levels.length, evaluations, seconds, lastLoss)
        : rest.message,
    metrics: rest.metrics,
    evaluations,
    seconds,
    metricsSeconds: first.metricsSeconds + rest.metricsSeconds,
  };
}
