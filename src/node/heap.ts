/**
 * Allocation check for benchmarks (Node only): runs a step many times and reports the garbage
 * collections that happened and the growth of the JS heap. A step that allocates nothing triggers no
 * collection, however many times it runs.
 */
import { PerformanceObserver } from "node:perf_hooks";

/** Allocation during timed steps: garbage collections and the change of the used heap. */
export interface AllocationReport {
  steps: number;
  /** Garbage collections (scavenges and full collections) during the steps. */
  gcEvents: number;
  /** heapUsed after minus before (bytes); garbage left by allocations shows up here or as collections. */
  heapDeltaBytes: number;
}

/**
 * Runs `step` (after two warm-up calls) `steps` times and reports the garbage collections and heap growth.
 */
export async function measureAllocation(step: () => unknown, steps: number): Promise<AllocationReport> {
  step();
  step();
  await new Promise((r) => setImmediate(r));
  let gcEvents = 0;
  const obs = new PerformanceObserver((list) => {
    gcEvents += list.getEntries().length;
  });
  obs.observe({ entryTypes: ["gc"] });
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < steps; i++) step();
  const after = process.memoryUsage().heapUsed;
  // GC entries are delivered asynchronously.
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  return { steps, gcEvents, heapDeltaBytes: after - before };
}

/** Bytes held in ArrayBuffers and SharedArrayBuffers (the typed arrays of models and workspaces). */
export function arrayBufferBytes(): number {
  return process.memoryUsage().arrayBuffers;
}
