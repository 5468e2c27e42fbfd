/** `mlkan reproduce burgers`: the paper's Burgers PINN, Table 3 (src/experiments/burgers.ts). */
import type { Command } from "commander";
import {
  BURGERS_ROWS,
  type BurgersSettings,
  burgersNotes,
  burgersPaperValue,
  burgersSettings,
} from "../experiments/burgers.js";
import { finiteNumber } from "./args.js";
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
}

/** Settings from the command line. */
export function burgersSettingsFromCli(o: BurgersCliOptions): BurgersSettings {
  const s = burgersSettings(o.quick === true);
  const seeds = pinnSeeds(o);
  if (seeds) s.seeds = seeds;
  if (o.nu !== undefined) {
    const nu = o.nu === "0.01/pi" ? 0.01 / Math.PI : finiteNumber("--nu", o.nu);
    if (!(nu > 0)) throw new Error(`--nu must be > 0, got ${JSON.stringify(o.nu)}`);
    s.problem.nu = nu;
  }
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
        "--best",
        "add mlkan's best setting (odd-symmetry term, more levels, resampled points, L-BFGS polish)",
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
