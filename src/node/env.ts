/** The `env` block of a result JSON (Node only: reads `node:os`). */
import { arch, availableParallelism, cpus, platform, release } from "node:os";
import type { EnvInfo } from "../report/result.js";
import { VERSION } from "./version.js";

/**
 * Where a result was computed: Node version, platform and OS release, architecture, CPU model,
 * logical cores available to the process, mlkan version and the date (ISO 8601, `now` by default).
 */
export function collectEnv(now: Date = new Date()): EnvInfo {
  const list = cpus();
  const model = list
    .find((c) => c.model.trim() !== "")
    ?.model.replace(/\s+/g, " ")
    .trim();
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    arch: arch(),
    cpu: model ?? "unknown",
    cores: Math.max(1, typeof availableParallelism === "function" ? availableParallelism() : list.length),
    mlkan: VERSION,
    date: now.toISOString(),
  };
}
