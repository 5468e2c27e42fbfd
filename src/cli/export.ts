/**
 * `mlkan export model.json --onnx model.onnx [--dtype float64|float32]`: writes a saved model as an ONNX
 * file (export/onnx.ts) that maps the data's input columns to its target columns in the data's units, as
 * `mlkan predict` does; the column names recorded by `mlkan train` go into the file's metadata. The file
 * is written atomically; the command prints its size, opset and node count.
 */
import type { Command } from "commander";
import { exportOnnx } from "../export/onnx.js";
import { writeFileAtomic } from "../node/fs.js";
import { VERSION } from "../node/version.js";
import { readSavedModel } from "./predict.js";

/** Options of `mlkan export` as commander parses them. */
export interface ExportCliOptions {
  onnx?: string;
  dtype: string;
}

/** Adds the `export` subcommand to the `mlkan` program. */
export function registerExport(program: Command): void {
  program
    .command("export")
    .description(
      "write a saved model as an ONNX file (opset 17) computing its predictions in the data's units",
    )
    .argument("<model>", "model JSON saved by mlkan train (or by the library)")
    .option("--onnx <file>", "the ONNX file to write")
    .option("--dtype <type>", "element type of the ONNX model: float64 or float32", "float64")
    .action(async (modelPath: string, o: ExportCliOptions) => {
      if (!o.onnx) throw new Error("mlkan export needs a target format: --onnx <file>");
      if (o.dtype !== "float64" && o.dtype !== "float32")
        throw new Error(`--dtype must be float64 or float32, got ${JSON.stringify(o.dtype)}`);
      const saved = readSavedModel(modelPath);
      let bytes: Uint8Array;
      try {
        bytes = exportOnnx(saved.model, {
          dtype: o.dtype,
          inputNames: saved.inputs,
          outputNames: saved.targets,
          producerVersion: VERSION,
        });
      } catch (e) {
        throw new Error(`${modelPath}: ${(e as Error).message}`);
      }
      await writeFileAtomic(o.onnx, bytes);
      process.stdout.write(
        `wrote ${o.onnx}: ${bytes.length} bytes, ONNX opset 17, ${o.dtype}, input x [N, ${saved.model.nIn}]${
          saved.inputs ? ` (${saved.inputs.join(", ")})` : ""
        } -> output y [N, ${saved.model.nOut}]${saved.targets ? ` (${saved.targets.join(", ")})` : ""}\n`,
      );
    });
}
