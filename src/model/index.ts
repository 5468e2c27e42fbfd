import { KAN } from "./kan.js";
import { MLP } from "./mlp.js";
import { Network } from "./network.js";
import { parseModelJSON } from "./serialize.js";

export * from "./kan.js";
export * from "./losses.js";
export * from "./mlp.js";
export * from "./network.js";
export * from "./prune.js";
export * from "./regrid.js";
export * from "./scalers.js";
export * from "./serialize.js";
export * from "./slots.js";
export * from "./sparsity.js";
export * from "./transform.js";

/** Rebuilds any saved model with its class (KAN, MLP or Network). */
export function loadModel(json: unknown): Network {
  const init = parseModelJSON(json);
  switch (init.kind) {
    case "KAN":
      return new KAN(init);
    case "MLP":
      return new MLP(init);
    case "Network":
      return new Network(init);
    default:
      throw new Error(`unknown model kind ${JSON.stringify(init.kind)} (known: KAN, MLP, Network)`);
  }
}
