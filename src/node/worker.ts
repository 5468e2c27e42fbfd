/**
 * Worker thread of the thread pool (threads.ts). Holds replicas of the networks and losses it is sent,
 * claims reduction slots from the control block's shared counter until none is left, computes each into
 * its replica's slot buffer (WASM memory when the replica has one), copies it into the shared slot
 * buffers, and reports back through the control block. A replica runs the backend of the network it
 * replicates and copies the shared parameters into its own memory at each evaluation.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { JetShape } from "../layers/jet.js";
import { setWasmOverride } from "../layers/wasm/kernels.js";
import { type BlockLoss, type JetBlockLoss, Network } from "../model/network.js";
import { computeSlots, type SlotTask, slotCount } from "../model/slots.js";
import { rebuildLoss } from "./loss-replica.js";
import * as T from "./thread-protocol.js";

const { control, index, port } = workerData as {
  control: SharedArrayBuffer;
  index: number;
  port: MessagePort;
};
const ctl = new Int32Array(control);
/** Network replicas and their shared parameters (written by the pool before every task). */
const nets = new Map<number, { net: Network; params: Float64Array<ArrayBufferLike> }>();
const losses = new Map<number, BlockLoss | JetBlockLoss>();
const shapes = new Map<number, JetShape>();
let x: Float64Array<ArrayBufferLike> = new Float64Array(0);
let sides: Int8Array<ArrayBufferLike> = new Int8Array(0);
let inputGrad: Float64Array<ArrayBufferLike> = new Float64Array(0);
let slotViews: Float64Array<ArrayBufferLike>[] = [];
let slotLosses: Float64Array<ArrayBufferLike> = new Float64Array(0);

function drain(): void {
  for (;;) {
    const msg = receiveMessageOnPort(port);
    if (!msg) return;
    const m = msg.message as T.SetupMessage;
    switch (m.type) {
      case "net": {
        setWasmOverride(m.wasm);
        let net: Network;
        try {
          net = new Network({ layers: m.specs as never, seed: 0 });
        } finally {
          setWasmOverride(null);
        }
        net.runner = null;
        nets.set(m.key, { net, params: new Float64Array(m.params) });
        break;
      }
      case "loss":
        losses.set(
          m.key,
          rebuildLoss(
            m.kind as never,
            m.config,
            m.inputs.map((b) => new Float64Array(b)),
            m.outputs.map((b) => new Float64Array(b)),
          ),
        );
        break;
      case "shape": {
        const D = m.dims.length;
        const M = m.pairK.length;
        shapes.set(m.key, {
          dims: Int32Array.from(m.dims),
          D,
          M,
          pairK: Int32Array.from(m.pairK),
          pairL: Int32Array.from(m.pairL),
          C: 1 + D + M,
        });
        break;
      }
      case "buffers":
        x = new Float64Array(m.x);
        sides = new Int8Array(m.sides);
        inputGrad = new Float64Array(m.inputGrad);
        slotViews = [];
        for (let k = 0; k < m.losses.byteLength / 8; k++) {
          slotViews.push(new Float64Array(m.slots, k * m.slotLength * 8, m.slotLength));
        }
        slotLosses = new Float64Array(m.losses);
        break;
    }
  }
}

function run(): void {
  const kind = ctl[T.KIND];
  const n = ctl[T.N];
  const flags = ctl[T.FLAGS];
  const replica = nets.get(ctl[T.NET]);
  const loss = losses.get(ctl[T.LOSS]);
  if (!replica || !loss) throw new Error(`worker ${index}: unknown network or loss`);
  const net = replica.net;
  net.params.set(replica.params);
  net.prepare();
  const S = slotCount(n);
  const ig = flags & T.FLAG_INPUT_GRAD ? inputGrad : undefined;
  let task: SlotTask;
  if (kind === T.TASK_GRADIENT) task = net.gradientTask(x, n, loss as BlockLoss, ig);
  else {
    const shape = shapes.get(ctl[T.SHAPE]);
    if (!shape) throw new Error(`worker ${index}: unknown jet shape`);
    const opts = flags & T.FLAG_SIDES ? { sides } : {};
    task = net.jetGradientTask(x, n, shape, loss as JetBlockLoss, opts);
  }
  computeSlots(S, claim, task, net.slotBuffer(), slotViews, slotLosses);
}

/** The next unclaimed slot of the current task. */
const claim = (): number => Atomics.add(ctl, T.NEXT, 1);

let gen = 0;
for (;;) {
  Atomics.wait(ctl, T.GEN, gen);
  gen = Atomics.load(ctl, T.GEN);
  drain();
  if (ctl[T.KIND] === T.TASK_EXIT) break;
  try {
    run();
  } catch (err) {
    Atomics.store(ctl, T.ERROR, 1);
    port.postMessage(`worker ${index}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  Atomics.add(ctl, T.DONE, 1);
  Atomics.notify(ctl, T.DONE);
}
port.close();
