/**
 * Residual-tape benchmark: nanoseconds per point of a PINN residual loss and its reverse pass
 * (problems/residual.ts), the tape as generated code against the tape's interpreter, on the residuals of
 * the paper's PINNs, evaluated in blocks of 64 rows as the network calls them. Each row also says whether
 * the two gave the same bits (loss, jet gradient, residuals). Timings only; never asserted in tests.
 */
import { type JetShape, jetShape } from "../layers/jet.js";
import type { JetBlockLoss } from "../model/network.js";
import { BLOCK } from "../model/slots.js";
import { type Expr, jetTermLoss, residual } from "../problems/residual.js";
import { Rng } from "../util/random.js";

/** One row: residual, tape form, timings per point, and whether both forms gave the same bits. */
export interface ResidualBenchRow {
  residual: string;
  tape: "compiled" | "interpreted";
  points: number;
  medianNsPerPoint: number;
  minNsPerPoint: number;
  /** Loss, jet gradient and residual outputs equal bit for bit between the two forms. */
  sameBits: boolean;
}

interface Case {
  name: string;
  shape: JetShape;
  build: (e: ReturnType<typeof residual>, data: Float64Array) => Expr;
}

const SPACE_TIME = jetShape({ dims: [0, 1], pairs: [[0, 0]] }, 2);
const LAPLACE_2D = jetShape(
  {
    pairs: [
      [0, 0],
      [1, 1],
    ],
  },
  2,
);

/** The residuals timed: Allen-Cahn and Burgers on (x, t), Poisson on (x, y) with a forcing. */
const CASES: Case[] = [
  {
    name: "allen-cahn: u_t - 1e-4 u_xx + 5 u^3 - 5 u",
    shape: SPACE_TIME,
    build: (e) => e.d(1).sub(e.d2(0, 0).mul(1e-4)).add(e.u().pow(3).mul(5)).sub(e.u().mul(5)),
  },
  {
    name: "burgers: u_t + u u_x - nu u_xx",
    shape: SPACE_TIME,
    build: (e) =>
      e
        .d(1)
        .add(e.u().mul(e.d(0)))
        .sub(e.d2(0, 0).mul(0.01 / Math.PI)),
  },
  {
    name: "poisson: u_xx + u_yy - f",
    shape: LAPLACE_2D,
    build: (e, f) => e.d2(0, 0).add(e.d2(1, 1)).sub(e.data(f)),
  },
];

/** Runs `loss` over n points in blocks of 64 rows; returns the summed loss. */
function sweep(loss: JetBlockLoss, jet: Float64Array, g: Float64Array, n: number, C: number): number {
  let total = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const rows = Math.min(BLOCK, n - start);
    total += loss(jet.subarray(start * C), g.subarray(start * C), start, rows);
  }
  return total;
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/** Times each residual in both tape forms (alternating, `repeats` sweeps each) over `points` points. */
export function residualBenchmark(opts: { points?: number; repeats?: number } = {}): ResidualBenchRow[] {
  const n = opts.points ?? 20_000;
  const repeats = opts.repeats ?? 15;
  const rng = new Rng(1);
  const rows: ResidualBenchRow[] = [];
  for (const c of CASES) {
    const C = c.shape.C;
    const jet = rng.fillNormal(new Float64Array(n * C), 0, 1);
    const data = rng.fillNormal(new Float64Array(n), 0, 1);
    const lam = rng.fillUniform(new Float64Array(n), 0.5, 2);
    const forms = (["compiled", "interpreted"] as const).map((tape) => {
      const out = new Float64Array(n);
      const e = residual(c.shape);
      const loss = jetTermLoss({
        shape: c.shape,
        nOut: 1,
        n,
        residual: c.build(e, data),
        pointWeights: lam,
        residualOut: out,
        tape,
      });
      return { tape, loss, out, g: new Float64Array(n * C), times: [] as number[], total: 0 };
    });
    for (const f of forms) f.total = sweep(f.loss, jet, f.g, n, C);
    for (let k = 0; k < repeats; k++) {
      for (const f of forms) {
        const t0 = performance.now();
        sweep(f.loss, jet, f.g, n, C);
        f.times.push(((performance.now() - t0) * 1e6) / n);
      }
    }
    const [a, b] = forms;
    const same = Object.is(a.total, b.total) && sameBits(a.g, b.g) && sameBits(a.out, b.out);
    for (const f of forms) {
      const t = [...f.times].sort((p, q) => p - q);
      rows.push({
        residual: c.name,
        tape: f.tape,
        points: n,
        medianNsPerPoint: t[Math.floor(t.length / 2)],
        minNsPerPoint: t[0],
        sameBits: same,
      });
    }
  }
  return rows;
}
