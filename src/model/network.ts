/**
 * A network: a list of layers over one flat Float64Array of parameters (DESIGN.md section 2).
 *
 * Batched evaluation runs in blocks of `BLOCK` samples. Gradients are reductions over samples; to make
 * them bit-identical for any thread count (DESIGN.md section 1, determinism) the blocks are grouped into
 * at most `MAX_SLOTS` contiguous slots that depend only on the batch size: each slot accumulates its
 * samples in order, and the slots are summed in order. A threaded runner may compute slots in parallel
 * and get the same bits.
 *
 * Memory: where WebAssembly SIMD is available (and `MLKAN_WASM=0` is not set), a network keeps its
 * parameters, gradient slot, block activations, block gradients, an input block and its jet workspaces
 * in one `WebAssembly.Memory` sized at construction and never grown (layers/wasm/kernels.ts), so the
 * uniform cubic spline layers run the WASM kernels; `params` is then a view on that memory. The results
 * are bit-identical to the JS kernels. Assigning another array to `params` is allowed: the layers then
 * run the JS kernels.
 */
import {
  type Basis,
  createLayer,
  ElementwiseLayer,
  FreeKnotLayer,
  type GridSpec,
  type Layer,
  type LayerSpec,
  LinearLayer,
  SplineLayer,
} from "../layers/index.js";
import { type JetContext, type JetShape, type JetSpec, jetShape } from "../layers/jet.js";
import type { SplineKernelName } from "../layers/spline-kernels.js";
import { type KernelBackend, type WasmArena, wasmEnabled } from "../layers/wasm/kernels.js";
import { Rng } from "../util/random.js";
import { describe, requireFiniteArray, requireInteger, requireParamCount } from "../util/validate.js";
import { createArena } from "./arena.js";
import { allocJetWorkspace, type JetWorkspace, JetWorkspaces, seedJet } from "./jet-workspace.js";
import { applyScaler, type Scalers, unapplyScaler, validateScalers } from "./scalers.js";
import { BLOCK, reduceSlots, type SlotTask, slotCount, slotStart } from "./slots.js";
import { convertLayers, refineLayers } from "./transform.js";

/** Serialised model: format tag, version, class, layer descriptions, parameters and scalers. */
export interface ModelJSON {
  format: "mlkan-model";
  version: number;
  kind: string;
  layers: LayerSpec[];
  params: number[];
  scalers?: Scalers;
}

/** Format tag of saved models. */
export const MODEL_FORMAT = "mlkan-model";
/** Version of the saved-model format. */
export const MODEL_VERSION = 1;

/**
 * Loss of one block: given the network outputs y[s*nOut + o] of `rows` samples starting at sample
 * `start`, returns their summed loss contribution and writes dLoss/dy into gy (same layout).
 */
export type BlockLoss = (y: Float64Array, gy: Float64Array, start: number, rows: number) => number;

/**
 * Loss of one block of output jets: `jet[(s*C + c)*nOut + o]` (channel c as in layers/jet.ts) for `rows`
 * samples from `start`; returns the summed loss contribution and writes dLoss/djet into gJet (every
 * entry of the block, zero where the loss does not depend on it).
 */
export type JetBlockLoss = (jet: Float64Array, gJet: Float64Array, start: number, rows: number) => number;

/** Shared default (no per-call allocation). */
const NO_JET_OPTIONS: JetOptions = Object.freeze({});

/** Options of the jet evaluations (`Network.jets`, `Network.jetGradient`). */
export interface JetOptions {
  /** Per-sample side (-1 left, +1 right) for one-sided derivatives at kinks such as |x| = 0. */
  sides?: Int8Array;
  /**
   * Other work of the caller's, run once on the calling thread before `jetGradient` returns: by a thread
   * pool while its workers start on this evaluation's slots (the calling thread then joins them), on one
   * thread before the evaluation. It may evaluate this network on other points (a thread pool busy with
   * this evaluation runs those on the calling thread); it must not change the parameters or this
   * evaluation's inputs. The PINN problems evaluate their small loss terms here (`sumJetTerms`).
   */
  meanwhile?: () => void;
}

/**
 * Evaluates gradients in parallel (mlkan/node's thread pool implements it). A runner computes the same
 * slots as the single-thread path (`gradientSlot`, `jetGradientSlot`) and sums them in slot order, so
 * results are bit-identical for any thread count. It returns null to decline (e.g. a batch too small
 * to gain from threads, or a loss it cannot rebuild in its workers); the network then computes locally.
 * A runner that accepts a jet evaluation calls `opts.meanwhile` (if any) exactly once on the calling
 * thread; one that declines does not call it.
 */
export interface GradientRunner {
  gradient(
    net: Network,
    x: Float64Array,
    n: number,
    loss: BlockLoss,
    grad: Float64Array,
    inputGrad?: Float64Array,
  ): number | null;
  jetGradient(
    net: Network,
    x: Float64Array,
    n: number,
    shape: JetShape,
    loss: JetBlockLoss,
    grad: Float64Array,
    opts: JetOptions,
  ): number | null;
}

/** What one layer of a network runs (`Network.layerKernels`). */
export interface LayerKernels {
  /** Index of the layer in the network. */
  layer: number;
  /** Layer type ("spline", "linear", ...). */
  type: string;
  /** The spline kernel record, or null for layers without spline kernels. */
  kernels: SplineKernelName | null;
  /** Why this record was chosen. */
  reason: string;
}

/** What a network is built from: layers (or specs), parameters or a seed, and scalers. */
export interface NetworkInit {
  /** Layers or their descriptions, in order. */
  layers: (Layer | LayerSpec)[];
  /** Initial parameters (copied); drawn from `seed` when absent. */
  params?: Float64Array | number[];
  /** Seed of the initialisation (default 0). */
  seed?: number;
  scalers?: Scalers;
}

/**
 * A network: layers over one flat parameter vector, with batched forward, gradients, jets, refinement and
 * (de)serialisation.
 */
export class Network {
  readonly layers: readonly Layer[];
  readonly paramCount: number;
  readonly nIn: number;
  readonly nOut: number;
  /** The trainable parameters (one flat vector; optimizers update it in place). */
  params: Float64Array;
  scalers: Scalers;
  /** Per-block activations: acts[l] holds the output of layer l. */
  private readonly acts: Float64Array[];
  private readonly gA: Float64Array;
  private readonly gB: Float64Array;
  private readonly slotGrad: Float64Array;
  private readonly jetWorkspaces: JetWorkspaces;
  /** The WASM memory holding the buffers above (null: plain arrays, JS kernels). */
  private readonly arena: WasmArena | null;
  /** The input block copied into the arena, so that the first layer reads arena memory too. */
  private readonly inputBlock: Float64Array | null;
  /** Runner used by every network that has none of its own (set by mlkan/node's `useThreads`). */
  static defaultRunner: GradientRunner | null = null;
  /** This network's runner: undefined uses `Network.defaultRunner`, null forces one thread. */
  runner: GradientRunner | null | undefined = undefined;
  private readonly jetCtx: JetContext = { start: 0, sides: null };
  private readonly gradTask = new GradientTask(this);
  private readonly jetTask = new JetGradientTask(this);

  constructor(init: NetworkInit) {
    if (
      typeof init !== "object" ||
      init === null ||
      !Array.isArray(init.layers) ||
      init.layers.length === 0
    ) {
      throw new Error("a network needs a non-empty list of layers");
    }
    const layers = init.layers.map((l) => (isLayer(l) ? l : createLayer(l)));
    let offset = 0;
    for (let l = 0; l < layers.length; l++) {
      if (l > 0 && layers[l].nIn !== layers[l - 1].nOut) {
        throw new Error(
          `layer ${l} (${layers[l].type}) expects ${layers[l].nIn} inputs but layer ${l - 1} (${layers[l - 1].type}) has ${layers[l - 1].nOut} outputs`,
        );
      }
      layers[l].offset = offset;
      offset += layers[l].paramCount;
    }
    requireParamCount("the network", offset);
    this.layers = layers;
    this.paramCount = offset;
    this.nIn = layers[0].nIn;
    this.nOut = layers[layers.length - 1].nOut;
    const maxWidth = Math.max(this.nIn, ...layers.map((l) => l.nOut));
    this.arena = wasmEnabled() ? createArena(layers, offset, this.nIn, maxWidth) : null;
    const arena = this.arena;
    const buf = (n: number) => (arena ? arena.f64(n) : new Float64Array(n));
    this.params = buf(offset);
    this.slotGrad = buf(offset);
    this.acts = layers.map((l) => buf(BLOCK * l.nOut));
    this.gA = buf(BLOCK * maxWidth);
    this.gB = buf(BLOCK * maxWidth);
    this.inputBlock = arena ? arena.f64(BLOCK * this.nIn) : null;
    if (arena) {
      for (const l of layers) {
        if (l instanceof SplineLayer) l.placeBuffers(buf);
        else if (l instanceof ElementwiseLayer) l.placeBuffers(buf, BLOCK);
      }
    }
    const C = arena ? arena.kernels.maxC : 0;
    const widths = layers.map((l) => l.nOut);
    this.jetWorkspaces = new JetWorkspaces(
      this.nIn,
      widths,
      C > 0 ? allocJetWorkspace(C, this.nIn, widths, maxWidth, buf) : null,
    );
    if (init.params !== undefined) {
      if (init.params.length !== offset) {
        throw new Error(`params has length ${init.params.length}, but the layers need ${offset}`);
      }
      requireFiniteArray("params", init.params);
      this.params.set(init.params);
    } else {
      const seed = init.seed ?? 0;
      const rng = new Rng(seed);
      for (const layer of layers) layer.init(this.params, rng);
      // A basis whose conditioning overflows on this domain (e.g. the power-ReLU basis on an
      // extremely narrow domain) would start from non-finite parameters: refuse it here.
      for (let l = 0; l < layers.length; l++) {
        const { offset: o, paramCount: c } = layers[l];
        for (let i = o; i < o + c; i++)
          if (!Number.isFinite(this.params[i]))
            throw new Error(
              `layer ${l} (${layers[l].type}) gets non-finite initial parameters (params[${i}] = ${this.params[i]}): its domain or grid is too extreme for its basis (${JSON.stringify(layers[l].toSpec())})`,
            );
      }
    }
    this.scalers = init.scalers ? validateScalers(init.scalers, this.nIn, this.nOut) : {};
  }

  /**
   * The kernels the network runs on: "wasm-simd" when it holds its buffers in WASM memory (and `params`
   * is still its view there) and has a uniform cubic spline layer or a dense layer, else "js". Both give
   * the same bits (DESIGN.md section 1); results record it.
   */
  get backend(): KernelBackend {
    const arena = this.arena;
    if (arena === null || this.params.buffer !== arena.buffer) return "js";
    if (this.layers.some((l) => l instanceof LinearLayer)) return "wasm-simd";
    return this.layerKernels.some((k) => k.kernels === "wasm-simd") ? "wasm-simd" : "js";
  }

  /**
   * Per layer, the kernels its passes run with the current parameters and why (`kernels` null for layers
   * without spline kernels, the reason then saying whether a dense layer runs WASM): "wasm-simd", "cubic"
   * (fused uniform-cubic JS) or "generic".
   */
  get layerKernels(): LayerKernels[] {
    const inArena = this.arena !== null && this.params.buffer === this.arena.buffer;
    return this.layers.map((l, i) => {
      if (l instanceof LinearLayer)
        return {
          layer: i,
          type: l.type,
          kernels: null,
          reason: inArena
            ? "no spline kernels; dense WASM kernels (linear.wat) for whole blocks of four rows, JS loops for the rest"
            : "no spline kernels (plain JS loops)",
        };
      if (!(l instanceof SplineLayer))
        return { layer: i, type: l.type, kernels: null, reason: "no spline kernels (plain JS loops)" };
      const c = l.kernelChoice(this.params);
      return { layer: i, type: l.type, kernels: c.kernels.name, reason: c.reason };
    });
  }

  /** Bytes of the network's WASM memory (0 without one). */
  get wasmMemoryBytes(): number {
    return this.arena ? this.arena.byteLength : 0;
  }

  /**
   * The buffer the single-thread path accumulates each reduction slot into (paramCount entries; a view
   * on the network's WASM memory when it has one). Thread runners compute their slots into it, so that
   * the kernels run in WASM, and copy each one out.
   */
  slotBuffer(): Float64Array {
    return this.slotGrad;
  }

  /** The spline layers, in order. */
  get splineLayers(): SplineLayer[] {
    return this.layers.filter((l): l is SplineLayer => l instanceof SplineLayer);
  }

  /** Prepares every layer from the current parameters (once per step). */
  prepare(): void {
    for (const layer of this.layers) layer.prepare(this.params);
  }

  /**
   * Forward of one block through all layers; returns the output activations array. With an arena, the
   * block of x is first copied into it (the backward pass of the block reads that copy).
   */
  private forwardBlock(x: Float64Array, xo: number, rows: number): Float64Array {
    let src = x;
    let so = xo;
    const xb = this.inputBlock;
    if (xb !== null) {
      const m = rows * this.nIn;
      for (let i = 0; i < m; i++) xb[i] = x[xo + i];
      src = xb;
      so = 0;
    }
    for (let l = 0; l < this.layers.length; l++) {
      this.layers[l].forward(this.params, src, so, this.acts[l], 0, rows);
      src = this.acts[l];
      so = 0;
    }
    return src;
  }

  /**
   * Backward of one block from gy (in gA) through all layers, accumulating into g; the input gradient
   * (if wanted) ends in the returned buffer.
   */
  private backwardBlock(
    x: Float64Array,
    xo: number,
    rows: number,
    g: Float64Array,
    wantInput: boolean,
  ): Float64Array {
    let gy = this.gA;
    let gx = this.gB;
    const xb = this.inputBlock;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const input = l > 0 ? this.acts[l - 1] : xb !== null ? xb : x;
      const io = l > 0 || xb !== null ? 0 : xo;
      const out = l === 0 && !wantInput ? null : gx;
      this.layers[l].backward(this.params, input, io, gy, out, g, rows);
      const t = gy;
      gy = gx;
      gx = t;
    }
    return gy;
  }

  /**
   * Network outputs for n samples `x[s*nIn + p]` (no scalers), into `out` (allocated if absent).
   */
  forward(x: Float64Array, n: number, out?: Float64Array): Float64Array {
    this.checkBatch(x, n);
    const y = out ?? new Float64Array(n * this.nOut);
    if (y.length < n * this.nOut)
      throw new Error(`output array has length ${y.length}, need ${n * this.nOut}`);
    this.prepare();
    for (let start = 0; start < n; start += BLOCK) {
      const rows = Math.min(BLOCK, n - start);
      const yb = this.forwardBlock(x, start * this.nIn, rows);
      y.set(yb.subarray(0, rows * this.nOut), start * this.nOut);
    }
    return y;
  }

  /**
   * Loss and its gradient with respect to all parameters (written into `grad`), for a loss given block
   * by block. With `inputGrad`, also dLoss/dx (n * nIn). Deterministic slot reduction (see above).
   */
  gradient(
    x: Float64Array,
    n: number,
    loss: BlockLoss,
    grad: Float64Array,
    inputGrad?: Float64Array,
  ): number {
    this.checkBatch(x, n);
    if (grad.length !== this.paramCount) {
      throw new Error(`gradient array has length ${grad.length}, need ${this.paramCount}`);
    }
    if (inputGrad && inputGrad.length < n * this.nIn) {
      throw new Error(`input gradient array has length ${inputGrad.length}, need ${n * this.nIn}`);
    }
    const runner = this.runner === undefined ? Network.defaultRunner : this.runner;
    if (runner) {
      const total = runner.gradient(this, x, n, loss, grad, inputGrad);
      if (total !== null) return total;
    }
    this.prepare();
    const total = reduceSlots(slotCount(n), this.gradientTask(x, n, loss, inputGrad), this.slotGrad, grad);
    this.finishGradient(grad);
    return total;
  }

  /**
   * The slots of `gradient` as a task for a reduction driver (model/slots.ts): runSlot(k, g) is
   * `gradientSlot(x, n, loss, k, g, inputGrad)`. The task object is the network's own, reused by every
   * call (no allocation per step), so it is valid until the next call.
   */
  gradientTask(x: Float64Array, n: number, loss: BlockLoss, inputGrad?: Float64Array): SlotTask {
    const t = this.gradTask;
    t.x = x;
    t.n = n;
    t.loss = loss;
    t.inputGrad = inputGrad;
    return t;
  }

  /**
   * One reduction slot of `gradient`: accumulates the slot's samples into `g` (not zeroed here) and
   * returns their loss. The network must have been prepared for the current parameters.
   */
  gradientSlot(
    x: Float64Array,
    n: number,
    loss: BlockLoss,
    k: number,
    g: Float64Array,
    inputGrad?: Float64Array,
  ): number {
    const b1 = slotStart(n, k + 1);
    let slotLoss = 0;
    for (let b = slotStart(n, k); b < b1; b++) {
      const start = b * BLOCK;
      const rows = Math.min(BLOCK, n - start);
      const y = this.forwardBlock(x, start * this.nIn, rows);
      slotLoss += loss(y, this.gA, start, rows);
      const gx = this.backwardBlock(x, start * this.nIn, rows, g, inputGrad !== undefined);
      if (inputGrad) for (let i = 0; i < rows * this.nIn; i++) inputGrad[start * this.nIn + i] = gx[i];
    }
    for (const layer of this.layers) layer.endSlot?.(g);
    return slotLoss;
  }

  /** Maps the reduced gradient to every layer's trainable parametrisation (after all slots are summed). */
  finishGradient(grad: Float64Array): void {
    for (const layer of this.layers) layer.finishGradient(this.params, grad);
  }

  /** The jet shape for a spec on this network's inputs (validated). */
  jetShape(spec: JetSpec): JetShape {
    return jetShape(spec, this.nIn);
  }

  private forwardJetBlock(ws: JetWorkspace, shape: JetShape, rows: number): Float64Array {
    let src = ws.input;
    for (let l = 0; l < this.layers.length; l++) {
      this.layers[l].forwardJet(this.params, src, 0, ws.acts[l], 0, rows, shape, this.jetCtx);
      src = ws.acts[l];
    }
    return src;
  }

  private setJetContext(start: number, sides: Int8Array | undefined, n: number): void {
    if (sides && sides.length < n) throw new Error(`sides has length ${sides.length}, need ${n}`);
    this.jetCtx.start = start;
    this.jetCtx.sides = sides ?? null;
  }

  /**
   * Output jets of n samples: `out[(s*C + c)*nOut + o]`, c = 0 the value, 1..D the first derivatives with
   * respect to the chosen inputs, then the chosen second derivatives (layers/jet.ts).
   */
  jets(
    x: Float64Array,
    n: number,
    spec: JetSpec | JetShape,
    opts: JetOptions = NO_JET_OPTIONS,
    out?: Float64Array,
  ): Float64Array {
    this.checkBatch(x, n);
    const shape = "C" in spec ? spec : this.jetShape(spec);
    const ws = this.jetWorkspaces.get(shape.C);
    const width = shape.C * this.nOut;
    const y = out ?? new Float64Array(n * width);
    if (y.length < n * width) throw new Error(`jet output array has length ${y.length}, need ${n * width}`);
    this.prepare();
    for (let start = 0; start < n; start += BLOCK) {
      const rows = Math.min(BLOCK, n - start);
      this.setJetContext(start, opts.sides, n);
      seedJet(ws, shape, this.nIn, x, start, rows);
      const jb = this.forwardJetBlock(ws, shape, rows);
      y.set(jb.subarray(0, rows * width), start * width);
    }
    return y;
  }

  /**
   * A loss written from output jets and its exact gradient with respect to all parameters (into `grad`):
   * forward jets block by block, the block loss, then the reverse pass through the jets. Deterministic
   * slot reduction as in `gradient`.
   */
  jetGradient(
    x: Float64Array,
    n: number,
    spec: JetShape,
    loss: JetBlockLoss,
    grad: Float64Array,
    opts: JetOptions = NO_JET_OPTIONS,
  ): number {
    this.checkBatch(x, n);
    if (grad.length !== this.paramCount) {
      throw new Error(`gradient array has length ${grad.length}, need ${this.paramCount}`);
    }
    if (opts.sides && opts.sides.length < n)
      throw new Error(`sides has length ${opts.sides.length}, need ${n}`);
    const runner = this.runner === undefined ? Network.defaultRunner : this.runner;
    if (runner) {
      const total = runner.jetGradient(this, x, n, spec, loss, grad, opts);
      if (total !== null) return total;
    }
    opts.meanwhile?.();
    this.prepare();
    const total = reduceSlots(
      slotCount(n),
      this.jetGradientTask(x, n, spec, loss, opts),
      this.slotGrad,
      grad,
    );
    this.finishGradient(grad);
    return total;
  }

  /** The slots of `jetGradient` as a reusable task (see `gradientTask`). */
  jetGradientTask(
    x: Float64Array,
    n: number,
    shape: JetShape,
    loss: JetBlockLoss,
    opts: JetOptions = NO_JET_OPTIONS,
  ): SlotTask {
    const t = this.jetTask;
    t.x = x;
    t.n = n;
    t.shape = shape;
    t.loss = loss;
    t.opts = opts;
    return t;
  }

  /** One reduction slot of `jetGradient` (see `gradientSlot`). */
  jetGradientSlot(
    x: Float64Array,
    n: number,
    spec: JetShape,
    loss: JetBlockLoss,
    k: number,
    g: Float64Array,
    opts: JetOptions = NO_JET_OPTIONS,
  ): number {
    const ws = this.jetWorkspaces.get(spec.C);
    const b1 = slotStart(n, k + 1);
    let slotLoss = 0;
    for (let b = slotStart(n, k); b < b1; b++) {
      const start = b * BLOCK;
      const rows = Math.min(BLOCK, n - start);
      this.setJetContext(start, opts.sides, n);
      seedJet(ws, spec, this.nIn, x, start, rows);
      const jb = this.forwardJetBlock(ws, spec, rows);
      slotLoss += loss(jb, ws.gA, start, rows);
      let gy = ws.gA;
      let gx = ws.gB;
      for (let l = this.layers.length - 1; l >= 0; l--) {
        const input = l === 0 ? ws.input : ws.acts[l - 1];
        this.layers[l].backwardJet(
          this.params,
          input,
          0,
          gy,
          l === 0 ? null : gx,
          g,
          rows,
          spec,
          this.jetCtx,
        );
        const t = gy;
        gy = gx;
        gx = t;
      }
    }
    return slotLoss;
  }

  /**
   * Predictions in the user's units: applies the input and output scalers. Accepts rows (`number[][]`)
   * and returns rows, or a flat row-major Float64Array (returns one too).
   */
  predict(x: number[][]): number[][];
  predict(x: Float64Array): Float64Array;
  predict(x: number[][] | Float64Array): number[][] | Float64Array {
    if (!Array.isArray(x) && !(x instanceof Float64Array))
      throw new Error(`predict: x must be an array of rows or a Float64Array, got ${describe(x)}`);
    const flat = Array.isArray(x) ? toFlat(x, this.nIn, "x") : x;
    if (!Array.isArray(x) && x.length % this.nIn !== 0) {
      throw new Error(`x has length ${x.length}, not a multiple of the ${this.nIn} inputs`);
    }
    const n = flat.length / this.nIn;
    requireFiniteArray("x", flat);
    const xs = applyScaler(flat, this.nIn, this.scalers.input);
    const y = unapplyScaler(this.forward(xs, n), this.nOut, this.scalers.output);
    if (!Array.isArray(x)) return y;
    const rows: number[][] = [];
    for (let s = 0; s < n; s++) rows.push(Array.from(y.subarray(s * this.nOut, (s + 1) * this.nOut)));
    return rows;
  }

  /** The class name recorded in saved models ("Network", "KAN", "MLP"). */
  get kind(): string {
    return "Network";
  }

  /** Grid sizes of the spline layers (free-knot layers included), in order. */
  get grids(): number[] {
    return this.layers
      .filter((l) => l instanceof SplineLayer || l instanceof FreeKnotLayer)
      .map((l) => l.grid);
  }

  /**
   * The same network on finer nested grids, computing the same function (to rounding) everywhere:
   * `grids` is one grid (a size G or `{ breakpoints }`) for every spline layer, or one per spline layer.
   * Throws for grids that do not nest. Returns a new model; this one is unchanged.
   */
  refine(grids: GridSpec | GridSpec[]): this {
    const { layers, params } = refineLayers(this.layers, this.params, grids);
    return this.rebuild({ layers, params, scalers: this.scalers });
  }

  /** The same function with every spline layer parametrised in the given basis (a new model). */
  toBasis(basis: Basis): this {
    const { layers, params } = convertLayers(this.layers, this.params, basis);
    return this.rebuild({ layers, params, scalers: this.scalers });
  }

  /** A deep copy (same parameters, same scalers). */
  clone(): this {
    return this.rebuild({ layers: this.layerSpecs(), params: this.params, scalers: this.scalers });
  }

  /** The serialisable form; `fromJSON` rebuilds a model with bit-identical predictions. */
  toJSON(): ModelJSON {
    const json: ModelJSON = {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      kind: this.kind,
      layers: this.layerSpecs(),
      params: Array.from(this.params),
    };
    if (this.scalers.input || this.scalers.output) json.scalers = structuredClone(this.scalers);
    return json;
  }

  /** A model of the same class from layers and parameters. */
  protected rebuild(init: NetworkInit): this {
    const Ctor = this.constructor as new (init: NetworkInit) => this;
    return new Ctor(init);
  }

  /** The layer descriptions (no parameters). */
  layerSpecs(): LayerSpec[] {
    return this.layers.map((l) => l.toSpec());
  }

  private checkBatch(x: Float64Array, n: number): void {
    requireInteger("batch size", n, 1);
    if (!(x instanceof Float64Array)) throw new Error("x must be a Float64Array (row-major, n * nIn)");
    if (x.length < n * this.nIn) {
      throw new Error(`x has length ${x.length}, need n * nIn = ${n} * ${this.nIn} = ${n * this.nIn}`);
    }
  }
}

function isLayer(l: Layer | LayerSpec): l is Layer {
  return typeof (l as Layer).forward === "function";
}

/** Converts rows to a flat array, checking every row has `width` entries. */
export function toFlat(rows: number[][], width: number, name: string): Float64Array {
  const out = new Float64Array(rows.length * width);
  for (let s = 0; s < rows.length; s++) {
    const row = rows[s];
    if (!Array.isArray(row) || row.length !== width) {
      throw new Error(
        `${name}[${s}] must have ${width} entries, got ${Array.isArray(row) ? row.length : typeof row}`,
      );
    }
    for (let p = 0; p < width; p++) {
      const v: unknown = row[p];
      if (typeof v !== "number" || !Number.isFinite(v))
        throw new Error(`${name}[${s}][${p}] must be finite, got ${describe(v)}`);
      out[s * width + p] = v;
    }
  }
  return out;
}

/** The reusable slot task of `Network.gradient` (arguments set per call by `gradientTask`). */
class GradientTask implements SlotTask {
  x: Float64Array = new Float64Array(0);
  n = 0;
  loss: BlockLoss = () => 0;
  inputGrad: Float64Array | undefined = undefined;
  constructor(private readonly net: Network) {}
  runSlot(k: number, g: Float64Array): number {
    return this.net.gradientSlot(this.x, this.n, this.loss, k, g, this.inputGrad);
  }
}

/** The reusable slot task of `Network.jetGradient` (arguments set per call by `jetGradientTask`). */
class JetGradientTask implements SlotTask {
  x: Float64Array = new Float64Array(0);
  n = 0;
  shape: JetShape | null = null;
  loss: JetBlockLoss = () => 0;
  opts: JetOptions = NO_JET_OPTIONS;
  constructor(private readonly net: Network) {}
  runSlot(k: number, g: Float64Array): number {
    return this.net.jetGradientSlot(this.x, this.n, this.shape as JetShape, this.loss, k, g, this.opts);
  }
}
