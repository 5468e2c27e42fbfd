/**
 * JSON that gives back exactly what went in, for records a later run must reuse bit for bit (the run log of
 * the paper PINN commands, src/node/run-log.ts). Plain JSON already round-trips every finite double (the
 * shortest representation that reads back to the same bits), but loses NaN, Infinity, -Infinity and the
 * sign of -0, and turns a Float64Array into an object; here those are written as tagged objects:
 *
 *   NaN -> {"$num": "NaN"}, -0 -> {"$num": "-0"}, Float64Array [1, NaN] -> {"$f64": [1, {"$num": "NaN"}]}
 *
 * Anything else JSON cannot hold (functions, other typed arrays, bigints) is refused with the path of the
 * value rather than silently dropped; `undefined` object members are left out, as JSON does.
 */

const SPECIAL: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": -Infinity,
  "-0": -0,
};

function encodeNumber(v: number): number | { $num: string } {
  if (Number.isNaN(v)) return { $num: "NaN" };
  if (v === Number.POSITIVE_INFINITY) return { $num: "Infinity" };
  if (v === Number.NEGATIVE_INFINITY) return { $num: "-Infinity" };
  if (Object.is(v, -0)) return { $num: "-0" };
  return v;
}

function toPlain(v: unknown, path: string): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return encodeNumber(v);
  if (v instanceof Float64Array) return { $f64: Array.from(v, encodeNumber) };
  if (ArrayBuffer.isView(v))
    throw new Error(`exact JSON: ${path} is a ${v.constructor.name}; only Float64Array is recorded`);
  if (Array.isArray(v)) return v.map((x, i) => toPlain(x ?? null, `${path}[${i}]`));
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      if (k === "$num" || k === "$f64") throw new Error(`exact JSON: ${path} has the reserved key ${k}`);
      out[k] = toPlain(x, `${path}.${k}`);
    }
    return out;
  }
  throw new Error(`exact JSON: ${path} is a ${typeof v}, which JSON cannot hold`);
}

function fromPlain(v: unknown, path: string): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x, i) => fromPlain(x, `${path}[${i}]`));
  const o = v as Record<string, unknown>;
  if ("$num" in o) {
    const s = o.$num;
    if (typeof s !== "string" || !(s in SPECIAL))
      throw new Error(`exact JSON: ${path}: bad $num ${JSON.stringify(s)}`);
    return SPECIAL[s];
  }
  if ("$f64" in o) {
    if (!Array.isArray(o.$f64)) throw new Error(`exact JSON: ${path}: $f64 is not an array`);
    return Float64Array.from(o.$f64, (x, i) => {
      const n = fromPlain(x, `${path}[${i}]`);
      if (typeof n !== "number") throw new Error(`exact JSON: ${path}[${i}] is not a number`);
      return n;
    });
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = fromPlain(x, `${path}.${k}`);
  return out;
}

/** `value` as exact JSON text (see the module comment); throws, naming the path, on what it cannot hold. */
export function toExactJson(value: unknown): string {
  return JSON.stringify(toPlain(value, "value"));
}

/** The value of exact JSON text: `fromExactJson(toExactJson(v))` has the bits of `v`. */
export function fromExactJson(text: string): unknown {
  return fromPlain(JSON.parse(text), "value");
}
