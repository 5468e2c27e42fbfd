/** The seeded generator (issue 12, defect 8: seeds outside the generator's range are rejected). */
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/util/random.js";

describe("Rng seeds", () => {
  it("uses every integer seed up to 2^53 - 1 whole: 0, 2^32 and 2^32 + 1 all differ", () => {
    const draws = [0, 2 ** 32, 2 ** 32 + 1, -1, Number.MAX_SAFE_INTEGER].map((s) => new Rng(s).nextUint32());
    expect(new Set(draws).size).toBe(draws.length);
  });

  it("rejects seeds it cannot use whole: fractions, unsafe integers, non-finite values", () => {
    for (const s of [0.5, 1.5, 2 ** 53, -(2 ** 53), 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => new Rng(s)).toThrow(
        /Rng: seed must be an integer in \[-9007199254740991, 9007199254740991\]/,
      );
    expect(() => new Rng("1" as never)).toThrow(/Rng: seed must be an integer/);
  });
});
