import { defineConfig } from "vitest/config";

// Two groups: fast unit/property tests run in parallel (2 workers on CI's 2 cores); heavy tests
// (packing, CLI end-to-end, training smoke runs, thread pools) run afterwards one file at a time,
// each with an explicit time-out, so library worker threads never oversubscribe the cores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.heavy.test.ts"],
          maxWorkers: 2,
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "heavy",
          include: ["test/**/*.heavy.test.ts"],
          maxWorkers: 1,
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
