import type { ExperimentResult } from "../../src/report/result.js";
import { summarize } from "../../src/report/result.js";
import type { TrainingHistory } from "../../src/train/history.js";

/** A multilevel history: `per` steps on each grid, loss decaying geometrically; testMse every 5 steps. */
export function makeHistory(grids: number[] = [5, 10, 20], per = 20, scale = 1): TrainingHistory {
  const h: TrainingHistory = { step: [], loss: [], metrics: { testMse: [] }, wallSeconds: [], levels: [] };
  let s = 0;
  grids.forEach((g, l) => {
    h.levels.push({ grid: g, startStep: h.step.length, params: 10 * (g + 3) });
    for (let i = 0; i < per; i++) {
      s++;
      const v = scale * 10 ** (-1 - l) * 0.9 ** i;
      h.step.push(s);
      h.loss.push(v);
      h.metrics.testMse.push(s % 5 === 0 ? 2 * v : Number.NaN);
      h.wallSeconds.push(s * 0.01);
    }
  });
  return h;
}

export function makeResult(): ExperimentResult {
  return {
    experiment: "regression",
    settings: { seeds: 2, steps: 60, grids: [5, 10, 20] },
    env: { node: "v20.0.0", platform: "linux", cpu: "Test CPU", cores: 2, date: "2026-01-01T00:00:00.000Z" },
    wallSeconds: 3.5,
    rows: [
      {
        model: "KAN",
        basis: "spline",
        fidelity: "multilevel",
        params: 230,
        wallSeconds: 1.25,
        metrics: { testMse: summarize([1.6e-3, 1.7e-3]), trainMse: summarize([1e-3, 1.2e-3]) },
        history: [makeHistory(), makeHistory(undefined, undefined, 1.5)],
      },
      {
        model: "KAN",
        basis: "relu",
        fidelity: "fine, G=20",
        params: 230,
        wallSeconds: 2,
        metrics: { testMse: summarize([2.5e-3]) },
      },
    ],
  };
}
