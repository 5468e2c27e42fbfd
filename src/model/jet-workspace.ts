/**
 * Jet workspaces of a network (layers/jet.ts): the seeded input jets of a block, the jet activations of
 * every layer and two jet gradient buffers, each BLOCK samples of C channels. A network reserves one
 * set in its WASM memory for up to a fixed number of channels (so the WASM kernels run on jets too) and
 * otherwise allocates plain arrays; either way a set is made once per channel count and then reused.
 */
import type { JetShape } from "../layers/jet.js";
import { BLOCK } from "./slots.js";

/** The buffers of one jet evaluation with C channels per unit. */
export interface JetWorkspace {
  C: number;
  /** Input jets of a block, width nIn. */
  input: Float64Array;
  /** Output jets of layer l, width nOut of layer l. */
  acts: Float64Array[];
  /** Jet gradients flowing backwards (ping-pong), width the largest layer width. */
  gA: Float64Array;
  gB: Float64Array;
}

/**
 * A workspace for C channels with buffers from `alloc` (plain arrays or a WASM arena): `nIn` inputs,
 * layer output widths `widths`, gradient buffers of the largest width `maxWidth`.
 */
export function allocJetWorkspace(
  C: number,
  nIn: number,
  widths: readonly number[],
  maxWidth: number,
  alloc: (n: number) => Float64Array,
): JetWorkspace {
  return {
    C,
    input: alloc(BLOCK * C * nIn),
    acts: widths.map((w) => alloc(BLOCK * C * w)),
    gA: alloc(BLOCK * C * maxWidth),
    gB: alloc(BLOCK * C * maxWidth),
  };
}

/**
 * The jet workspaces of one network: views on the `reserved` set (arena memory) for C up to its channel
 * count, plain arrays beyond; the last one made is kept and reused while C stays the same.
 */
export class JetWorkspaces {
  private current: JetWorkspace | null = null;

  constructor(
    private readonly nIn: number,
    private readonly widths: readonly number[],
    private readonly reserved: JetWorkspace | null,
  ) {}

  /** The workspace for C channels per unit. */
  get(C: number): JetWorkspace {
    if (this.current && this.current.C === C) return this.current;
    const ja = this.reserved;
    if (ja !== null && C <= ja.C) {
      // Views on the arena's jet workspaces (reserved for ja.C channels).
      this.current = {
        C,
        input: ja.input.subarray(0, BLOCK * C * this.nIn),
        acts: ja.acts.map((a, l) => a.subarray(0, BLOCK * C * this.widths[l])),
        gA: ja.gA.subarray(0, (ja.gA.length / ja.C) * C),
        gB: ja.gB.subarray(0, (ja.gB.length / ja.C) * C),
      };
      return this.current;
    }
    const maxWidth = Math.max(this.nIn, ...this.widths);
    this.current = allocJetWorkspace(C, this.nIn, this.widths, maxWidth, (n) => new Float64Array(n));
    return this.current;
  }
}

/**
 * Seeds the input jets of a block of `rows` samples from `start` (P inputs, x row-major): value x,
 * first derivatives the unit vectors e_dims[k], second derivatives 0.
 */
export function seedJet(
  ws: JetWorkspace,
  shape: JetShape,
  P: number,
  x: Float64Array,
  start: number,
  rows: number,
): void {
  const { C, D } = shape;
  const J = ws.input;
  J.fill(0, 0, rows * C * P);
  for (let s = 0; s < rows; s++) {
    const base = s * C * P;
    for (let p = 0; p < P; p++) J[base + p] = x[(start + s) * P + p];
    for (let k = 0; k < D; k++) J[base + (1 + k) * P + shape.dims[k]] = 1;
  }
}
