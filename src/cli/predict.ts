/**
 * `mlkan predict model.json --data FILE`: applies a saved model to CSV or JSON data and writes CSV (to
 * stdout, or `--out`): every column of the data as read, then one `<target>_pred` column per model
 * output, in the user's units. The input columns are those recorded by `mlkan train` (or `--inputs`).
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { loadModel } from "../model/index.js";
import { type Cell, numericColumns, parseColumnList, readTable } from "../node/data.js";
import { writeFileAtomic } from "../node/fs.js";
import { toCsv } from "../report/csv.js";

export interface PredictCliOptions {
  data: string;
  out?: string;
  inputs?: string;
}

function cellText(c: Cell): string {
  return c === null ? "" : String(c);
}

/** Reads a saved model and the column names `mlkan train` recorded with it. */
export function readSavedModel(path: string): {
  model: ReturnType<typeof loadModel>;
  inputs?: string[];
  targets?: string[];
} {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `cannot read model file ${path}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not a saved model (invalid JSON: ${(e as Error).message})`);
  }
  let model: ReturnType<typeof loadModel>;
  try {
    model = loadModel(json);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  const training = (json as { training?: { inputs?: unknown; targets?: unknown } }).training;
  const names = (v: unknown, width: number) =>
    Array.isArray(v) && v.length === width && v.every((s) => typeof s === "string")
      ? (v as string[])
      : undefined;
  return {
    model,
    inputs: names(training?.inputs, model.nIn),
    targets: names(training?.targets, model.nOut),
  };
}

export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("apply a saved model to CSV or JSON data; writes CSV with a <target>_pred column per output")
    .argument("<model>", "model JSON saved by mlkan train (or by the library)")
    .requiredOption("--data <file>", "input data: .csv with a header row, or .json")
    .option("--out <file>", "write the CSV here (default: stdout)")
    .option("--inputs <cols>", "input columns, comma separated (default: those recorded at training time)")
    .action(async (modelPath: string, o: PredictCliOptions) => {
      const saved = readSavedModel(modelPath);
      const inputs = o.inputs !== undefined ? parseColumnList(o.inputs, "--inputs") : saved.inputs;
      if (!inputs)
        throw new Error(
          `${modelPath} records no input columns (it was not saved by mlkan train): pass --inputs with ${saved.model.nIn} column name(s)`,
        );
      if (inputs.length !== saved.model.nIn)
        throw new Error(
          `--inputs names ${inputs.length} column(s), but the model has ${saved.model.nIn} inputs`,
        );
      const targets = saved.targets ?? Array.from({ length: saved.model.nOut }, (_, i) => `output${i}`);
      const table = readTable(o.data);
      const x = numericColumns(table, inputs);
      const y = saved.model.predict(x);
      const predCols = targets.map((t) => `${t}_pred`);
      for (const c of predCols)
        if (table.columns.includes(c))
          throw new Error(
            `${o.data} already has a column ${JSON.stringify(c)}; rename it to keep it apart from the predictions`,
          );
      const nOut = saved.model.nOut;
      const rows = table.rows.map((row, r) => [
        ...row.map(cellText),
        ...Array.from({ length: nOut }, (_, j) => y[r * nOut + j]),
      ]);
      const csv = toCsv([...table.columns, ...predCols], rows, { eol: "\n" });
      if (o.out) await writeFileAtomic(o.out, csv);
      else process.stdout.write(csv);
    });
}
