// mlkan's side of the PyTorch cross-check (see README.md here): builds the paper row's model with mlkan's
// seeded initialisation, trains it with the command's code (the built package in dist/), and writes the
// initial parameters, the loss history and the per-level results as JSON for burgers.py / poisson.py.
//
//   node bench/torch-crosscheck/mlkan-run.mjs burgers|poisson --out FILE [--seed N] [--nu X]
//        [--steps K | --multilevel] [--level-steps S (Poisson; default the command's 1250)]
import { writeFileSync } from "node:fs";

const dist = new URL("../../dist/", import.meta.url);
const load = (path) => import(new URL(path, dist).href);

function parseArgs(argv) {
  const [experiment, ...rest] = argv;
  if (experiment !== "burgers" && experiment !== "poisson")
    throw new Error(
      `mlkan-run: first argument must be burgers or poisson, got ${JSON.stringify(experiment)}`,
    );
  const opts = {
    experiment,
    seed: 1234,
    nu: 0.01,
    steps: 20,
    multilevel: false,
    levelSteps: undefined,
    out: "",
  };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`mlkan-run: ${flag} needs a value`);
      return v;
    };
    const number = () => {
      const v = value();
      const n = Number(v);
      if (!Number.isFinite(n))
        throw new Error(`mlkan-run: ${flag} must be a number, got ${JSON.stringify(v)}`);
      return n;
    };
    if (flag === "--seed") opts.seed = number();
    else if (flag === "--nu") opts.nu = number();
    else if (flag === "--steps") opts.steps = number();
    else if (flag === "--level-steps") opts.levelSteps = number();
    else if (flag === "--multilevel") opts.multilevel = true;
    else if (flag === "--out") opts.out = value();
    else throw new Error(`mlkan-run: unknown option ${JSON.stringify(flag)}`);
  }
  if (!opts.out) throw new Error("mlkan-run: --out FILE is required");
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const { fit: fitModel, trainMultilevel } = await load("train/trainer.js");
let model;
let problem;
let optimizer;
let grids;
let steps;
if (opts.experiment === "burgers") {
  const B = await load("experiments/burgers.js");
  const { BurgersProblem } = await load("problems/pde/burgers.js");
  const s = B.burgersSettings(false);
  model = B.burgersModel(s.width, s.coarseGrid, s.initStd, opts.seed);
  problem = new BurgersProblem({ ...s.problem, nu: opts.nu });
  optimizer = s.optimizer;
  grids = s.grids;
  steps = s.multilevelSteps;
} else {
  const P = await load("experiments/poisson-interface.js");
  const { PoissonInterfaceProblem } = await load("problems/pde/poisson-interface.js");
  const s = P.poissonSettings(false);
  model = P.poissonModel(s, s.grids[0], opts.seed);
  problem = new PoissonInterfaceProblem(s.problem);
  optimizer = s.optimizer;
  grids = s.grids;
  steps = grids.map(() => opts.levelSteps ?? s.stepsPerLevel);
}
const init = Array.from(model.params);
const levelMetrics = [];
const onLevel = ({ metrics }) => levelMetrics.push(metrics);
const t0 = Date.now();
const result = opts.multilevel
  ? trainMultilevel(model, problem, { optimizer, grids, steps, metricsEvery: 0, onLevel })
  : fitModel(model, problem, { optimizer, steps: opts.steps, metricsEvery: 0, onLevel });
const seconds = (Date.now() - t0) / 1000;
const levels = result.history.levels.map((l, i) => ({
  grid: l.grid,
  steps: l.steps,
  initialLoss: l.initialLoss,
  finalLoss: l.finalLoss,
  relL2: levelMetrics[i]?.relL2,
}));
const out = {
  experiment: opts.experiment,
  seed: opts.seed,
  nu: opts.experiment === "burgers" ? opts.nu : undefined,
  mode: opts.multilevel ? "multilevel" : `${opts.steps} steps`,
  init,
  // history.loss[k] is the loss after update k (torch's loss before update k + 1)
  losses: Array.from(result.history.loss),
  levels,
  seconds,
};
writeFileSync(opts.out, `${JSON.stringify(out)}\n`);
console.log(JSON.stringify({ ...out, init: `${init.length} values`, losses: `${out.losses.length} values` }));
