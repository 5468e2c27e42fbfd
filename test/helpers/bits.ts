/** Bit-for-bit comparison of float arrays (the WASM-vs-JS kernel tests). */

/** The first index where a and b differ in bits (Object.is: NaN equals NaN, -0 is not 0), -1 if none, -2 if the lengths differ. */
export function sameBits(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}
