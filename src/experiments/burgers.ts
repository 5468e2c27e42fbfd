/**
 * The paper's Burgers PINN (section 5.2.2, Table 3) with the settings of DESIGN.md section 5 and the
 * issue (nu = 0.01/pi by default; the paper prints 0.01, a flag). Pure logic: `runBurgers` returns the
 * result and the heat-map fields; the CLI (`mlkan reproduce burgers`) prints and writes them.
 *
 * Decisions where the paper is silent (digest section 7; each a settings field, most a CLI flag):
 * - Problem: x in [-1, 1], t in [0, 1], u(x, 0) = -sin(pi x), u(+-1, t) = 0; 64 x 64 collocation grid
 *   (ends included), 64 initial points and 64 boundary points per side; loss = mean squared residual +
 *   mean squared initial/boundary error (problems/pde/burgers.ts).
 * - Model (from the parameter counts 3400 / 9700): Linear(2 -> 20, no bias) -> tanh -> cubic spline(20 ->
 *   20) on [-1, 1] -> tanh -> cubic spline(20 -> 1); linear layer U(+-1/sqrt 2), spline coefficients
 *   N(0, 0.01^2) for every model (the prototype's decisive setting).
 * - Optimizer: Adam lr 1e-3 with the exponential-range cyclic schedule (base 1e-4, max 1e-3, 50 steps up,
 *   decay 0.9995 per step), weight decay 0, re-created at every level. Other readings are flags, measured
 *   in the README: `--step-size-up 100` (the paper's cycle of 100 as the rising half), `--weight-decay`
 *   and `--adamw` ("weight-regularized Adam"), `--cycle-momentum` (torch 2's CyclicLR default cycles beta1).
 * - Budgets: coarse G=5 3200 steps; fine G=20 800 steps from the seed's random coarse model prolongated
 *   ("prolongated init"), from coefficients drawn at G=20 ("direct init"), and with the multilevel step
 *   count 1400; multilevel G = 5, 10, 20 with 800, 400, 200 steps.
 * - MLPs [2,20,20,1] and [2,56,56,1], tanh, hidden biases, no output bias (the paper's counts 500 and
 *   3416), 3200 steps with the same optimizer. Seeds 1234, 1244, ... (the paper's +10 per run).
 * - `--best` adds mlkan's own row: a fourth level (G = 40), collocation points redrawn by the residual
 *   (RAD) every 100 steps, the odd-symmetry term u(x, t) + u(-x, t) = 0 on 1024 mirror pairs (it pins the
 *   shock to x = 0, where the Table 3 rows misplace it), optional residual-based attention and
 *   initial/boundary weight, an L-BFGS polish of the last level in rounds of 200 steps on fixed points,
 *   redrawn by the residual between rounds, and x entering as the graded
 *   coordinate asinh(10 x) / asinh(10), 3.3x steeper than x at the shock and 3x flatter at x = +-1, so the
 *   same weights resolve a sharper front (see `BurgersBest`).
 */
import type { LayerSpec } from "../layers/layer.js";
import { KAN } from "../model/kan.js";
import { MLP } from "../model/mlp.js";
import type { Network } from "../model/network.js";
import type { AdamSpec, OptimizerSpec } from "../optim/factory.js";
import { BurgersProblem, type BurgersProblemOptions } from "../problems/pde/burgers.js";
import type { ExperimentResult } from "../report/result.js";
import { fit as fitModel, type TrainProgress, trainMultilevel } from "../train/trainer.js";
import { fmt } from "../util/format.js";
import {
  checkTableLines,
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

/** Table 3 of the paper: training loss mean (stdev) over 5 seeds, by row key. */
export const PAPER_TABLE3: Readonly<Record<string, { mean: number; std: number }>> = {
  coarse: { mean: 6.635e-3, std: 4.06e-3 },
  fine: { mean: 4.072e-3, std: 2.514e-3 },
  multilevel: { mean: 2.402e-5, std: 1.897e-5 },
  "mlp-2-20-20-1": { mean: 2.334e-2, std: 1.74e-3 },
  "mlp-2-56-56-1": { mean: 1.734e-2, std: 7.989e-3 },
};

/** Row keys in table order. */
export const BURGERS_ROWS = [
  "coarse",
  "fine",
  "fine-direct",
  "fine-long",
  "multilevel",
  "mlp-2-20-20-1",
  "mlp-2-56-56-1",
  "best",
] as const;
/** A row of the Burgers table (Table 3). */
export type BurgersRowKey = (typeof BURGERS_ROWS)[number];

/** The paper's loss beside a row (both fine initialisations share the paper's fine row). */
export function burgersPaperValue(key: string): number | null {
  if (key === "fine-direct") return PAPER_TABLE3.fine.mean;
  return PAPER_TABLE3[key]?.mean ?? null;
}

/** mlkan's own setting beyond the paper (the `best` row). */
export interface BurgersBest {
  grids: number[];
  steps: number[];
  /** Collocation points (count), redrawn by the residual (RAD) every `resampleEvery` steps. */
  points: number;
  resampleEvery: number;
  rbaMu: number;
  /** Weight of the initial+boundary term (the paper: 1). */
  boundaryWeight: number;
  /** Mirror pairs of the odd-symmetry term u(x, t) + u(-x, t) = 0 (0: no term) and its weight. */
  symmetryPairs: number;
  symmetryWeight: number;
  optimizer: OptimizerSpec;
  /** L-BFGS polish steps after the last level (0: none). */
  polishSteps: number;
  /**
   * The polish runs in rounds of this many steps, the points redrawn by the residual (RAD) between rounds
   * (0: one round on the last Adam step's points).
   */
  polishRedrawEvery: number;
  /**
   * Gain g of the graded x coordinate asinh(g x) / asinh(g) the model takes instead of x (0: x itself):
   * slope g / asinh(g) at the shock x = 0, so the first layer's units get that much steeper there for the
   * same weights (layers/features.ts).
   */
  stretch: number;
}

/** Settings of the Burgers experiment (Table 3): viscosity, collocation, model, level budgets, optimizer and seeds. */
export interface BurgersSettings {
  seeds: number[];
  problem: Omit<BurgersProblemOptions, "seed">;
  width: number;
  initStd: number;
  optimizer: AdamSpec;
  coarseGrid: number;
  fineGrid: number;
  grids: number[];
  coarseSteps: number;
  fineSteps: number;
  multilevelSteps: number[];
  mlpSteps: number;
  rows: BurgersRowKey[];
  metricsEvery: number;
  best: BurgersBest;
  quick: boolean;
}

/** The paper's Adam with the exponential-range cyclic schedule. */
export const BURGERS_ADAM: AdamSpec = {
  type: "adam",
  lr: 1e-3,
  schedule: { type: "cyclic", mode: "exp_range", baseLr: 1e-4, stepSizeUp: 50, gamma: 0.9995 },
};

/**
 * The paper's optimizer with torch's default `cycle_momentum=True` read in: beta1 cycles from 0.9 at the
 * base rate to 0.8 at the peak (`reproduce burgers --cycle-momentum`; a reading of the unstated settings,
 * measured worse, see the README).
 */
export function withCycledMomentum(spec: AdamSpec): AdamSpec {
  if (spec.schedule?.type !== "cyclic")
    throw new Error("withCycledMomentum: the optimizer has no cyclic schedule whose momentum could cycle");
  return { ...spec, schedule: { ...spec.schedule, momentum: { base: 0.8, max: 0.9 } } };
}

/**
 * The paper's optimizer with `n` steps from the base rate to the peak and `n` back (`reproduce burgers
 * --step-size-up n`; the default 50 reads the paper's "cycle S_LR = 100" as a whole cycle, 100 as its
 * rising half).
 */
export function withStepSizeUp(spec: AdamSpec, n: number): AdamSpec {
  if (spec.schedule?.type !== "cyclic")
    throw new Error("withStepSizeUp: the optimizer has no cyclic schedule to change");
  return { ...spec, schedule: { ...spec.schedule, stepSizeUp: n } };
}

/** DESIGN.md section 5's settings, or the `--quick` smoke budget (small grids, few steps, one seed). */
export function burgersSettings(quick = false): BurgersSettings {
  return {
    seeds: [1234],
    problem: quick
      ? { nu: 0.01 / Math.PI, nx: 16, nt: 16, nInitial: 16, nBoundary: 16, evalNx: 64, evalNt: 21 }
      : { nu: 0.01 / Math.PI, nx: 64, nt: 64, nInitial: 64, nBoundary: 64, evalNx: 256, evalNt: 101 },
    width: 20,
    initStd: 0.01,
    optimizer: BURGERS_ADAM,
    coarseGrid: 5,
    fineGrid: 20,
    grids: [5, 10, 20],
    coarseSteps: quick ? 120 : 3200,
    fineSteps: quick ? 30 : 800,
    multilevelSteps: quick ? [60, 40, 20] : [800, 400, 200],
    mlpSteps: quick ? 120 : 3200,
    rows: quick
      ? ["coarse", "fine", "multilevel", "mlp-2-20-20-1"]
      : ["coarse", "fine", "fine-direct", "fine-long", "multilevel", "mlp-2-20-20-1", "mlp-2-56-56-1"],
    metricsEvery: quick ? 20 : 100,
    best: {
      grids: [5, 10, 20, 40],
      steps: quick ? [40, 20, 20, 20] : [800, 400, 400, 400],
      points: quick ? 256 : 4096,
      resampleEvery: quick ? 10 : 100,
      rbaMu: 0,
      boundaryWeight: 1,
      symmetryPairs: quick ? 64 : 1024,
      symmetryWeight: 1,
      optimizer: BURGERS_ADAM,
      polishSteps: quick ? 5 : 800,
      polishRedrawEvery: quick ? 2 : 200,
      stretch: 10,
    },
    quick,
  };
}

/**
 * Linear(2 -> width, no bias) -> tanh -> spline(width -> width) -> tanh -> spline(width -> 1), cubic, [-1, 1].
 * With `stretch` g > 0 the linear layer takes (asinh(g x) / asinh(g), t) instead of (x, t) (the `best` row).
 */
export function burgersModel(width: number, grid: number, initStd: number, seed: number, stretch = 0): KAN {
  const spline = (nIn: number, nOut: number) => pinnSplineSpec(nIn, nOut, grid, initStd);
  const graded: LayerSpec[] =
    stretch > 0
      ? [
          {
            type: "features",
            nIn: 2,
            features: [
              { input: 0, kind: "asinh", gain: stretch },
              { input: 1, kind: "identity" },
            ],
          },
        ]
      : [];
  return new KAN({
    layers: [
      ...graded,
      { type: "linear", nIn: 2, nOut: width, bias: false },
      { type: "elementwise", width, fn: "tanh", scale: 1, shift: 0 },
      spline(width, width),
      { type: "elementwise", width, fn: "tanh", scale: 1, shift: 0 },
      spline(width, 1),
    ],
    seed,
  });
}

/** Labels of a row. */
export function describeBurgersRow(key: BurgersRowKey, s: BurgersSettings) {
  const kan = `KAN [2,${s.width},${s.width},1]`;
  const mlSteps = s.multilevelSteps.reduce((a, b) => a + b, 0);
  const fine = (steps: number, init: string) => `fine (G=${s.fineGrid}, ${steps} steps, ${init} init)`;
  switch (key) {
    case "coarse":
      return { model: kan, basis: "spline", fidelity: `coarse (G=${s.coarseGrid}, ${s.coarseSteps} steps)` };
    case "fine":
      return { model: kan, basis: "spline", fidelity: fine(s.fineSteps, "prolongated") };
    case "fine-direct":
      return { model: kan, basis: "spline", fidelity: fine(s.fineSteps, "direct") };
    case "fine-long":
      return { model: kan, basis: "spline", fidelity: fine(mlSteps, "prolongated") };
    case "multilevel":
      return {
        model: kan,
        basis: "spline",
        fidelity: `multilevel (G=${s.grids.join(",")}; ${s.multilevelSteps.join(",")} steps)`,
      };
    case "mlp-2-20-20-1":
    case "mlp-2-56-56-1":
      return {
        model: `MLP [${key.slice(4).split("-").join(",")}]`,
        basis: "tanh",
        fidelity: `- (${s.mlpSteps} steps)`,
      };
    case "best": {
      const b = s.best;
      return {
        model: kan,
        basis: "spline",
        fidelity: `best: multilevel (G=${b.grids.join(",")}; ${b.steps.join(",")} steps), ${b.points} points redrawn by the residual (RAD) every ${b.resampleEvery}${b.rbaMu > 0 ? `, RBA ${b.rbaMu}` : ""}${b.boundaryWeight !== 1 ? `, initial/boundary weight ${b.boundaryWeight}` : ""}${b.symmetryPairs > 0 ? `, odd-symmetry term (${b.symmetryPairs} pairs, weight ${b.symmetryWeight})` : ""}${b.polishSteps > 0 ? `, L-BFGS polish ${b.polishSteps}${b.polishRedrawEvery > 0 ? ` (points redrawn every ${b.polishRedrawEvery})` : ""}` : ""}${b.stretch > 0 ? `, x graded as asinh(${b.stretch} x) / asinh(${b.stretch})` : ""}`,
      };
    }
  }
}

function burgersRow(key: BurgersRowKey, s: BurgersSettings): PinnRow<BurgersProblem> {
  const common = (onProgress: ((p: TrainProgress) => void) | undefined) => ({
    metricsEvery: s.metricsEvery,
    onProgress,
  });
  const coarse = (seed: number) => burgersModel(s.width, s.coarseGrid, s.initStd, seed);
  const mlSteps = s.multilevelSteps.reduce((a, b) => a + b, 0);
  const optimizer = s.optimizer;
  return {
    key,
    describe: describeBurgersRow(key, s),
    cost: burgersRowCost(key, s),
    run(seed, problem, onProgress) {
      switch (key) {
        case "coarse":
          return fitModel(coarse(seed), problem, { ...common(onProgress), optimizer, steps: s.coarseSteps });
        case "fine":
          return fitModel(coarse(seed).refine(s.fineGrid), problem, {
            ...common(onProgress),
            optimizer,
            steps: s.fineSteps,
          });
        case "fine-direct":
          return fitModel(burgersModel(s.width, s.fineGrid, s.initStd, seed), problem, {
            ...common(onProgress),
            optimizer,
            steps: s.fineSteps,
          });
        case "fine-long":
          return fitModel(coarse(seed).refine(s.fineGrid), problem, {
            ...common(onProgress),
            optimizer,
            steps: mlSteps,
          });
        case "multilevel":
          return trainMultilevel(coarse(seed), problem, {
            ...common(onProgress),
            optimizer,
            grids: s.grids,
            steps: s.multilevelSteps,
          });
        case "mlp-2-20-20-1":
        case "mlp-2-56-56-1": {
          const width = key.slice(4).split("-").map(Number);
          const m = new MLP({ width, activation: "tanh", outputBias: false, seed });
          return fitModel(m, problem, { ...common(onProgress), optimizer, steps: s.mlpSteps });
        }
        case "best": {
          const b = s.best;
          const m = burgersModel(s.width, b.grids[0], s.initStd, seed, b.stretch);
          // The polish runs without the problem's step hooks: rounds on fixed points, redrawn between them.
          return trainMultilevel(m, problem, {
            ...common(onProgress),
            optimizer: b.optimizer,
            grids: b.grids,
            steps: b.steps,
            ...lastLevelPolish(b.grids.length, b.polishSteps, b.polishRedrawEvery),
          });
        }
      }
    },
  };
}

/** Settings as written into the result. */
export function burgersSettingsRecord(s: BurgersSettings): Record<string, unknown> {
  const p = s.problem;
  return {
    quick: s.quick,
    seeds: s.seeds,
    equation: `u_t + u u_x - nu u_xx = 0, nu = ${p.nu}, x in [-1, 1], t in [0, 1], u(x, 0) = -sin(pi x), u(+-1, t) = 0`,
    points: `${p.nx} x ${p.nt} collocation grid (ends included), ${p.nInitial} initial points, ${p.nBoundary} boundary points per side`,
    loss: "mean squared residual + mean squared initial/boundary error (Gamma_V = Gamma_B = 1)",
    evaluation: `relL2, maxAbsErr against the Cole-Hopf reference (Gauss-Hermite, 240 nodes) and evalResidual (mean squared PDE residual) on a ${p.evalNx} x ${p.evalNt} grid`,
    model: `Linear(2->${s.width}, no bias) -> tanh -> cubic spline(${s.width}->${s.width}) on [-1, 1] -> tanh -> cubic spline(${s.width}->1)`,
    initialisation: `spline coefficients N(0, ${s.initStd}^2); linear layer U(+-1/sqrt 2)`,
    optimizer: s.optimizer,
    optimizerPerLevel: "re-created at every level",
    coarse: `G=${s.coarseGrid}, ${s.coarseSteps} steps`,
    fine: `G=${s.fineGrid}, ${s.fineSteps} steps (prolongated or direct init) and ${s.multilevelSteps.reduce((a, b) => a + b, 0)} steps (prolongated)`,
    multilevel: `G=${s.grids.join(", ")} with ${s.multilevelSteps.join(", ")} steps`,
    mlp: `tanh, hidden biases, no output bias, ${s.mlpSteps} steps`,
    best: s.rows.includes("best") ? s.best : undefined,
    metricsEvery: s.metricsEvery,
  };
}

/**
 * Relative work of a row's run, for the order of parallel runs, in steps of the [2,20,20,1] KAN: the MLPs'
 * steps cost about 0.4 and 1.8 of those, the best row's Adam steps about 3 and its L-BFGS steps about 30
 * (measured on the whole command).
 */
export function burgersRowCost(key: BurgersRowKey, s: BurgersSettings): number {
  const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
  switch (key) {
    case "coarse":
      return s.coarseSteps;
    case "fine":
    case "fine-direct":
      return s.fineSteps;
    case "fine-long":
    case "multilevel":
      return sum(s.multilevelSteps);
    case "mlp-2-20-20-1":
      return 0.4 * s.mlpSteps;
    case "mlp-2-56-56-1":
      return 1.8 * s.mlpSteps;
    case "best":
      return 3 * sum(s.best.steps) + 30 * s.best.polishSteps;
  }
}

/** The Burgers experiment as a plan of runs (`runPinnPlan`, or worker threads with the CLI's `--threads`). */
export function burgersPlan(s: BurgersSettings): PinnPlan<BurgersProblem> {
  const keys = BURGERS_ROWS.filter((k) => s.rows.includes(k));
  return {
    experiment: "burgers",
    settings: burgersSettingsRecord(s),
    seeds: s.seeds,
    rows: keys.map((k) => burgersRow(k, s)),
    problemFor: (seed, key) =>
      key === "best"
        ? new BurgersProblem({
            ...s.problem,
            collocation: "rad",
            nx: s.best.points,
            nt: 1,
            resampleEvery: s.best.resampleEvery,
            rbaMu: s.best.rbaMu,
            boundaryWeight: s.best.boundaryWeight,
            symmetryPairs: s.best.symmetryPairs,
            symmetryWeight: s.best.symmetryWeight,
            seed,
          })
        : new BurgersProblem({ ...s.problem, seed }),
    fieldsOf: (p, m) => p.fields(m),
    fieldRows: ["multilevel", "best", "fine", "mlp-2-56-56-1"],
  };
}

/** Runs the Burgers experiment on this thread. */
export function runBurgers(s: BurgersSettings, options: PinnRunOptions = {}): PinnExperimentOutput {
  return runPinnPlan(burgersPlan(s), options);
}

/** The robust facts and the paper comparisons of a result. */
export function burgersChecks(result: ExperimentResult): PinnCheck[] {
  const checks: PinnCheck[] = [];
  const ml = pinnMean(result, "multilevel", "loss");
  checks.push({
    target: "multilevel training loss <= 2.4e-5 (paper Table 3)",
    value: ml === null ? "-" : fmt(ml),
    met: ml === null ? null : ml <= 2.402e-5,
  });
  for (const other of ["coarse", "fine", "fine-direct", "fine-long", "mlp-2-20-20-1", "mlp-2-56-56-1"]) {
    const o = pinnMean(result, other, "loss");
    if (o === null || ml === null) continue;
    const paper = burgersPaperValue(other);
    checks.push({
      target: `margin ${other} / multilevel (loss)${paper !== null ? `; paper ${fmt(paper / 2.402e-5)}x` : ""}`,
      value: `${fmt(o / ml)}x`,
      met: paper === null ? null : o / ml >= 100,
    });
  }
  checks.push(
    ...refinementChecks(
      result,
      "multilevel",
      "refinement keeps the loss (max relative jump at a level change <= 1e-9)",
    ),
  );
  const best = pinnMean(result, "best", "relL2");
  if (best !== null)
    checks.push({ target: "best: relative L2 < 1e-2 (issue target)", value: fmt(best), met: best < 1e-2 });
  return checks;
}

/** Markdown notes: what the columns mean, the checks, per-level losses of the multilevel rows. */
export function burgersNotes(result: ExperimentResult): string {
  const lines = [
    "`loss` is the final training loss (the paper's Table 3 metric); `relL2` and `maxAbsErr` are against the",
    "Cole-Hopf reference and `evalResidual` is the mean squared PDE residual, both on the finer evaluation",
    "grid. The paper column is its Table 3 loss (mean over 5 seeds, nu printed as 0.01).",
    "",
    "### Targets and margins",
    "",
    ...checkTableLines(burgersChecks(result)),
    "",
    "### Loss at the end of each level (first seed)",
    "",
    "| row | per level |",
    "|---|---|",
    ...levelLossLines(result),
  ];
  return lines.join("\n");
}

export type { Network };
