/**
 * In-place radix-2 complex FFT on split real/imaginary arrays (iterative Cooley-Tukey, bit-reversal
 * permutation first). Forward: `X_k = sum_j x_j exp(-2 pi i j k / n)`; inverse: the conjugate transform
 * divided by n, so `ifft(fft(x)) = x`. Twiddle factors are computed once per size (cached) from
 * `Math.cos`/`Math.sin` of each angle (no recurrence drift). n must be a power of two.
 */
import { requireInteger } from "../../../util/validate.js";

const twiddles = new Map<number, { c: Float64Array; s: Float64Array }>();

function twiddle(n: number): { c: Float64Array; s: Float64Array } {
  let t = twiddles.get(n);
  if (!t) {
    const c = new Float64Array(n >> 1);
    const s = new Float64Array(n >> 1);
    for (let k = 0; k < n >> 1; k++) {
      c[k] = Math.cos((2 * Math.PI * k) / n);
      s[k] = Math.sin((2 * Math.PI * k) / n);
    }
    t = { c, s };
    twiddles.set(n, t);
  }
  return t;
}

/** True when n is a positive power of two. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/**
 * Transforms (re, im) in place: forward (default) or inverse (`inverse = true`, scaled by 1/n).
 * Both arrays must have the same power-of-two length.
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n)
    throw new Error(`fft: real and imaginary parts differ in length (${n} vs ${im.length})`);
  if (!isPowerOfTwo(n)) throw new Error(`fft: length must be a power of two, got ${n}`);
  requireInteger("fft length", n, 1);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const { c, s } = twiddle(n);
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const stride = n / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < half; k++) {
        const wr = c[k * stride];
        const wi = sign * s[k * stride];
        const a = i + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
  if (inverse) {
    const inv = 1 / n;
    for (let i = 0; i < n; i++) {
      re[i] *= inv;
      im[i] *= inv;
    }
  }
}
