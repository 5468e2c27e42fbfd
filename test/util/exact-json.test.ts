import { describe, expect, it } from "vitest";
import { fromExactJson, toExactJson } from "../../src/util/exact-json.js";

/** The 64 bits of a double as a hex string (tells -0 from 0 and one NaN from another payload). */
function bits(v: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return b.getBigUint64(0).toString(16);
}

describe("exact JSON", () => {
  it("gives back the bits of every double, NaN, the infinities and -0 included, in arrays and Float64Arrays", () => {
    const values = [0, -0, 1, -1, Math.PI, 5e-324, -5e-324, Number.MAX_VALUE, 0.1 + 0.2, 1 / 3, Number.NaN];
    values.push(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** -1074 * 3, 123456789.000001);
    const back = fromExactJson(toExactJson({ list: values, typed: Float64Array.from(values) })) as {
      list: number[];
      typed: Float64Array;
    };
    expect(back.typed).toBeInstanceOf(Float64Array);
    expect(back.list.map(bits)).toEqual(values.map(bits));
    expect(Array.from(back.typed, bits)).toEqual(values.map(bits));
    // Plain JSON would have lost these.
    expect(JSON.parse(JSON.stringify([-0, Number.NaN]))).toEqual([0, null]);
  });

  it("keeps nesting, strings, booleans and null; drops undefined members as JSON does", () => {
    const v = { a: [1, [2, { b: "x", c: null, d: true }]], e: { f: Float64Array.of(-0) }, g: undefined };
    const back = fromExactJson(toExactJson(v)) as Record<string, unknown>;
    expect(back).toEqual({ a: [1, [2, { b: "x", c: null, d: true }]], e: { f: Float64Array.of(-0) } });
    expect("g" in back).toBe(false);
    expect(Object.is((back.e as { f: Float64Array }).f[0], -0)).toBe(true);
  });

  it("refuses what it cannot give back, naming where it is", () => {
    expect(() => toExactJson({ a: [1, Float32Array.of(1)] })).toThrow(/value\.a\[1\] is a Float32Array/);
    expect(() => toExactJson({ f: () => 1 })).toThrow(/value\.f is a function/);
    expect(() => toExactJson({ n: 1n })).toThrow(/value\.n is a bigint/);
    expect(() => toExactJson({ x: { $num: "NaN" } })).toThrow(/reserved key \$num/);
    expect(() => fromExactJson('{"a": {"$num": "nan"}}')).toThrow(/value\.a: bad \$num "nan"/);
    expect(() => fromExactJson('{"a": {"$f64": [1, "2"]}}')).toThrow(/value\.a\[1\] is not a number/);
  });
});
