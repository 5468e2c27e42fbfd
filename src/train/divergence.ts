/**
 * Divergence of a training run: what counts as diverged, and the messages that say so.
 *
 * A run diverges when
 * - a loss is non-finite (NaN or +-Infinity),
 * - the parameters become non-finite after a step although the loss was finite (a NaN or infinite
 *   gradient), or
 * - the loss blows up while staying finite: it exceeds `blowUpFactor` (default `BLOW_UP_FACTOR` = 1e4)
 *   times the reference loss, the loss at the start of the run (the first level's initial loss).
 * The trainer then stops; for a non-finite loss or non-finite parameters it keeps the last parameters
 * with a finite loss, for a blow-up it restores the parameters with the lowest loss seen in the level.
 */
import { fmt } from "../util/format.js";

/** Default blow-up threshold: a finite loss above this many times the run's starting loss diverged. */
export const BLOW_UP_FACTOR = 1e4;

/** Where in the run a step is, for messages. */
export interface StepPlace {
  step: number;
  level: number;
  levels: number;
  grid: number | number[] | null;
}

function gridText(grid: number | number[]): string {
  return typeof grid === "number" ? String(grid) : grid.join(",");
}

function where(p: StepPlace): string {
  return p.levels > 1
    ? ` (level ${p.level + 1} of ${p.levels}${p.grid !== null ? `, grid ${gridText(p.grid)}` : ""})`
    : "";
}

const ADVICE = "Try a smaller learning rate, a different optimizer or a smaller initialisation.";

/** The loss at the start of a level (or of training) is not finite. */
export function nonFiniteStartMessage(value: number, level: number, levels: number): string {
  return `the loss at the start of ${levels > 1 ? `level ${level + 1}` : "training"} is ${value} (non-finite): check the data and the initialisation`;
}

/** A step's loss is not finite; `kept` names the parameters kept ("step 6" or null: the level's start). */
export function nonFiniteLossMessage(
  value: number,
  p: StepPlace,
  kept: string | null,
  keptLoss: number,
): string {
  return (
    `training diverged: the loss is ${value} (non-finite) at step ${p.step}${where(p)}; ` +
    `stopped and kept the last parameters with a finite loss (${kept ?? `the start of level ${p.level + 1}`}, loss ${fmt(keptLoss)}). ${ADVICE}`
  );
}

/** The parameters became non-finite after a step with a finite loss (a non-finite gradient). */
export function nonFiniteParamsMessage(p: StepPlace, kept: string | null, keptLoss: number): string {
  return (
    `training diverged: the parameters became non-finite at step ${p.step}${where(p)} although the loss was finite (a NaN or infinite gradient); ` +
    `stopped and kept the last parameters with a finite loss (${kept ?? `the start of level ${p.level + 1}`}, loss ${fmt(keptLoss)}). ${ADVICE}`
  );
}

/** The loss blew up (finite, but over `factor` times the reference). */
export function blowUpMessage(
  value: number,
  p: StepPlace,
  factor: number,
  reference: number,
  kept: string | null,
  keptLoss: number,
): string {
  return (
    `training blew up: the loss is ${fmt(value)} at step ${p.step}${where(p)}, over ${factor} times the loss at the start (${fmt(reference)}); ` +
    `stopped and restored the parameters with the lowest loss of the level (${kept ?? `the start of level ${p.level + 1}`}, loss ${fmt(keptLoss)}). ${ADVICE}`
  );
}

/** Whether `loss` (finite) counts as blown up against `reference` (see the module comment). */
export function blewUp(loss: number, reference: number, factor: number): boolean {
  return loss > factor * reference;
}

/** Whether every entry of `v` is finite. */
export function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}
