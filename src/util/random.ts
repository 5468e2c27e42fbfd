/**
 * Seeded pseudo-random numbers (xoshiro128** seeded through splitmix32). Library code draws every random
 * number from an `Rng`, never from `Math.random`, so the same seed gives the same bits on every run.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = Number.NaN;

  /** `seed`: any safe integer (|seed| <= 2^53 - 1); every bit of it selects the stream. */
  constructor(seed: number) {
    if (typeof seed !== "number" || !Number.isSafeInteger(seed))
      throw new Error(
        `Rng: seed must be an integer in [-${Number.MAX_SAFE_INTEGER}, ${Number.MAX_SAFE_INTEGER}] (used whole, all 53 bits), got ${typeof seed === "number" ? seed : JSON.stringify(seed)}`,
      );
    // splitmix32 over the low 32 bits of the seed fills the 128-bit state; the high bits (two's
    // complement, so negative seeds too) are mixed into the four words by a second splitmix32
    // stream, which is injective in them: distinct safe-integer seeds give distinct states. Seeds in
    // [0, 2^32) have no high bits and keep the streams they always had.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    const stream = (start: number): (() => number) => {
      let x = start | 0;
      return (): number => {
        x = (x + 0x9e3779b9) | 0;
        let z = x;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        return (z ^ (z >>> 16)) >>> 0;
      };
    };
    const next = stream(lo);
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if (hi !== 0) {
      // A start distinct from the low stream's for equal words (odd multiply and xor: still injective).
      const high = stream(Math.imul(hi, 0x2545f491) ^ 0x6a09e667);
      this.s0 = (this.s0 ^ high()) >>> 0;
      this.s1 = (this.s1 ^ high()) >>> 0;
      this.s2 = (this.s2 ^ high()) >>> 0;
      this.s3 = (this.s3 ^ high()) >>> 0;
    }
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal deviate (Box-Muller, both values used). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = Number.NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const rad = Math.sqrt(-2 * Math.log(u));
    this.spare = rad * Math.sin(2 * Math.PI * v);
    return rad * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fills `out` with N(mean, std^2) deviates. */
  fillNormal(out: Float64Array, mean = 0, std = 1, start = 0, end = out.length): Float64Array {
    for (let i = start; i < end; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** Fills `out` with U[lo, hi) deviates. */
  fillUniform(out: Float64Array, lo: number, hi: number, start = 0, end = out.length): Float64Array {
    for (let i = start; i < end; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
