/**
 * `mlkan predict model.json --data FILE`: applies a saved model to CSV or JSON data and writes CSV (to
 * stdout, or `--out`): every column of the data as read, then one `<target>_pred` column per model
 * output, in the user's units. The input columns are those recorded by `mlkan train` (or `--inputs`).
 *
 * CSV data is streamed: rows are read, predicted and written in batches of `PREDICT_BATCH`, so memory
 * stays flat in the number of rows (JSON data is read whole, then written in batches). `--out` is
 * written atomically (a temporary file renamed at the end). Non-finite predictions are written as
 * empty cells and, unless `--allow-nonfinite`, make the command fail naming the rows. A closed stdout
 * (`| head`) ends the command quietly.
 */
import type { Command } from "commander";
import type { Network } from "../model/network.js";
import {
  type Cell,
  csvFileBatches,
  type DataTable,
  numericColumns,
  parseColumnList,
  readTable,
} from "../node/data.js";
import { AtomicFileWriter, checkWritable, refuseClashes } from "../node/fs.js";
import { readModelFile } from "../node/model-file.js";
import { csvField } from "../report/csv.js";
import { err, flushOut } from "./output.js";

/** The options of `mlkan predict` as commander parses them (strings, flags). */
export interface PredictCliOptions {
  data: string;
  out?: string;
  inputs?: string;
  allowNonfinite?: boolean;
}

/** Rows predicted and written per batch. */
export const PREDICT_BATCH = 4096;
/** Rows with non-finite predictions named in the message (the count covers all). */
const NAMED_ROWS = 10;

/** Reads a saved model and the column names and status `mlkan train` recorded with it. */
export function readSavedModel(path: string): {
  model: Network;
  inputs?: string[];
  targets?: string[];
  status?: string;
} {
  const { model, json } = readModelFile(path);
  const training = json.training as { inputs?: unknown; targets?: unknown; status?: unknown } | undefined;
  const names = (v: unknown, width: number) =>
    Array.isArray(v) && v.length === width && v.every((s) => typeof s === "string")
      ? (v as string[])
      : undefined;
  return {
    model,
    inputs: names(training?.inputs, model.nIn),
    targets: names(training?.targets, model.nOut),
    status: typeof training?.status === "string" ? training.status : undefined,
  };
}

/** Registers `mlkan predict` on the program. */
export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("apply a saved model to CSV or JSON data; writes CSV with a <target>_pred column per output")
    .argument("<model>", "model JSON saved by mlkan train (or by the library)")
    .requiredOption("--data <file>", "input data: .csv with a header row, or .json")
    .option("--out <file>", "write the CSV here (default: stdout)")
    .option("--inputs <cols>", "input columns, comma separated (default: those recorded at training time)")
    .option(
      "--allow-nonfinite",
      "only warn about non-finite predictions (written as empty cells) instead of failing",
    )
    .action(async (modelPath: string, o: PredictCliOptions) => predictCommand(modelPath, o));
}

/** Where the CSV goes: an atomic file, or stdout (waiting for the reader between batches). */
interface Sink {
  write(text: string): Promise<void>;
  commit(): void;
  abort(): void;
}

function sinkFor(out: string | undefined): Sink {
  if (out === undefined)
    return { write: (t) => flushOut(t), commit: () => undefined, abort: () => undefined };
  const w = new AtomicFileWriter(out);
  return {
    write: async (t) => w.write(t),
    commit: () => w.commit(),
    abort: () => w.abort(),
  };
}

/** The batches of the data file: streamed for CSV, the whole table at once for JSON. */
function* dataBatches(path: string): Generator<DataTable> {
  if (/\.json$/i.test(path)) {
    const t = readTable(path, "json");
    if (t.rows.length > 0) yield t;
    else throw new Error(`${t.source}: no data rows`);
    return;
  }
  let any = false;
  for (const b of csvFileBatches(path, PREDICT_BATCH)) {
    any = true;
    yield { source: path, columns: b.columns, rows: b.rows, where: b.where };
  }
  if (!any) throw new Error(`${path}: no data rows (only a header)`);
}

/**
 * `mlkan predict`: checks the paths (no output over an input, a writable `--out`), reads the model,
 * then streams the data through it batch by batch into the CSV output; fails after writing when a
 * prediction is non-finite unless `allowNonfinite`.
 */
export async function predictCommand(modelPath: string, o: PredictCliOptions): Promise<void> {
  // Paths first: refuse an output that would overwrite an input, and an unwritable output.
  refuseClashes([
    ["the model", modelPath],
    ["--out", o.out],
  ]);
  refuseClashes([
    ["--data", o.data],
    ["--out", o.out],
  ]);
  if (o.out !== undefined) checkWritable(o.out, "--out");
  const saved = readSavedModel(modelPath);
  const inputs = o.inputs !== undefined ? parseColumnList(o.inputs, "--inputs") : saved.inputs;
  if (!inputs)
    throw new Error(
      `${modelPath} records no input columns (it was not saved by mlkan train): pass --inputs with ${saved.model.nIn} column name(s)`,
    );
  if (inputs.length !== saved.model.nIn)
    throw new Error(`--inputs names ${inputs.length} column(s), but the model has ${saved.model.nIn} inputs`);
  if (saved.status !== undefined && !/^completed/.test(saved.status))
    err(`mlkan: warning: ${modelPath} is not a completed training run (status: ${saved.status})\n`);
  const targets = saved.targets ?? Array.from({ length: saved.model.nOut }, (_, i) => `output${i}`);
  const predCols = targets.map((t) => `${t}_pred`);
  const nOut = saved.model.nOut;

  const sink = sinkFor(o.out);
  let nonFinite = 0;
  const named: string[] = [];
  try {
    let first = true;
    for (const table of dataBatches(o.data)) {
      if (first) {
        for (const c of predCols)
          if (table.columns.includes(c))
            throw new Error(
              `${o.data} already has a column ${JSON.stringify(c)}; rename it to keep it apart from the predictions`,
            );
        await sink.write(`${[...table.columns, ...predCols].map(csvField).join(",")}\n`);
        first = false;
      }
      const x = numericColumns(table, inputs);
      const y = saved.model.predict(x);
      const lines: string[] = new Array(table.rows.length);
      for (let r = 0; r < table.rows.length; r++) {
        const cells = table.rows[r].map(cellText);
        for (let j = 0; j < nOut; j++) {
          const v = y[r * nOut + j];
          if (Number.isFinite(v)) cells.push(String(v));
          else {
            cells.push("");
            nonFinite++;
            if (named.length < NAMED_ROWS) named.push(`${table.where[r]} (${predCols[j]} = ${v})`);
          }
        }
        lines[r] = cells.join(",");
      }
      await sink.write(`${lines.join("\n")}\n`);
    }
  } catch (e) {
    sink.abort();
    throw e;
  }
  sink.commit();
  if (nonFinite > 0) {
    const msg =
      `${nonFinite} prediction${nonFinite === 1 ? " is" : "s are"} not finite (written as empty cells): ` +
      `${named.join(", ")}${nonFinite > named.length ? ", ..." : ""}; the inputs are probably far outside the training data`;
    if (o.allowNonfinite) err(`mlkan: warning: ${msg}\n`);
    else throw new Error(`${msg}. Pass --allow-nonfinite to accept them with a warning.`);
  }
}

function cellText(c: Cell): string {
  return c === null ? "" : csvField(c);
}
