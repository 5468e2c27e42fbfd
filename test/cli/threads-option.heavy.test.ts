/** Runs on the built code (dist/): the pool starts the built worker. */
import { describe, expect, it } from "vitest";
import { parseThreads, withThreads } from "../../dist/cli/threads-option.js";
import { Network } from "../../dist/model/network.js";
import { defaultThreads, ThreadPool } from "../../dist/node/threads.js";

describe("--threads", () => {
  it("defaults to the available cores and rejects anything but a positive integer", () => {
    expect(parseThreads(undefined)).toBe(defaultThreads());
    expect(parseThreads("3")).toBe(3);
    for (const bad of ["0", "-1", "1.5", "two", ""])
      expect(() => parseThreads(bad)).toThrow(
        `--threads must be a positive integer, got ${JSON.stringify(bad)}`,
      );
  });

  it("installs a pool for the command and removes it afterwards, also when the command fails", async () => {
    expect(Network.defaultRunner).toBeNull();
    const seen = await withThreads(2, async () => Network.defaultRunner);
    expect(seen).toBeInstanceOf(ThreadPool);
    expect(Network.defaultRunner).toBeNull();
    await expect(
      withThreads(2, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(Network.defaultRunner).toBeNull();
    expect(await withThreads(1, async () => Network.defaultRunner)).toBeNull();
  });
});
