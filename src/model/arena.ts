/**
 * The WASM memory of a network (layers/wasm/kernels.ts): one `WebAssembly.Memory`, sized once at
 * construction and never grown, holding every buffer the kernels touch, so that uniform cubic spline
 * layers run the WASM kernels (bit-identical to the JS ones).
 */
import { ElementwiseLayer } from "../layers/elementwise.js";
import type { Layer } from "../layers/layer.js";
import { SplineLayer } from "../layers/spline-layer.js";
import { arenaBytes, WasmArena } from "../layers/wasm/kernels.js";
import { BLOCK } from "./slots.js";

/** Jet workspaces are reserved in a network's WASM memory up to this size (else jets use JS arrays). */
const JET_ARENA_BUDGET = 16 * 2 ** 20;

/**
 * The WASM memory of a network: parameters and gradient slot, block activations and gradients, the
 * input block, the coefficient buffers of spline layers that need them, and the jet workspaces for up to
 * 1 + nIn + nIn(nIn+1)/2 channels (value, gradient, full Hessian) when they fit JET_ARENA_BUDGET. Null
 * where WASM is unavailable or the memory cannot be had.
 */
export function createArena(
  layers: Layer[],
  paramCount: number,
  nIn: number,
  maxWidth: number,
): WasmArena | null {
  // The arrays the constructor takes from the arena, by length (the order does not matter).
  const lengths = [paramCount, paramCount, BLOCK * maxWidth, BLOCK * maxWidth, BLOCK * nIn];
  for (const l of layers) {
    lengths.push(BLOCK * l.nOut);
    if (l instanceof SplineLayer) lengths.push(...l.bufferLengths());
    else if (l instanceof ElementwiseLayer) lengths.push(l.bufferLength(BLOCK));
  }
  const plain = arenaBytes(lengths, maxWidth, 0);
  const cMax = 1 + nIn + (nIn * (nIn + 1)) / 2;
  const jet = [BLOCK * cMax * nIn, BLOCK * cMax * maxWidth, BLOCK * cMax * maxWidth];
  for (const l of layers) jet.push(BLOCK * cMax * l.nOut);
  const withJets = arenaBytes([...lengths, ...jet], maxWidth, cMax);
  if (withJets - plain <= JET_ARENA_BUDGET) {
    const arena = WasmArena.create(withJets, maxWidth, cMax);
    if (arena) return arena;
  }
  return WasmArena.create(plain, maxWidth, 0);
}
