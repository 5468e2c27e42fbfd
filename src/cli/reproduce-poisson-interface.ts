/** `mlkan reproduce poisson-interface`: the paper's Poisson problem with a discontinuous coefficient, Fig. 6. */
import type { Command } from "commander";
import {
  POISSON_ROWS,
  type PoissonSettings,
  poissonNotes,
  poissonSettings,
} from "../experiments/poisson-interface.js";
import { positiveInt, positiveNumber } from "./args.js";
import {
  addPinnRunOptions,
  type PinnCliOptions,
  pinnCommand,
  pinnRows,
  pinnSeeds,
  runPinnExperiment,
  writePinnReport,
} from "./reproduce-pinn.js";

interface PoissonCliOptions extends PinnCliOptions {
  rows?: string;
  steps?: string;
  normalize?: string;
  initStd?: string;
}

/** Settings from the command line. */
export function poissonSettingsFromCli(o: PoissonCliOptions): PoissonSettings {
  const s = poissonSettings(o.quick === true);
  const seeds = pinnSeeds(o);
  if (seeds) s.seeds = seeds;
  s.rows = pinnRows(o, POISSON_ROWS, s.rows);
  if (o.steps !== undefined) s.stepsPerLevel = positiveInt("--steps", o.steps);
  if (o.normalize !== undefined) {
    if (o.normalize !== "tanh" && o.normalize !== "none")
      throw new Error(`--normalize must be "tanh" or "none", got ${JSON.stringify(o.normalize)}`);
    s.normalize = o.normalize;
  }
  if (o.initStd !== undefined) s.initStd = positiveNumber("--init-std", o.initStd);
  return s;
}

/** Registers `reproduce poisson-interface`. */
export function registerReproducePoissonInterface(reproduce: Command): void {
  addPinnRunOptions(
    pinnCommand(
      reproduce,
      "poisson-interface",
      "the paper's Poisson problem with a discontinuous coefficient, Fig. 6 (interface, |x| feature, RBA)",
      "smoke budget (21 x 21 grid, 60 steps per level, 4 rows)",
    )
      .option("--rows <list>", `rows to run, comma separated: ${POISSON_ROWS.join(", ")}`)
      .option(
        "--best",
        "add mlkan's own row: per-level lr decay 1e-2 -> 1e-4, boundary weight 10, 200 L-BFGS polish steps at the end",
      )
      .option("--steps <n>", "Adam steps per level (default 1250)")
      .option("--normalize <fn>", "map between the spline layers: tanh (default) or none")
      .option("--init-std <v>", "standard deviation of the initial spline coefficients (default 0.1)"),
  ).action(async (o: PoissonCliOptions) => {
    const s = poissonSettingsFromCli(o);
    const out = await runPinnExperiment("poisson-interface", s, o);
    await writePinnReport(o, out, {
      title: `Poisson with discontinuous coefficient (paper Fig. 6)${s.quick ? ", quick budget" : ""}`,
      notes: poissonNotes(out.result),
      paperHeader: "paper",
      paper: () => null,
    });
  });
}
