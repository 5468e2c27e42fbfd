/**
 * The paper PINN experiments by name, each as a function from its settings (plain data) to its plan of
 * runs (pinn-runner.ts). A worker thread rebuilds an experiment's plan from the name and the settings it is
 * sent (src/node/pinn-parallel.ts), so that it can run any of the plan's rows.
 */
import { type AllenCahnSettings, allenCahnPlan } from "./allen-cahn.js";
import { type BurgersSettings, burgersPlan } from "./burgers.js";
import type { PinnPlan } from "./pinn-runner.js";
import { type PoissonSettings, poissonPlan } from "./poisson-interface.js";

/** The settings of each paper PINN experiment, by name. */
export interface PinnExperimentSettings {
  "allen-cahn": AllenCahnSettings;
  burgers: BurgersSettings;
  "poisson-interface": PoissonSettings;
}

/** The name of a paper PINN experiment. */
export type PinnExperimentName = keyof PinnExperimentSettings;

/** The plan of the experiment `name` with settings `s`. */
export function pinnPlan<K extends PinnExperimentName>(
  name: K,
  s: PinnExperimentSettings[K],
): PinnPlan<unknown> {
  switch (name) {
    case "allen-cahn":
      return allenCahnPlan(s as AllenCahnSettings);
    case "burgers":
      return burgersPlan(s as BurgersSettings);
    case "poisson-interface":
      return poissonPlan(s as PoissonSettings);
    default:
      throw new Error(`unknown PINN experiment ${JSON.stringify(name)}`);
  }
}
