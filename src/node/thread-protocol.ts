/**
 * The shared control block between the thread pool (main thread) and its workers. Tasks are posted by
 * writing these fields and bumping GEN (workers wait on it with Atomics.wait); setup messages (network
 * replicas, losses, staging buffers) travel over each worker's MessagePort and are drained synchronously
 * (receiveMessageOnPort) at the start of every task, so a task never runs with stale setup.
 */
export const GEN = 0;
/** Control-block index: the task kind (TASK_*). */
export const KIND = 1;
/** Control-block index: the batch size of the task. */
export const N = 2;
/** Control-block index: key of the network replica. */
export const NET = 3;
/** Control-block index: key of the loss replica. */
export const LOSS = 4;
/** Control-block index: number of workers that finished the task. */
export const DONE = 5;
/** Control-block index: FLAG_* bits of the task. */
export const FLAGS = 6;
/** Control-block index: nonzero when a worker failed (its message is on its port). */
export const ERROR = 7;
/** Control-block index: the next slot no thread has claimed (threads take slots with Atomics.add). */
export const NEXT = 8;
/** Control-block index: key of the jet shape (jet tasks). */
export const SHAPE = 9;
/** Length of the control block (Int32 entries). */
export const CONTROL_INTS = 16;

/** Task kind: the slots of `Network.gradient`. */
export const TASK_GRADIENT = 1;
/** Task kind: the slots of `Network.jetGradient`. */
export const TASK_JET = 2;
/** Task kind: workers exit. */
export const TASK_EXIT = 3;

/** Task flag: also compute the input gradient. */
export const FLAG_INPUT_GRAD = 1;
/** Task flag: the jet task has per-sample kink sides. */
export const FLAG_SIDES = 2;

/** Setup messages from the pool to a worker. */
export type SetupMessage =
  | {
      type: "net";
      key: number;
      specs: unknown[];
      params: SharedArrayBuffer;
      /** Whether the replica runs the WASM kernels (as the network it replicates does). */
      wasm: boolean;
    }
  | {
      type: "loss";
      key: number;
      kind: string;
      config: Record<string, unknown>;
      inputs: SharedArrayBuffer[];
      outputs: SharedArrayBuffer[];
    }
  | { type: "shape"; key: number; dims: number[]; pairK: number[]; pairL: number[] }
  | {
      type: "buffers";
      x: SharedArrayBuffer;
      sides: SharedArrayBuffer;
      inputGrad: SharedArrayBuffer;
      slots: SharedArrayBuffer;
      slotLength: number;
      losses: SharedArrayBuffer;
    };
