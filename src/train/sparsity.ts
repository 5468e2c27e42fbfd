/**
 * pykan's sparsity regularisation as a training option: `fit(model, problem, { lamb, lambL1,
 * lambEntropy, lambCoef, lambCoefDiff, ... })` minimises `loss + lamb * reg` with `reg` the regulariser of
 * src/model/sparsity.ts (edge L1 + entropy + coefficient terms, KAN paper section 2.5.1), evaluated on the
 * problem's training inputs (all of them, also when the loss uses minibatches).
 */

import type { Network } from "../model/network.js";
import { SparsityRegularizer, type SparsityWeights, sparsityWeights } from "../model/sparsity.js";
import type { Problem } from "../problems/problem.js";
import { requireFinite } from "../util/validate.js";

/** The regularisation options of `fit` and `trainMultilevel` (pykan's names in camelCase). */
export interface SparsityOptions extends SparsityWeights {
  /** Overall weight of the regulariser (pykan's `lamb`); 0 (the default) switches it off. */
  lamb?: number;
}

/** The option names, for the trainers' lists of known keys. */
export const SPARSITY_KEYS = ["lamb", "lambL1", "lambEntropy", "lambCoef", "lambCoefDiff"] as const;

/** Training inputs a problem offers to the regulariser (e.g. a `RegressionProblem`'s scaled inputs). */
interface WithInputs {
  trainInput: Float64Array;
  trainNum: number;
}

function hasInputs(p: Problem): p is Problem & WithInputs {
  const q = p as Partial<WithInputs>;
  return q.trainInput instanceof Float64Array && typeof q.trainNum === "number";
}

/**
 * The problem with `lamb * reg` added to its loss and gradient, or the problem itself when `lamb` is 0 or
 * absent (validating the options either way). Its metrics add `reg` (the regulariser's value). Throws for
 * a problem without training inputs (`trainInput`, `trainNum`) when `lamb` > 0.
 */
export function withSparsity(problem: Problem, options: SparsityOptions, where: string): Problem {
  const lamb = options.lamb === undefined ? 0 : requireFinite(`${where}: lamb`, options.lamb);
  if (lamb < 0) throw new Error(`${where}: lamb must be >= 0, got ${lamb}`);
  const weights = sparsityWeights(
    {
      lambL1: options.lambL1,
      lambEntropy: options.lambEntropy,
      lambCoef: options.lambCoef,
      lambCoefDiff: options.lambCoefDiff,
    },
    where,
  );
  if (lamb === 0) return problem;
  if (!hasInputs(problem))
    throw new Error(
      `${where}: lamb = ${lamb} needs a problem with training inputs (trainInput and trainNum, as RegressionProblem has); problem "${problem.name}" has none`,
    );
  return new SparseProblem(problem, problem.trainInput, problem.trainNum, lamb, weights);
}

class SparseProblem implements Problem {
  readonly name: string;
  readonly nIn: number;
  readonly nOut: number;
  private reg: SparsityRegularizer | null = null;
  private regModel: Network | null = null;
  private regGrad = new Float64Array(0);

  constructor(
    readonly inner: Problem,
    private readonly x: Float64Array,
    private readonly n: number,
    readonly lamb: number,
    readonly weights: Required<SparsityWeights>,
  ) {
    this.name = inner.name;
    this.nIn = inner.nIn;
    this.nOut = inner.nOut;
    const sc = (inner as { scalers?: unknown }).scalers;
    if (sc !== undefined) Object.defineProperty(this, "scalers", { value: sc, enumerable: true });
    if (inner.beginStep) this.beginStep = (step: number) => inner.beginStep?.(step);
    if (inner.endStep) this.endStep = (model: Network, step: number) => inner.endStep?.(model, step);
    if (inner.describeNonFinite) this.describeNonFinite = () => inner.describeNonFinite?.() ?? null;
    if (inner.redraw) this.redraw = (model: Network) => inner.redraw?.(model);
  }

  beginStep?: (step: number) => void;
  endStep?: (model: Network, step: number) => void;
  redraw?: (model: Network) => void;
  describeNonFinite?: () => string | null;

  /** The regulariser of this model (a new one when the trainer moved to a refined model). */
  private regularizer(model: Network): SparsityRegularizer {
    if (this.reg === null || this.regModel !== model || this.regGrad.length !== model.paramCount) {
      this.reg = new SparsityRegularizer(model, this.n, this.weights);
      this.regModel = model;
      this.regGrad = new Float64Array(model.paramCount);
    }
    return this.reg;
  }

  lossAndGradient(model: Network, grad: Float64Array): number {
    const f = this.inner.lossAndGradient(model, grad);
    const reg = this.regularizer(model);
    const r = reg.valueAndGradient(this.x, this.regGrad);
    const g = this.regGrad;
    const lamb = this.lamb;
    for (let i = 0; i < grad.length; i++) grad[i] += lamb * g[i];
    return f + lamb * r;
  }

  metrics(model: Network): Record<string, number> {
    const m = this.inner.metrics(model);
    const reg = this.regularizer(model);
    m.reg = reg.valueAndGradient(this.x, this.regGrad);
    return m;
  }
}
