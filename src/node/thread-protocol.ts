/**
 * The shared control block between the thread pool (main thread) and its workers. Tasks are posted by
 * writing these fields and bumping GEN (workers wait on it with Atomics.wait); setup messages (network
 * replicas, losses, staging buffers) travel over each worker's MessagePort and are drained synchronously
 * (receiveMessageOnPort) at the start of every task, so a task never runs with stale setup.
 */
export const GEN = 0;
export const KIND = 1;
export const N = 2;
export const NET = 3;
export const LOSS = 4;
export const DONE = 5;
export const FLAGS = 6;
export const ERROR = 7;
export const THREADS = 8;
export const SHAPE = 9;
export const CONTROL_INTS = 16;

export const TASK_GRADIENT = 1;
export const TASK_JET = 2;
export const TASK_EXIT = 3;

export const FLAG_INPUT_GRAD = 1;
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
