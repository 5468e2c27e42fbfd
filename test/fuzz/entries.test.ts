/**
 * The fuzz suite over every public entry (issue 12): a fixed seed and a bounded count in `npm test`;
 * `npm run fuzz` runs it longer (FUZZ_RUNS per entry, FUZZ_SEED). Target: no crash, hang or silently
 * wrong result; every refusal a clear Error.
 */
import { expect, it } from "vitest";
import { fuzzAll } from "./harness.js";

const runs = Number(process.env.FUZZ_RUNS ?? 400);
const seed = Number(process.env.FUZZ_SEED ?? 2026);

it(`fuzzes every public entry (${runs} inputs each, seed ${seed}): no crash, hang or wrong result`, () => {
  const counts = fuzzAll(runs, seed);
  const total = { tried: 0, ok: 0, error: 0, crash: 0, hang: 0, wrong: 0 };
  const lines = [
    "| entry | tried | ok | clear error | crash | hang | silently wrong |",
    "|---|--:|--:|--:|--:|--:|--:|",
  ];
  for (const c of counts) {
    lines.push(`| ${c.entry} | ${c.tried} | ${c.ok} | ${c.error} | ${c.crash} | ${c.hang} | ${c.wrong} |`);
    for (const k of ["tried", "ok", "error", "crash", "hang", "wrong"] as const) total[k] += c[k];
  }
  lines.push(
    `| all | ${total.tried} | ${total.ok} | ${total.error} | ${total.crash} | ${total.hang} | ${total.wrong} |`,
  );
  const examples = counts.flatMap((c) => c.examples.map((e) => `${c.entry}: ${e}`));
  if (process.env.FUZZ_RUNS || examples.length > 0)
    console.log(`${lines.join("\n")}\n${examples.join("\n")}`);
  expect(examples).toEqual([]);
  expect(total.crash + total.hang + total.wrong).toBe(0);
}, 600_000);
