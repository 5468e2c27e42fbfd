/**
 * The paper's Allen-Cahn PINN (section 5.2.3, Figs. 7-9) with the settings of DESIGN.md section 5. Pure
 * logic; the CLI (`mlkan reproduce allen-cahn`) writes the report, including the residual spectra per
 * level (Fig. 8 for the spline basis, Fig. 9 for the ReLU basis).
 *
 * Decisions where the paper is silent or contradicts itself (digest sections 5.4 and 7):
 * - Standard periodic form with eps = 1e-4 (problems/pde/allen-cahn.ts); periodicity as loss terms on u
 *   and u_x at x = +-1.
 * - Model [2,5,5,1]: time mapped onto the spline domain by a parameter-free feature (t -> 2t - 1), then
 *   cubic spline(2 -> 5) -> 2 sigmoid - 1 -> spline(5 -> 5) -> 2 sigmoid - 1 -> spline(5 -> 1), knots on
 *   [-1, 1] (the "sigmoid normalization layer" onto the knot range); coefficients N(0, 0.1^2).
 * - 4 levels from G = 4 (three interior knots), 2500 Adam steps each, lr 1e-2 with the appendix's 10-step
 *   warm-up from 1e-4 at every level (the text's 1e-3 is a flag); 20000 random collocation points.
 * - Rows: multilevel spline and ReLU basis, coarse-only (G = 4, 10000 steps), fine-only G = 32 (2500 steps
 *   from the prolongated coarse model or from directly drawn coefficients, and 10000 steps, the multilevel
 *   count, from the prolongated model), and an MLP of similar size ([2,32,32,1], tanh, 10000 steps).
 * - `--best` adds mlkan's own row (`AllenCahnBest`): the same multilevel KAN with the inputs
 *   (cos(pi x), sin(pi x), 2t - 1), so it is exactly periodic in x and the periodic terms are dropped;
 *   4096 uniform random points redrawn every 200 steps; causal weighting over 32 time slices (eps 100); RBA;
 *   Adam with lr decaying exponentially 1e-2 -> 1e-4 within each level; 1500, 1500, 2500, 5000 steps on
 *   G = 4, 8, 16, 32 (the finest level gets the most: the error falls mostly there); 400 L-BFGS polish
 *   steps at the end, on the last Adam step's points and weights.
 */
import type { Basis } from "../layers/layer.js";
import { KAN } from "../model/kan.js";
import { MLP } from "../model/mlp.js";
import type { Network } from "../model/network.js";
import type { AdamSpec } from "../optim/factory.js";
import { type AllenCahnOptions, AllenCahnProblem } from "../problems/pde/allen-cahn.js";
import type { ExperimentResult } from "../report/result.js";
import { joinResults, type PrefixPoint, prefixResult } from "../train/shared-start.js";
import { fit as fitModel, type MetricsPoint, type TrainResult, trainMultilevel } from "../train/trainer.js";
import { fmt } from "../util/format.js";
import {
  checkTableLines,
  decayingAdamPerLevel,
  lastLevelPolish,
  type PinnCheck,
  type PinnExperimentOutput,
  type PinnPlan,
  type PinnRow,
  type PinnRunOptions,
  type PinnShare,
  pinnMean,
  pinnSplineSpec,
  refinementChecks,
  runPinnPlan,
} from "./pinn-runner.js";

/** Rows of the Allen-Cahn experiment, in table order (Fig. 7: spline and ReLU bases, MLP). */
export const ALLEN_CAHN_ROWS = [
  "coarse",
  "fine",
  "fine-direct",
  "fine-long",
  "multilevel",
  "relu-multilevel",
  "mlp-2-32-32-1",
  "best",
] as const;
/** A row of the Allen-Cahn table. */
export type AllenCahnRowKey = (typeof ALLEN_CAHN_ROWS)[number];

/** mlkan's own setting beyond the paper (the `best` row). */
export interface AllenCahnBest {
  grids: number[];
  /** Adam steps of each level. */
  steps: number[];
  /** Uniform random collocation points, redrawn every `resampleEvery` steps. */
  points: number;
  resampleEvery: number;
  /** Causal weighting: time slices and causality parameter eps. */
  causalSlices: number;
  causalEps: number;
  rbaMu: number;
  /** Adam within each level: lr decays exponentially from `lr` to `lrEnd`. */
  lr: number;
  lrEnd: number;
  /**
   * L-BFGS polish steps after the last level (0: none), on the last Adam step's points, attention and
   * causal weights, all held fixed.
   */
  polishSteps: number;
}

/** Settings of the Allen-Cahn experiment: problem, model, levels, steps, optimizer and seeds. */
export interface AllenCahnSettings {
  seeds: number[];
  problem: Omit<AllenCahnOptions, "seed">;
  hidden: number;
  initStd: number;
  optimizer: AdamSpec;
  grids: number[];
  stepsPerLevel: number;
  mlpWidth: number;
  rows: AllenCahnRowKey[];
  metricsEvery: number;
  best: AllenCahnBest;
  quick: boolean;
}

/** Residual spectrum at the end of one level. */
export interface LevelSpectrum {
  grid: number;
  /** Mean energy per Fourier mode k = 0 .. nx/2. */
  energy: number[];
}

/** Adam 1e-2 with the appendix's warm-up. */
export const ALLEN_CAHN_ADAM: AdamSpec = { type: "adam", lr: 1e-2, warmup: { steps: 10, startLr: 1e-4 } };

/** The paper's Allen-Cahn settings (Fig. 7), or the reduced budget for `--quick`. */
export function allenCahnSettings(quick = false): AllenCahnSettings {
  return {
    seeds: [1234],
    problem: quick
      ? { points: 1000, nInitial: 101, nPeriodic: 21, refN: 512, evalStride: 8, evalNt: 21 }
      : { points: 20000, nInitial: 501, nPeriodic: 101, refN: 2048, evalStride: 8, evalNt: 101 },
    hidden: 5,
    initStd: 0.1,
    optimizer: ALLEN_CAHN_ADAM,
    grids: [4, 8, 16, 32],
    stepsPerLevel: quick ? 50 : 2500,
    mlpWidth: 32,
    rows: quick ? ["multilevel", "relu-multilevel"] : ALLEN_CAHN_ROWS.filter((k) => k !== "best"),
    metricsEvery: quick ? 25 : 100,
    best: {
      grids: [4, 8, 16, 32],
      steps: quick ? [30, 30, 30, 60] : [1500, 1500, 2500, 5000],
      points: quick ? 512 : 4096,
      resampleEvery: quick ? 20 : 200,
      causalSlices: 32,
      causalEps: 100,
      rbaMu: 1e-4,
      lr: 1e-2,
      lrEnd: 1e-4,
      polishSteps: quick ? 5 : 400,
    },
    quick,
  };
}

/**
 * [2,h,h,1] cubic spline KAN with t -> 2t - 1 and 2 sigmoid - 1 between the spline layers. With
 * `periodicInput`, x enters as (cos(pi x), sin(pi x)) (three features), so the model is periodic in x.
 */
export function allenCahnModel(
  s: AllenCahnSettings,
  grid: number,
  seed: number,
  basis: Basis = "spline",
  periodicInput = false,
): KAN {
  const h = s.hidden;
  const spline = (nIn: number, nOut: number) => pinnSplineSpec(nIn, nOut, grid, s.initStd, basis);
  const norm = { type: "elementwise" as const, width: h, fn: "sigmoid" as const, scale: 2, shift: -1 };
  const xFeatures = periodicInput
    ? [
        { input: 0, kind: "cos" as const },
        { input: 0, kind: "sin" as const },
      ]
    : [{ input: 0, kind: "identity" as const }];
  return new KAN({
    layers: [
      {
        type: "features",
        nIn: 2,
        features: [...xFeatures, { input: 1, kind: "identity", scale: 2, shift: -1 }],
      },
      spline(xFeatures.length + 1, h),
      norm,
      spline(h, h),
      norm,
      spline(h, 1),
    ],
    seed,
  });
}

/** The first steps of a longer run, left for a row that starts the same way: its result and RBA weights. */
interface SharedStart {
  result: TrainResult<Network>;
  weights: ReturnType<AllenCahnProblem["weightState"]>;
}

/**
 * Keeps what a run has at step `n` (via `onMetrics`: a copy of the model, the metrics point and the
 * problem's weights) and, once the run is done, leaves it for row `reader` as a `SharedStart`, if the run
 * went past step `n`.
 */
class KeptStep {
  private point: PrefixPoint | undefined;
  private model: Network | undefined;
  private weights: SharedStart["weights"] | undefined;

  constructor(
    private readonly n: number,
    private readonly problem: AllenCahnProblem,
    private readonly reader: string,
    private readonly share: PinnShare,
  ) {}

  readonly onMetrics = (p: MetricsPoint): void => {
    if (p.level !== 0 || p.step !== this.n) return;
    const { step, evaluations, elapsed, metricsSeconds } = p;
    this.point = { step, metrics: { ...p.metrics }, evaluations, elapsed, metricsSeconds };
    this.model = p.model.clone();
    this.weights = this.problem.weightState();
  };

  leave(r: TrainResult<Network>): void {
    const { point, model, weights } = this;
    if (point === undefined || model === undefined || weights === undefined) return;
    if (r.history.step.length <= this.n) return;
    this.share.put(this.reader, { result: prefixResult(r, point, model), weights } satisfies SharedStart);
  }
}

function describeRow(key: AllenCahnRowKey, s: AllenCahnSettings) {
  const kan = `KAN [2,${s.hidden},${s.hidden},1]`;
  const G = s.grids;
  const total = s.stepsPerLevel * G.length;
  switch (key) {
    case "coarse":
      return { model: kan, basis: "spline", fidelity: `coarse (G=${G[0]}, ${total} steps)` };
    case "fine":
      return {
        model: kan,
        basis: "spline",
        fidelity: `fine (G=${G.at(-1)}, ${s.stepsPerLevel} steps, prolongated init)`,
      };
    case "fine-direct":
      return {
        model: kan,
        basis: "spline",
        fidelity: `fine (G=${G.at(-1)}, ${s.stepsPerLevel} steps, direct init)`,
      };
    case "fine-long":
      return {
        model: kan,
        basis: "spline",
        fidelity: `fine (G=${G.at(-1)}, ${total} steps, prolongated init)`,
      };
    case "multilevel":
    case "relu-multilevel":
      return {
        model: kan,
        basis: key === "multilevel" ? "spline" : "ReLU",
        fidelity: `multilevel (G=${G.join(",")}; ${s.stepsPerLevel} steps each)`,
      };
    case "mlp-2-32-32-1":
      return {
        model: `MLP [2,${s.mlpWidth},${s.mlpWidth},1]`,
        basis: "tanh",
        fidelity: `- (${total} steps)`,
      };
    case "best": {
      const b = s.best;
      return {
        model: `KAN [(cos pi x, sin pi x, t),${s.hidden},${s.hidden},1]`,
        basis: "spline",
        fidelity: `best: multilevel (G=${b.grids.join(",")}; ${b.steps.join(",")} steps, lr ${b.lr} -> ${b.lrEnd} per level), ${b.points} points redrawn every ${b.resampleEvery}, causal ${b.causalSlices} slices eps ${b.causalEps}, RBA ${b.rbaMu}${b.polishSteps > 0 ? `, L-BFGS polish ${b.polishSteps}` : ""}`,
      };
    }
  }
}

/**
 * The Allen-Cahn experiment as a plan of runs (`runPinnPlan`, or worker threads with the CLI's `--threads`):
 * its rows, problems and heat-map fields; each row's `extraOf` is the first seed's residual spectra per level.
 */
export function allenCahnPlan(s: AllenCahnSettings): PinnPlan<AllenCahnProblem> {
  const spectra: Record<string, LevelSpectrum[]> = {};
  const first = s.seeds[0];
  const G = s.grids;
  const total = s.stepsPerLevel * G.length;
  const rows: PinnRow<AllenCahnProblem>[] = ALLEN_CAHN_ROWS.filter((k) => s.rows.includes(k)).map((key) => ({
    key,
    describe: describeRow(key, s),
    cost: allenCahnRowCost(key, s),
    reuses: key === "fine" ? "fine-long" : key === "multilevel" ? "coarse" : undefined,
    run(seed, problem, onProgress, share) {
      const common = { metricsEvery: s.metricsEvery, onProgress, optimizer: s.optimizer };
      const coarse = () => allenCahnModel(s, G[0], seed);
      const onLevel =
        seed === first
          ? (e: { grid: number | number[] | null; model: Network }) => {
              const g = Array.isArray(e.grid) ? e.grid[0] : (e.grid ?? 0);
              const list = spectra[key] ?? [];
              list.push({ grid: g, energy: Array.from(problem.residualSpectrum(e.model)) });
              spectra[key] = list;
            }
          : undefined;
      // Shared starts (src/train/shared-start.ts): the fine row is the first level's steps of the fine-long
      // row, and the multilevel row's first level those of the coarse row (same model, problem and Adam):
      // on one thread the longer run keeps its model, metrics and RBA weights at that step for the other.
      const n = s.stepsPerLevel;
      const keepAt = (reader: string) =>
        share?.willRun(reader) &&
        total > n &&
        s.metricsEvery > 0 &&
        n % s.metricsEvery === 0 &&
        problem.options.resampleEvery === 0
          ? new KeptStep(n, problem, reader, share)
          : undefined;
      switch (key) {
        case "coarse": {
          const kept = keepAt("multilevel");
          const r = fitModel(coarse(), problem, {
            ...common,
            steps: total,
            onLevel,
            onMetrics: kept?.onMetrics,
          });
          kept?.leave(r);
          return r;
        }
        case "fine": {
          const start = share?.take("fine") as SharedStart | undefined;
          if (start !== undefined) {
            onLevel?.({ grid: G[G.length - 1], model: start.result.model });
            return start.result;
          }
          return fitModel(coarse().refine(G[G.length - 1]), problem, {
            ...common,
            steps: n,
            onLevel,
          });
        }
        case "fine-direct":
          return fitModel(allenCahnModel(s, G[G.length - 1], seed), problem, {
            ...common,
            steps: s.stepsPerLevel,
            onLevel,
          });
        case "fine-long": {
          const kept = keepAt("fine");
          const m = coarse().refine(G[G.length - 1]);
          const r = fitModel(m, problem, { ...common, steps: total, onLevel, onMetrics: kept?.onMetrics });
          kept?.leave(r);
          return r;
        }
        case "multilevel": {
          const start = share?.take("multilevel") as SharedStart | undefined;
          if (start === undefined)
            return trainMultilevel(coarse(), problem, { ...common, grids: G, steps: n, onLevel });
          onLevel?.({ grid: G[0], model: start.result.model });
          problem.setWeightState(start.weights);
          const rest = trainMultilevel(start.result.model, problem, {
            ...common,
            grids: G,
            steps: n,
            onLevel,
            startLevel: 1,
            lossReference: start.result.history.levels[0].initialLoss as number,
          });
          return joinResults(start.result, rest);
        }
        case "relu-multilevel":
          return trainMultilevel(coarse().toBasis("relu"), problem, {
            ...common,
            grids: G,
            steps: s.stepsPerLevel,
            onLevel,
          });
        case "mlp-2-32-32-1": {
          const w = s.mlpWidth;
          const m = new MLP({ width: [2, w, w, 1], activation: "tanh", seed });
          const r = fitModel(m, problem, { ...common, steps: total });
          if (seed === first)
            spectra[key] = [{ grid: 0, energy: Array.from(problem.residualSpectrum(r.model)) }];
          return r;
        }
        case "best": {
          const b = s.best;
          const m = allenCahnModel(s, b.grids[0], seed, "spline", true);
          return trainMultilevel(m, problem, {
            ...common,
            optimizer: allenCahnBestAdam(b),
            grids: b.grids,
            steps: b.steps,
            onLevel,
            ...lastLevelPolish(b.grids.length, b.polishSteps),
          });
        }
      }
    },
  }));
  return {
    experiment: "allen-cahn",
    settings: allenCahnSettingsRecord(s),
    seeds: s.seeds,
    rows,
    problemFor: (seed, key) =>
      key === "best"
        ? new AllenCahnProblem({
            ...s.problem,
            points: s.best.points,
            periodicTerms: false,
            resampleEvery: s.best.resampleEvery,
            causalSlices: s.best.causalSlices,
            causalEps: s.best.causalEps,
            rbaMu: s.best.rbaMu,
            seed,
          })
        : new AllenCahnProblem({ ...s.problem, seed }),
    fieldsOf: (p, m) => p.fields(m),
    fieldRows: ["multilevel", "relu-multilevel", "mlp-2-32-32-1"],
    extraOf: (key, seed) => (seed === first ? spectra[key] : undefined),
  };
}

/**
 * Relative work of a row's run, for the order of parallel runs: training steps, the MLP's at about 2.6 times
 * a KAN step (its 32 x 32 dense jets against the KAN's [2,5,5,1] splines; measured on one core), the best
 * row's on its fewer points and its L-BFGS polish steps at about 22 loss evaluations each (measured).
 */
export function allenCahnRowCost(key: AllenCahnRowKey, s: AllenCahnSettings): number {
  const total = s.stepsPerLevel * s.grids.length;
  switch (key) {
    case "fine":
    case "fine-direct":
      return s.stepsPerLevel;
    case "mlp-2-32-32-1":
      return 2.6 * total;
    case "best":
      return (
        ((s.best.steps.reduce((a, b) => a + b, 0) + 22 * s.best.polishSteps) * s.best.points) /
        (s.problem.points ?? s.best.points)
      );
    default:
      return total;
  }
}

/** The first seed's residual spectra per level of each row, from an output's extras. */
export function allenCahnSpectra(out: PinnExperimentOutput): Record<string, LevelSpectrum[]> {
  return out.extras as Record<string, LevelSpectrum[]>;
}

/** Runs the Allen-Cahn experiment on this thread; also returns the first seed's residual spectra per level. */
export function runAllenCahn(
  s: AllenCahnSettings,
  options: PinnRunOptions = {},
): PinnExperimentOutput & { spectra: Record<string, LevelSpectrum[]> } {
  const out = runPinnPlan(allenCahnPlan(s), options);
  return { ...out, spectra: allenCahnSpectra(out) };
}

/**
 * Adam of the best row, one spec per level: warm-up as the paper, then lr decaying towards `lrEnd` by
 * the end of the level (`decayingAdamPerLevel`).
 */
export function allenCahnBestAdam(b: AllenCahnBest): AdamSpec[] {
  if (b.steps.length !== b.grids.length)
    throw new Error(`Allen-Cahn best: ${b.steps.length} step counts for ${b.grids.length} grids`);
  return decayingAdamPerLevel("Allen-Cahn best", b.lr, b.lrEnd, b.steps);
}

/** The settings as recorded in the result JSON. */
export function allenCahnSettingsRecord(s: AllenCahnSettings): Record<string, unknown> {
  const p = s.problem;
  return {
    quick: s.quick,
    seeds: s.seeds,
    equation:
      "u_t - eps u_xx + 5u^3 - 5u = 0, eps = 1e-4, x in [-1, 1] periodic, t in [0, 1], u(x, 0) = x^2 cos(pi x)",
    points: `${p.points} random collocation points (fixed per seed), ${p.nInitial} initial points, ${p.nPeriodic} periodic pairs (u and u_x)`,
    loss: "0.1 mean (lambda r)^2 + 1 (mean IC^2 + mean periodic u^2 + mean periodic u_x^2); RBA rate 1e-4",
    reference: `Fourier pseudo-spectral + ETDRK4, ${p.refN} points, dt 1e-3`,
    evaluation: `every ${p.evalStride}th reference x point x ${p.evalNt} times: relL2, maxAbsErr, evalResidual`,
    model: `t -> 2t - 1; cubic spline(2->${s.hidden}) -> 2 sigmoid - 1 -> spline(${s.hidden}->${s.hidden}) -> 2 sigmoid - 1 -> spline(${s.hidden}->1) on [-1, 1]; N(0, ${s.initStd}^2)`,
    optimizer: s.optimizer,
    multilevel: `G=${s.grids.join(", ")}, ${s.stepsPerLevel} steps each`,
    mlp: `[2,${s.mlpWidth},${s.mlpWidth},1] tanh, ${s.stepsPerLevel * s.grids.length} steps`,
    best: s.rows.includes("best") ? s.best : undefined,
    metricsEvery: s.metricsEvery,
  };
}

/** Robust facts checked on a result: refinement keeps the loss, the loss falls across levels. */
export function allenCahnChecks(result: ExperimentResult): PinnCheck[] {
  const out: PinnCheck[] = [];
  const ml = pinnMean(result, "multilevel", "relL2");
  const relu = pinnMean(result, "relu-multilevel", "relL2");
  const mlp = pinnMean(result, "mlp-2-32-32-1", "relL2");
  out.push({
    target: "spline multilevel relative L2 < 1.4e-2 (jaxKAN's adaptive PIKAN)",
    value: fmt(ml),
    met: ml === null ? null : ml < 1.4e-2,
  });
  out.push({
    target: "spline multilevel beats the ReLU basis (paper: ReLU fails)",
    value: `${fmt(ml)} vs ${fmt(relu)}`,
    met: ml === null || relu === null ? null : ml < relu,
  });
  out.push({
    target: "spline multilevel beats the MLP (paper: MLP fails)",
    value: `${fmt(ml)} vs ${fmt(mlp)}`,
    met: ml === null || mlp === null ? null : ml < mlp,
  });
  const best = pinnMean(result, "best", "relL2");
  if (best !== null)
    out.push({
      target: "best: relative L2 < 1.4e-2 (jaxKAN's adaptive PIKAN)",
      value: fmt(best),
      met: best < 1.4e-2,
    });
  out.push(
    ...refinementChecks(
      result,
      "multilevel",
      "refinement keeps the loss (max relative jump <= 1e-9)",
      "the loss drops at every refinement (paper Fig. 7)",
    ),
  );
  return out;
}

/** Notes printed under the Allen-Cahn table: what each metric is measured against. */
export function allenCahnNotes(result: ExperimentResult): string {
  return [
    "`relL2`, `maxAbsErr` are against the spectral ETDRK4 reference; `evalResidual` is the mean squared",
    "residual on the evaluation grid. The paper reports no numbers for this problem (Figs. 7-9 only).",
    "",
    "### Targets",
    "",
    ...checkTableLines(allenCahnChecks(result)),
  ].join("\n");
}
