/**
 * The fuzz harness (issue 12): every public entry (constructors, predict, fit and trainMultilevel
 * options, fromJSON, the CSV and JSON readers, the `mlkan train` and `mlkan predict` option parsers)
 * is called with inputs drawn by fast-check, and each call is classified:
 * - "ok": it returned and the result passed the entry's invariant checks;
 * - "error": it threw an `Error` with a message (a clear refusal);
 * - "crash": it threw something else (a TypeError or RangeError from inside the library, a non-Error,
 *   an empty message);
 * - "hang": it took longer than `HANG_MS` (calls are synchronous: measured, not interrupted; inputs
 *   are bounded so that a legitimate call is fast);
 * - "wrong": it returned, but the result broke an invariant (silently wrong).
 * `fuzzAll(runs, seed)` runs every entry and returns the counts; the test asserts no crash, hang or
 * wrong result, and `npm run fuzz` runs it longer and prints the table.
 */
import fc from "fast-check";
import { parseTrainOptions, type TrainCliOptions } from "../../src/cli/train.js";
import { loadModel } from "../../src/model/index.js";
import { KAN } from "../../src/model/kan.js";
import { MLP } from "../../src/model/mlp.js";
import type { Network } from "../../src/model/network.js";
import { parseCsv, parseJsonTable } from "../../src/node/data.js";
import { createDataset } from "../../src/problems/dataset.js";
import { RegressionProblem } from "../../src/problems/regression.js";
// Aliased: Biome's noFocusedTests rule reads a call `fit(...)` as Jasmine's focused test.
import { fit as fitModel, trainMultilevel } from "../../src/train/trainer.js";
import { Rng } from "../../src/util/random.js";

export const HANG_MS = 5000;

export type Outcome = "ok" | "error" | "crash" | "hang" | "wrong";

export interface EntryCounts {
  entry: string;
  tried: number;
  ok: number;
  error: number;
  crash: number;
  hang: number;
  wrong: number;
  /** Up to 3 examples of each bad outcome (input and what happened). */
  examples: string[];
}

/** Thrown by an invariant check: the call returned a wrong result. */
class Wrong extends Error {}

function check(cond: boolean, what: string): void {
  if (!cond) throw new Wrong(what);
}

function classify(f: () => void): [Outcome, string] {
  const t = performance.now();
  let outcome: Outcome;
  let detail = "";
  try {
    f();
    outcome = "ok";
  } catch (e) {
    if (e instanceof Wrong) {
      outcome = "wrong";
      detail = e.message;
    } else if (
      e instanceof Error &&
      e.constructor === Error &&
      e.message.length > 0 &&
      !/Cannot read properties|is not a function|is not iterable|Invalid typed array length|Invalid array length|Maximum call stack/.test(
        e.message,
      )
    ) {
      outcome = "error";
    } else {
      outcome = "crash";
      detail = e instanceof Error ? `${e.constructor.name}: ${e.message}` : `threw ${String(e)}`;
    }
  }
  if (performance.now() - t > HANG_MS) return ["hang", `${(performance.now() - t).toFixed(0)} ms ${detail}`];
  return [outcome, detail];
}

/** Any JSON-like value, small. */
const anyValue = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    true,
    false,
    0,
    -1,
    1,
    2,
    3,
    1.5,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    1e9,
    2 ** 53,
    "",
    "5",
    "x",
  ),
  fc.integer({ min: -5, max: 50 }),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.array(fc.integer({ min: -2, max: 12 }), { maxLength: 4 }),
  fc.array(fc.double(), { maxLength: 3 }),
  fc.object({ maxDepth: 1, maxKeys: 2 }),
);

/** A step count: small, or invalid (never a huge valid count, which would just run long). */
const stepCount = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom(-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, "5", null, undefined, [2], {}),
);

const width = fc.oneof(
  fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 4 }),
  fc.array(fc.oneof(fc.integer({ min: -2, max: 1e9 }), anyValue), { maxLength: 4 }),
  anyValue,
);

const kanOptions = fc.record(
  {
    width,
    grid: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: -3, max: 1e9 }), anyValue),
    k: fc.oneof(fc.integer({ min: 0, max: 5 }), anyValue),
    domain: fc.oneof(fc.constant([-1, 1]), fc.tuple(fc.double(), fc.double()), anyValue),
    basis: fc.oneof(fc.constantFrom("spline", "relu"), anyValue),
    base: fc.oneof(fc.boolean(), anyValue),
    normalize: fc.oneof(fc.constantFrom("sigmoid", "tanh", "none"), anyValue),
    initStd: fc.oneof(fc.double({ min: 0.01, max: 1, noNaN: true }), anyValue),
    seed: fc.oneof(fc.integer({ min: 0, max: 1000 }), anyValue),
    typo: anyValue,
  },
  { requiredKeys: [] },
);

/** Valid KAN options (the fuzzed ones above are mostly refused; these exercise the accepted path). */
const validKanOptions = fc.record(
  {
    width: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 4 }),
    grid: fc.integer({ min: 1, max: 30 }),
    k: fc.integer({ min: 0, max: 5 }),
    domain: fc
      .tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }))
      .map(([a, w]) => [a, a + w]),
    basis: fc.constantFrom("spline", "relu"),
    base: fc.boolean(),
    normalize: fc.constantFrom("sigmoid", "tanh", "none"),
    initStd: fc.double({ min: 1e-3, max: 10, noNaN: true }),
    seed: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  },
  { requiredKeys: ["width"] },
);

const mlpOptions = fc.record(
  {
    width,
    activation: fc.oneof(fc.constantFrom("tanh", "relu", "sigmoid", "silu"), anyValue),
    outputBias: fc.oneof(fc.boolean(), anyValue),
    seed: fc.oneof(fc.integer({ min: 0, max: 1000 }), anyValue),
  },
  { requiredKeys: [] },
);

/** A model's invariants: consistent sizes and finite parameters. */
function checkModel(m: Network): void {
  check(m.params.length === m.paramCount, "params length differs from paramCount");
  check(Array.from(m.params).every(Number.isFinite), "non-finite initial parameters");
  const json = JSON.parse(JSON.stringify(m.toJSON()));
  const back = loadModel(json);
  check(back.kind === m.kind, "fromJSON changed the kind");
  check(
    back.params.every((v, i) => v === m.params[i] || (v === 0 && m.params[i] === 0)),
    "fromJSON changed the parameters",
  );
}

const small = new KAN({ width: [2, 3, 1], grid: 3, seed: 1, domain: [0, 1] });
const smallJSON = small.toJSON();
const data = createDataset((p) => Math.sin(p[0]) + p[1], {
  nVar: 2,
  ranges: [0, 1],
  trainNum: 40,
  testNum: 10,
  seed: 3,
});
const problem = new RegressionProblem(data, { targetScaling: "minmax" });

const predictInput = fc.oneof(
  fc.array(fc.array(fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), anyValue), { maxLength: 3 }), {
    maxLength: 5,
  }),
  fc.array(fc.double(), { maxLength: 7 }).map((a) => Float64Array.from(a)),
  anyValue,
);

const optimizerSpec = fc.oneof(
  fc.constantFrom(
    { type: "lbfgs", preset: "torch", lr: 1 },
    { type: "adam", lr: 1e-2 },
    { type: "gd", lr: 0.1 },
    { type: "adam", lr: 1e6 },
    { type: "gd", lr: 1e300 },
  ),
  fc.record(
    { type: fc.oneof(fc.constantFrom("lbfgs", "adam", "gd", "adamw"), anyValue), lr: anyValue },
    { requiredKeys: [] },
  ),
  anyValue,
);

const fitOptions = fc.record(
  {
    optimizer: optimizerSpec,
    steps: stepCount,
    metricsEvery: fc.oneof(fc.integer({ min: 0, max: 3 }), anyValue),
    blowUpFactor: fc.oneof(fc.constantFrom(10, 1e4, Number.POSITIVE_INFINITY), anyValue),
    onProgress: fc.oneof(
      fc.constant(() => undefined),
      anyValue,
    ),
  },
  { requiredKeys: [] },
);

const mlOptions = fc.record(
  {
    grids: fc.oneof(
      fc.constantFrom([3, 6], [3], [3, 6, 12]),
      fc.array(fc.oneof(fc.integer({ min: -1, max: 50 }), anyValue), { maxLength: 4 }),
      anyValue,
    ),
    steps: fc.oneof(stepCount, fc.array(stepCount, { maxLength: 3 })),
    optimizer: optimizerSpec,
    startLevel: fc.oneof(fc.integer({ min: 0, max: 3 }), anyValue),
  },
  { requiredKeys: [] },
);

/** A valid model JSON with one part replaced, removed or cut. */
const mutatedJSON = fc.oneof(
  fc
    .record({
      key: fc.constantFrom("format", "version", "kind", "layers", "params", "scalers", "extra"),
      value: fc.oneof(anyValue, fc.constant(undefined)),
    })
    .map(({ key, value }) => ({ ...smallJSON, [key]: value })),
  fc
    .record({
      i: fc.nat(3),
      field: fc.constantFrom("type", "nIn", "nOut", "order", "grid", "domain", "basis", "breakpoints", "fn"),
      value: anyValue,
    })
    .map(({ i, field, value }) => ({
      ...smallJSON,
      layers: smallJSON.layers.map((l, j) =>
        j === i % smallJSON.layers.length ? { ...l, [field]: value } : l,
      ),
    })),
  fc.record({ i: fc.nat(), value: anyValue }).map(({ i, value }) => ({
    ...smallJSON,
    params: smallJSON.params.map((p, j) => (j === i % smallJSON.params.length ? value : p)),
  })),
  fc.nat().map((n) => {
    const s = JSON.stringify(smallJSON);
    return s.slice(0, n % s.length);
  }),
  anyValue,
);

const csvText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc
    .array(
      fc.constantFrom("a", "b", "1", "2.5", ",", '"', "\n", "\r\n", "\r", " ", "\ufeff", "nan", "-", "e"),
      { maxLength: 50 },
    )
    .map((p) => p.join("")),
);

const jsonText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.json({ maxDepth: 3 }),
  fc
    .dictionary(fc.string({ maxLength: 3 }), fc.array(anyValue, { maxLength: 4 }), { maxKeys: 3 })
    .map((o) => JSON.stringify(o)),
  fc
    .array(fc.dictionary(fc.string({ maxLength: 3 }), anyValue, { maxKeys: 3 }), { maxLength: 4 })
    .map((o) => JSON.stringify(o)),
);

/** A flag value: mostly a good one (so that whole option sets pass too), sometimes anything. */
const flag = (good: string[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...good), weight: 30 },
    { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        "",
        " ",
        "-1",
        "1e3",
        "0x10",
        "1.5",
        "9007199254740993",
        "NaN",
        "Infinity",
        "5,",
        ",5",
        "1,,2",
      ),
      weight: 1,
    },
  );

const trainFlags = fc.record({
  data: fc.constantFrom("d.csv", "d.json"),
  target: flag(["z", "z,w", "a b"]),
  inputs: fc.option(flag(["x", "x,y"]), { nil: undefined }),
  width: flag(["5", "8,8", "1000000000"]),
  grids: flag(["5,10,20,40", "3", "5,7", "5,10"]),
  steps: fc.option(flag(["50", "1,2", "0"]), { nil: undefined }),
  k: flag(["3", "0", "11", "12"]),
  basis: flag(["spline", "relu"]),
  normalize: flag(["sigmoid", "tanh", "none"]),
  optimizer: flag(["lbfgs", "adam"]),
  lbfgs: flag(["pykan", "torch"]),
  lr: fc.option(flag(["1", "1e-2", "0"]), { nil: undefined }),
  batch: fc.option(flag(["64", "0"]), { nil: undefined }),
  val: flag(["0.2", "0", "1", "-0.1"]),
  seed: flag(["0", "4294967296", "9007199254740991"]),
  save: flag(["m.json", "m.txt"]),
  metricsEvery: flag(["1", "0"]),
  select: flag(["best", "last"]),
});

interface Entry {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: each entry's arbitrary has its own type
  arb: fc.Arbitrary<any>;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  call: (input: any) => void;
}

export const ENTRIES: Entry[] = [
  {
    name: "new Rng(seed)",
    arb: fc.oneof(
      fc.integer(),
      fc.double(),
      fc.constantFrom(2 ** 53, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 32, -0),
      anyValue,
    ),
    call: (seed) => {
      const r = new Rng(seed);
      check(Number.isSafeInteger(seed), `seed ${String(seed)} accepted (not used whole)`);
      const u = r.uniform();
      check(u >= 0 && u < 1, `uniform() gave ${u}`);
    },
  },
  {
    name: "new KAN(options)",
    arb: fc.oneof(validKanOptions, kanOptions, anyValue),
    call: (o) => checkModel(new KAN(o)),
  },
  {
    name: "new MLP(options)",
    arb: fc.oneof(mlpOptions, anyValue),
    call: (o) => checkModel(new MLP(o)),
  },
  {
    name: "model.predict(x)",
    arb: predictInput,
    call: (x) => {
      const y = small.predict(x);
      const n = Array.isArray(x) ? x.length : (x as Float64Array).length / 2;
      const flat = Array.isArray(y) ? y.flat() : Array.from(y as Float64Array);
      check(flat.length === n, `predict returned ${flat.length} values for ${n} rows`);
      // Outside the spline domain the model extrapolates linearly, so inputs near the float range
      // (|x| > 1e100) may overflow to a visible Infinity or NaN; below that every output must be finite.
      const inputs = Array.isArray(x) ? x.flat() : Array.from(x as Float64Array);
      if (inputs.every((v) => Math.abs(v) <= 1e100))
        check(flat.every(Number.isFinite), "predict returned non-finite values for moderate input");
    },
  },
  {
    name: "fit(model, problem, options)",
    arb: fitOptions,
    call: (o) => {
      const m = small.clone();
      const r = fitModel(m, problem, o);
      check(r.status === "completed" || r.status === "diverged", `status ${r.status}`);
      check(Array.from(m.params).every(Number.isFinite), `status ${r.status} with non-finite parameters`);
      if (r.status === "completed") {
        const start = problem.lossAndGradient(small, new Float64Array(small.paramCount));
        const end = problem.lossAndGradient(m, new Float64Array(m.paramCount));
        // A blow-up past the factor must not end "completed" (unless the check was turned off).
        const factor = typeof o.blowUpFactor === "number" ? o.blowUpFactor : 1e4;
        check(Number.isFinite(end) && !(end > factor * start), `completed with loss ${end} (start ${start})`);
      }
    },
  },
  {
    name: "trainMultilevel(model, problem, options)",
    arb: mlOptions,
    call: (o) => {
      const r = trainMultilevel(small.clone(), problem, o);
      check(
        Array.from(r.model.params).every(Number.isFinite),
        `status ${r.status} with non-finite parameters`,
      );
    },
  },
  {
    name: "KAN.fromJSON / loadModel",
    arb: mutatedJSON,
    call: (j) => {
      const m = typeof j === "string" ? KAN.fromJSON(j) : loadModel(j);
      checkModel(m);
    },
  },
  {
    name: "parseCsv(text)",
    arb: csvText,
    call: (t) => {
      const table = parseCsv(t, "fuzz");
      check(
        table.rows.every((r) => r.length === table.columns.length),
        "ragged rows accepted",
      );
      check(table.where.length === table.rows.length, "where and rows differ in length");
      check(new Set(table.columns).size === table.columns.length, "duplicate columns accepted");
    },
  },
  {
    name: "parseJsonTable(text)",
    arb: jsonText,
    call: (t) => {
      const table = parseJsonTable(t, "fuzz");
      check(
        table.rows.every((r) => r.length === table.columns.length),
        "ragged rows accepted",
      );
    },
  },
  {
    name: "mlkan train options",
    arb: trainFlags,
    call: (o: TrainCliOptions) => {
      const p = parseTrainOptions({ ...o, png: false });
      check(Number.isSafeInteger(p.seed) && p.seed >= 0, `seed ${p.seed} accepted`);
      check(
        p.grids.every((g, i) => i === 0 || g % p.grids[i - 1] === 0),
        "non-nesting grids accepted",
      );
      check(p.steps.length === p.grids.length, "steps and grids differ in length");
      check(p.val >= 0 && p.val < 1, `val ${p.val} accepted`);
      check(p.k >= 0 && p.k <= 11, `k ${p.k} accepted`);
      check(p.save.endsWith(".json"), `save ${p.save} accepted`);
    },
  },
];

/** Runs every entry `runs` times with `seed`; returns the counts per entry. */
export function fuzzAll(runs: number, seed: number): EntryCounts[] {
  return ENTRIES.map((e, i) => {
    const c: EntryCounts = {
      entry: e.name,
      tried: 0,
      ok: 0,
      error: 0,
      crash: 0,
      hang: 0,
      wrong: 0,
      examples: [],
    };
    fc.assert(
      fc.property(e.arb, (input) => {
        const [outcome, detail] = classify(() => e.call(input));
        c.tried++;
        c[outcome]++;
        if (outcome !== "ok" && outcome !== "error" && c.examples.length < 3)
          c.examples.push(`${outcome}: ${detail} <- ${fc.stringify(input).slice(0, 300)}`);
      }),
      { seed: seed + i, numRuns: runs },
    );
    return c;
  });
}
