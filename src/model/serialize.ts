/**
 * Loading saved models. `parseModelJSON` validates everything (format tag, version, layer descriptions,
 * parameter count and values, scalers) before anything is built, so a malformed, truncated or
 * wrong-version file raises a clear error and never yields a half-built model.
 */
import { createLayer } from "../layers/index.js";
import type { LayerSpec } from "../layers/layer.js";
import { MODEL_FORMAT, MODEL_VERSION, type NetworkInit } from "./network.js";
import type { Scalers } from "./scalers.js";

export function parseModelJSON(input: unknown): NetworkInit & { kind: string } {
  let json: unknown = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch (err) {
      throw new Error(`model JSON does not parse (truncated or not JSON?): ${(err as Error).message}`);
    }
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new Error(`a saved model must be a JSON object, got ${json === null ? "null" : typeof json}`);
  }
  const obj = json as Record<string, unknown>;
  if (obj.format !== MODEL_FORMAT) {
    throw new Error(
      `not an mlkan model: format is ${JSON.stringify(obj.format)}, expected "${MODEL_FORMAT}"`,
    );
  }
  if (obj.version !== MODEL_VERSION) {
    throw new Error(
      `unsupported model format version ${JSON.stringify(obj.version)} (this mlkan reads version ${MODEL_VERSION})`,
    );
  }
  if (typeof obj.kind !== "string")
    throw new Error(`model "kind" must be a string, got ${JSON.stringify(obj.kind)}`);
  if (!Array.isArray(obj.layers) || obj.layers.length === 0) throw new Error("model has no layers");
  if (!Array.isArray(obj.params)) throw new Error("model has no params array");
  const layers = obj.layers as LayerSpec[];
  let count = 0;
  layers.forEach((spec, i) => {
    try {
      count += createLayer(spec).paramCount;
    } catch (err) {
      throw new Error(`model layer ${i}: ${(err as Error).message}`);
    }
  });
  const params = obj.params as unknown[];
  if (params.length !== count) {
    throw new Error(
      `model params has ${params.length} values but its layers need ${count} (truncated file?)`,
    );
  }
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const v = params[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new Error(`model params[${i}] must be a finite number, got ${JSON.stringify(v)}`);
    }
    values[i] = v;
  }
  const init: NetworkInit & { kind: string } = { kind: obj.kind, layers, params: values };
  if (obj.scalers !== undefined) {
    if (obj.scalers === null || typeof obj.scalers !== "object")
      throw new Error("model scalers must be an object");
    init.scalers = obj.scalers as Scalers;
  }
  return init;
}
