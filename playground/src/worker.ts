/**
 * The training worker: Algorithm 1 (train a level, refine exactly, fresh optimizer, next level) run in
 * slices of about 40 ms, so that the page gets the losses live and a "stop" message is seen between
 * steps. Stop keeps the optimizer state, so resume continues exactly where the run stopped.
 */
import {
  createOptimizer,
  type Network,
  type Optimizer,
  type OptimizerSpec,
  RegressionProblem,
} from "../../src/index.js";
import { presetData, presetFor, presetModel, type RunConfig } from "./presets.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const SLICE_MS = 40;
const SNAPSHOT_MS = 250;

interface Run {
  config: RunConfig;
  problem: RegressionProblem;
  model: Network;
  spec: OptimizerSpec;
  optimizer: Optimizer;
  x: Float64Array;
  level: number;
  levelStep: number;
  step: number;
  running: boolean;
  done: boolean;
  lastSnapshot: number;
  /** Increases with every resume: a scheduled slice of an older chain does nothing. */
  chain: number;
}

let run: Run | null = null;

function post(msg: FromWorker): void {
  (self as unknown as Worker).postMessage(msg);
}

function objective(r: Run) {
  return (xt: Float64Array, g: Float64Array) => {
    r.model.params.set(xt);
    return r.problem.lossAndGradient(r.model, g);
  };
}

function currentLoss(r: Run): number {
  r.model.params.set(r.x);
  return r.problem.lossAndGradient(r.model, new Float64Array(r.model.paramCount));
}

function snapshot(r: Run): void {
  r.model.params.set(r.x);
  const m = r.problem.metrics(r.model);
  post({
    type: "snapshot",
    snapshot: { model: r.model.toJSON(), grid: r.config.grids[r.level], testRmse: m.testRmse },
    level: r.level,
    step: r.step,
  });
  r.lastSnapshot = performance.now();
}

function start(config: RunConfig): void {
  const preset = presetFor(config);
  const problem = new RegressionProblem(presetData(preset, config), {
    targetScaling: "minmax",
    metricUnits: "original",
  });
  const model = presetModel(preset, config);
  model.scalers = structuredClone(problem.scalers);
  const spec: OptimizerSpec =
    config.optimizer === "lbfgs" ? { type: "lbfgs", preset: "pykan" } : { type: "adam", lr: 0.01 };
  run = {
    config,
    problem,
    model,
    spec,
    optimizer: createOptimizer(spec),
    x: Float64Array.from(model.params),
    level: 0,
    levelStep: 0,
    step: 0,
    running: false,
    done: false,
    lastSnapshot: 0,
    chain: 0,
  };
  post({
    type: "level",
    level: 0,
    levels: config.grids.length,
    grid: config.grids[0],
    step: 0,
    loss: currentLoss(run),
  });
  snapshot(run);
  resume();
}

function resume(): void {
  const r = run;
  if (r === null || r.running || r.done) return;
  r.running = true;
  r.chain++;
  post({ type: "state", state: "running" });
  const chain = r.chain;
  setTimeout(() => slice(r, chain), 0);
}

/** One slice of steps; schedules the next one unless stopped or finished. */
function slice(r: Run, chain: number): void {
  if (r !== run || !r.running || chain !== r.chain) return;
  const t0 = performance.now();
  const first = r.step + 1;
  const losses: number[] = [];
  const f = objective(r);
  try {
    while (performance.now() - t0 < SLICE_MS) {
      if (r.levelStep >= r.config.steps) {
        if (losses.length > 0) post({ type: "losses", first, losses: losses.splice(0) });
        if (r.level + 1 >= r.config.grids.length) {
          r.done = true;
          r.running = false;
          snapshot(r);
          post({ type: "state", state: "done" });
          return;
        }
        // Next level: exact refinement, so the loss carries over unchanged; a fresh optimizer.
        snapshot(r);
        const before = currentLoss(r);
        r.level++;
        r.model = r.model.refine(r.config.grids[r.level]);
        r.optimizer = createOptimizer(r.spec);
        r.x = Float64Array.from(r.model.params);
        r.levelStep = 0;
        const grid = r.config.grids[r.level];
        post({
          type: "level",
          level: r.level,
          levels: r.config.grids.length,
          grid,
          step: r.step,
          loss: currentLoss(r),
          before,
        });
        snapshot(r);
        setTimeout(() => slice(r, chain), 0);
        return;
      }
      const res = r.optimizer.step(r.x, f);
      r.step++;
      r.levelStep++;
      const loss = Number.isNaN(res.finalLoss) ? res.loss : res.finalLoss;
      if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} at step ${r.step}; stopped`);
      losses.push(loss);
    }
  } catch (e) {
    r.running = false;
    post({ type: "error", message: (e as Error).message });
    post({ type: "state", state: "stopped" });
    return;
  }
  post({ type: "losses", first, losses });
  if (performance.now() - r.lastSnapshot > SNAPSHOT_MS) snapshot(r);
  setTimeout(() => slice(r, chain), 0);
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  try {
    if (msg.type === "start") {
      if (run) run.running = false;
      start(msg.config);
    } else if (msg.type === "stop") {
      if (run?.running) {
        run.running = false;
        snapshot(run);
        post({ type: "state", state: "stopped" });
      }
    } else if (msg.type === "resume") resume();
  } catch (e) {
    post({ type: "error", message: (e as Error).message });
  }
};
