/** The standard plots of a result: one chart per quantity (loss, each metric) over the rows' histories. */
import { type HistoryPlotOptions, type HistoryRun, historyQuantities, plotHistory } from "./plot/history.js";
import { type ExperimentResult, rowHistories, rowLabel } from "./result.js";

/**
 * For each quantity recorded in the rows' histories ("loss" first, then metrics), an SVG chart of that
 * quantity against step with one series per row (median and min..max band over seeds) and the level
 * boundaries. Keys are the quantity names; rows without a history are left out; no histories, no plots.
 */
export function resultPlots(
  result: ExperimentResult,
  options: Omit<HistoryPlotOptions, "quantities"> & { quantities?: readonly string[] } = {},
): Record<string, string> {
  const runs: HistoryRun[] = result.rows
    .filter((r) => rowHistories(r).length > 0)
    .map((r) => ({ label: rowLabel(r), history: rowHistories(r) }));
  if (runs.length === 0) return {};
  const quantities = options.quantities ?? historyQuantities(result.rows.flatMap(rowHistories));
  const out: Record<string, string> = {};
  for (const q of quantities) {
    out[q] = plotHistory(runs, {
      title: `${result.experiment}: ${q}`,
      ...options,
      quantities: [q],
      yLabel: q,
    });
  }
  return out;
}
