#!/usr/bin/env node
/** The `mlkan` command. */
import { Command } from "commander";
import { VERSION } from "../node/version.js";
import { registerBench } from "./bench.js";
import { registerDemo } from "./demo.js";
import { registerExport } from "./export.js";
import { registerPredict } from "./predict.js";
import { registerReproduce } from "./reproduce.js";
import { registerTrain } from "./train.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("mlkan")
    .description("Kolmogorov-Arnold Networks with exact multilevel training (arXiv 2603.04827)")
    .version(VERSION)
    .showHelpAfterError();
  registerDemo(program);
  registerBench(program);
  registerReproduce(program);
  registerTrain(program);
  registerPredict(program);
  registerExport(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`mlkan: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
