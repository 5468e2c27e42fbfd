import type { Command } from "commander";
import { exactnessDemo } from "../demo/exactness.js";
import { fmt, markdownTable } from "../report/markdown.js";

/** Registers `mlkan demo` (exactness of refinement and of the basis change, printed as a table). */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("show the spline core's exactness: refinement and change of basis on a random cubic spline")
    .option("--seed <n>", "random seed", "1234")
    .action((opts: { seed: string }) => {
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed))
        throw new Error(`--seed must be an integer, got ${JSON.stringify(opts.seed)}`);
      const rows = exactnessDemo(seed);
      process.stdout.write(
        `Exactness of refinement and change of basis for a random cubic spline (seed ${seed})\n` +
          "max |difference| / max |spline|, on [0, 1] (2001 points) and outside it (400 points)\n\n",
      );
      process.stdout.write(
        `${markdownTable(
          ["step", "from", "to", "on [a, b]", "outside"],
          rows.map((r) => [r.step, r.from, r.to, fmt(r.insideRel), fmt(r.outsideRel)]),
          [false, false, false, true, true],
        )}\n`,
      );
    });
}
