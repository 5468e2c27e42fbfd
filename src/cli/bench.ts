import type { Command } from "commander";
import { basisBenchmark } from "../bench/basis.js";
import { fmt, markdownTable } from "../report/markdown.js";

export function registerBench(program: Command): void {
  const bench = program.command("bench").description("benchmarks (timings, never tests)");
  bench
    .command("basis")
    .description("B-spline basis evaluation: points per second for r = 4, G = 5 and 1000")
    .option("--batch <n>", "points per evaluation", "100000")
    .option("--repeats <n>", "timed repeats", "15")
    .action((opts: { batch: string; repeats: string }) => {
      const batch = Number(opts.batch);
      const repeats = Number(opts.repeats);
      if (!Number.isInteger(batch) || batch < 1)
        throw new Error(`--batch must be a positive integer, got ${opts.batch}`);
      if (!Number.isInteger(repeats) || repeats < 1) {
        throw new Error(`--repeats must be a positive integer, got ${opts.repeats}`);
      }
      const rows = basisBenchmark({ batch, repeats });
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
}
