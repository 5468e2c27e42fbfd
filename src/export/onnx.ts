/**
 * `exportOnnx(model, { dtype })`: a trained mlkan model as the bytes of an ONNX file (opset 17, IR 8)
 * that computes `model.predict` in the user's units: the saved input scaler, every layer in order
 * (spline layers as in onnx-spline.ts, linear, elementwise and feature layers as in onnx-layers.ts),
 * then the saved target scaler. One input `x` of shape [N, nIn] and one output `y` of shape [N, nOut],
 * N free. `dtype: "float64"` (default) uses only operators with float64 kernels in onnxruntime and agrees
 * with mlkan to rounding; `"float32"` stores every constant in float32 for runtimes without float64.
 */
import type { Network } from "../model/network.js";
import { rejectUnknownKeys } from "../util/validate.js";
import { type OnnxDtype, OnnxGraph } from "./onnx-graph.js";
import { emitLayer } from "./onnx-layers.js";
import { encodeModel, ONNX_OPSET } from "./onnx-proto.js";

/** Element type of an exported model: "float64" or "float32". */
export type { OnnxDtype } from "./onnx-graph.js";

/** Options of `exportOnnx`. */
export interface OnnxExportOptions {
  /** Element type of the model's input, output and constants. Default "float64". */
  dtype?: OnnxDtype;
  /** Input column names, recorded in the file's metadata (`mlkan.inputs`) and the input's doc string. */
  inputNames?: string[];
  /** Output column names, recorded in the metadata (`mlkan.outputs`) and the output's doc string. */
  outputNames?: string[];
  /** Producer version written into the file (e.g. the mlkan version). Default "". */
  producerVersion?: string;
}

const OPTION_KEYS = ["dtype", "inputNames", "outputNames", "producerVersion"] as const;

/** Name of the exported graph's input. */
export const ONNX_INPUT = "x";
/** Name of the exported graph's output. */
export const ONNX_OUTPUT = "y";

function checkNames(name: string, v: unknown, width: number): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== width || !v.every((s) => typeof s === "string")) {
    throw new Error(`${name} must be an array of ${width} strings, got ${JSON.stringify(v)}`);
  }
  return v as string[];
}

/**
 * The model as ONNX bytes (see the module comment). Throws, naming the layer, for a layer the exporter
 * does not know, and for non-finite parameters or scalers.
 */
export function exportOnnx(model: Network, opts: OnnxExportOptions = {}): Uint8Array {
  if (model === null || typeof model !== "object" || !Array.isArray(model.layers)) {
    throw new Error(`exportOnnx needs an mlkan model (Network, KAN or MLP), got ${typeof model}`);
  }
  rejectUnknownKeys("exportOnnx", opts, OPTION_KEYS);
  const dtype = opts.dtype ?? "float64";
  const g = new OnnxGraph(dtype);
  const inputs = checkNames("inputNames", opts.inputNames, model.nIn);
  const outputs = checkNames("outputNames", opts.outputNames, model.nOut);
  const params = model.params;

  let v = g.reserve(ONNX_INPUT);
  const inS = model.scalers.input;
  if (inS) {
    v = g.sub(v, g.floats("input_scaler.shift", inS.shift, [model.nIn]), "input_scaler.centred");
    v = g.div(v, g.floats("input_scaler.scale", inS.scale, [model.nIn]), "input_scaler.out");
  }
  model.layers.forEach((layer, i) => {
    v = emitLayer(g, layer, i, params, v);
  });
  const outS = model.scalers.output;
  if (outS) {
    v = g.mul(v, g.floats("target_scaler.scale", outS.scale, [model.nOut]), "target_scaler.scaled");
    v = g.add(v, g.floats("target_scaler.shift", outS.shift, [model.nOut]), "target_scaler.out");
  }
  g.reserve(ONNX_OUTPUT);
  g.nodes.push({
    name: g.fresh("n_output"),
    opType: "Identity",
    input: [v],
    output: [ONNX_OUTPUT],
    attribute: [],
  });

  const layers = model.layers.map((l) => l.type).join(", ");
  const metadata: Record<string, string> = {
    "mlkan.kind": model.kind,
    "mlkan.layers": JSON.stringify(model.layerSpecs()),
    "mlkan.dtype": dtype,
  };
  if (inputs) metadata["mlkan.inputs"] = JSON.stringify(inputs);
  if (outputs) metadata["mlkan.outputs"] = JSON.stringify(outputs);
  return encodeModel({
    producerName: "mlkan",
    producerVersion: opts.producerVersion ?? "",
    docString: `mlkan ${model.kind} (${layers}); predictions in the data's units, opset ${ONNX_OPSET}`,
    graphName: `mlkan_${model.kind}`,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [
      {
        name: ONNX_INPUT,
        elemType: g.floatType,
        shape: ["N", model.nIn],
        docString: inputs ? `columns: ${inputs.join(", ")}` : undefined,
      },
    ],
    outputs: [
      {
        name: ONNX_OUTPUT,
        elemType: g.floatType,
        shape: ["N", model.nOut],
        docString: outputs ? `columns: ${outputs.join(", ")}` : undefined,
      },
    ],
    metadata,
  });
}
