/**
 * The paper's Poisson problem with a discontinuous coefficient (section 5.2.1, Fig. 6) with the settings
 * of DESIGN.md section 5. Pure logic; the CLI (`mlkan reproduce poisson-interface`) writes the report.
 *
 * Decisions where the paper is silent (digest section 7):
 * - Inputs (x, y, |x|): a parameter-free `features` layer in front of every model (the level-set field of
 *   the cusp-capturing PINN); the parameter counts 140 / 220 / 380 / 700 of the paper's "[2,5,1]" KAN at
 *   G = 4, 8, 16, 32 are those of cubic spline(3 -> 5) -> spline(5 -> 1), and the MLP's 352 those of
 *   [3,16,16,1] without output bias, so both see the three features.
 * - Between the spline layers: tanh onto the spline domain [-1, 1] (flag `normalize`; the paper does not
 *   say). Spline coefficients N(0, 0.1^2).
 * - Adam lr 1e-2 with a linear warm-up from 1e-4 over 10 steps at the start of every level (the
 *   optimizer is re-created per level); 1250 steps per level, G = 4, 8, 16, 32 (refinements at 1250,
 *   2500, 3750 as in Fig. 6). Coarse-only: G = 4, 5000 steps. Fine-only: G = 32 with 1250 steps from the
 *   prolongated coarse model and from directly drawn coefficients, and 5000 steps (prolongated).
 * - ReLU basis: the unscaled power-ReLU (eq. 3), `toBasis("relu")` of the same initial model.
 * - MLP [2,16,16,1] (on the three features), tanh (a "ReLU" MLP has no second derivative), 5000 steps.
 * - Other readings of the unstated settings were measured over five seeds (README, Paper PINNs):
 *   coefficients N(0, 0.01^2) or N(0, 0.03^2), no tanh between the layers, attention as lambda r^2. Each
 *   gave a worse median relative L2 than these defaults; none reached 1e-2.
 *
 * Beyond the paper, the `best` row (`PoissonBest`, `--best`): the same model, points and levels with
 * Adam's rate decaying exponentially 1e-2 -> 1e-4 within each level (after the paper's warm-up), the
 * boundary weight gamma_B raised from 1 to 10, and 200 L-BFGS polish steps at the end of the last level.
 * Constant lr 1e-2 leaves Adam noisy on the finest grid, where the error rises again; a boundary error
 * spreads into the interior as a harmonic function, so the boundary term limits the relative L2.
 */
import type { Basis } from "../layers/layer.js";
import { KAN } from "../model/kan.js";
import { MLP } from "../model/mlp.js";
import type { AdamSpec } from "../optim/factory.js";
import { type PoissonInterfaceOptions, PoissonInterfaceProblem } from "../problems/pde/poisson-interface.js";
import type { ExperimentResult } from "../report/result.js";
import { fit as fitModel, trainMultilevel } from "../train/trainer.js";
import { fmt } from "../util/format.js";
import {
  checkTableLines,
  decayingAdamPerLevel,
  lastLevelPolish,
  levelLossLines,
  type PinnCheck,
  type PinnExperimentOutput,
  type PinnPlan,
  type PinnRow,
  type PinnRunOptions,
  pinnMean,
  pinnSplineSpec,
  refinementChecks,
  runPinnPlan,
} from "./pinn-runner.js";

/** Row keys in table order. */
export const POISSON_ROWS = [
  "coarse",
  "fine",
  "fine-direct",
  "fine-long",
  "multilevel",
  "relu-multilevel",
  "mlp-2-16-16-1",
  "best",
] as const;
/** A row of the Poisson-interface table (Fig. 6). */
export type PoissonRowKey = (typeof POISSON_ROWS)[number];

/** mlkan's own setting beyond the paper (the `best` row): per-level lr decay and an L-BFGS polish. */
export interface PoissonBest {
  grids: number[];
  /** Adam steps of each level. */
  steps: number[];
  /** Adam within each level: lr decays exponentially from `lr` to `lrEnd` (after the paper's warm-up). */
  lr: number;
  lrEnd: number;
  /** L-BFGS (pykan preset) steps after the last level's Adam steps (0: none). */
  polishSteps: number;
  /** Weight of the boundary term (the paper's gamma_B = 1). */
  boundaryWeight: number;
}

/** Settings of the Poisson experiment with a discontinuous coefficient (Fig. 6): weights, attention, levels, steps and seeds. */
export interface PoissonSettings {
  seeds: number[];
  problem: PoissonInterfaceOptions;
  hidden: number;
  initStd: number;
  normalize: "tanh" | "none";
  optimizer: AdamSpec;
  grids: number[];
  stepsPerLevel: number;
  mlpSteps: number;
  rows: PoissonRowKey[];
  metricsEvery: number;
  best: PoissonBest;
  quick: boolean;
}

/** Adam 1e-2 with the paper's 10-step warm-up from 1e-4. */
export const POISSON_ADAM: AdamSpec = { type: "adam", lr: 1e-2, warmup: { steps: 10, startLr: 1e-4 } };

/** DESIGN.md section 5's settings, or the `--quick` smoke budget. */
export function poissonSettings(quick = false): PoissonSettings {
  return {
    seeds: [1234],
    problem: quick ? { n: 21, evalN: 41 } : { n: 51, evalN: 201 },
    hidden: 5,
    initStd: 0.1,
    normalize: "tanh",
    optimizer: POISSON_ADAM,
    grids: [4, 8, 16, 32],
    stepsPerLevel: quick ? 60 : 1250,
    mlpSteps: quick ? 240 : 5000,
    rows: quick
      ? ["coarse", "fine", "multilevel", "relu-multilevel"]
      : POISSON_ROWS.filter((k) => k !== "best"),
    metricsEvery: quick ? 20 : 50,
    best: {
      grids: [4, 8, 16, 32],
      steps: quick ? [60, 60, 60, 60] : [1250, 1250, 1250, 1250],
      lr: 1e-2,
      lrEnd: 1e-4,
      polishSteps: quick ? 10 : 200,
      boundaryWeight: 10,
    },
    quick,
  };
}

const FEATURES = {
  type: "features" as const,
  nIn: 2,
  features: [
    { input: 0, kind: "identity" as const },
    { input: 1, kind: "identity" as const },
    { input: 0, kind: "abs" as const },
  ],
};

/** features (x, y, |x|) -> cubic spline(3 -> hidden) -> tanh -> spline(hidden -> 1), on [-1, 1]. */
export function poissonModel(s: PoissonSettings, grid: number, seed: number, basis: Basis = "spline"): KAN {
  const spline = (nIn: number, nOut: number) => pinnSplineSpec(nIn, nOut, grid, s.initStd, basis);
  return new KAN({
    layers: [
      FEATURES,
      spline(3, s.hidden),
      ...(s.normalize === "tanh"
        ? [{ type: "elementwise" as const, width: s.hidden, fn: "tanh" as const, scale: 1, shift: 0 }]
        : []),
      spline(s.hidden, 1),
    ],
    seed,
  });
}

function describePoissonRow(key: PoissonRowKey, s: PoissonSettings) {
  const kan = `KAN [2,${s.hidden},1] on (x,y,|x|)`;
  const G = s.grids;
  const total = s.stepsPerLevel * G.length;
  const fine = (steps: number, init: string) => `fine (G=${G.at(-1)}, ${steps} steps, ${init} init)`;
  switch (key) {
    case "coarse":
      return { model: kan, basis: "spline", fidelity: `coarse (G=${G[0]}, ${total} steps)` };
    case "fine":
      return { model: kan, basis: "spline", fidelity: fine(s.stepsPerLevel, "prolongated") };
    case "fine-direct":
      return { model: kan, basis: "spline", fidelity: fine(s.stepsPerLevel, "direct") };
    case "fine-long":
      return { model: kan, basis: "spline", fidelity: fine(total, "prolongated") };
    case "multilevel":
    case "relu-multilevel":
      return {
        model: kan,
        basis: key === "multilevel" ? "spline" : "ReLU",
        fidelity: `multilevel (G=${G.join(",")}; ${s.stepsPerLevel} steps each)`,
      };
    case "mlp-2-16-16-1":
      return { model: "MLP [2,16,16,1] on (x,y,|x|)", basis: "tanh", fidelity: `- (${s.mlpSteps} steps)` };
    case "best": {
      const b = s.best;
      return {
        model: kan,
        basis: "spline",
        fidelity: `best: multilevel (G=${b.grids.join(",")}; ${b.steps.join(",")} steps), Adam lr ${b.lr} -> ${b.lrEnd} per level${b.boundaryWeight !== 1 ? `, boundary weight ${b.boundaryWeight}` : ""}${b.polishSteps > 0 ? `, L-BFGS polish ${b.polishSteps}` : ""}`,
      };
    }
  }
}

function poissonRow(key: PoissonRowKey, s: PoissonSettings): PinnRow<PoissonInterfaceProblem> {
  const G = s.grids;
  const total = s.stepsPerLevel * G.length;
  const optimizer = s.optimizer;
  return {
    key,
    describe: describePoissonRow(key, s),
    cost: poissonRowCost(key, s),
    run(seed, problem, onProgress) {
      const common = { metricsEvery: s.metricsEvery, onProgress, optimizer };
      const coarse = () => poissonModel(s, G[0], seed);
      switch (key) {
        case "coarse":
          return fitModel(coarse(), problem, { ...common, steps: total });
        case "fine":
          return fitModel(coarse().refine(G[G.length - 1]), problem, { ...common, steps: s.stepsPerLevel });
        case "fine-direct":
          return fitModel(poissonModel(s, G[G.length - 1], seed), problem, {
            ...common,
            steps: s.stepsPerLevel,
          });
        case "fine-long":
          return fitModel(coarse().refine(G[G.length - 1]), problem, { ...common, steps: total });
        case "multilevel":
          return trainMultilevel(coarse(), problem, { ...common, grids: G, steps: s.stepsPerLevel });
        case "relu-multilevel":
          return trainMultilevel(coarse().toBasis("relu"), problem, {
            ...common,
            grids: G,
            steps: s.stepsPerLevel,
          });
        case "mlp-2-16-16-1": {
          const m = new MLP({
            layers: [
              FEATURES,
              { type: "linear", nIn: 3, nOut: 16, bias: true },
              { type: "elementwise", width: 16, fn: "tanh", scale: 1, shift: 0 },
              { type: "linear", nIn: 16, nOut: 16, bias: true },
              { type: "elementwise", width: 16, fn: "tanh", scale: 1, shift: 0 },
              { type: "linear", nIn: 16, nOut: 1, bias: false },
            ],
            seed,
          });
          return fitModel(m, problem, { ...common, steps: s.mlpSteps });
        }
        case "best": {
          const b = s.best;
          return trainMultilevel(poissonModel(s, b.grids[0], seed), problem, {
            ...common,
            optimizer: poissonBestAdam(b),
            grids: b.grids,
            steps: b.steps,
            ...lastLevelPolish(b.grids.length, b.polishSteps),
          });
        }
      }
    },
  };
}

/** Adam of the best row, one spec per level (warm-up, then exponential decay from `lr` to `lrEnd`). */
export function poissonBestAdam(b: PoissonBest): AdamSpec[] {
  if (b.steps.length !== b.grids.length)
    throw new Error(`Poisson best: ${b.steps.length} step counts for ${b.grids.length} grids`);
  return decayingAdamPerLevel("Poisson best", b.lr, b.lrEnd, b.steps);
}

/** Settings as written into the result. */
export function poissonSettingsRecord(s: PoissonSettings): Record<string, unknown> {
  const n = s.problem.n ?? 51;
  return {
    quick: s.quick,
    seeds: s.seeds,
    equation:
      "div(eps grad u) = f on [-1, 1]^2, u = 0 on the boundary, eps = 1 (x < 0) / 0.5 (x >= 0); u* = sin(pi x) sin(3 pi y) (x < 0), sin(2 pi x) sin(3 pi y) (x >= 0)",
    points: `${n} x ${n} grid: ${(n - 2) ** 2} interior, ${4 * n - 4} boundary, ${n - 2} interface points (each with left and right one-sided derivatives)`,
    loss: "sums; weights volume 1e-2, boundary 1, interface 1e-1; RBA on the volume term, mu = 1e-4",
    evaluation: `relL2, maxAbsErr against u* and evalResidual (mean squared residual) on a ${s.problem.evalN ?? 201}^2 grid`,
    model: `features (x, y, |x|) -> cubic spline(3->${s.hidden}) -> ${s.normalize} -> spline(${s.hidden}->1) on [-1, 1]; coefficients N(0, ${s.initStd}^2)`,
    optimizer: s.optimizer,
    optimizerPerLevel: "re-created at every level (warm-up ramp at every level)",
    multilevel: `G=${s.grids.join(", ")}, ${s.stepsPerLevel} steps each`,
    mlp: `[3,16,16,1] on (x, y, |x|), tanh, no output bias, ${s.mlpSteps} steps`,
    best: s.rows.includes("best") ? s.best : undefined,
    metricsEvery: s.metricsEvery,
  };
}

/** Relative work of a row's run, for the order of parallel runs: its training steps. */
export function poissonRowCost(key: PoissonRowKey, s: PoissonSettings): number {
  switch (key) {
    case "fine":
    case "fine-direct":
      return s.stepsPerLevel;
    case "mlp-2-16-16-1":
      return s.mlpSteps;
    case "best":
      return s.best.steps.reduce((a, b) => a + b, 0);
    default:
      return s.stepsPerLevel * s.grids.length;
  }
}

/** The Poisson interface experiment as a plan of runs (`runPinnPlan`, or worker threads with `--threads`). */
export function poissonPlan(s: PoissonSettings): PinnPlan<PoissonInterfaceProblem> {
  return {
    experiment: "poisson-interface",
    settings: poissonSettingsRecord(s),
    seeds: s.seeds,
    rows: POISSON_ROWS.filter((k) => s.rows.includes(k)).map((k) => poissonRow(k, s)),
    problemFor: (_seed, key) =>
      new PoissonInterfaceProblem(
        key === "best" ? { ...s.problem, gammaB: s.best.boundaryWeight } : s.problem,
      ),
    fieldsOf: (p, m) => p.fields(m),
    fieldRows: ["multilevel", "relu-multilevel", "mlp-2-16-16-1", "best"],
  };
}

/** Runs the Poisson interface experiment on this thread. */
export function runPoissonInterface(s: PoissonSettings, options: PinnRunOptions = {}): PinnExperimentOutput {
  return runPinnPlan(poissonPlan(s), options);
}

/** The issue's targets for this problem. */
export function poissonChecks(result: ExperimentResult): PinnCheck[] {
  const out: PinnCheck[] = [];
  const ml = pinnMean(result, "multilevel", "relL2");
  out.push({
    target: "spline multilevel relative L2 <= 1e-2",
    value: fmt(ml),
    met: ml === null ? null : ml <= 1e-2,
  });
  const relu = pinnMean(result, "relu-multilevel", "relL2");
  out.push({
    target: "ReLU-basis multilevel stalls near O(1) relative L2 (>= 0.1; paper: slightly below 1)",
    value: fmt(relu),
    met: relu === null ? null : relu >= 0.1,
  });
  const best = pinnMean(result, "best", "relL2");
  if (best !== null)
    out.push({
      target: "best row (mlkan's setting) relative L2 <= 1e-2",
      value: fmt(best),
      met: best <= 1e-2,
    });
  out.push(
    ...refinementChecks(
      result,
      "multilevel",
      "refinement keeps the loss (max relative jump <= 1e-9)",
      "staircase: the loss falls at every level (final loss of level k / level k+1 > 1)",
    ),
  );
  return out;
}

/** Markdown notes with the checks and the per-level losses. */
export function poissonNotes(result: ExperimentResult): string {
  const lines = [
    "`loss` is the final training loss (weighted sums); `relL2`, `maxAbsErr` are against the manufactured",
    "solution and `evalResidual` is the mean squared residual on the finer evaluation grid. The paper has",
    "no table for this problem (Fig. 6 only).",
    "",
    "### Targets",
    "",
    ...checkTableLines(poissonChecks(result)),
    "",
    "### Loss and relative L2 at the end of each level (first seed)",
    "",
    "| row | loss per level | relL2 per level |",
    "|---|---|---|",
    ...levelLossLines(result, (h) => {
      const rel = h.metrics.relL2 ?? [];
      const ends = h.levels.map((lv, k) => {
        const end = k + 1 < h.levels.length ? h.levels[k + 1].startStep - 1 : h.step.length - 1;
        let v = Number.NaN;
        for (let i = end; i >= lv.startStep && Number.isNaN(v); i--) v = rel[i] ?? Number.NaN;
        return v;
      });
      return ends.map((v) => fmt(v)).join(" -> ");
    }),
  ];
  return lines.join("\n");
}
