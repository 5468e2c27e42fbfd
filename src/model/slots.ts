/**
 * The deterministic reduction of gradients over samples (DESIGN.md section 1, determinism). Samples are
 * processed in blocks of `BLOCK`; the blocks of a batch of n samples are grouped into `slotCount(n)`
 * (at most `MAX_SLOTS`) contiguous slots that depend only on n. Each slot accumulates its samples in
 * order into a zeroed buffer, and the slots are summed in slot order, so the single-thread path and any
 * thread pool computing the slots in parallel get the same bits.
 *
 * A `SlotTask` computes one slot (`Network.gradientTask`, `Network.jetGradientTask`); `reduceSlots`
 * runs all slots on one thread; `computeSlots` runs the slots one thread claims into per-slot buffers and
 * `sumSlots` adds those buffers in order (mlkan/node's thread pool and its workers).
 */

/** Samples per block (fixed: part of the determinism contract). */
export const BLOCK = 64;
/** Largest number of reduction slots (fixed: part of the determinism contract). */
export const MAX_SLOTS = 8;

/** Number of reduction slots for a batch of n samples. */
export function slotCount(n: number): number {
  return Math.min(MAX_SLOTS, Math.ceil(n / BLOCK));
}

/** First block of slot k of a batch of n samples (k = slotCount(n) gives the number of blocks). */
export function slotStart(n: number, k: number): number {
  return Math.floor((k * Math.ceil(n / BLOCK)) / slotCount(n));
}

/** The block range [b0, b1) of slot k of a batch of n samples. */
export function slotBlocks(n: number, k: number): [number, number] {
  return [slotStart(n, k), slotStart(n, k + 1)];
}

/** One slot of a reduction: accumulates slot k's samples into `g` (zeroed by the caller), returns their loss. */
export interface SlotTask {
  runSlot(k: number, g: Float64Array): number;
}

/**
 * All S slots on this thread: `grad = sum_k slot_k` in slot order, each slot computed into the scratch
 * buffer `slot` (zeroed first); returns the summed loss. `grad` is overwritten.
 */
export function reduceSlots(S: number, task: SlotTask, slot: Float64Array, grad: Float64Array): number {
  grad.fill(0);
  let total = 0;
  for (let k = 0; k < S; k++) {
    slot.fill(0);
    const slotLoss = task.runSlot(k, slot);
    for (let i = 0; i < slot.length; i++) grad[i] += slot[i];
    total += slotLoss;
  }
  return total;
}

/**
 * One thread's share of a reduction: the slots it claims, each computed into the scratch buffer `slot`
 * (zeroed first) and copied to `views[k]`, its loss to `losses[k]`. `claim()` returns the next slot no
 * thread has taken (a shared counter: mlkan/node's thread pool bumps it with `Atomics.add`), so the
 * threads that are free take the work that is left; a slot's bits do not depend on the thread that
 * computes it. Stops at the first claim >= S.
 */
export function computeSlots(
  S: number,
  claim: () => number,
  task: SlotTask,
  slot: Float64Array,
  views: readonly Float64Array[],
  losses: Float64Array,
): void {
  for (let k = claim(); k < S; k = claim()) {
    slot.fill(0);
    losses[k] = task.runSlot(k, slot);
    views[k].set(slot);
  }
}

/**
 * The ordered sum of slot buffers computed by `computeSlots`: `grad[i] = sum_k views[k][i]` over the
 * first grad.length entries, k = 0 .. S-1 in order; returns the summed loss. `grad` is overwritten.
 */
export function sumSlots(
  S: number,
  views: readonly Float64Array[],
  losses: Float64Array,
  grad: Float64Array,
): number {
  const P = grad.length;
  grad.fill(0);
  let total = 0;
  for (let k = 0; k < S; k++) {
    const v = views[k];
    for (let i = 0; i < P; i++) grad[i] += v[i];
    total += losses[k];
  }
  return total;
}
