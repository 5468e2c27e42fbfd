import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { basisBenchmark } from "../bench/basis.js";
import { residualBenchmark } from "../bench/residual.js";
import {
  BENCH_CONFIGS,
  type BenchConfig,
  type ReferenceRow,
  type StepBenchRow,
  stepBenchmark,
} from "../bench/step.js";
import { kernelBackend } from "../layers/wasm/kernels.js";
import { collectEnv } from "../node/env.js";
import { writeFileAtomic } from "../node/fs.js";
import { arrayBufferBytes, measureAllocation } from "../node/heap.js";
import { defaultThreads, ThreadPool } from "../node/threads.js";
import { fmt, markdownTable } from "../report/markdown.js";
import { positiveInt } from "./args.js";

/** The reference step times shipped with the package (bench/reference/step_time.json). */
export function loadReference(): ReferenceRow[] {
  const url = new URL("../../bench/reference/step_time.json", import.meta.url);
  const json = JSON.parse(readFileSync(url, "utf8")) as { rows: ReferenceRow[] };
  return json.rows;
}

/** Selects configurations by label ("[2,5,1] G=5"), by 1-based index, or "tiny" (the smoke-test config). */
export function selectConfigs(spec: string | undefined): BenchConfig[] {
  if (!spec) return BENCH_CONFIGS;
  if (spec === "tiny") {
    return [
      { config: "[2,3,1] G=4", width: [2, 3, 1], grid: 4, mlpWidth: [2, 8, 1], batches: [256], pinn: true },
    ];
  }
  return spec.split(";").map((s) => {
    const key = s.trim();
    const byIndex = /^\d+$/.test(key) ? BENCH_CONFIGS[Number(key) - 1] : undefined;
    const found =
      byIndex ?? BENCH_CONFIGS.find((c) => c.config.replace(/\s/g, "") === key.replace(/\s/g, ""));
    if (!found) {
      throw new Error(
        `unknown benchmark config ${JSON.stringify(key)} (known: ${BENCH_CONFIGS.map((c, i) => `${i + 1} = ${c.config}`).join(", ")}, tiny)`,
      );
    }
    return found;
  });
}

/**
 * The step benchmark rows as a markdown table (medians, percentiles, per-edge cost, ratios to the
 * references).
 */
export function stepTable(rows: StepBenchRow[]): string {
  const x = (v: number | null) => (v === null ? "-" : `${fmt(v)}x`);
  return markdownTable(
    [
      "config",
      "batch",
      "impl",
      "threads",
      "backend",
      "params",
      "median ms",
      "min ms",
      "p90 ms",
      "ns/edge/sample",
      "pykan ms",
      "effkan ms",
      "torch MLP ms",
      "vs pykan",
      "vs effkan",
      "vs torch MLP",
      "PINN / plain",
      "free / fixed knots",
      "memory MiB",
      "GCs / heap KiB",
    ],
    rows.map((r) => [
      r.config,
      String(r.batch),
      r.impl,
      String(r.threads),
      r.backend,
      String(r.params),
      fmt(r.medianMs),
      fmt(r.minMs),
      fmt(r.p90Ms),
      r.nsPerEdgeSample === undefined ? "-" : fmt(r.nsPerEdgeSample),
      fmt(r.pykanMs),
      fmt(r.effkanMs),
      fmt(r.torchMlpMs),
      x(r.speedupVsPykan),
      x(r.speedupVsEffkan),
      x(r.speedupVsTorchMlp),
      r.pinnOverPlain === undefined ? "-" : `${fmt(r.pinnOverPlain)}x`,
      r.freeOverFixed === undefined ? "-" : `${fmt(r.freeOverFixed)}x`,
      r.memoryMiB === undefined ? "-" : fmt(r.memoryMiB),
      r.gcEvents === undefined ? "-" : `${r.gcEvents} / ${fmt(r.heapDeltaKiB ?? 0)} (${r.allocSteps} steps)`,
    ]),
    [
      false,
      true,
      false,
      true,
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ],
  );
}

/** Registers `mlkan bench` (training-step, basis and residual-tape benchmarks) on the program. */
export function registerBench(program: Command): void {
  const bench = program.command("bench").description("benchmarks (timings, never tests)");
  bench
    .command("step", { isDefault: true })
    .description("one training step (forward, MSE, backward) on the reference configurations")
    .option("--json <file>", "write the results as JSON")
    .option("--configs <list>", "configurations: labels or 1-based indices separated by ';', or 'tiny'")
    .option("--threads <list>", "thread counts to time side by side, e.g. 1,2 (default: 1 and all cores)")
    .option("--seconds <s>", "timing budget per row", "2")
    .option(
      "--alloc-steps <n>",
      "also run this many steps per KAN row and count garbage collections (0: skip)",
      "0",
    )
    .action(
      async (opts: {
        json?: string;
        configs?: string;
        threads?: string;
        seconds: string;
        allocSteps: string;
      }) => {
        const allocSteps = Number(opts.allocSteps);
        if (!Number.isInteger(allocSteps) || allocSteps < 0) {
          throw new Error(
            `--alloc-steps must be a non-negative integer, got ${JSON.stringify(opts.allocSteps)}`,
          );
        }
        const cores = defaultThreads();
        const counts = opts.threads
          ? opts.threads.split(",").map((v) => positiveInt("--threads", v.trim()))
          : [...new Set([1, cores])];
        const pools = counts.map((t) => (t > 1 ? new ThreadPool({ threads: t }) : null));
        const runners = counts.map((t, i) => ({ threads: t, runner: pools[i] }));
        const seconds = Number(opts.seconds);
        if (!(seconds > 0))
          throw new Error(`--seconds must be a positive number, got ${JSON.stringify(opts.seconds)}`);
        const configs = selectConfigs(opts.configs);
        const reference = loadReference();
        // backend: the kernels of the KAN rows (WASM SIMD unless unsupported or MLKAN_WASM=0).
        const env = { ...collectEnv(), threads: counts, backend: kernelBackend() };
        const rows = await stepBenchmark({
          configs,
          runners,
          memory: arrayBufferBytes,
          measure:
            allocSteps > 0
              ? async (step, row) => {
                  // KAN steps only: mlkan's MLP is a baseline here, and its wide layers make 1000 steps slow.
                  if (row.impl === "mlp") return {};
                  const a = await measureAllocation(step, allocSteps);
                  return { allocSteps: a.steps, gcEvents: a.gcEvents, heapDeltaKiB: a.heapDeltaBytes / 1024 };
                }
              : undefined,
          maxSeconds: seconds,
          reference,
          onRow: (r) => {
            if (process.stderr.isTTY)
              process.stderr.write(`  ${r.config} batch ${r.batch} ${r.impl}: ${fmt(r.medianMs)} ms\n`);
          },
        });
        for (const p of pools) p?.close();
        process.stdout.write(`${stepTable(rows)}\n`);
        if (opts.json) {
          await writeFileAtomic(opts.json, `${JSON.stringify({ env, rows }, null, 2)}\n`);
          process.stdout.write(`wrote ${opts.json}\n`);
        }
      },
    );
  bench
    .command("basis")
    .description("B-spline basis evaluation: points per second for r = 4, G = 5 and 1000")
    .option("--batch <n>", "points per evaluation", "100000")
    .option("--repeats <n>", "timed repeats", "15")
    .action((opts: { batch: string; repeats: string }) => {
      const rows = basisBenchmark({
        batch: positiveInt("--batch", opts.batch),
        repeats: positiveInt("--repeats", opts.repeats),
      });
      process.stdout.write(
        `${markdownTable(
          ["knots", "r", "G", "derivatives", "batch", "median ms", "min ms", "points/s"],
          rows.map((r) => [
            r.knots,
            String(r.order),
            String(r.grid),
            r.derivs === 0 ? "values" : `values + 1..${r.derivs}`,
            String(r.batch),
            fmt(r.medianMs),
            fmt(r.minMs),
            r.evalsPerSec.toExponential(2),
          ]),
          [false, true, true, false, true, true, true, true],
        )}\n`,
      );
    });
  bench
    .command("residual")
    .description("PINN residual losses: ns per point, the tape as generated code vs its interpreter")
    .option("--points <n>", "points per sweep", "20000")
    .option("--repeats <n>", "timed sweeps of each form, alternating", "15")
    .action((opts: { points: string; repeats: string }) => {
      const rows = residualBenchmark({
        points: positiveInt("--points", opts.points),
        repeats: positiveInt("--repeats", opts.repeats),
      });
      process.stdout.write(
        `${markdownTable(
          ["residual", "tape", "points", "median ns/point", "min ns/point", "same bits"],
          rows.map((r) => [
            r.residual,
            r.tape,
            String(r.points),
            fmt(r.medianNsPerPoint),
            fmt(r.minNsPerPoint),
            r.sameBits ? "yes" : "NO",
          ]),
          [false, false, true, true, true, false],
        )}\n`,
      );
    });
}
