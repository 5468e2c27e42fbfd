/**
 * Sobol low-discrepancy points (Bratley-Fox / Joe-Kuo construction with Gray-code ordering) in up to
 * `SOBOL_MAX_DIM` dimensions, 32-bit. The first 2^m points of each 1-D projection hit every dyadic
 * interval [j / 2^m, (j+1) / 2^m) exactly once (tested). Dimension 1 is the van der Corput sequence; the
 * others use the first rows of Joe and Kuo's "new-joe-kuo-6.21201" direction numbers. Point 0 is the
 * origin; callers usually skip it (`sobolPoints(..., skip)`).
 */
import { requireInteger } from "../../util/validate.js";

/** Joe-Kuo rows for dimensions 2..: degree s, polynomial coefficients a, initial m_1..m_s. */
const JOE_KUO: readonly { s: number; a: number; m: number[] }[] = [
  { s: 1, a: 0, m: [1] },
  { s: 2, a: 1, m: [1, 3] },
  { s: 3, a: 1, m: [1, 3, 1] },
  { s: 3, a: 2, m: [1, 1, 1] },
  { s: 4, a: 1, m: [1, 1, 3, 3] },
  { s: 4, a: 4, m: [1, 3, 5, 13] },
  { s: 5, a: 2, m: [1, 1, 5, 5, 17] },
  { s: 5, a: 4, m: [1, 1, 5, 5, 5] },
  { s: 5, a: 7, m: [1, 1, 7, 11, 19] },
];

/** Largest supported dimension. */
export const SOBOL_MAX_DIM = JOE_KUO.length + 1;

const BITS = 32;

/** Direction numbers v[d][b] (b = 0..31) scaled to 32 bits. */
function directions(dim: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  for (let d = 0; d < dim; d++) {
    const v = new Uint32Array(BITS);
    if (d === 0) {
      for (let b = 0; b < BITS; b++) v[b] = (1 << (BITS - 1 - b)) >>> 0;
    } else {
      const { s, a, m } = JOE_KUO[d - 1];
      const mm = new Array<number>(BITS);
      for (let b = 0; b < s; b++) mm[b] = m[b];
      for (let b = s; b < BITS; b++) {
        // m_b = 2 a_1 m_{b-1} ^ 4 a_2 m_{b-2} ^ ... ^ 2^s m_{b-s} ^ m_{b-s}
        let x = mm[b - s] ^ (mm[b - s] * 2 ** s);
        for (let k = 1; k < s; k++) {
          const ak = (a >> (s - 1 - k)) & 1;
          if (ak) x ^= mm[b - k] * 2 ** k;
        }
        mm[b] = x;
      }
      // m_b < 2^(b+1): v_b = m_b * 2^(32 - b - 1) fits in 32 bits.
      for (let b = 0; b < BITS; b++) v[b] = (mm[b] * 2 ** (BITS - 1 - b)) >>> 0;
    }
    out.push(v);
  }
  return out;
}

/**
 * Points `skip .. skip + n - 1` of the `dim`-dimensional Sobol sequence in [0, 1)^dim, row-major into
 * `out` (n * dim). Deterministic.
 */
export function sobolUnit(dim: number, n: number, skip = 0, out?: Float64Array): Float64Array {
  requireInteger("Sobol dimension", dim, 1, SOBOL_MAX_DIM);
  requireInteger("Sobol point count", n, 0);
  requireInteger("Sobol skip", skip, 0, 2 ** 31 - n);
  const res = out ?? new Float64Array(n * dim);
  if (res.length < n * dim) throw new Error(`Sobol output has length ${res.length}, need ${n * dim}`);
  const v = directions(dim);
  const x = new Uint32Array(dim);
  // Gray-code order: point i = XOR of v[b] over the set bits of gray(i) = i ^ (i >> 1).
  const g = (skip ^ (skip >>> 1)) >>> 0;
  for (let d = 0; d < dim; d++) {
    let acc = 0;
    for (let b = 0; b < BITS; b++) if ((g >>> b) & 1) acc ^= v[d][b];
    x[d] = acc >>> 0;
  }
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) res[i * dim + d] = x[d] / 4294967296;
    // Next index: flip the direction of the lowest zero bit of the current index.
    const idx = skip + i;
    let c = 0;
    while ((idx >>> c) & 1) c++;
    for (let d = 0; d < dim; d++) x[d] = (x[d] ^ v[d][c]) >>> 0;
  }
  return res;
}
