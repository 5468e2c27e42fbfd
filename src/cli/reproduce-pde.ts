/**
 * `mlkan reproduce pykan-poisson | kan-paper-pde | helmholtz`: the peers' PDE examples
 * (src/experiments/pde-peers.ts) printed as a markdown table beside the peers' published numbers and
 * written as markdown, JSON, CSV, loss and error curves (level changes marked) and heat maps of the
 * solution, the exact solution and the error for each row (first seed).
 */
import { loadavg } from "node:os";
import { basename, resolve } from "node:path";
import type { Command } from "commander";
import {
  describePeerRow,
  PEER_PDE_ROWS,
  PEER_REFERENCES,
  PEER_TARGETS,
  type PeerPdeName,
  type PeerPdeRowKey,
  type PeerPdeSettings,
  peerFacts,
  peerPdeSettings,
  peerRowKey,
  runPeerPde,
} from "../experiments/pde-peers.js";
import { collectEnv } from "../node/env.js";
import { writeFileAtomic } from "../node/fs.js";
import { writeReport } from "../node/write.js";
import { fmt, resultMarkdown, resultTable } from "../report/markdown.js";
import { pdeHeatmaps } from "../report/pde.js";
import { resultPlots } from "../report/plots.js";
import { type ExperimentResult, resultToJson } from "../report/result.js";
import { progressReporter } from "../train/progress.js";
import { finiteNumber, intAtLeast, positiveInt } from "./args.js";
import { parseThreads, THREADS_FLAGS, THREADS_HELP, withThreads } from "./threads-option.js";

export interface PeerPdeCliOptions {
  quick?: boolean;
  seeds?: string;
  firstSeed?: string;
  out: string;
  json?: string;
  rows?: string;
  grids?: string;
  steps?: string;
  polishSteps?: string;
  rba?: string;
  resample?: string;
  metricsEvery?: string;
  png?: boolean;
  threads?: string;
}

function intList(name: string, v: string): number[] {
  return v.split(",").map((p) => positiveInt(name, p.trim()));
}

/** Settings from the command line on top of the experiment's defaults. */
export function peerSettingsFromCli(name: PeerPdeName, o: PeerPdeCliOptions): PeerPdeSettings {
  const s = peerPdeSettings(name, o.quick === true);
  if (o.seeds !== undefined || o.firstSeed !== undefined) {
    const n = o.seeds === undefined ? s.seeds.length : positiveInt("--seeds", o.seeds);
    const first = o.firstSeed === undefined ? 1 : intAtLeast("--first-seed", o.firstSeed, 0);
    s.seeds = Array.from({ length: n }, (_, i) => first + i);
  }
  if (o.rows !== undefined) {
    const picked = o.rows.split(",").map((r) => r.trim());
    for (const r of picked)
      if (!(PEER_PDE_ROWS as readonly string[]).includes(r))
        throw new Error(`--rows: unknown row ${JSON.stringify(r)} (known: ${PEER_PDE_ROWS.join(", ")})`);
    s.rows = PEER_PDE_ROWS.filter((k) => picked.includes(k));
  }
  if (o.grids !== undefined) {
    s.grids = intList("--grids", o.grids);
    for (let k = 1; k < s.grids.length; k++)
      if (s.grids[k] % s.grids[k - 1] !== 0)
        throw new Error(
          `--grids: ${s.grids[k]} does not nest in ${s.grids[k - 1]} (each grid must be a multiple of the one before)`,
        );
  }
  const L = s.grids.length;
  const perLevel = (flag: string, v: string) => {
    const list = v.split(",").map((p) => intAtLeast(flag, p.trim(), 0));
    if (list.length === 1) return new Array<number>(L).fill(list[0]);
    if (list.length !== L) throw new Error(`${flag} lists ${list.length} values for ${L} grids`);
    return list;
  };
  if (o.steps !== undefined) s.steps = perLevel("--steps", o.steps);
  else if (s.steps.length !== L) s.steps = new Array<number>(L).fill(s.steps[0]);
  if (o.polishSteps !== undefined) {
    const steps = perLevel("--polish-steps", o.polishSteps);
    s.polish = steps.some((v) => v > 0) ? { optimizer: { type: "lbfgs", preset: "pykan" }, steps } : null;
  } else if (s.polish && s.polish.steps.length !== L)
    s.polish.steps = new Array<number>(L).fill(s.polish.steps[0]);
  if (o.rba !== undefined) {
    const mu = finiteNumber("--rba", o.rba);
    if (!(mu > 0 && mu <= 1)) throw new Error(`--rba must be in (0, 1], got ${JSON.stringify(o.rba)}`);
    s.rba = { mu };
  }
  if (o.resample !== undefined) {
    s.resampleEvery = intAtLeast("--resample", o.resample, 0);
    if (s.resampleEvery > 0 && s.interior.kind !== "sobol")
      throw new Error(`--resample needs random collocation points; ${name} uses a fixed grid`);
  }
  if (o.metricsEvery !== undefined) s.metricsEvery = intAtLeast("--metrics-every", o.metricsEvery, 0);
  return s;
}

const TITLES: Record<PeerPdeName, string> = {
  "pykan-poisson": "pykan's Poisson example",
  "kan-paper-pde": "the KAN paper's Poisson example",
  helmholtz: "jaxKAN's Helmholtz example",
};

/** The notes printed after the table: peers' numbers, facts, targets, wall time and load. */
export function peerNotes(result: ExperimentResult): string {
  const name = result.experiment as PeerPdeName;
  const facts = peerFacts(result);
  const lines: string[] = ["### Peers' published numbers", ""];
  for (const p of PEER_REFERENCES[name])
    lines.push(
      `- ${p.label}: ${p.metric} ${fmt(p.value)}${p.seconds !== null ? ` in ${p.seconds} s` : ""} (${p.note})`,
    );
  lines.push("", "### Checks", "");
  if (facts.refinementJump !== null)
    lines.push(
      `- Refinement keeps the loss: largest relative change across a refinement ${fmt(facts.refinementJump)} (multilevel rows, every seed).`,
    );
  if (facts.levelErrors.length > 0)
    lines.push(
      `- Relative L2 error at the end of each level (first seed): ${facts.levelErrors.map((v) => fmt(v)).join(" -> ")}.`,
    );
  const t = PEER_TARGETS[name];
  const ml = result.rows.find((r) => peerRowKey(r) === "kan-multilevel");
  if (ml) {
    const perSeed = ml.wallSeconds / Math.max(1, ml.metrics[t.metric]?.values.length ?? 1);
    const cpu = (ml as { cpuSeconds?: number }).cpuSeconds;
    const seeds = Math.max(1, ml.metrics[t.metric]?.values.length ?? 1);
    if (cpu !== undefined)
      lines.push(
        `- Work of the multilevel KAN: ${fmt(cpu / seeds)} CPU seconds per seed (all threads; wall time on a loaded machine overstates it).`,
      );
    lines.push(
      `- Target: ${t.metric} <= ${fmt(t.value)}${t.seconds !== null ? ` within ${t.seconds} s on 2 cores` : ""}. ` +
        `Multilevel KAN: best seed ${fmt(facts.target.best)}, median ${fmt(median(ml.metrics[t.metric]?.values ?? []))}, ` +
        `${fmt(perSeed)} s per seed (training); ${facts.target.met ? "met" : "not met"} by the best seed on accuracy.`,
    );
  }
  const load = (result.settings as { loadAverage?: number[] }).loadAverage;
  if (load)
    lines.push(
      `- Machine load (1-min load average) at start and end: ${load.map((v) => v.toFixed(2)).join(", ")}.`,
    );
  return lines.join("\n");
}

function median(v: number[]): number | null {
  if (v.length === 0) return null;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function peerTableOptions(result: ExperimentResult) {
  const refs = PEER_REFERENCES[result.experiment as PeerPdeName] ?? [];
  return {
    metrics: ["relL2", "maxAbsErr", "mse", "loss", "evaluations"],
    metricHeaders: { relL2: "rel. L2", maxAbsErr: "max abs err", mse: "MSE", evaluations: "evals/run" },
    paper: {
      header: "peer",
      value: (row: Parameters<typeof peerRowKey>[0]) => {
        const k = peerRowKey(row);
        const ref =
          k === "mlp"
            ? refs.find((r) => r.label.includes("MLP"))
            : k === "kan-multilevel"
              ? refs[0]
              : undefined;
        return ref
          ? `${ref.metric} ${fmt(ref.value)}${ref.seconds !== null ? `, ${ref.seconds} s` : ""}`
          : null;
      },
    },
  };
}

/** Registers the three commands under the `reproduce` command (`reproduceCommand(program)`). */
export function registerPeerPde(reproduce: Command): void {
  for (const name of ["pykan-poisson", "kan-paper-pde", "helmholtz"] as const) {
    reproduce
      .command(name)
      .description(
        `${TITLES[name]}: multilevel KAN beside a fine-only KAN and a tanh MLP with the same budget`,
      )
      .option("--quick", "reduced budget (under a minute)")
      .option("--seeds <n>", "number of seeds from --first-seed")
      .option("--first-seed <n>", "first seed (default 1)")
      .option("--out <dir>", "output directory", "mlkan-out")
      .option("--json <file>", "also write the result JSON to this file")
      .option("--rows <list>", `rows to run, comma separated (${PEER_PDE_ROWS.join(", ")})`)
      .option("--grids <list>", "multilevel grids, e.g. 5,10,20 (each a multiple of the previous)")
      .option("--steps <list>", "main optimizer steps per level (one number or one per grid)")
      .option("--polish-steps <list>", "L-BFGS polish steps at the end of each level (0: none)")
      .option("--rba <mu>", "residual-based attention with rate mu on both terms")
      .option("--resample <n>", "redraw the Sobol collocation points every n steps (helmholtz)")
      .option("--metrics-every <n>", "evaluate the errors every n steps (0: at level ends only)")
      .option("--no-png", "do not render PNG copies of the plots")
      .option(THREADS_FLAGS, THREADS_HELP)
      .action((o: PeerPdeCliOptions) => withThreads(parseThreads(o.threads), () => peerPdeCommand(name, o)));
  }
}

async function peerPdeCommand(name: PeerPdeName, o: PeerPdeCliOptions): Promise<void> {
  const settings = peerSettingsFromCli(name, o);
  const progress = progressReporter(process.stderr);
  const load0 = loadavg()[0];
  const run = runPeerPde(settings, {
    env: collectEnv(),
    cpuClock: () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    },
    onProgress: progress.onProgress,
    onRun: ({ row, seed, index, total }) =>
      progress.setLabel(`[${index + 1}/${total}] ${row.model} ${row.fidelity} seed ${seed}`),
  });
  progress.clear();
  const result = run.result;
  result.settings.loadAverage = [load0, loadavg()[0]];
  const quick = settings.quick;
  const title = `${TITLES[name]} (mlkan reproduce ${name})${quick ? ", quick budget" : ""}`;
  const table = resultTable(result, peerTableOptions(result));
  const notes = peerNotes(result);
  process.stdout.write(`${title}\n\n${table}\n\n${notes}\n\n`);
  const plots: Record<string, string> = {};
  for (const [q, svg] of Object.entries(resultPlots(result, { quantities: ["loss", "relL2"] })))
    plots[q] = svg;
  for (const key of Object.keys(run.models) as PeerPdeRowKey[]) {
    const model = run.models[key];
    if (!model) continue;
    const d = describePeerRow(key, settings);
    const svg = pdeHeatmaps(run.problem, model, {
      title: `${name}: ${d.model} ${d.fidelity} (seed ${settings.seeds[0]})`,
      label: key === "mlp" ? "MLP" : "KAN",
    });
    if (svg) plots[`heatmap-${key}`] = svg;
  }
  const markdown = { ...peerTableOptions(result), title, notes };
  const paths = await writeReport(o.out, result, { plots, png: o.png === false ? false : "auto", markdown });
  await writeFileAtomic(
    paths.markdown,
    resultMarkdown(result, { ...markdown, plots: paths.svg.map((f) => basename(f)) }),
  );
  if (o.json) await writeFileAtomic(o.json, resultToJson(result));
  const files = [paths.markdown, paths.json, paths.csv, ...paths.svg, ...paths.png];
  if (o.json) files.push(resolve(o.json));
  process.stdout.write(`total wall time ${fmt(result.wallSeconds)} s\nwrote ${files.join("\n      ")}\n`);
  for (const w of paths.warnings) process.stderr.write(`mlkan: ${w}\n`);
}
