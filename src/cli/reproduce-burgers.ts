/** `mlkan reproduce burgers`: the paper's Burgers PINN, Table 3 (src/experiments/burgers.ts). */
import type { Command } from "commander";
import {
  BURGERS_ROWS,
  type BurgersSettings,
  burgersNotes,
  burgersPaperValue,
  burgersSettings,
  withCycledMomentum,
  withStepSizeUp,
} from "../experiments/burgers.js";
import { nonNegativeNumber, positiveInt, positiveNumber } from "./args.js";
import {
  addPinnRunOptions,
  type PinnCliOptions,
  pinnCommand,
  pinnRows,
  pinnSeeds,
  runPinnExperiment,
  writePinnReport,
} from "./reproduce-pinn.js";

interface BurgersCliOptions extends PinnCliOptions {
  nu?: string;
  rows?: string;
  initStd?: string;
  cycleMomentum?: boolean;
  weightDecay?: string;
  adamw?: boolean;
  stepSizeUp?: string;
}

/** Settings from the command line. */
export function burgersSettingsFromCli(o: BurgersCliOptions): BurgersSettings {
  const s = burgersSettings(o.quick === true);
  const seeds = pinnSeeds(o);
  if (seeds) s.seeds = seeds;
  if (o.nu !== undefined) {
    s.problem.nu = o.nu === "0.01/pi" ? 0.01 / Math.PI : positiveNumber("--nu", o.nu);
  }
  if (o.initStd !== undefined) s.initStd = positiveNumber("--init-std", o.initStd);
  if (o.stepSizeUp !== undefined)
    s.optimizer = withStepSizeUp(s.optimizer, positiveInt("--step-size-up", o.stepSizeUp));
  if (o.cycleMomentum === true) s.optimizer = withCycledMomentum(s.optimizer);
  if (o.weightDecay !== undefined)
    s.optimizer = { ...s.optimizer, weightDecay: nonNegativeNumber("--weight-decay", o.weightDecay) };
  if (o.adamw === true)
    s.optimizer = {
      ...s.optimizer,
      weightDecay: s.optimizer.weightDecay ?? 1e-2,
      decoupledWeightDecay: true,
    };
  s.rows = pinnRows(o, BURGERS_ROWS, s.rows);
  return s;
}

/** Registers `reproduce burgers` on the `reproduce` command. */
export function registerReproduceBurgers(reproduce: Command): void {
  addPinnRunOptions(
    pinnCommand(
      reproduce,
      "burgers",
      "the paper's Burgers PINN, Table 3 (multilevel KAN vs coarse, fine, MLPs), with a Cole-Hopf reference",
      "smoke budget (16 x 16 points, few steps, 4 rows)",
    )
      .option("--nu <v>", "viscosity (default 0.01/pi; the paper prints 0.01)")
      .option("--rows <list>", `rows to run, comma separated: ${BURGERS_ROWS.join(", ")}`)
      .option(
        "--init-std <v>",
        "standard deviation of the initial spline coefficients of every KAN (default 0.01, the prototype's decisive setting)",
      )
      .option(
        "--weight-decay <v>",
        "Table 3 rows: Adam's L2 weight decay, torch's weight_decay (default 0; the paper's \"weight-regularized Adam\" gives no value)",
      )
      .option(
        "--adamw",
        "Table 3 rows: decoupled weight decay (torch's AdamW; --weight-decay defaults to AdamW's 1e-2 then)",
      )
      .option(
        "--step-size-up <n>",
        "Table 3 rows: steps from the base rate to the peak (torch's step_size_up; default 50, the paper's cycle of 100 read as 50 up and 50 down)",
      )
      .option(
        "--cycle-momentum",
        "Table 3 rows: cycle Adam's beta1 between 0.9 and 0.8 against the rate, as torch's CyclicLR does by default",
      )
      .option(
        "--best",
        "add mlkan's best setting (odd-symmetry term, graded x coordinate, more levels, resampled points, L-BFGS polish)",
      ),
  ).action(async (o: BurgersCliOptions) => {
    const s = burgersSettingsFromCli(o);
    const out = await runPinnExperiment("burgers", s, o);
    await writePinnReport(o, out, {
      title: `Burgers PINN (paper Table 3), nu = ${s.problem.nu?.toPrecision(4)}${s.quick ? ", quick budget" : ""}`,
      notes: burgersNotes(out.result),
      paperHeader: "paper loss",
      paper: burgersPaperValue,
    });
  });
}
