/**
 * Step-time benchmark (DESIGN.md section 6, peers/README.md section 1): one step = forward pass, MSE loss
 * against sum_i sin(pi x_i), backward pass, no optimizer update; x ~ U[-1, 1]; float64; cubic splines.
 * The KAN is the paper's (eq. 6: no base term) on [-1, 1]; the MLP is a Linear/SiLU network with the
 * reference MLP's dimensions. Timings only, never asserted in tests. Every row records the kernels it ran
 * on (`backend`: the WASM SIMD kernels unless WebAssembly SIMD is missing or `MLKAN_WASM=0`).
 */

import type { KernelBackend } from "../layers/wasm/kernels.js";
import { KAN, kanLayerSpecs } from "../model/kan.js";
import { mseLoss } from "../model/losses.js";
import { MLP } from "../model/mlp.js";
import { type BlockLoss, type GradientRunner, Network } from "../model/network.js";
import { jetTermLoss, residual } from "../problems/residual.js";
import { Rng } from "../util/random.js";

/**
 * A benchmark configuration: KAN widths and grid, the comparable MLP widths, batch sizes, and whether to
 * time the PINN step.
 */
export interface BenchConfig {
  /** Label as in the reference data, e.g. "[2,16,16,1] G=16". */
  config: string;
  width: number[];
  grid: number;
  /** Hidden widths of the reference MLP with efficient-kan's parameter count. */
  mlpWidth: number[];
  batches: number[];
  /** Also time a PINN step (jets to second order + reverse pass) on this configuration. */
  pinn?: boolean;
}

/** The configurations and batch sizes of peers/README.md section 1. */
export const BENCH_CONFIGS: BenchConfig[] = [
  { config: "[2,5,1] G=5", width: [2, 5, 1], grid: 5, mlpWidth: [2, 37, 1], batches: [1024, 8192] },
  {
    config: "[2,16,16,1] G=16",
    width: [2, 16, 16, 1],
    grid: 16,
    mlpWidth: [2, 77, 77, 1],
    batches: [1024, 8192],
    pinn: true,
  },
  {
    config: "[2,32,32,1] G=64",
    width: [2, 32, 32, 1],
    grid: 64,
    mlpWidth: [2, 276, 276, 1],
    batches: [1024],
  },
  {
    config: "[4,64,64,1] G=32",
    width: [4, 64, 64, 1],
    grid: 32,
    mlpWidth: [4, 401, 401, 1],
    batches: [1024],
  },
];

/**
 * One measured row of the step benchmark (config, batch, implementation, threads, kernel backend, timings,
 * references).
 */
export interface StepBenchRow {
  config: string;
  batch: number;
  /** "kan-free": the same KAN with trainable knots (free-knot layers, one knot vector per input node). */
  impl: "kan" | "kan-pinn" | "kan-free" | "mlp";
  threads: number;
  /** Kernels of the network's spline layers ("js" for the MLP, which has none). */
  backend: KernelBackend;
  medianMs: number;
  minMs: number;
  p90Ms: number;
  steps: number;
  params: number;
  /** Nanoseconds per edge per sample (KAN rows): medianMs / (edges * batch). */
  nsPerEdgeSample?: number;
  /** PINN rows: PINN step time / plain KAN step time on the same configuration and batch. */
  pinnOverPlain?: number;
  /** Free-knot rows: free-knot step time / fixed-uniform KAN step time (same configuration, batch, threads). */
  freeOverFixed?: number;
  /**
   * Memory of the model and its workspaces after the first step (MiB): typed arrays plus the network's
   * WASM memory (which holds its parameters, gradient slot and block and jet workspaces when it has one).
   */
  memoryMiB?: number;
  /** Allocation check: steps run, garbage collections during them, heap growth (KiB). */
  allocSteps?: number;
  gcEvents?: number;
  heapDeltaKiB?: number;
  pykanMs: number | null;
  effkanMs: number | null;
  torchMlpMs: number | null;
  /** Reference time / mlkan median (> 1 means mlkan is faster). */
  speedupVsPykan: number | null;
  speedupVsEffkan: number | null;
  speedupVsTorchMlp: number | null;
}

/**
 * A reference step time shipped in bench/reference/step_time.json (pykan, efficient-kan, torch MLP), in ms.
 */
export interface ReferenceRow {
  config: string;
  batch: number;
  impl: string;
  dtype: string;
  allocator: string;
  median_ms: number;
}

/**
 * Options of `stepBenchmark`: configurations, timing budget per row, thread counts, references and progress.
 */
export interface StepBenchOptions {
  configs?: BenchConfig[];
  /** Stop timing a row after this many seconds (at least `minSteps` steps). Default 2. */
  maxSeconds?: number;
  minSteps?: number;
  maxSteps?: number;
  /**
   * Thread settings to time side by side: each has a thread count and the runner to install as
   * `Network.defaultRunner` (null = one thread). Default: one thread only.
   */
  runners?: { threads: number; runner: GradientRunner | null }[];
  reference?: ReferenceRow[];
  /** Called after each row (progress). */
  onRow?: (row: StepBenchRow) => void;
  /** Extra measurements of a timed step (e.g. the allocation check), merged into its row. */
  measure?: (step: () => number, row: StepBenchRow) => Promise<Partial<StepBenchRow>>;
  /** Bytes of typed-array memory currently held (to report a configuration's working memory). */
  memory?: () => number;
}

/** Times `fn` repeatedly after two warm-up calls; returns sorted per-call milliseconds. */
export function timeSteps(fn: () => void, minSteps: number, maxSteps: number, maxSeconds: number): number[] {
  fn();
  fn();
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < maxSteps && (times.length < minSteps || performance.now() - t0 < maxSeconds * 1000)) {
    const a = performance.now();
    fn();
    times.push(performance.now() - a);
  }
  return times.sort((p, q) => p - q);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Inputs and sin targets of the reference step. */
export function benchData(nIn: number, batch: number, seed = 1): { x: Float64Array; t: Float64Array } {
  const rng = new Rng(seed);
  const x = rng.fillUniform(new Float64Array(batch * nIn), -1, 1);
  const t = new Float64Array(batch);
  for (let s = 0; s < batch; s++) {
    let v = 0;
    for (let p = 0; p < nIn; p++) v += Math.sin(Math.PI * x[s * nIn + p]);
    t[s] = v;
  }
  return { x, t };
}

function edges(width: number[]): number {
  let e = 0;
  for (let l = 0; l + 1 < width.length; l++) e += width[l] * width[l + 1];
  return e;
}

function refMs(ref: ReferenceRow[] | undefined, config: string, batch: number, impl: string): number | null {
  const row = ref?.find(
    (r) =>
      r.config === config &&
      r.batch === batch &&
      r.impl === impl &&
      r.dtype === "float64" &&
      r.allocator === "default",
  );
  return row ? row.median_ms : null;
}

/** A plain step runner: forward + MSE + backward into a preallocated gradient. */
export function plainStep(net: Network, x: Float64Array, t: Float64Array, batch: number): () => number {
  const grad = new Float64Array(net.paramCount);
  const loss: BlockLoss = mseLoss(t, batch, net.nOut);
  return () => net.gradient(x, batch, loss, grad);
}

/**
 * A PINN step: output jets to second order (value, gradient, Hessian diagonal) and the reverse pass
 * through them for the Poisson residual mean((u_xx + u_yy - f)^2), f = -2 pi^2 sin(pi x) sin(pi y).
 */
export function pinnStep(net: Network, x: Float64Array, batch: number): () => number {
  const grad = new Float64Array(net.paramCount);
  const shape = net.jetShape({
    dims: [0, 1],
    pairs: [
      [0, 0],
      [1, 1],
    ],
  });
  const f = new Float64Array(batch);
  for (let s = 0; s < batch; s++)
    f[s] = -2 * Math.PI ** 2 * Math.sin(Math.PI * x[2 * s]) * Math.sin(Math.PI * x[2 * s + 1]);
  const e = residual(shape);
  const loss = jetTermLoss({ shape, nOut: 1, n: batch, residual: e.d2(0, 0).add(e.d2(1, 1)).sub(e.data(f)) });
  return () => net.jetGradient(x, batch, shape, loss, grad);
}

/**
 * Times one training step (loss, gradient; KAN, MLP and the KAN PINN residual) per configuration and batch;
 * rows in order.
 */
export async function stepBenchmark(opts: StepBenchOptions = {}): Promise<StepBenchRow[]> {
  const configs = opts.configs ?? BENCH_CONFIGS;
  const maxSeconds = opts.maxSeconds ?? 2;
  const minSteps = opts.minSteps ?? 10;
  const maxSteps = opts.maxSteps ?? 500;
  const runners = opts.runners ?? [{ threads: 1, runner: null }];
  const saved = Network.defaultRunner;
  const rows: StepBenchRow[] = [];
  try {
    for (const c of configs) for (const batch of c.batches) await benchCase(c, batch);
  } finally {
    Network.defaultRunner = saved;
  }
  return rows;

  async function benchCase(c: BenchConfig, batch: number): Promise<void> {
    const { x, t } = benchData(c.width[0], batch);
    const mem0 = opts.memory?.() ?? 0;
    const kan = new KAN({ width: c.width, grid: c.grid, k: 3, seed: 1 });
    const runs: [StepBenchRow["impl"], Network, () => number][] = [["kan", kan, plainStep(kan, x, t, batch)]];
    runs[0][2]();
    const kanMemory = opts.memory ? (opts.memory() - mem0 + kan.wasmMemoryBytes) / 2 ** 20 : undefined;
    if (c.pinn && c.width[0] === 2) runs.push(["kan-pinn", kan, pinnStep(kan, x, batch)]);
    const free = freeKnotKAN(c.width, c.grid);
    runs.push(["kan-free", free, plainStep(free, x, t, batch)]);
    const mlp = new MLP({ width: c.mlpWidth, activation: "silu", seed: 1 });
    runs.push(["mlp", mlp, plainStep(mlp, x, t, batch)]);
    for (const [impl, net, step] of runs)
      for (const { threads, runner } of runners) {
        Network.defaultRunner = runner;
        const times = timeSteps(step, minSteps, maxSteps, maxSeconds);
        const median = quantile(times, 0.5);
        // The references time plain steps; a PINN row is compared with the plain-step figures only
        // through its ratio to mlkan's own plain step (pinnOverPlain).
        const plainRef = impl !== "kan-pinn" && impl !== "kan-free";
        const pykanMs = plainRef ? refMs(opts.reference, c.config, batch, "pykan") : null;
        const effkanMs = plainRef ? refMs(opts.reference, c.config, batch, "effkan") : null;
        const torchMlpMs = plainRef ? refMs(opts.reference, c.config, batch, "mlp") : null;
        const row: StepBenchRow = {
          config: c.config,
          batch,
          impl,
          threads,
          backend: net.backend,
          medianMs: median,
          minMs: times[0],
          p90Ms: quantile(times, 0.9),
          steps: times.length,
          params: net.paramCount,
          pykanMs,
          effkanMs,
          torchMlpMs,
          speedupVsPykan: pykanMs === null ? null : pykanMs / median,
          speedupVsEffkan: effkanMs === null ? null : effkanMs / median,
          speedupVsTorchMlp: torchMlpMs === null ? null : torchMlpMs / median,
        };
        if (impl !== "mlp") row.nsPerEdgeSample = (median * 1e6) / (edges(c.width) * batch);
        if (impl === "kan" && kanMemory !== undefined) row.memoryMiB = kanMemory;
        if (opts.measure) Object.assign(row, await opts.measure(step, row));
        if (impl === "kan-free") {
          const plain = rows.find(
            (r) => r.config === c.config && r.batch === batch && r.impl === "kan" && r.threads === threads,
          );
          if (plain) row.freeOverFixed = median / plain.medianMs;
        }
        if (impl === "kan-pinn") {
          const plain = rows.find(
            (r) => r.config === c.config && r.batch === batch && r.impl === "kan" && r.threads === threads,
          );
          if (plain) row.pinnOverPlain = median / plain.medianMs;
        }
        rows.push(row);
        opts.onRow?.(row);
      }
  }
}

/**
 * The bench KAN with trainable knots: the same widths, grid and cubic splines, every spline layer a
 * free-knot layer with one knot vector per input node (knots start uniform).
 */
export function freeKnotKAN(width: number[], grid: number): KAN {
  const layers = kanLayerSpecs({ width, grid, k: 3 }).map((s) =>
    s.type === "spline" ? { ...s, type: "free-spline" as const, share: "input" as const } : s,
  );
  return new KAN({ layers, seed: 1 });
}
