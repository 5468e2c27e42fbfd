/**
 * Test objectives for the optimizer tests. `rosenbrock`, `styblinski`, `flat` and `quadratic5` repeat, operation for
 * operation, the Python objectives of fixtures/torch_reference.py, so mlkan and torch see identical
 * losses and gradients at identical points.
 */
import type { Objective } from "../../src/optim/index.js";

/** Extended Rosenbrock (More, Garbow, Hillstrom problem 21): independent pairs (x[2i], x[2i+1]). */
export const rosenbrock: Objective = (x, g) => {
  let f = 0;
  for (let i = 0; i < x.length; i += 2) {
    const a = 1 - x[i];
    const b = x[i + 1] - x[i] * x[i];
    f += a * a + 100 * (b * b);
    g[i] = -2 * a - 400 * x[i] * b;
    g[i + 1] = 200 * b;
  }
  return f;
};

/** Styblinski-Tang 0.5 sum (x^4 - 16 x^2 + 5 x): non-convex, so line searches meet bumps. */
export const styblinski: Objective = (x, g) => {
  let f = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const v2 = v * v;
    f += v2 * v2 - 16 * v2 + 5 * v;
    g[i] = 0.5 * (4 * v2 * v - 32 * v + 5);
  }
  return 0.5 * f;
};

/** 1e-80 x^4 - x (one-dimensional): its minimiser (~3e26) is beyond the reach of one line search. */
export const flat: Objective = (x, g) => {
  const v = x[0];
  const v2 = v * v;
  g[0] = 4 * 1e-80 * v2 * v - 1;
  return 1e-80 * v2 * v2 - v;
};

/** Chained (generalised) Rosenbrock: sum_i 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2. */
export const chainedRosenbrock: Objective = (x, g) => {
  const n = x.length;
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < n; i++) {
    const a = 1 - x[i];
    const b = x[i + 1] - x[i] * x[i];
    f += a * a + 100 * (b * b);
    g[i] += -2 * a - 400 * x[i] * b;
    g[i + 1] += 200 * b;
  }
  return f;
};

export const QUAD_A = [
  [4.0, 1.0, 0.5, 0.0, 0.25],
  [1.0, 3.0, 0.0, 0.5, 0.0],
  [0.5, 0.0, 2.0, 0.25, 0.0],
  [0.0, 0.5, 0.25, 1.5, 0.125],
  [0.25, 0.0, 0.0, 0.125, 0.5],
];
export const QUAD_B = [1.0, -2.0, 0.5, 3.0, -1.0];

/** f = sum_i x_i (0.5 (A x)_i - b_i) for a dense symmetric A, gradient A x - b. */
export function quadratic(A: number[][], b: number[]): Objective {
  return (x, g) => {
    const n = x.length;
    let f = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i][j] * x[j];
      g[i] = s - b[i];
      f += x[i] * (0.5 * s - b[i]);
    }
    return f;
  };
}

export const quadratic5 = quadratic(QUAD_A, QUAD_B);

/** Wraps an objective, counting calls and recording the losses and points it was called at. */
export function recording(objective: Objective): {
  objective: Objective;
  losses: number[];
  points: number[][];
} {
  const losses: number[] = [];
  const points: number[][] = [];
  return {
    losses,
    points,
    objective: (x, g) => {
      const f = objective(x, g);
      losses.push(f);
      points.push(Array.from(x));
      return f;
    },
  };
}

/** Largest relative difference max |a - b| / max(|b|, floor) over two equally long lists. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-300): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor);
    if (!(d <= m)) m = d;
  }
  return m;
}
