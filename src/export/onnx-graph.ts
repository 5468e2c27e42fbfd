/**
 * A small ONNX graph builder: unique value names, constants stored as initializers (float tensors in the
 * export's element type, float64 or float32, and int64 index tensors), and one method per operator the
 * exporter uses. Every operator here has float64 kernels in onnxruntime's CPU provider (the float64
 * export runs nothing else). Values are referred to by name; shapes are the caller's business.
 */
import {
  type AttributeMessage,
  AttributeType,
  DataType,
  type NodeMessage,
  type TensorMessage,
} from "./onnx-proto.js";

/** Element type of an exported model's float tensors. */
export type OnnxDtype = "float64" | "float32";

/** Little-endian bytes of values as float64 or float32. */
function floatBytes(values: ArrayLike<number>, dtype: OnnxDtype): Uint8Array {
  const size = dtype === "float64" ? 8 : 4;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (dtype === "float64") view.setFloat64(i * 8, values[i], true);
    else view.setFloat32(i * 4, values[i], true);
  }
  return out;
}

/** Little-endian bytes of integer values as int64. */
function int64Bytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]), true);
  return out;
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * An ONNX graph under construction: nodes and initializers in the order added, float constants in the
 * graph's element type (`dtype`), unique value names. `encodeModel` (onnx-proto.ts) writes it out.
 */
export class OnnxGraph {
  readonly dtype: OnnxDtype;
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  private readonly used = new Set<string>();
  private readonly scalars = new Map<string, string>();

  constructor(dtype: OnnxDtype) {
    if (dtype !== "float64" && dtype !== "float32") {
      throw new Error(`ONNX export dtype must be "float64" or "float32", got ${JSON.stringify(dtype)}`);
    }
    this.dtype = dtype;
  }

  /** TensorProto data type code of the float tensors. */
  get floatType(): number {
    return this.dtype === "float64" ? DataType.DOUBLE : DataType.FLOAT;
  }

  /** A value name not used before, from a readable prefix. */
  fresh(prefix: string): string {
    const base = prefix.replace(/[^A-Za-z0-9_./-]/g, "_");
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Reserves a name given from outside (graph inputs). */
  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`ONNX value name ${JSON.stringify(name)} used twice`);
    this.used.add(name);
    return name;
  }

  /** A float constant tensor (row-major values, dims as given). */
  floats(prefix: string, values: ArrayLike<number>, dims: number[]): string {
    if (values.length !== product(dims)) {
      throw new Error(`constant ${prefix}: ${values.length} values for dims [${dims.join(", ")}]`);
    }
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        throw new Error(`constant ${prefix}[${i}] must be finite, got ${values[i]}`);
      }
    }
    const name = this.fresh(prefix);
    this.initializers.push({
      name,
      dims,
      dataType: this.floatType,
      rawData: floatBytes(values, this.dtype),
    });
    return name;
  }

  /** A float scalar constant (shared between uses of the same value). */
  scalar(v: number): string {
    const key = Object.is(v, -0) ? "-0" : String(v);
    let name = this.scalars.get(key);
    if (name === undefined) {
      name = this.floats("c", [v], []);
      this.scalars.set(key, name);
    }
    return name;
  }

  /** An int64 constant tensor. */
  ints(prefix: string, values: ArrayLike<number>, dims: number[]): string {
    if (values.length !== product(dims)) {
      throw new Error(`constant ${prefix}: ${values.length} values for dims [${dims.join(", ")}]`);
    }
    const name = this.fresh(prefix);
    this.initializers.push({ name, dims, dataType: DataType.INT64, rawData: int64Bytes(values) });
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  op(
    opType: string,
    inputs: string[],
    attrs: AttributeMessage[] = [],
    prefix = opType.toLowerCase(),
  ): string {
    const out = this.fresh(prefix);
    this.nodes.push({
      name: this.fresh(`n_${opType}`),
      opType,
      input: inputs,
      output: [out],
      attribute: attrs,
    });
    return out;
  }

  add(a: string, b: string, prefix?: string): string {
    return this.op("Add", [a, b], [], prefix);
  }
  sub(a: string, b: string, prefix?: string): string {
    return this.op("Sub", [a, b], [], prefix);
  }
  mul(a: string, b: string, prefix?: string): string {
    return this.op("Mul", [a, b], [], prefix);
  }
  div(a: string, b: string, prefix?: string): string {
    return this.op("Div", [a, b], [], prefix);
  }
  matmul(a: string, b: string, prefix?: string): string {
    return this.op("MatMul", [a, b], [], prefix);
  }
  /** Clip(x, lo, hi) with float scalar bounds. */
  clip(x: string, lo: number, hi: number, prefix?: string): string {
    return this.op("Clip", [x, this.scalar(lo), this.scalar(hi)], [], prefix);
  }
  floor(x: string, prefix?: string): string {
    return this.op("Floor", [x], [], prefix);
  }
  /** Cast to the TensorProto type code `to`. */
  cast(x: string, to: number, prefix?: string): string {
    return this.op("Cast", [x], [{ name: "to", type: AttributeType.INT, i: to }], prefix);
  }
  /** Gather along `axis` (int64 indices). */
  gather(data: string, indices: string, axis: number, prefix?: string): string {
    return this.op("Gather", [data, indices], [{ name: "axis", type: AttributeType.INT, i: axis }], prefix);
  }
  unsqueeze(x: string, axes: number[], prefix?: string): string {
    return this.op("Unsqueeze", [x, this.ints("axes", axes, [axes.length])], [], prefix);
  }
  /** Reshape to `shape` (0 copies the input's size, -1 is inferred). */
  reshape(x: string, shape: number[], prefix?: string): string {
    return this.op("Reshape", [x, this.ints("shape", shape, [shape.length])], [], prefix);
  }
  concat(xs: string[], axis: number, prefix?: string): string {
    return this.op("Concat", xs, [{ name: "axis", type: AttributeType.INT, i: axis }], prefix);
  }
  where(cond: string, a: string, b: string, prefix?: string): string {
    return this.op("Where", [cond, a, b], [], prefix);
  }
  less(a: string, b: string, prefix?: string): string {
    return this.op("Less", [a, b], [], prefix);
  }
  greater(a: string, b: string, prefix?: string): string {
    return this.op("Greater", [a, b], [], prefix);
  }
  /**
   * silu(x) = x / (1 + exp(-x)). Not written as x * Sigmoid(x): onnxruntime's optimizer fuses that pattern
   * into com.microsoft.QuickGelu, which has no float64 kernel, and the session would not load.
   */
  silu(x: string, prefix?: string): string {
    return this.div(x, this.add(this.scalar(1), this.unary("Exp", this.unary("Neg", x))), prefix);
  }
  /** Elementwise unary operator (Sigmoid, Tanh, Relu, Abs, Sin, Cos, ...). */
  unary(opType: string, x: string, prefix?: string): string {
    return this.op(opType, [x], [], prefix);
  }
}
