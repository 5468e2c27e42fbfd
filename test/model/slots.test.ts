/** The slot-reduction driver: block ranges, and single-thread vs per-thread shares giving the same bits. */
import { describe, expect, it } from "vitest";
import {
  BLOCK,
  computeSlots,
  MAX_SLOTS,
  reduceSlots,
  type SlotTask,
  slotBlocks,
  slotCount,
  slotStart,
  sumSlots,
} from "../../src/model/slots.js";
import { Rng } from "../../src/util/random.js";

/** A task whose slot k adds pseudo-random values (different magnitudes, so the order matters). */
function randomTask(P: number, seed: number): SlotTask {
  return {
    runSlot(k: number, g: Float64Array): number {
      const rng = new Rng(seed + k);
      for (let i = 0; i < P; i++) g[i] += rng.normal() * 10 ** ((i % 7) - 3);
      return rng.uniform() * 10 ** (k % 5);
    },
  };
}

describe("slots", () => {
  it("slot ranges tile the blocks of any batch in order", () => {
    for (const n of [1, 63, 64, 65, 511, 512, 513, 2000, 100_000]) {
      const S = slotCount(n);
      expect(S).toBeLessThanOrEqual(MAX_SLOTS);
      expect(slotStart(n, 0)).toBe(0);
      expect(slotStart(n, S)).toBe(Math.ceil(n / BLOCK));
      for (let k = 0; k < S; k++) {
        const [b0, b1] = slotBlocks(n, k);
        expect(b0).toBe(slotStart(n, k));
        expect(b1).toBe(slotStart(n, k + 1));
        expect(b1).toBeGreaterThan(b0);
      }
    }
  });

  it("slots claimed by 1..8 threads in any order, summed in order, give the bits of the single-thread reduction", () => {
    const P = 37;
    const S = MAX_SLOTS;
    const task = randomTask(P, 9);
    const ref = new Float64Array(P);
    const refLoss = reduceSlots(S, task, new Float64Array(P), ref);
    const order = new Rng(4);
    for (let threads = 1; threads <= MAX_SLOTS; threads++) {
      const views = Array.from({ length: MAX_SLOTS }, () => new Float64Array(P + 3).fill(Number.NaN));
      const losses = new Float64Array(MAX_SLOTS);
      // One shared counter; each "thread" claims a random number of slots in turn (the last takes the rest).
      let next = 0;
      const claimed: number[][] = [];
      for (let t = 0; t < threads; t++) {
        const mine: number[] = [];
        let budget = t === threads - 1 ? S : Math.floor(order.uniform() * 4);
        const claim = () => (budget-- > 0 ? next++ : S);
        const counting: SlotTask = {
          runSlot(k, g) {
            mine.push(k);
            return task.runSlot(k, g);
          },
        };
        computeSlots(S, claim, counting, new Float64Array(P + 3), views, losses);
        claimed.push(mine);
      }
      expect(claimed.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: S }, (_, k) => k));
      const grad = new Float64Array(P).fill(5);
      const loss = sumSlots(S, views, losses, grad);
      expect(loss).toBe(refLoss);
      expect(Array.from(grad)).toEqual(Array.from(ref));
    }
  });

  it("computeSlots stops at the first claim past the last slot", () => {
    const seen: number[] = [];
    const claims = [2, 0, 8, 1];
    const task: SlotTask = {
      runSlot(k) {
        seen.push(k);
        return k;
      },
    };
    const views = Array.from({ length: MAX_SLOTS }, () => new Float64Array(1));
    computeSlots(
      MAX_SLOTS,
      () => claims.shift() as number,
      task,
      new Float64Array(1),
      views,
      new Float64Array(8),
    );
    expect(seen).toEqual([2, 0]);
    expect(claims).toEqual([1]);
  });

  it("reduceSlots overwrites the gradient and zeroes the scratch slot before each slot", () => {
    const g = new Float64Array(2).fill(100);
    const slot = new Float64Array(2).fill(7);
    const task: SlotTask = {
      runSlot(k, s) {
        s[0] += 1;
        s[1] += k;
        return k;
      },
    };
    expect(reduceSlots(3, task, slot, g)).toBe(3);
    expect(Array.from(g)).toEqual([3, 3]);
  });
});
