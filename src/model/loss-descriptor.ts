/**
 * Losses that can be rebuilt elsewhere (in a worker thread). A loss closure may carry a descriptor: its
 * kind, a structured-cloneable configuration, the arrays it reads (copied to the worker before every
 * evaluation, so the caller may change them between steps) and the arrays it writes per residual (copied
 * back after every evaluation). Closures without a descriptor are evaluated on the calling thread.
 */
export interface LossDescriptor {
  kind: "mse" | "jetTerm";
  config: Record<string, unknown>;
  inputs: ArrayLike<number>[];
  outputs: Float64Array[];
}

const descriptors = new WeakMap<object, LossDescriptor>();

/** Attaches a descriptor to a loss closure and returns the closure. */
export function withDescriptor<F extends object>(fn: F, d: LossDescriptor): F {
  descriptors.set(fn, d);
  return fn;
}

/** The descriptor of a loss closure, if it has one. */
export function lossDescriptor(fn: object): LossDescriptor | undefined {
  return descriptors.get(fn);
}
