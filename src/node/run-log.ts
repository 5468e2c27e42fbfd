/**
 * The run log of a paper PINN command (`mlkan reproduce burgers | poisson-interface | allen-cahn`): the
 * record of every finished run (row, seed) of the plan, rewritten atomically as each run ends, in
 * `<out>/<experiment>.runs.json`. An interrupted command loses at most the runs it was in the middle of:
 * with `--resume` the same command reads the log back and trains only the runs missing from it. A run is
 * deterministic and a record is stored exactly (src/util/exact-json.ts), so the resumed output equals that
 * of one uninterrupted command, measured seconds aside. The command deletes the log once its report is
 * written, so a log on disk means an unfinished command.
 *
 * A log is only reused by a command of the same experiment and settings record (every setting the
 * command's flags can change, the seeds included, and the best row's settings when it runs). Another one is
 * refused with the settings that differ, not mixed in. The rows themselves are not settings: a command
 * with other `--rows` reuses the runs of the rows it shares and leaves the others in the file.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type PinnPlan, type PinnRunRecord, pinnJobs } from "../experiments/pinn-runner.js";
import { fromExactJson, toExactJson } from "../util/exact-json.js";
import { writeFileAtomicSync } from "./fs.js";

/** The format tag of a run log file. */
export const RUN_LOG_FORMAT = "mlkan-pinn-runs";

/** One finished run in the log. */
export interface RunLogEntry {
  key: string;
  seed: number;
  record: PinnRunRecord;
}

interface RunLogFile {
  format: string;
  version: number;
  experiment: string;
  settings: Record<string, unknown>;
  runs: RunLogEntry[];
}

/** The run log path of experiment `experiment` in output directory `out`. */
export function runLogPath(out: string, experiment: string): string {
  return resolve(join(out, `${experiment}.runs.json`));
}

/** Deletes the run log of `experiment` in `out`, if any (the command wrote its report). */
export function removeRunLog(out: string, experiment: string): void {
  rmSync(runLogPath(out, experiment), { force: true });
}

/** The top-level settings whose exact encodings differ between two settings records, sorted. */
function differingSettings(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => toExactJson(a[k] ?? null) !== toExactJson(b[k] ?? null)).sort();
}

/** Reads and checks a run log file; throws naming the file when it is not one. */
function readRunLog(path: string): RunLogFile {
  let data: unknown;
  try {
    data = fromExactJson(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`${path}: not a readable run log (${e instanceof Error ? e.message : String(e)})`);
  }
  const f = data as Partial<RunLogFile> | null;
  if (
    f === null ||
    typeof f !== "object" ||
    f.format !== RUN_LOG_FORMAT ||
    f.version !== 1 ||
    typeof f.experiment !== "string" ||
    typeof f.settings !== "object" ||
    f.settings === null ||
    !Array.isArray(f.runs)
  )
    throw new Error(`${path}: not a run log of mlkan reproduce (format ${RUN_LOG_FORMAT} version 1)`);
  return f as RunLogFile;
}

/**
 * The run log of one command: `open` it before the runs (with `resume`, reading back the runs an earlier
 * command recorded), `add` each finished run; `removeRunLog` once the report is written.
 */
export class PinnRunLog {
  private readonly file: RunLogFile;
  private readonly slots = new Map<string, number>();

  private constructor(
    readonly path: string,
    plan: PinnPlan<unknown>,
    runs: RunLogEntry[],
  ) {
    this.file = {
      format: RUN_LOG_FORMAT,
      version: 1,
      experiment: plan.experiment,
      settings: plan.settings,
      runs,
    };
    for (const [k, job] of pinnJobs(plan).entries())
      this.slots.set(this.id(plan.rows[job.rowIndex].key, plan.seeds[job.seedIndex]), k);
  }

  private id(key: string, seed: number): string {
    return `${key}\u0000${seed}`;
  }

  /**
   * The log of `plan` at `path`. Without `resume` it starts empty (an earlier log there is replaced at the
   * first finished run); with `resume` it holds the runs recorded in the file, if there is one, which must
   * be of the same experiment and settings.
   */
  static open(path: string, plan: PinnPlan<unknown>, resume: boolean): PinnRunLog {
    if (!resume || !existsSync(path)) return new PinnRunLog(path, plan, []);
    const f = readRunLog(path);
    if (f.experiment !== plan.experiment)
      throw new Error(`--resume: ${path} is the run log of ${f.experiment}, not of ${plan.experiment}`);
    const diff = differingSettings(f.settings, plan.settings);
    if (diff.length > 0)
      throw new Error(
        `--resume: ${path} was written with other settings (${diff.join(", ")} differ); run the same command as before, or leave out --resume to start over`,
      );
    for (const e of f.runs)
      if (typeof e?.key !== "string" || typeof e.seed !== "number" || typeof e.record !== "object")
        throw new Error(`${path}: not a run log of mlkan reproduce (a run without key, seed and record)`);
    // Runs of rows this command leaves out (a narrower --rows) stay in the file, unused.
    return new PinnRunLog(path, plan, f.runs);
  }

  /** The recorded runs by their index in `pinnJobs(plan)` (what `runPinnPlan` skips). */
  completed(): Map<number, PinnRunRecord> {
    const out = new Map<number, PinnRunRecord>();
    for (const e of this.file.runs) {
      const slot = this.slots.get(this.id(e.key, e.seed));
      if (slot !== undefined) out.set(slot, e.record);
    }
    return out;
  }

  /** Number of this plan's runs recorded. */
  get size(): number {
    return this.completed().size;
  }

  /** Records a finished run and rewrites the file atomically. */
  add(key: string, seed: number, record: PinnRunRecord): void {
    if (!this.slots.has(this.id(key, seed)))
      throw new Error(`run log: row ${key} seed ${seed} is not a run of the plan`);
    this.file.runs = this.file.runs.filter((e) => e.key !== key || e.seed !== seed);
    this.file.runs.push({ key, seed, record });
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileAtomicSync(this.path, toExactJson(this.file));
  }
}
