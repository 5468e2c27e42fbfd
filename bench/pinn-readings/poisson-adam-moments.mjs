// One more reading of what the paper leaves unstated for the Poisson interface row (digest section 4.7:
// "whether Adam's moments are kept or reset is not stated"): instead of a fresh Adam at every level, the
// moments are carried across each refinement, prolongated like the coefficients (u_f = P u_c of eqs.
// 24-25 applied to m and v; P's weights are non-negative, so v stays non-negative), and the bias
// correction continues counting while the paper's warm-up ramp restarts at every level. The row is the
// command's multilevel row (poissonSettings(), poissonModel(), trainMultilevel) with Adam's step and the
// network's refine patched in this process only.
//
//   npm run build
//   node bench/pinn-readings/poisson-adam-moments.mjs fresh|carry|carry-v [seed]
//
// fresh: nothing carried, a self-check that must print the command's own row
// (seed 1234: relative L2 per level 0.2962, 0.06122, 0.01502, 0.01848); carry: both moments carried;
// carry-v: only the second moment (the first restarts at 0). Measured figures: README, Paper PINNs.
const dist = new URL("../../dist/", import.meta.url);
const load = (path) => import(new URL(path, dist).href);

const mode = process.argv[2] ?? "fresh";
if (!["fresh", "carry", "carry-v"].includes(mode))
  throw new Error(`poisson-adam-moments: mode must be fresh, carry or carry-v, got ${JSON.stringify(mode)}`);
const seed = Number(process.argv[3] ?? 1234);
if (!Number.isInteger(seed))
  throw new Error(`poisson-adam-moments: seed must be an integer, got ${process.argv[3]}`);

const { Adam } = await load("optim/adam.js");
const { Network } = await load("model/network.js");
const { trainMultilevel } = await load("train/trainer.js");
const P = await load("experiments/poisson-interface.js");
const { PoissonInterfaceProblem } = await load("problems/pde/poisson-interface.js");

/** The Adam instance that stepped last, and the moments handed to the next level's fresh Adam. */
let last = null;
let carried = null;

// Adam's own step, with a carried state put in place before a fresh instance's first step: its moments,
// and its step count, which continues the bias correction; the rate schedule is shifted by that count, so
// the warm-up ramp still restarts at every level.
const adamStep = Adam.prototype.step;
Adam.prototype.step = function stepCarrying(x, objective) {
  if (this.n < 0 && carried) {
    const n = x.length;
    this.grad = new Float64Array(n);
    this.expAvg = mode === "carry" ? carried.m : new Float64Array(n);
    this.expAvgSq = carried.v;
    this.n = n;
    const offset = carried.steps;
    const rate = this.lr;
    this.lr = (k) => rate(k - offset);
    this.steps = offset;
    carried = null;
  }
  last = this;
  return adamStep.call(this, x, objective);
};

// refine: also prolongates the last Adam's moments (the refinement is linear in the parameters).
const refine = Network.prototype.refine;
Network.prototype.refine = function refineCarrying(grids) {
  if (last && mode !== "fresh") {
    const params = Float64Array.from(this.params);
    const map = (a) => {
      this.params.set(a);
      return Float64Array.from(refine.call(this, grids).params);
    };
    carried = { m: map(last.expAvg), v: map(last.expAvgSq), steps: last.stepCount };
    this.params.set(params);
  }
  last = null;
  return refine.call(this, grids);
};

const s = P.poissonSettings(false);
const model = P.poissonModel(s, s.grids[0], seed);
const problem = new PoissonInterfaceProblem(s.problem);
const relL2 = [];
const t0 = Date.now();
const result = trainMultilevel(model, problem, {
  optimizer: s.optimizer,
  grids: s.grids,
  steps: s.stepsPerLevel,
  metricsEvery: 0,
  onLevel: ({ metrics }) => relL2.push(metrics.relL2),
});
const levels = result.history.levels;
console.log(
  JSON.stringify({
    mode,
    seed,
    relL2: relL2.map((r) => Number(r.toPrecision(4))),
    finalLoss: Number(levels[levels.length - 1].finalLoss.toPrecision(4)),
    seconds: (Date.now() - t0) / 1000,
  }),
);
