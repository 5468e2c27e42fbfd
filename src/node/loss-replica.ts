/** Rebuilds a described loss (model/loss-descriptor.ts) on given arrays: in workers and in the pool. */
import type { LossDescriptor } from "../model/loss-descriptor.js";
import { mseLoss } from "../model/losses.js";
import type { BlockLoss, JetBlockLoss } from "../model/network.js";
import { jetTermLossFromDescriptor } from "../problems/residual.js";

/** Rebuilds a block loss in a worker from its descriptor (kind, config, shared input and output arrays). */
export function rebuildLoss(
  kind: LossDescriptor["kind"],
  config: Record<string, unknown>,
  inputs: Float64Array[],
  outputs: Float64Array[],
): BlockLoss | JetBlockLoss {
  switch (kind) {
    case "mse":
      return mseLoss(inputs[0], config.n as number, config.nOut as number);
    case "jetTerm":
      return jetTermLossFromDescriptor(config, inputs, outputs);
    default:
      throw new Error(`cannot rebuild a loss of kind ${JSON.stringify(kind)}`);
  }
}
