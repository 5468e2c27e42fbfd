#!/usr/bin/env node
/** The `mlkan` command. */
import { Command } from "commander";
import { VERSION } from "../node/version.js";
import { registerBench } from "./bench.js";
import { registerDemo } from "./demo.js";
import { registerExport } from "./export.js";
import { err, installPipeGuard, PipeClosed } from "./output.js";
import { registerPlot } from "./plot.js";
import { registerPredict } from "./predict.js";
import { registerReproduce } from "./reproduce.js";
import { registerTrain } from "./train.js";

/** The `mlkan` command-line program with every command registered (not yet parsed). */
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
  registerPlot(program);
  registerExport(program);
  return program;
}

installPipeGuard();
buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    // A reader that went away (`| head`) ends the command quietly.
    if (e instanceof PipeClosed) return;
    err(`mlkan: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
