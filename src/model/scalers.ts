/**
 * Scalers: the per-column affine maps between the user's units and the normalised units a model trains
 * in, x' = (x - shift) / scale. A problem fits them on its training data (`fitScaler`) and trains on the
 * mapped data (`applyScaler`); `fit` and `trainMultilevel` store a problem's maps in the model
 * (`Network.scalers`, `hasScalers`), and `Network.predict` applies them (`applyScaler` on the inputs,
 * `unapplyScaler` on the outputs), so predictions come in the user's units.
 */
import { requireFiniteArray } from "../util/validate.js";

/** One affine map per column: x' = (x - shift[p]) / scale[p]. */
export interface ColumnScaler {
  shift: number[];
  scale: number[];
}

/** Affine maps applied by `predict` in the user's units: x' = (x - shift) / scale, y = y' scale + shift. */
export interface Scalers {
  input?: ColumnScaler;
  output?: ColumnScaler;
}

/** How a set of columns is rescaled: not at all, min-max onto `range`, or to mean 0 and deviation 1. */
export type Scaling = "none" | "minmax" | "standard";

/**
 * The affine map (x' = (x - shift) / scale per column) that takes the columns of `data` (row-major,
 * `width` columns, n rows) onto `range` by min-max, or to mean 0 / sample deviation 1 by
 * standardisation. A constant column gets scale 1 (it maps to the range's lower end, or to 0).
 */
export function fitScaler(
  data: Float64Array,
  n: number,
  width: number,
  scaling: Exclude<Scaling, "none">,
  range: [number, number] = [0, 1],
): ColumnScaler {
  const shift: number[] = [];
  const scale: number[] = [];
  for (let p = 0; p < width; p++) {
    if (scaling === "minmax") {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let s = 0; s < n; s++) {
        const v = data[s * width + p];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const sc = hi > lo ? (hi - lo) / (range[1] - range[0]) : 1;
      scale.push(sc);
      shift.push(lo - range[0] * sc);
    } else {
      let sum = 0;
      for (let s = 0; s < n; s++) sum += data[s * width + p];
      const mean = sum / n;
      let ss = 0;
      for (let s = 0; s < n; s++) ss += (data[s * width + p] - mean) ** 2;
      const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
      shift.push(mean);
      scale.push(sd > 0 ? sd : 1);
    }
  }
  return { shift, scale };
}

/** Applies x' = (x - shift) / scale column by column (a new array). */
export function applyScaler(
  data: Float64Array,
  width: number,
  m: { shift: readonly number[]; scale: readonly number[] } | undefined,
): Float64Array {
  const out = Float64Array.from(data);
  if (!m) return out;
  for (let i = 0; i < out.length; i++) {
    const p = i % width;
    out[i] = (out[i] - m.shift[p]) / m.scale[p];
  }
  return out;
}

/** Applies y = y' scale + shift column by column, in place (the inverse of `applyScaler`). */
export function unapplyScaler(
  data: Float64Array,
  width: number,
  m: { shift: readonly number[]; scale: readonly number[] } | undefined,
): Float64Array {
  if (!m) return data;
  for (let i = 0; i < data.length; i++) {
    const p = i % width;
    data[i] = data[i] * m.scale[p] + m.shift[p];
  }
  return data;
}

/** Whether an object (e.g. a problem) carries scalers for the model, in a `scalers` property. */
export function hasScalers<T extends object>(x: T): x is T & { readonly scalers: Scalers } {
  const s = (x as { scalers?: unknown }).scalers;
  return typeof s === "object" && s !== null;
}

/** Checks scalers against a model's input and output widths (finite shifts, nonzero finite scales). */
export function validateScalers(sc: Scalers, nIn: number, nOut: number): Scalers {
  const check = (name: string, m: { shift: number[]; scale: number[] } | undefined, width: number) => {
    if (!m) return;
    if (
      !Array.isArray(m.shift) ||
      m.shift.length !== width ||
      !Array.isArray(m.scale) ||
      m.scale.length !== width
    ) {
      throw new Error(`scalers.${name} needs shift and scale arrays of length ${width}`);
    }
    requireFiniteArray(`scalers.${name}.shift`, m.shift);
    requireFiniteArray(`scalers.${name}.scale`, m.scale);
    m.scale.forEach((v, i) => {
      if (v === 0) throw new Error(`scalers.${name}.scale[${i}] must be nonzero`);
    });
  };
  check("input", sc.input, nIn);
  check("output", sc.output, nOut);
  const out: Scalers = {};
  if (sc.input) out.input = structuredClone(sc.input);
  if (sc.output) out.output = structuredClone(sc.output);
  return out;
}
