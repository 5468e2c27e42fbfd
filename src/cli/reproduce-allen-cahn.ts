/** `mlkan reproduce allen-cahn`: the paper's Allen-Cahn PINN, Figs. 7-9 (src/experiments/allen-cahn.ts). */
import type { Command } from "commander";
import {
  ALLEN_CAHN_ROWS,
  type AllenCahnSettings,
  allenCahnNotes,
  allenCahnSettings,
  allenCahnSpectra,
  type LevelSpectrum,
} from "../experiments/allen-cahn.js";
import { renderChart } from "../report/plot/chart.js";
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

interface AllenCahnCliOptions extends PinnCliOptions {
  rows?: string;
  steps?: string;
  points?: string;
  lr?: string;
  initStd?: string;
}

/** Settings of `mlkan reproduce allen-cahn` from its parsed options (the paper's defaults, or the quick budget, overridden by the flags). */
export function allenCahnSettingsFromCli(o: AllenCahnCliOptions): AllenCahnSettings {
  const s = allenCahnSettings(o.quick === true);
  const seeds = pinnSeeds(o);
  if (seeds) s.seeds = seeds;
  s.rows = pinnRows(o, ALLEN_CAHN_ROWS, s.rows);
  if (o.steps !== undefined) s.stepsPerLevel = positiveInt("--steps", o.steps);
  if (o.points !== undefined) s.problem.points = positiveInt("--points", o.points);
  if (o.lr !== undefined) s.optimizer = { ...s.optimizer, lr: positiveNumber("--lr", o.lr) };
  if (o.initStd !== undefined) s.initStd = positiveNumber("--init-std", o.initStd);
  return s;
}

/** Residual spectra per level (paper Figs. 8-9): energy against Fourier mode, one line per level. */
export function spectrumPlots(spectra: Record<string, LevelSpectrum[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, levels] of Object.entries(spectra)) {
    if (levels.length === 0) continue;
    out[`spectrum-${key}`] = renderChart({
      title: `allen-cahn: residual spectrum per level, ${key}`,
      xLabel: "Fourier mode k (in x)",
      yLabel: "mean |R_k|^2",
      yScale: "log",
      series: levels.map((l) => ({
        label: l.grid > 0 ? `G=${l.grid}` : "final",
        x: l.energy.map((_, k) => k),
        y: l.energy.map((v) => (v > 0 ? v : Number.NaN)),
      })),
    });
  }
  return out;
}

/** Adds `allen-cahn` to the `mlkan reproduce` command. */
export function registerReproduceAllenCahn(reproduce: Command): void {
  addPinnRunOptions(
    pinnCommand(
      reproduce,
      "allen-cahn",
      "the paper's Allen-Cahn PINN, Figs. 7-9, against a Fourier ETDRK4 reference, with residual spectra",
      "smoke budget (1000 points, 50 steps per level, 2 rows)",
    )
      .option("--rows <list>", `rows to run, comma separated: ${ALLEN_CAHN_ROWS.join(", ")}`)
      .option(
        "--best",
        "add mlkan's best setting (periodic inputs cos/sin(pi x), causal weighting, resampled points, lr decay per level, L-BFGS polish)",
      )
      .option("--steps <n>", "Adam steps per level (default 2500)")
      .option("--init-std <v>", "standard deviation of the initial spline coefficients (default 0.1)")
      .option("--points <n>", "random collocation points (default 20000)")
      .option("--lr <v>", "Adam learning rate (default 1e-2 as the appendix; the text says 1e-3)"),
  ).action(async (o: AllenCahnCliOptions) => {
    const s = allenCahnSettingsFromCli(o);
    const out = await runPinnExperiment("allen-cahn", s, o);
    await writePinnReport(o, out, {
      title: `Allen-Cahn PINN (paper Figs. 7-9)${s.quick ? ", quick budget" : ""}`,
      notes: allenCahnNotes(out.result),
      paperHeader: "paper",
      paper: () => null,
      extraPlots: spectrumPlots(allenCahnSpectra(out)),
    });
  });
}
