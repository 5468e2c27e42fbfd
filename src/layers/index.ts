import { ElementwiseLayer } from "./elementwise.js";
import { FeatureLayer } from "./features.js";
import type { Layer, LayerSpec } from "./layer.js";
import { LinearLayer } from "./linear.js";
import { SplineLayer } from "./spline-layer.js";

export * from "./elementwise.js";
export * from "./features.js";
export * from "./jet.js";
export { elementwiseJetBackward, elementwiseJetForward } from "./jet-channels.js";
export * from "./layer.js";
export * from "./linear.js";
export * from "./spline-layer.js";
export { type KernelBackend, kernelBackend, wasmSupported } from "./wasm/kernels.js";

/** Builds a layer from its serialisable description. */
export function createLayer(spec: LayerSpec): Layer {
  if (spec === null || typeof spec !== "object") throw new Error(`layer spec must be an object, got ${spec}`);
  switch (spec.type) {
    case "spline":
      return new SplineLayer(spec);
    case "linear":
      return new LinearLayer(spec);
    case "elementwise":
      return new ElementwiseLayer(spec);
    case "features":
      return new FeatureLayer(spec);
    default:
      throw new Error(`unknown layer type ${JSON.stringify((spec as { type?: unknown }).type)}`);
  }
}
