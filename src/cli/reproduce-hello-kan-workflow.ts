/**
 * `mlkan reproduce hello-kan --workflow` (the `hello-kan` command delegates here): pykan's
 * interpretability tutorial (src/experiments/hello-kan-workflow.ts), reported as a markdown table of the
 * stages, the edges autoSymbolic chose (with R^2), the formula (text and LaTeX), the result JSON and CSV,
 * and the network diagram after every stage (SVG and PNG).
 */
import { resolve } from "node:path";
import {
  type HelloKanWorkflowResult,
  helloKanWorkflowSettings,
  runHelloKanWorkflow,
} from "../experiments/hello-kan-workflow.js";
import { collectEnv } from "../node/env.js";
import { writeFileAtomic } from "../node/fs.js";
import { writeReport } from "../node/write.js";
import { plotModel } from "../report/plot/network.js";
import { type ExperimentResult, resultToJson, summarize } from "../report/result.js";
import { fmt } from "../util/format.js";
import { intAtLeast } from "./args.js";

/** Options of `mlkan reproduce hello-kan --workflow` as commander passes them (strings unparsed). */
export interface HelloKanWorkflowCliOptions {
  quick?: boolean;
  seed?: string;
  out: string;
  json?: string;
  png?: boolean;
}

/** The targets of issue 15 and whether the run met them. */
export function workflowChecks(r: HelloKanWorkflowResult): { formula: boolean; rmse: boolean; text: string } {
  const text = r.formula.text[0];
  const sym = r.stages[r.stages.length - 1];
  // The expected shape: exp of (sin(~pi x) + y^2) with coefficients that round to 1.
  const formula = /^(1(\.0+)?\*)?exp\((sin\(3\.14\d*\*x\) \+ y\^2|y\^2 \+ sin\(3\.14\d*\*x\))\)$/.test(text);
  return { formula, rmse: sym.testRmse <= 1e-6, text };
}

/** The result JSON of a workflow run: one row per stage. */
export function workflowResult(r: HelloKanWorkflowResult, quick: boolean): ExperimentResult {
  return {
    experiment: "hello-kan-workflow",
    settings: { ...r.settings, quick, formula: r.formula.text[0], latex: r.formula.latex[0] },
    env: collectEnv(),
    wallSeconds: r.wallSeconds,
    rows: r.stages.map((s) => ({
      model: `KAN [${s.widths.join(",")}]`,
      basis: s.name.includes("symbolic") ? "symbolic" : "spline",
      fidelity: s.name,
      params: s.params,
      wallSeconds: s.wallSeconds,
      metrics: { trainRmse: summarize([s.trainRmse]), testRmse: summarize([s.testRmse]) },
    })),
  };
}

/** Markdown notes: the autoSymbolic choices, the formula and the targets. */
export function workflowNotes(r: HelloKanWorkflowResult): string {
  const c = workflowChecks(r);
  const lines = [
    "pykan's hello-KAN tutorial: f(x, y) = exp(sin(pi x) + y^2); a [2, 5, 1] KAN trained with lamb 0.01 and",
    "lambEntropy 10, pruned, retrained, snapped to library functions (autoSymbolic), the symbolic model's",
    "affine parameters retrained. The network diagram after each stage is below the table.",
    "",
    "| edge (layer, in, out) | function | R^2 | complexity |",
    "|---|---|---|---|",
    ...r.edges.map(
      (e) =>
        `| (${e.layer}, ${e.in}, ${e.out}) | ${e.choice ? e.choice.fn : e.status} | ${e.choice ? e.choice.r2.toFixed(6) : ""} | ${e.choice ? e.choice.complexity : ""} |`,
    ),
    "",
    `Formula: \`${c.text}\``,
    "",
    `LaTeX: \`${r.formula.latex[0]}\``,
    "",
    `Targets: formula exp(sin(pi x) + y^2) up to rounded constants: ${c.formula ? "met" : "NOT met"}; symbolic test RMSE ${fmt(r.stages[r.stages.length - 1].testRmse)} <= 1e-6: ${c.rmse ? "met" : "NOT met"}.`,
  ];
  return lines.join("\n");
}

/** Runs the workflow and writes the report (markdown, JSON, CSV, one network plot per stage). */
export async function helloKanWorkflowCommand(o: HelloKanWorkflowCliOptions): Promise<void> {
  const settings = helloKanWorkflowSettings(o.quick === true);
  if (o.seed !== undefined) settings.seed = intAtLeast("--seed", o.seed, 0);
  const plots: Record<string, string> = {};
  const r = runHelloKanWorkflow(settings, (stage) => {
    process.stderr.write(
      `${stage.name}: KAN [${stage.widths.join(",")}], test RMSE ${fmt(stage.testRmse)} (${fmt(stage.wallSeconds)} s)\n`,
    );
  });
  r.stages.forEach((stage, i) => {
    plots[`network-${i + 1}-${stage.name}`] = plotModel(stage.model, r.data.trainInput, {
      names: ["x", "y"],
      outNames: ["f"],
      title: `${i + 1}. ${stage.name}: KAN [${stage.widths.join(", ")}], test RMSE ${fmt(stage.testRmse)}`,
    });
  });
  const result = workflowResult(r, o.quick === true);
  const notes = workflowNotes(r);
  const markdown = {
    title: "pykan's hello-KAN workflow",
    notes,
    metrics: ["trainRmse", "testRmse"],
    metricHeaders: { trainRmse: "train RMSE", testRmse: "test RMSE" },
  };
  const paths = await writeReport(o.out, result, { plots, png: o.png === false ? false : "auto", markdown });
  process.stdout.write(`${notes}\n\n`);
  if (o.json) await writeFileAtomic(o.json, resultToJson(result));
  const files = [paths.markdown, paths.json, paths.csv, ...paths.svg, ...paths.png];
  if (o.json) files.push(resolve(o.json));
  process.stdout.write(`total wall time ${fmt(r.wallSeconds)} s\nwrote ${files.join("\n      ")}\n`);
  for (const w of paths.warnings) process.stderr.write(`mlkan: ${w}\n`);
}
