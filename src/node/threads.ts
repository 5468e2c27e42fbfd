/**
 * Multi-threaded gradients (Node only): a pool of worker threads that implements the network's
 * `GradientRunner`. Each evaluation copies the parameters, inputs and loss data into shared memory
 * (O(data), cheap next to the step), wakes the workers through a shared control block, runs the caller's
 * `meanwhile` work (JetOptions), then claims reduction slots on the calling thread like the workers do
 * (a shared counter: a thread that is free takes the next slot, so no thread waits while slots are
 * left), waits (Atomics.wait, so the caller stays synchronous, as optimizers need) and sums the slots in
 * slot order. The slots are those of the
 * single-thread path, so the results are bit-identical for any number of threads (DESIGN.md section 1).
 * Every thread computes a slot into its own network's slot buffer (in that network's WASM memory when it
 * has one, so the kernels run in WASM) and copies it into the shared slot; worker replicas copy the shared
 * parameters into their own memory at each evaluation and use the backend of the network they replicate.
 *
 * The pool declines (and the network computes on one thread) when a batch has a single slot, when the
 * work is too small to gain from threads, or when a loss has no descriptor it can rebuild in workers.
 */
import { availableParallelism } from "node:os";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { JetShape } from "../layers/jet.js";
import { lossDescriptor } from "../model/loss-descriptor.js";
import {
  type BlockLoss,
  type GradientRunner,
  type JetBlockLoss,
  type JetOptions,
  Network,
} from "../model/network.js";
import { computeSlots, MAX_SLOTS, type SlotTask, slotCount, sumSlots } from "../model/slots.js";
import { rebuildLoss } from "./loss-replica.js";
import * as T from "./thread-protocol.js";

/** Options of a thread pool: thread count and the smallest amount of work worth the threads. */
export interface ThreadPoolOptions {
  /** Threads in all, the calling thread included (default: the available cores, at most 8). */
  threads?: number;
  /**
   * Smallest amount of work, in edge-samples (samples times layer connections, times the jet channels),
   * worth spreading over threads; smaller evaluations run on the calling thread. Default 100000.
   */
  minWork?: number;
}

/** The default thread count: the cores available to this process, at most the number of slots. */
export function defaultThreads(): number {
  const cores = typeof availableParallelism === "function" ? availableParallelism() : 1;
  return Math.max(1, Math.min(MAX_SLOTS, cores));
}

interface Staging {
  x: Float64Array;
  sides: Int8Array;
  inputGrad: Float64Array;
  slots: SharedArrayBuffer;
  slotLength: number;
  slotViews: Float64Array[];
  losses: Float64Array;
}

interface LossReplica {
  key: number;
  /** The caller's arrays (from the descriptor). */
  sources: ArrayLike<number>[];
  targets: Float64Array[];
  /** Their shared twins. */
  inputs: Float64Array[];
  outputs: Float64Array[];
  local: BlockLoss | JetBlockLoss;
}

const WAIT_LIMIT_MS = 10 * 60 * 1000;

/**
 * A pool of worker threads computing the reduction slots of gradients in parallel (same bits as one thread).
 */
export class ThreadPool implements GradientRunner {
  readonly threads: number;
  readonly minWork: number;
  private readonly control = new SharedArrayBuffer(T.CONTROL_INTS * 4);
  private readonly ctl = new Int32Array(this.control);
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly errorPorts: MessagePort[] = [];
  private readonly netKeys = new WeakMap<Network, { key: number; params: Float64Array }>();
  private readonly lossKeys = new WeakMap<object, LossReplica>();
  private readonly shapeKeys = new WeakMap<JetShape, number>();
  private nextKey = 1;
  private staging: Staging | null = null;
  private closed = false;
  /** True while a task is in flight: an evaluation asked for meanwhile runs on the calling thread. */
  private busy = false;
  /** The next unclaimed slot of the task in flight. */
  private readonly claim = (): number => Atomics.add(this.ctl, T.NEXT, 1);

  constructor(opts: ThreadPoolOptions = {}) {
    const threads = opts.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_SLOTS) {
      throw new Error(`threads must be an integer in [1, ${MAX_SLOTS}], got ${threads}`);
    }
    this.threads = threads;
    this.minWork = opts.minWork ?? 100_000;
    for (let w = 1; w < threads; w++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(new URL("./worker.js", import.meta.url), {
        workerData: { control: this.control, index: w, port: port2 },
        transferList: [port2],
      });
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
      this.errorPorts.push(port1);
    }
  }

  /** Stops the workers. The pool declines every later evaluation. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.workers.length > 0) {
      this.ctl[T.KIND] = T.TASK_EXIT;
      Atomics.add(this.ctl, T.GEN, 1);
      Atomics.notify(this.ctl, T.GEN);
    }
    for (const w of this.workers) void w.terminate();
    if (Network.defaultRunner === this) Network.defaultRunner = null;
  }

  gradient(
    net: Network,
    x: Float64Array,
    n: number,
    loss: BlockLoss,
    grad: Float64Array,
    inputGrad?: Float64Array,
  ): number | null {
    const replica = this.prepareTask(net, n, 1, loss);
    if (!replica) return null;
    const st = this.stage(net, x, n);
    let flags = 0;
    if (inputGrad) flags |= T.FLAG_INPUT_GRAD;
    this.start(T.TASK_GRADIENT, n, net, replica, flags, 0);
    const ig = inputGrad ? st.inputGrad : undefined;
    const task = net.gradientTask(st.x, n, replica.local as BlockLoss, ig);
    const total = this.complete(n, net, task, grad, replica);
    if (inputGrad) for (let i = 0; i < n * net.nIn; i++) inputGrad[i] = st.inputGrad[i];
    return total;
  }

  jetGradient(
    net: Network,
    x: Float64Array,
    n: number,
    shape: JetShape,
    loss: JetBlockLoss,
    grad: Float64Array,
    opts: JetOptions,
  ): number | null {
    const replica = this.prepareTask(net, n, shape.C, loss);
    if (!replica) return null;
    const st = this.stage(net, x, n);
    let flags = 0;
    if (opts.sides) {
      flags |= T.FLAG_SIDES;
      st.sides.set(opts.sides.subarray(0, n));
    }
    this.start(T.TASK_JET, n, net, replica, flags, this.shapeKey(shape), opts.meanwhile);
    // The task object is the network's one reusable task: made after `meanwhile`, which may use it.
    const local = opts.sides ? { sides: st.sides } : {};
    const task = net.jetGradientTask(st.x, n, shape, replica.local as JetBlockLoss, local);
    return this.complete(n, net, task, grad, replica);
  }

  /**
   * Wakes the workers on a staged task and runs `meanwhile` (other work of the caller's) while they start
   * on the slots. If `meanwhile` throws, the workers are waited for before the error propagates, so the
   * next task never starts while one is in flight.
   */
  private start(
    kind: number,
    n: number,
    net: Network,
    replica: LossReplica,
    flags: number,
    shapeKey: number,
    meanwhile?: () => void,
  ): void {
    this.busy = true;
    this.post(kind, n, net, replica.key, flags, shapeKey);
    try {
      meanwhile?.();
      net.prepare();
    } catch (err) {
      this.settle();
      throw err;
    }
  }

  /**
   * Claims slots on this thread too until none is left, waits for the workers and sums the slots in
   * order (`finish`). Whatever throws, the workers are waited for first.
   */
  private complete(
    n: number,
    net: Network,
    task: SlotTask,
    grad: Float64Array,
    replica: LossReplica,
  ): number {
    const st = this.staging as Staging;
    try {
      computeSlots(slotCount(n), this.claim, task, net.slotBuffer(), st.slotViews, st.losses);
    } catch (err) {
      this.settle();
      throw err;
    }
    try {
      return this.finish(net, n, grad, replica);
    } finally {
      this.busy = false;
    }
  }

  /** After a failure on this thread: waits for the workers (their own errors give way to it). */
  private settle(): void {
    try {
      this.waitForWorkers();
    } catch {
      // the caller's error is the one reported
    } finally {
      this.busy = false;
    }
  }

  /** Whether to run this evaluation on threads; sets up the network and loss replicas if so. */
  private prepareTask(net: Network, n: number, channels: number, loss: object): LossReplica | null {
    if (this.closed || this.busy || this.threads < 2 || slotCount(n) < 2) return null;
    let edges = 0;
    for (const l of net.layers) edges += l.nIn * Math.max(1, l.paramCount > 0 ? l.nOut : 1);
    if (n * edges * channels < this.minWork) return null;
    const replica = this.lossReplica(loss);
    if (!replica) return null;
    this.netKey(net);
    // The caller may have changed the loss data since the last step (e.g. attention weights).
    for (let i = 0; i < replica.inputs.length; i++) {
      const src = replica.sources[i];
      const dst = replica.inputs[i];
      for (let j = 0; j < dst.length; j++) dst[j] = src[j];
    }
    return replica;
  }

  private netKey(net: Network): { key: number; params: Float64Array } {
    let entry = this.netKeys.get(net);
    if (!entry || entry.params.length !== net.paramCount) {
      const key = this.nextKey++;
      const sab = new SharedArrayBuffer(Math.max(8, net.paramCount * 8));
      entry = { key, params: new Float64Array(sab, 0, net.paramCount) };
      this.netKeys.set(net, entry);
      this.broadcast({
        type: "net",
        key,
        specs: net.layerSpecs(),
        params: sab,
        wasm: net.backend === "wasm-simd",
      });
    }
    return entry;
  }

  private lossReplica(loss: object): LossReplica | null {
    const cached = this.lossKeys.get(loss);
    if (cached) return cached;
    const d = lossDescriptor(loss);
    if (!d) return null;
    const key = this.nextKey++;
    const share = (a: ArrayLike<number>) => new SharedArrayBuffer(Math.max(8, a.length * 8));
    const inSabs = d.inputs.map(share);
    const outSabs = d.outputs.map(share);
    const inputs = inSabs.map((b, i) => new Float64Array(b, 0, d.inputs[i].length));
    const outputs = outSabs.map((b, i) => new Float64Array(b, 0, d.outputs[i].length));
    const replica: LossReplica = {
      key,
      sources: d.inputs,
      targets: d.outputs,
      inputs,
      outputs,
      local: rebuildLoss(d.kind, d.config, inputs, outputs),
    };
    this.lossKeys.set(loss, replica);
    this.broadcast({ type: "loss", key, kind: d.kind, config: d.config, inputs: inSabs, outputs: outSabs });
    return replica;
  }

  private shapeKey(shape: JetShape): number {
    let key = this.shapeKeys.get(shape);
    if (key === undefined) {
      key = this.nextKey++;
      this.shapeKeys.set(shape, key);
      this.broadcast({
        type: "shape",
        key,
        dims: Array.from(shape.dims),
        pairK: Array.from(shape.pairK),
        pairL: Array.from(shape.pairL),
      });
    }
    return key;
  }

  /** Copies parameters and inputs into shared memory (growing the staging buffers when needed). */
  private stage(net: Network, x: Float64Array, n: number): Staging {
    const S = slotCount(n);
    let st = this.staging;
    if (!st || st.x.length < n * net.nIn || st.slotLength < net.paramCount || st.sides.length < n) {
      const xLen = Math.max(n * net.nIn, st?.x.length ?? 0);
      const nLen = Math.max(n, st?.sides.length ?? 0);
      const slotLength = Math.max(net.paramCount, st?.slotLength ?? 0);
      const xSab = new SharedArrayBuffer(xLen * 8);
      const sidesSab = new SharedArrayBuffer(nLen);
      const igSab = new SharedArrayBuffer(xLen * 8);
      const slots = new SharedArrayBuffer(MAX_SLOTS * slotLength * 8);
      const lossSab = new SharedArrayBuffer(MAX_SLOTS * 8);
      const slotViews: Float64Array[] = [];
      for (let k = 0; k < MAX_SLOTS; k++)
        slotViews.push(new Float64Array(slots, k * slotLength * 8, slotLength));
      st = {
        x: new Float64Array(xSab),
        sides: new Int8Array(sidesSab),
        inputGrad: new Float64Array(igSab),
        slots,
        slotLength,
        slotViews,
        losses: new Float64Array(lossSab),
      };
      this.staging = st;
      this.broadcast({
        type: "buffers",
        x: xSab,
        sides: sidesSab,
        inputGrad: igSab,
        slots,
        slotLength,
        losses: lossSab,
      });
    }
    const shared = this.netKey(net).params;
    shared.set(net.params);
    for (let i = 0; i < n * net.nIn; i++) st.x[i] = x[i];
    if (S > MAX_SLOTS) throw new Error("internal: more slots than MAX_SLOTS");
    return st;
  }

  private broadcast(msg: T.SetupMessage): void {
    for (const p of this.ports) p.postMessage(msg);
  }

  /** Copies the loss data in, then wakes the workers. */
  private post(
    kind: number,
    n: number,
    net: Network,
    lossKey: number,
    flags: number,
    shapeKey: number,
  ): void {
    const ctl = this.ctl;
    ctl[T.KIND] = kind;
    ctl[T.N] = n;
    ctl[T.NET] = this.netKey(net).key;
    ctl[T.LOSS] = lossKey;
    ctl[T.FLAGS] = flags;
    ctl[T.SHAPE] = shapeKey;
    ctl[T.ERROR] = 0;
    Atomics.store(ctl, T.NEXT, 0);
    Atomics.store(ctl, T.DONE, 0);
    Atomics.add(ctl, T.GEN, 1);
    Atomics.notify(ctl, T.GEN);
  }

  /** Waits until every worker has finished the task in flight; throws a worker's error. */
  private waitForWorkers(): void {
    const ctl = this.ctl;
    const want = this.threads - 1;
    const t0 = Date.now();
    for (;;) {
      const done = Atomics.load(ctl, T.DONE);
      if (done >= want) break;
      if (Atomics.wait(ctl, T.DONE, done, 1000) === "timed-out" && Date.now() - t0 > WAIT_LIMIT_MS) {
        this.close();
        throw new Error(
          `thread pool: workers did not finish within ${WAIT_LIMIT_MS / 1000} s; the pool was closed`,
        );
      }
    }
    if (Atomics.load(ctl, T.ERROR) !== 0) {
      const msgs: string[] = [];
      for (const p of this.errorPorts) {
        for (let m = receiveMessageOnPort(p); m; m = receiveMessageOnPort(p)) msgs.push(String(m.message));
      }
      throw new Error(`thread pool: ${msgs.join("; ") || "a worker failed"}`);
    }
  }

  /** Waits for the workers, sums the slots in order and copies the per-residual outputs back. */
  private finish(net: Network, n: number, grad: Float64Array, replica: LossReplica): number {
    this.waitForWorkers();
    const st = this.staging as Staging;
    const total = sumSlots(slotCount(n), st.slotViews, st.losses, grad);
    net.finishGradient(grad);
    for (let i = 0; i < replica.outputs.length; i++) replica.targets[i].set(replica.outputs[i]);
    return total;
  }
}

/**
 * Makes every network use a pool of `threads` threads (default: the available cores, at most 8) and
 * returns it; `threads <= 1` restores single-threaded evaluation and returns null.
 */
export function useThreads(threads: number = defaultThreads()): ThreadPool | null {
  const old = Network.defaultRunner;
  if (old instanceof ThreadPool) old.close();
  if (threads <= 1) {
    Network.defaultRunner = null;
    return null;
  }
  const pool = new ThreadPool({ threads });
  Network.defaultRunner = pool;
  return pool;
}
