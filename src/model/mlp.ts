/**
 * `new MLP({ width, activation, ... })`: the baseline multilayer perceptron. Hidden layers have biases;
 * the output bias is optional (the paper's MLP parameter counts have none, PyTorch's nn.Linear has one).
 */
import { activation as activationLayer } from "../layers/elementwise.js";
import type { ActivationFn, LayerSpec } from "../layers/layer.js";
import { rejectUnknownKeys, requireInteger, requireObject, requireParamCount } from "../util/validate.js";
import { Network, type NetworkInit } from "./network.js";
import { parseModelJSON } from "./serialize.js";

/** Options of `new MLP(...)`: widths, activation, output bias, seed. */
export interface MLPOptions {
  width: number[];
  /** Hidden activation. Default "tanh". */
  activation?: Exclude<ActivationFn, "identity">;
  /** Bias on the output layer. Default true. */
  outputBias?: boolean;
  seed?: number;
}

const MLP_KEYS = ["width", "activation", "outputBias", "seed"] as const;

/** The layer descriptions of an MLP with these options (validated; unknown keys rejected; the parameter count checked against MAX_PARAMS before anything is allocated). */
export function mlpLayerSpecs(opts: MLPOptions): LayerSpec[] {
  requireObject("MLP: options", opts);
  rejectUnknownKeys("MLP", opts, MLP_KEYS);
  const { width } = opts;
  if (!Array.isArray(width) || width.length < 2) {
    throw new Error(`MLP width must list at least 2 layer widths, got ${JSON.stringify(width)}`);
  }
  for (const [i, w] of width.entries()) requireInteger(`MLP width[${i}]`, w, 1);
  let count = 0;
  for (let l = 0; l + 1 < width.length; l++)
    count += width[l] * width[l + 1] + (l + 2 < width.length || (opts.outputBias ?? true) ? width[l + 1] : 0);
  requireParamCount(`MLP [${width.join(",")}]`, count);
  const act = opts.activation ?? "tanh";
  const specs: LayerSpec[] = [];
  for (let l = 0; l + 1 < width.length; l++) {
    const last = l + 2 === width.length;
    specs.push({
      type: "linear",
      nIn: width[l],
      nOut: width[l + 1],
      bias: last ? (opts.outputBias ?? true) : true,
    });
    if (!last) specs.push(activationLayer(act, width[l + 1]).toSpec());
  }
  return specs;
}

/**
 * A multilayer perceptron (dense layers with an activation between them), the baseline of the paper's
 * comparisons.
 */
export class MLP extends Network {
  constructor(opts: MLPOptions | NetworkInit) {
    requireObject("MLP: options", opts);
    if ("layers" in opts) super(opts);
    else super({ layers: mlpLayerSpecs(opts), seed: opts.seed ?? 0 });
  }

  override get kind(): string {
    return "MLP";
  }

  static fromJSON(json: unknown): MLP {
    const init = parseModelJSON(json);
    if (init.kind !== "MLP")
      throw new Error(
        `MLP.fromJSON: the saved model is a ${init.kind}, not a MLP (use loadModel to rebuild any kind)`,
      );
    return new MLP(init);
  }
}
