/**
 * Kernel records of the spline layer: the four passes (forward, backward, jet forward, jet backward) of
 * one backend, chosen once per layer in its `prepare` step (`chooseSplineKernels`) from one predicate,
 * `isUniformCubic` (spline/knots.ts), and from where the coefficients live:
 *
 * - `GENERIC_KERNELS` (spline-kernel.ts): any order, any knots, basis through `evalBasisAt`;
 * - `CUBIC_KERNELS` (spline-kernel-cubic.ts): uniform cubic splines, the basis fused into the loops;
 * - `WASM_KERNELS` (wasm/): the WebAssembly SIMD twins of the cubic kernels, for coefficients held in a
 *   network's WASM memory. Each call still checks that every array it touches is a view of that memory
 *   (`sharedArena`; a caller may pass its own arrays) and runs the cubic JS kernel otherwise. Jets of two
 *   dimensions with one second derivative (space-time PDEs: u_t, u_x, u_xx) run specialised jet kernels
 *   with the same bits: one pass over the outputs (jetFwd21 / jetBwd21), or for a single output two
 *   samples per instruction (jetFwdQ1 / jetBwdQ1).
 *
 * All three give the same bits on uniform cubic splines (test/layers/wasm.test.ts, kernels.test.ts).
 *
 * Passes (layouts as in spline-kernel.ts and jet.ts; arguments in spline-kernel-args.ts):
 * - forward: `y[yo + s*Q + q] = sum_p sum_m b_{j+m}(x_sp) coef[coff + ((p*N + j + m)*Q + q)]`;
 * - backward: adds `b_{j+m}(x) gy[s][q]` into g[goff + ((p*N + j + m)*Q + q)] and, if gx is not null,
 *   writes gx[s*P + p] = sum_m b'_{j+m}(x) sum_q coef[...] gy[s][q] (one fused pass);
 * - jet forward: per edge y = phi(x), y'_k = phi'(x) x'_k, y''_kl = phi''(x) x'_k x'_l + phi'(x) x''_kl,
 *   summed over inputs;
 * - jet backward: with G_c the output-channel gradients of edge (p, q), A1 = sum_k G_k x'_k +
 *   sum_m G_m x''_m and A2 = sum_m G_m x'_k x'_l: dL/dc_i += b_i G_0 + b'_i A1 + b''_i A2,
 *   dL/dx += sum_q (G_0 phi' + A1 phi'' + A2 phi'''), dL/dx'_k += sum_q G_k phi' + over pairs containing
 *   k: sum_q G_m phi'' x'_other, dL/dx''_m += sum_q G_m phi'; gx is written.
 */
import { isUniformCubic } from "../spline/knots.js";
import {
  splineBackwardGeneric,
  splineForwardGeneric,
  splineJetBackwardGeneric,
  splineJetForwardGeneric,
} from "./spline-kernel.js";
import type {
  SplineBackwardArgs,
  SplineForwardArgs,
  SplineJetBackwardArgs,
  SplineJetForwardArgs,
} from "./spline-kernel-args.js";
import { cubicBackward, cubicForward, cubicJetBackward, cubicJetForward } from "./spline-kernel-cubic.js";
import { arenaKernels, sharedArena, stagePairs } from "./wasm/kernels.js";

/** Names of the kernel records. */
export type SplineKernelName = "generic" | "cubic" | "wasm-simd";

/** The four passes of one backend. */
export interface SplineKernels {
  readonly name: SplineKernelName;
  forward(args: SplineForwardArgs): void;
  backward(args: SplineBackwardArgs): void;
  jetForward(args: SplineJetForwardArgs): void;
  jetBackward(args: SplineJetBackwardArgs): void;
}

/** Any order, any knots. */
export const GENERIC_KERNELS: SplineKernels = Object.freeze({
  name: "generic",
  forward: splineForwardGeneric,
  backward: splineBackwardGeneric,
  jetForward: splineJetForwardGeneric,
  jetBackward: splineJetBackwardGeneric,
});

/** Uniform cubic splines, JS. */
export const CUBIC_KERNELS: SplineKernels = Object.freeze({
  name: "cubic",
  forward: cubicForward,
  backward: cubicBackward,
  jetForward: cubicJetForward,
  jetBackward: cubicJetBackward,
});

function wasmForward(args: SplineForwardArgs): void {
  const { kv, coef, x, y } = args;
  const k = sharedArena(coef, x, y);
  if (k === undefined) {
    cubicForward(args);
    return;
  }
  k.fwd(
    args.P,
    args.Q,
    kv.intervals,
    kv.a,
    kv.b,
    kv.invh,
    coef.byteOffset + args.coff * 8,
    x.byteOffset + args.xo * 8,
    y.byteOffset + args.yo * 8,
    args.rows,
  );
}

function wasmBackward(args: SplineBackwardArgs): void {
  const { kv, coef, x, gy, gx, g } = args;
  const k = sharedArena(coef, x, gy, g, gx);
  if (k === undefined) {
    cubicBackward(args);
    return;
  }
  k.bwd(
    args.P,
    args.Q,
    kv.intervals,
    kv.a,
    kv.b,
    kv.invh,
    coef.byteOffset + args.coff * 8,
    x.byteOffset + args.xo * 8,
    gy.byteOffset,
    gx === null ? 0 : gx.byteOffset,
    gx === null ? 0 : 1,
    g.byteOffset + args.goff * 8,
    args.rows,
  );
}

/**
 * Jets of two dimensions with one second derivative (u_t, u_x, u_xx): the specialised kernels, jetFwdQ1 /
 * jetBwdQ1 for one output and jetFwd21 / jetBwd21 otherwise.
 */
function spaceTime(shape: { D: number; M: number }): boolean {
  return shape.D === 2 && shape.M === 1;
}

function wasmJetForward(args: SplineJetForwardArgs): void {
  const { kv, coef, x, y, shape } = args;
  const k = sharedArena(coef, x, y);
  if (k === undefined || args.Q > k.maxQ || shape.C > k.maxC) {
    cubicJetForward(args);
    return;
  }
  stagePairs(k, shape);
  (spaceTime(shape) ? (args.Q === 1 ? k.jetFwdQ1 : k.jetFwd21) : k.jetFwd)(
    args.P,
    args.Q,
    kv.intervals,
    kv.a,
    kv.b,
    kv.invh,
    coef.byteOffset + args.coff * 8,
    x.byteOffset + args.xo * 8,
    y.byteOffset + args.yo * 8,
    args.rows,
    shape.D,
    shape.M,
    k.pairs,
    k.work,
  );
}

function wasmJetBackward(args: SplineJetBackwardArgs): void {
  const { kv, coef, x, gy, gx, g, shape } = args;
  const k = sharedArena(coef, x, gy, g, gx);
  if (k === undefined || args.Q > k.maxQ || shape.C > k.maxC) {
    cubicJetBackward(args);
    return;
  }
  stagePairs(k, shape);
  (spaceTime(shape) ? (args.Q === 1 ? k.jetBwdQ1 : k.jetBwd21) : k.jetBwd)(
    args.P,
    args.Q,
    kv.intervals,
    kv.a,
    kv.b,
    kv.invh,
    coef.byteOffset + args.coff * 8,
    x.byteOffset + args.xo * 8,
    gy.byteOffset,
    gx === null ? 0 : gx.byteOffset,
    gx === null ? 0 : 1,
    g.byteOffset + args.goff * 8,
    args.rows,
    shape.D,
    shape.M,
    k.pairs,
    k.work,
  );
}

/** Uniform cubic splines in a network's WASM memory (cubic JS for arrays outside it). */
export const WASM_KERNELS: SplineKernels = Object.freeze({
  name: "wasm-simd",
  forward: wasmForward,
  backward: wasmBackward,
  jetForward: wasmJetForward,
  jetBackward: wasmJetBackward,
});

/** A layer's kernel record and why it was chosen. */
export interface KernelChoice {
  readonly kernels: SplineKernels;
  readonly reason: string;
}

/**
 * The kernels for splines on `kv` whose coefficients are `coef`: uniform cubic splines run the WASM
 * kernels when `coef` is a view of a WASM arena and the fused cubic JS kernels otherwise; every other
 * spline runs the generic kernels.
 */
export function chooseSplineKernels(
  kv: { readonly uniform: boolean; readonly order: number },
  coef: Float64Array,
): KernelChoice {
  if (!isUniformCubic(kv))
    return {
      kernels: GENERIC_KERNELS,
      reason: kv.uniform ? `order ${kv.order} (fused kernels are cubic only)` : "general knots",
    };
  if (arenaKernels(coef) !== undefined)
    return { kernels: WASM_KERNELS, reason: "uniform cubic, coefficients in WASM memory" };
  return {
    kernels: CUBIC_KERNELS,
    reason: "uniform cubic, coefficients outside WASM memory (WASM unavailable, disabled or params replaced)",
  };
}

/** Forward through the kernels `chooseSplineKernels` picks for these arguments (one-off calls, tests). */
export function splineForward(args: SplineForwardArgs): void {
  chooseSplineKernels(args.kv, args.coef).kernels.forward(args);
}

/** Backward through the kernels `chooseSplineKernels` picks for these arguments. */
export function splineBackward(args: SplineBackwardArgs): void {
  chooseSplineKernels(args.kv, args.coef).kernels.backward(args);
}

/** Jet forward through the kernels `chooseSplineKernels` picks for these arguments. */
export function splineJetForward(args: SplineJetForwardArgs): void {
  chooseSplineKernels(args.kv, args.coef).kernels.jetForward(args);
}

/** Jet backward through the kernels `chooseSplineKernels` picks for these arguments. */
export function splineJetBackward(args: SplineJetBackwardArgs): void {
  chooseSplineKernels(args.kv, args.coef).kernels.jetBackward(args);
}
