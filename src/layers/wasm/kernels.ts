/**
 * The WebAssembly backend of the uniform cubic spline kernels (spline-cubic.wat, f64x2 SIMD), of the
 * dense layers (linear.wat) and of the tanh and sigmoid elementwise layers (elementwise.wat): bit for bit
 * the JS kernels of spline-kernel-cubic.ts, linear.ts and elementwise.ts, 2-4x faster on wide layers.
 *
 * A network that uses it owns one `WebAssembly.Memory` (an arena, sized once at construction and never
 * grown, so views on it never detach) holding its parameters, gradient slot, block activations and jet
 * workspaces, with one instance of each kernel module bound to it. The dispatchers in spline-kernels.ts
 * and linear.ts call the WASM kernels when every array a kernel touches is a view of one arena's memory
 * (`sharedArena`), and the JS kernels otherwise (foreign arrays, other orders, general knots).
 *
 * Browser-safe: no Node imports. The modules (about 25 KB) are compiled synchronously, once per thread,
 * and only if `WebAssembly.validate` accepts them (fixed-width SIMD). `MLKAN_WASM=0` in the environment
 * (Node) makes new networks use the JS kernels.
 */
import type { JetShape } from "../jet.js";
import { ELEMENTWISE_WASM_BASE64 } from "./elementwise-bytes.js";
import { LINEAR_WASM_BASE64 } from "./linear-bytes.js";
import { SPLINE_CUBIC_WASM_BASE64 } from "./spline-cubic-bytes.js";

/** Which kernels a network's spline layers run on. */
export type KernelBackend = "wasm-simd" | "js";

/** The few WebAssembly JS-API members used here (the ES2022 lib has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum?: number }) => WasmMemory;
}

/** Arguments shared by every kernel: shapes, knot data, and the coefficients' byte offset. */
type Head = [P: number, Q: number, n: number, a: number, b: number, invh: number, coef: number];
/** The jet kernels' extra arguments: jet dimensions and the arena's pair table and scratch offsets. */
type JetTail = [D: number, M: number, pairs: number, work: number];
type FwdArgs = [...Head, x: number, y: number, rows: number];
type BwdArgs = [...Head, x: number, gy: number, gx: number, hasGx: number, g: number, rows: number];
type FwdFn = (...args: FwdArgs) => void;
type BwdFn = (...args: BwdArgs) => void;
type JetFwdFn = (...args: [...FwdArgs, ...JetTail]) => void;
type JetBwdFn = (...args: [...BwdArgs, ...JetTail]) => void;
/** Dense-layer forward of the first R4 rows (linear.wat `fwd`): byte offsets of W, bias, x, y. */
type LinFwdFn = (
  P: number,
  Q: number,
  w: number,
  b: number,
  x: number,
  y: number,
  R4: number,
  C: number,
  hasBias: number,
) => void;
/** Dense-layer reverse pass of the first R4 rows (linear.wat `bwd`). */
type LinBwdFn = (
  P: number,
  Q: number,
  w: number,
  gb: number,
  x: number,
  gy: number,
  gx: number,
  hasGx: number,
  g: number,
  R4: number,
  biasEvery: number,
  hasBias: number,
) => void;

/** Elementwise kernels (elementwise.wat); kind 0 is tanh, 1 sigmoid. */
type EwFwdFn = (kind: number, scale: number, shift: number, x: number, y: number, n: number) => void;
type EwBwdFn = (kind: number, scale: number, x: number, gy: number, gx: number, n: number) => void;
/** The elementwise jet kernels' trailing arguments: block shape, jet dimensions, the arena's pair table. */
type EwJetTail = [C: number, W: number, rows: number, D: number, M: number, pairs: number];
type EwJetFwdFn = (
  ...args: [kind: number, scale: number, shift: number, x: number, y: number, f: number, ...EwJetTail]
) => void;
type EwJetBwdFn = (
  ...args: [
    kind: number,
    scale: number,
    shift: number,
    x: number,
    gy: number,
    gx: number,
    f: number,
    haveF: number,
    ...EwJetTail,
  ]
) => void;

/** The kernel instance of one arena, with its jet scratch (byte offsets into the arena's memory). */
export interface ArenaKernels {
  readonly buffer: ArrayBuffer;
  readonly fwd: FwdFn;
  readonly bwd: BwdFn;
  readonly jetFwd: JetFwdFn;
  readonly jetBwd: JetBwdFn;
  /** jetFwd and jetBwd for one output and jets with D = 2, M = 1 (two samples per instruction), same bits. */
  readonly jetFwdQ1: JetFwdFn;
  readonly jetBwdQ1: JetBwdFn;
  /** jetFwd and jetBwd for jets with D = 2, M = 1 (any Q), one pass over q per sample, same bits. */
  readonly jetFwd21: JetFwdFn;
  readonly jetBwd21: JetBwdFn;
  /** Dense-layer kernels (linear.wat) on the same memory. */
  readonly linFwd: LinFwdFn;
  readonly linBwd: LinBwdFn;
  /** Elementwise-layer kernels (elementwise.wat) on the same memory. */
  readonly ewFwd: EwFwdFn;
  readonly ewBwd: EwBwdFn;
  readonly ewJetFwd: EwJetFwdFn;
  readonly ewJetBwd: EwJetBwdFn;
  /** Widest layer output the jet scratch holds (f1, f2, a1, a2 of Q entries each). */
  readonly maxQ: number;
  /** Most jet channels the jet scratch holds (0: no jet scratch, jets run in JS). */
  readonly maxC: number;
  /** Byte offset of the jet scratch: 4 maxQ + 2 maxC doubles. */
  readonly work: number;
  /** Byte offset of pairK[M], pairL[M] (i32, 2 maxC entries). */
  readonly pairs: number;
  readonly i32: Int32Array;
}

const registry = new WeakMap<ArrayBufferLike, ArenaKernels>();

/** The kernels bound to the memory `a` is a view of, if it is an arena's. */
export function arenaKernels(a: Float64Array): ArenaKernels | undefined {
  return registry.get(a.buffer);
}

/**
 * The kernels of `coef`'s arena when the other arrays of a kernel call (null: not passed) are views of
 * the same memory; undefined sends the caller to the JS kernels. Fixed arity: no array per call.
 */
export function sharedArena(
  coef: Float64Array,
  a: Float64Array,
  b: Float64Array | null = null,
  c: Float64Array | null = null,
  d: Float64Array | null = null,
): ArenaKernels | undefined {
  const k = registry.get(coef.buffer);
  if (k === undefined) return undefined;
  const m = k.buffer;
  if (a.buffer !== m || (b !== null && b.buffer !== m)) return undefined;
  if ((c !== null && c.buffer !== m) || (d !== null && d.buffer !== m)) return undefined;
  return k;
}

/** Writes the pairs of a jet shape into the arena's pair table. */
export function stagePairs(k: ArenaKernels, shape: JetShape): void {
  const { M, pairK, pairL } = shape;
  const at = k.pairs >> 2;
  for (let m = 0; m < M; m++) {
    k.i32[at + m] = pairK[m];
    k.i32[at + M + m] = pairL[m];
  }
}

function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}

function decodeBase64(s: string): Uint8Array {
  const table = new Int16Array(128).fill(-1);
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) table[abc.charCodeAt(i)] = i;
  let len = s.length;
  while (len > 0 && s[len - 1] === "=") len--;
  const out = new Uint8Array((len * 3) >> 2);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    const v = table[s.charCodeAt(i)];
    if (v < 0) throw new Error("invalid base64");
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** The compiled kernel modules: spline (spline-cubic.wat), dense (linear.wat), elementwise layers. */
interface KernelModules {
  spline: object;
  linear: object;
  elementwise: object;
}

let compiled: KernelModules | null | undefined;

/** The compiled kernel modules, or null where WebAssembly or its SIMD is unavailable. */
function kernelModules(): KernelModules | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  const api = wasmApi();
  if (!api) return null;
  try {
    const spline = decodeBase64(SPLINE_CUBIC_WASM_BASE64);
    const linear = decodeBase64(LINEAR_WASM_BASE64);
    const elementwise = decodeBase64(ELEMENTWISE_WASM_BASE64);
    if (api.validate(spline) && api.validate(linear) && api.validate(elementwise))
      compiled = {
        spline: new api.Module(spline),
        linear: new api.Module(linear),
        elementwise: new api.Module(elementwise),
      };
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether this runtime can run the WASM kernels (WebAssembly with fixed-width SIMD). */
export function wasmSupported(): boolean {
  return kernelModules() !== null;
}

let override: boolean | null = null;

/**
 * Forces (true/false) or releases (null) the choice of backend for networks built from now on in this
 * thread, over `MLKAN_WASM`. Used by thread-pool workers so that a replica runs on the backend of the
 * network it replicates; tests use it to build the same network on both backends.
 */
export function setWasmOverride(use: boolean | null): void {
  override = use;
}

/** Whether a network built now gets a WASM arena: supported, and not switched off. */
export function wasmEnabled(): boolean {
  if (override !== null) return override && wasmSupported();
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const flag = env?.MLKAN_WASM;
  if (flag !== undefined && ["0", "false", "off", "no"].includes(flag.trim().toLowerCase())) return false;
  return wasmSupported();
}

/** The backend a network built now uses for uniform cubic spline layers. */
export function kernelBackend(): KernelBackend {
  return wasmEnabled() ? "wasm-simd" : "js";
}

/** Largest arena (bytes); bigger networks use plain arrays and the JS kernels. */
export const MAX_ARENA_BYTES = 2 ** 31;
const PAGE = 65536;
const ALIGN = 64;

/** Bytes of an arena holding Float64Arrays of the given lengths, plus the kernel scratch. */
export function arenaBytes(lengths: number[], maxQ: number, maxC: number): number {
  let bytes = 0;
  for (const n of lengths) bytes += align(n * 8);
  return bytes + scratchBytes(maxQ, maxC);
}

function scratchBytes(maxQ: number, maxC: number): number {
  return align((4 * maxQ + 2 * maxC) * 8) + align(2 * maxC * 4);
}

function align(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/**
 * One WebAssembly.Memory with a bump allocator of Float64Array views and the kernel instance bound to
 * it. `create` returns null where WASM is unavailable or the memory cannot be had.
 */
export class WasmArena {
  readonly buffer: ArrayBuffer;
  readonly kernels: ArenaKernels;
  private top: number;

  private constructor(buffer: ArrayBuffer, kernels: ArenaKernels, top: number) {
    this.buffer = buffer;
    this.kernels = kernels;
    this.top = top;
  }

  /**
   * An arena of `bytes` (from `arenaBytes`, which includes the jet scratch for outputs up to maxQ and up
   * to maxC jet channels; maxC = 0 leaves jets to JS).
   */
  static create(bytes: number, maxQ: number, maxC: number): WasmArena | null {
    const api = wasmApi();
    const modules = kernelModules();
    if (!api || !modules || !(bytes > 0) || bytes > MAX_ARENA_BYTES) return null;
    const pages = Math.max(1, Math.ceil(bytes / PAGE));
    let memory: WasmMemory;
    let spline: Record<string, unknown>;
    let linear: Record<string, unknown>;
    let ew: Record<string, unknown>;
    try {
      memory = new api.Memory({ initial: pages, maximum: pages });
      spline = new api.Instance(modules.spline, { env: { mem: memory } }).exports;
      linear = new api.Instance(modules.linear, { env: { mem: memory } }).exports;
      ew = new api.Instance(modules.elementwise, { env: { mem: memory } }).exports;
    } catch {
      return null; // e.g. out of address space for memories: plain arrays and JS kernels
    }
    const buffer = memory.buffer;
    const work = 0;
    const pairs = align((4 * maxQ + 2 * maxC) * 8);
    const kernels: ArenaKernels = {
      buffer,
      fwd: spline.fwd as FwdFn,
      bwd: spline.bwd as BwdFn,
      jetFwd: spline.jetFwd as JetFwdFn,
      jetBwd: spline.jetBwd as JetBwdFn,
      jetFwdQ1: spline.jetFwdQ1 as JetFwdFn,
      jetBwdQ1: spline.jetBwdQ1 as JetBwdFn,
      jetFwd21: spline.jetFwd21 as JetFwdFn,
      jetBwd21: spline.jetBwd21 as JetBwdFn,
      linFwd: linear.fwd as LinFwdFn,
      linBwd: linear.bwd as LinBwdFn,
      ewFwd: ew.fwd as EwFwdFn,
      ewBwd: ew.bwd as EwBwdFn,
      ewJetFwd: ew.jetFwd as EwJetFwdFn,
      ewJetBwd: ew.jetBwd as EwJetBwdFn,
      maxQ,
      maxC,
      work,
      pairs,
      i32: new Int32Array(buffer),
    };
    registry.set(buffer, kernels);
    return new WasmArena(buffer, kernels, scratchBytes(maxQ, maxC));
  }

  /** A zeroed Float64Array of n entries in the arena (64-byte aligned). */
  f64(n: number): Float64Array {
    const at = this.top;
    this.top += align(n * 8);
    if (this.top > this.buffer.byteLength) throw new Error("internal: WASM arena too small");
    return new Float64Array(this.buffer, at, n);
  }

  /** Total size of the memory in bytes. */
  get byteLength(): number {
    return this.buffer.byteLength;
  }
}
