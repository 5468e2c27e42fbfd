/**
 * `mlkan plot model.json --data FILE [--out FILE]`: the network diagram of a saved KAN (pykan's
 * `model.plot()`, report/plot/network.ts) with every edge's learned activation drawn over the range its
 * input takes on the data. Writes SVG, or PNG when --out ends in .png; by default both, next to the model
 * (`<model>.network.svg` and `.png`).
 */
import type { Command } from "commander";
import { numericColumns, parseColumnList, readTable } from "../node/data.js";
import { writeFileAtomic } from "../node/fs.js";
import { svgToPng } from "../node/png.js";
import { plotModel } from "../report/plot/network.js";
import { readSavedModel } from "./predict.js";

/** Options of `mlkan plot` as commander passes them (strings, parsed and checked in the action). */
export interface PlotCliOptions {
  data?: string;
  out?: string;
  inputs?: string;
  names?: string;
  beta?: string;
  title?: string;
}

/** Registers `mlkan plot <model>`: a saved KAN drawn as a network of its learned edge functions (SVG/PNG). */
export function registerPlot(program: Command): void {
  program
    .command("plot")
    .description("draw a saved KAN as a network with every edge's learned activation (SVG/PNG)")
    .argument("<model>", "model JSON saved by mlkan train (or by the library)")
    .option(
      "--data <file>",
      "samples (.csv with a header row, or .json) to draw the activations over (required)",
    )
    .option("--out <file>", "output .svg or .png (default: <model>.network.svg and .png)")
    .option("--inputs <cols>", "input columns, comma separated (default: those recorded at training time)")
    .option(
      "--names <names>",
      "input names shown under the inputs, comma separated (default: the input columns)",
    )
    .option("--beta <b>", "opacity sharpness: alpha = tanh(beta * score) (default 3, pykan's)")
    .option("--title <text>", "title above the diagram")
    .action(async (modelPath: string, o: PlotCliOptions) => {
      if (o.data === undefined)
        throw new Error(
          "mlkan plot needs samples: pass --data FILE (each edge's activation is drawn over the range its input takes on them, and its opacity is its mean |phi| there)",
        );
      const saved = readSavedModel(modelPath);
      const model = saved.model;
      const inputs = o.inputs !== undefined ? parseColumnList(o.inputs, "--inputs") : saved.inputs;
      if (!inputs)
        throw new Error(
          `${modelPath} records no input columns (it was not saved by mlkan train): pass --inputs with ${model.nIn} column name(s)`,
        );
      if (inputs.length !== model.nIn)
        throw new Error(`--inputs names ${inputs.length} column(s), but the model has ${model.nIn} inputs`);
      const names = o.names !== undefined ? parseColumnList(o.names, "--names") : inputs;
      if (names.length !== model.nIn)
        throw new Error(`--names lists ${names.length} name(s), but the model has ${model.nIn} inputs`);
      let beta: number | undefined;
      if (o.beta !== undefined) {
        beta = Number(o.beta);
        if (!(beta > 0) || !Number.isFinite(beta))
          throw new Error(`--beta must be a positive number, got ${o.beta}`);
      }
      const x = numericColumns(readTable(o.data), inputs);
      const svg = plotModel(model, x, { names, outNames: saved.targets, beta, title: o.title });
      const base = modelPath.replace(/\.json$/i, "");
      const outs = o.out !== undefined ? [o.out] : [`${base}.network.svg`, `${base}.network.png`];
      for (const out of outs) {
        if (/\.png$/i.test(out)) await writeFileAtomic(out, await svgToPng(svg));
        else if (/\.svg$/i.test(out)) await writeFileAtomic(out, svg);
        else throw new Error(`--out must end in .svg or .png, got ${out}`);
        process.stdout.write(`wrote ${out}\n`);
      }
    });
}
