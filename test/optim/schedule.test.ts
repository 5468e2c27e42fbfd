import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  constantLR,
  createMomentumSchedule,
  createSchedule,
  cyclicLR,
  cyclicMomentum,
  exponentialLR,
  linearWarmup,
  type ScheduleSpec,
  type WarmupSpec,
} from "../../src/optim/index.js";

/** Smith's exp_range schedule as written in the CyclicLR docs (symmetric up and down). */
function smithExpRange(base: number, max: number, stepSize: number, gamma: number, it: number): number {
  const cycle = Math.floor(1 + it / (2 * stepSize));
  const x = Math.abs(it / stepSize - 2 * cycle + 1);
  return base + (max - base) * Math.max(0, 1 - x) * gamma ** it;
}

/** Position in the cycle, written from scratch for asymmetric cycles: fraction of the way up. */
function asymmetricHeight(up: number, down: number, it: number): number {
  const p = it % (up + down);
  return p <= up ? p / up : 1 - (p - up) / down;
}

function close(a: number, b: number, rel: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b));
}

describe("constant and exponential schedules", () => {
  it("constantLR is constant", () => {
    const f = constantLR(0.3);
    expect([f(0), f(1), f(1000)]).toEqual([0.3, 0.3, 0.3]);
  });

  it("exponentialLR is lr * gamma^step", () => {
    const f = exponentialLR(0.5, 0.9);
    expect(f(0)).toBe(0.5);
    close(f(1), 0.45, 1e-15);
    close(f(2), 0.405, 1e-15);
    close(f(10), 0.5 * 0.3486784401, 1e-14);
    let lr = 0.5;
    for (let k = 0; k < 200; k++) {
      close(f(k), lr, 1e-13);
      lr *= 0.9;
    }
  });
});

describe("cyclicLR", () => {
  it("exp_range equals Smith's formula (the paper's Burgers settings)", () => {
    const f = cyclicLR({ baseLr: 1e-4, maxLr: 1e-3, stepSizeUp: 50, mode: "exp_range", gamma: 0.9995 });
    expect(f(0)).toBe(1e-4);
    close(f(50), 1e-4 + 9e-4 * 0.9995 ** 50, 1e-15);
    close(f(25), 1e-4 + 9e-4 * 0.5 * 0.9995 ** 25, 1e-15);
    close(f(100), 1e-4, 1e-15);
    close(f(150), 1e-4 + 9e-4 * 0.9995 ** 150, 1e-15);
    for (let it = 0; it < 1000; it++) close(f(it), smithExpRange(1e-4, 1e-3, 50, 0.9995, it), 1e-14);
  });

  it("matches Smith's formula for random symmetric settings (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0.9, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 500 }),
        (base, ratio, stepSize, gamma, it) => {
          const f = cyclicLR({ baseLr: base, maxLr: base * ratio, stepSizeUp: stepSize, gamma });
          const want = smithExpRange(base, base * ratio, stepSize, gamma, it);
          expect(Math.abs(f(it) - want)).toBeLessThanOrEqual(1e-13 * want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("asymmetric cycles rise over stepSizeUp steps and fall over stepSizeDown", () => {
    const f = cyclicLR({ baseLr: 0.01, maxLr: 0.5, stepSizeUp: 7, stepSizeDown: 3, gamma: 0.97 });
    expect(f(0)).toBe(0.01);
    close(f(7), 0.01 + 0.49 * 0.97 ** 7, 1e-15);
    close(f(10), 0.01, 1e-14);
    close(f(17), 0.01 + 0.49 * 0.97 ** 17, 1e-15);
    for (let it = 0; it < 100; it++) {
      close(f(it), 0.01 + 0.49 * asymmetricHeight(7, 3, it) * 0.97 ** it, 1e-13);
    }
  });

  it("triangular keeps the amplitude; triangular2 halves it every cycle", () => {
    const tri = cyclicLR({ baseLr: 0.1, maxLr: 1, stepSizeUp: 4, stepSizeDown: 6, mode: "triangular" });
    const tri2 = cyclicLR({ baseLr: 0.1, maxLr: 1, stepSizeUp: 4, stepSizeDown: 6, mode: "triangular2" });
    const defaultMode = cyclicLR({ baseLr: 0.1, maxLr: 1, stepSizeUp: 4, stepSizeDown: 6 });
    for (const c of [0, 1, 2, 3]) {
      close(tri(10 * c + 4), 1, 1e-15);
      close(tri2(10 * c + 4), 0.1 + 0.9 / 2 ** c, 1e-15);
    }
    for (let it = 0; it < 60; it++) {
      expect(defaultMode(it)).toBe(tri(it));
      close(tri(it), 0.1 + 0.9 * asymmetricHeight(4, 6, it), 1e-14);
    }
  });

  it("rejects bad arguments, naming them", () => {
    const ok = { baseLr: 1e-4, maxLr: 1e-3, stepSizeUp: 50 };
    expect(() => cyclicLR({ ...ok, baseLr: 0 })).toThrow(
      "cyclicLR: baseLr must be a finite number > 0, got 0",
    );
    expect(() => cyclicLR({ ...ok, maxLr: Number.NaN })).toThrow(
      "cyclicLR: maxLr must be a finite number > 0, got NaN",
    );
    expect(() => cyclicLR({ ...ok, maxLr: 1e-5 })).toThrow(
      "cyclicLR: maxLr must be >= baseLr = 0.0001, got 0.00001",
    );
    expect(() => cyclicLR({ ...ok, stepSizeUp: 2.5 })).toThrow(
      "cyclicLR: stepSizeUp must be an integer >= 1, got 2.5",
    );
    expect(() => cyclicLR({ ...ok, stepSizeDown: 0 })).toThrow(
      "cyclicLR: stepSizeDown must be an integer >= 1, got 0",
    );
    expect(() => cyclicLR({ ...ok, gamma: -0.5 })).toThrow(
      "cyclicLR: gamma must be a finite number > 0, got -0.5",
    );
    expect(() => cyclicLR({ ...ok, mode: "exp" as never })).toThrow(
      'cyclicLR: mode must be "triangular", "triangular2" or "exp_range", got "exp"',
    );
    expect(() => cyclicLR({ ...ok, mode: "triangular", gamma: 0.99 })).toThrow(
      'cyclicLR: gamma applies to mode "exp_range" only, got gamma = 0.99 with mode "triangular"',
    );
    expect(() => cyclicLR({ ...ok, step_size_up: 5 } as never)).toThrow(
      'cyclicLR: unknown option "step_size_up"',
    );
    expect(() => cyclicLR(null as never)).toThrow("cyclicLR: options must be an object, got null");
  });
});

describe("linearWarmup", () => {
  it("ramps 1e-4 -> 1e-2 over 10 steps, then continues with the following schedule", () => {
    const f = linearWarmup(1e-4, 10, 1e-2);
    expect(f(0)).toBe(1e-4);
    close(f(5), 1e-4 + (1e-2 - 1e-4) / 2, 1e-15);
    close(f(9), 1e-4 + (1e-2 - 1e-4) * 0.9, 1e-15);
    expect(f(10)).toBe(1e-2);
    expect(f(11)).toBe(1e-2);
    expect(f(5000)).toBe(1e-2);
    for (let k = 1; k < 10; k++) expect(f(k)).toBeGreaterThan(f(k - 1));
  });

  it("restarts the following schedule at its step 0 and ends the ramp at its first rate", () => {
    const decay = exponentialLR(0.1, 0.5);
    const f = linearWarmup(0.01, 4, decay);
    expect(f(0)).toBe(0.01);
    close(f(2), 0.055, 1e-15);
    expect(f(4)).toBe(0.1);
    expect(f(5)).toBe(0.05);
    expect(f(7)).toBe(0.1 * 0.125);
    const g = linearWarmup(0.01, 4, decay, 0.2);
    close(g(2), 0.105, 1e-15);
    expect(g(4)).toBe(0.1);
  });

  it("rejects bad arguments, naming them", () => {
    expect(() => linearWarmup(0, 10, 1)).toThrow("linearWarmup: startLr must be a finite number > 0, got 0");
    expect(() => linearWarmup(1e-4, 0, 1)).toThrow("linearWarmup: steps must be an integer >= 1, got 0");
    expect(() => linearWarmup(1e-4, 1.5, 1)).toThrow("linearWarmup: steps must be an integer >= 1, got 1.5");
    expect(() => linearWarmup(1e-4, 10, -1)).toThrow("constantLR: lr must be a finite number > 0, got -1");
    expect(() => linearWarmup(1e-4, 10, 1, Number.POSITIVE_INFINITY)).toThrow(
      "linearWarmup: endLr must be a finite number > 0, got Infinity",
    );
    expect(() => linearWarmup(1e-4, 10, "fast" as never)).toThrow(
      'linearWarmup: then must be a schedule function or a number, got "fast"',
    );
    expect(() => linearWarmup(1e-4, 10, () => 0)).toThrow(
      "linearWarmup: the following schedule's rate at step 0 must be a finite number > 0, got 0",
    );
  });
});

describe("constant and exponential validation", () => {
  it("names the bad value", () => {
    expect(() => constantLR(-1)).toThrow("constantLR: lr must be a finite number > 0, got -1");
    expect(() => exponentialLR(1, 0)).toThrow("exponentialLR: gamma must be a finite number > 0, got 0");
    expect(() => exponentialLR(Number.NaN, 0.9)).toThrow(
      "exponentialLR: lr must be a finite number > 0, got NaN",
    );
  });
});

describe("createSchedule (JSON specs)", () => {
  it("builds each schedule type with lr as its peak", () => {
    expect(createSchedule(0.1)(7)).toBe(0.1);
    expect(createSchedule(0.1, { type: "constant" })(7)).toBe(0.1);
    expect(createSchedule(0.1, { type: "exponential", gamma: 0.5 })(3)).toBe(0.0125);
    const spec: ScheduleSpec = {
      type: "cyclic",
      baseLr: 1e-4,
      stepSizeUp: 50,
      mode: "exp_range",
      gamma: 0.9995,
    };
    const f = createSchedule(1e-3, spec);
    const g = cyclicLR({ baseLr: 1e-4, maxLr: 1e-3, stepSizeUp: 50, gamma: 0.9995 });
    for (let k = 0; k < 300; k += 7) expect(f(k)).toBe(g(k));
  });

  it("prepends a warm-up ramp", () => {
    const warmup: WarmupSpec = { steps: 10, startLr: 1e-4 };
    const f = createSchedule(1e-2, undefined, warmup);
    expect(f(0)).toBe(1e-4);
    expect(f(10)).toBe(1e-2);
    const g = createSchedule(1e-2, { type: "exponential", gamma: 0.9 }, warmup);
    expect(g(10)).toBe(1e-2);
    close(g(12), 1e-2 * 0.81, 1e-15);
  });

  it("survives a JSON round trip", () => {
    const spec = JSON.parse(JSON.stringify({ type: "cyclic", baseLr: 0.1, stepSizeUp: 3, stepSizeDown: 2 }));
    close(createSchedule(1, spec)(3), 1, 1e-15);
  });

  it("rejects unknown keys and bad values, naming them", () => {
    expect(() => createSchedule(0)).toThrow("lr must be a finite number > 0, got 0");
    expect(() => createSchedule(1, { type: "cosine" } as never)).toThrow(
      'schedule.type must be "constant", "exponential" or "cyclic", got "cosine"',
    );
    expect(() => createSchedule(1, { type: "constant", gamma: 0.5 } as never)).toThrow(
      'schedule (type "constant"): unknown option "gamma"',
    );
    expect(() => createSchedule(1, { type: "exponential" } as never)).toThrow(
      "schedule.gamma must be a finite number > 0, got undefined",
    );
    expect(() =>
      createSchedule(1, { type: "cyclic", baseLr: 0.1, stepSizeUp: 5, maxLr: 2 } as never),
    ).toThrow('schedule (type "cyclic"): unknown option "maxLr"');
    expect(() => createSchedule(1, { type: "cyclic", baseLr: 0.1, stepSizeUp: 0 })).toThrow(
      "cyclicLR: stepSizeUp must be an integer >= 1, got 0",
    );
    expect(() => createSchedule(1, "exp" as never)).toThrow('schedule must be an object, got "exp"');
    expect(() => createSchedule(1, undefined, 10 as never)).toThrow("warmup must be an object, got 10");
    expect(() => createSchedule(1, undefined, { steps: 10 } as never)).toThrow(
      "warmup.startLr must be a finite number > 0, got undefined",
    );
    expect(() => createSchedule(1, undefined, { steps: -1, startLr: 0.1 })).toThrow(
      "warmup.steps must be an integer >= 1, got -1",
    );
    expect(() => createSchedule(1, undefined, { steps: 10, startLr: 0.1, endLr: 1 } as never)).toThrow(
      'warmup: unknown option "endLr"',
    );
  });
});

describe("cyclicMomentum (torch's cycle_momentum)", () => {
  const burgers = { baseLr: 1e-4, maxLr: 1e-3, stepSizeUp: 50, gamma: 0.9995 };

  it("is max at the base rate and base at the peak, cycling inversely to the rate (Smith's formula)", () => {
    const b1 = cyclicMomentum(burgers, { base: 0.8, max: 0.9 });
    expect(b1(0)).toBe(0.9);
    close(b1(50), 0.9 - 0.1 * 0.9995 ** 50, 1e-15);
    close(b1(100), 0.9, 1e-15);
    const lr = cyclicLR(burgers);
    for (let it = 0; it < 1000; it++) {
      // the fraction of the way up is the same for the rate and the momentum
      const tri = smithExpRange(0, 1, 50, 0.9995, it);
      close(b1(it), 0.9 - 0.1 * tri, 1e-15);
      expect(Math.abs((lr(it) - 1e-4) / 9e-4 - (0.9 - b1(it)) / 0.1)).toBeLessThan(1e-12);
    }
  });

  it("follows asymmetric cycles and the triangular modes as the rate does (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom("exp_range" as const, "triangular" as const, "triangular2" as const),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.49, noNaN: true }),
        fc.integer({ min: 0, max: 300 }),
        (up, down, mode, base, span, it) => {
          const gamma = mode === "exp_range" ? 0.99 : 1;
          const cyc = { baseLr: 0.1, maxLr: 1, stepSizeUp: up, stepSizeDown: down, mode, gamma };
          const lr = cyclicLR(cyc)(it);
          const b1 = cyclicMomentum(cyc, { base, max: base + span })(it);
          // same position in the cycle: (lr - baseLr) / (maxLr - baseLr) = (max - b1) / (max - base)
          expect(Math.abs(base + span - b1 - (span * (lr - 0.1)) / 0.9)).toBeLessThan(1e-14);
          expect(b1).toBeGreaterThanOrEqual(base - 1e-15);
          expect(b1).toBeLessThanOrEqual(base + span + 1e-15);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("comes from the cyclic spec's momentum, and only from it", () => {
    const spec: ScheduleSpec = { type: "cyclic", baseLr: 1e-4, stepSizeUp: 50, gamma: 0.9995 };
    expect(createMomentumSchedule(1e-3, spec)).toBeUndefined();
    expect(createMomentumSchedule(1e-3)).toBeUndefined();
    expect(createMomentumSchedule(1e-3, { type: "exponential", gamma: 0.9 })).toBeUndefined();
    const b1 = createMomentumSchedule(1e-3, { ...spec, momentum: { base: 0.8, max: 0.9 } });
    const want = cyclicMomentum(burgers, { base: 0.8, max: 0.9 });
    for (let k = 0; k < 300; k += 7) expect(b1?.(k)).toBe(want(k));
    // the rate is the same with or without the momentum
    const lr = createSchedule(1e-3, { ...spec, momentum: { base: 0.8, max: 0.9 } });
    for (let k = 0; k < 300; k += 7) expect(lr(k)).toBe(cyclicLR(burgers)(k));
  });

  it("rejects bad bounds and a warm-up in front, naming them", () => {
    const spec: ScheduleSpec = { type: "cyclic", baseLr: 1e-4, stepSizeUp: 50 };
    expect(() => createMomentumSchedule(1e-3, { ...spec, momentum: { base: 0.8, max: 1 } })).toThrow(
      "cyclicMomentum: momentum.max must be a number in [momentum.base = 0.8, 1), got 1",
    );
    expect(() => createMomentumSchedule(1e-3, { ...spec, momentum: { base: 0.9, max: 0.8 } })).toThrow(
      "cyclicMomentum: momentum.max must be a number in [momentum.base = 0.9, 1), got 0.8",
    );
    expect(() => createMomentumSchedule(1e-3, { ...spec, momentum: { base: -0.1, max: 0.8 } })).toThrow(
      "cyclicMomentum: momentum.base must be a number in [0, 1), got -0.1",
    );
    expect(() => createMomentumSchedule(1e-3, { ...spec, momentum: { base: 0.8 } as never })).toThrow(
      "cyclicMomentum: momentum.max must be a number in [momentum.base = 0.8, 1), got undefined",
    );
    expect(() =>
      createMomentumSchedule(1e-3, { ...spec, momentum: { base: 0.8, max: 0.9, min: 0 } as never }),
    ).toThrow('cyclicMomentum: momentum: unknown option "min"');
    expect(() => createMomentumSchedule(1e-3, { ...spec, momentum: 0.9 as never })).toThrow(
      "cyclicMomentum: momentum must be an object { base, max }, got 0.9",
    );
    expect(() =>
      createMomentumSchedule(
        1e-3,
        { ...spec, momentum: { base: 0.8, max: 0.9 } },
        { steps: 10, startLr: 1e-4 },
      ),
    ).toThrow("schedule.momentum: a momentum cycle cannot follow a warm-up; drop one of the two");
    expect(() =>
      createMomentumSchedule(1e-3, { ...spec, stepSizeUp: 0, momentum: { base: 0.8, max: 0.9 } }),
    ).toThrow("cyclicLR: stepSizeUp must be an integer >= 1, got 0");
  });
});
