/**
 * Block losses for `Network.gradient`. Each returns the summed contribution of a block and writes
 * dLoss/dy; closures are created once per data set, never inside a step.
 */
import { withDescriptor } from "./loss-descriptor.js";
import type { BlockLoss } from "./network.js";

/**
 * Mean squared error over all n * nOut entries (PyTorch's MSELoss): (1 / (n nOut)) sum (y - t)^2,
 * targets `t[s*nOut + o]`.
 */
export function mseLoss(targets: Float64Array, n: number, nOut: number): BlockLoss {
  if (targets.length < n * nOut) {
    throw new Error(`targets has length ${targets.length}, need n * nOut = ${n * nOut}`);
  }
  const w = 1 / (n * nOut);
  const loss: BlockLoss = (y, gy, start, rows) => {
    let sum = 0;
    const to = start * nOut;
    const m = rows * nOut;
    for (let k = 0; k < m; k++) {
      const d = y[k] - targets[to + k];
      sum += d * d;
      gy[k] = 2 * w * d;
    }
    return w * sum;
  };
  return withDescriptor(loss, { kind: "mse", config: { n, nOut }, inputs: [targets], outputs: [] });
}
