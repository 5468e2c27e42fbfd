/**
 * The exactness demo: a random cubic spline is refined (dyadic, factor 3, nested random knots) and
 * converted to the power-ReLU basis and back; every step is measured as a max deviation on [a, b] and
 * outside it. Pure computation, no I/O.
 */
import { evalSpline } from "../spline/basis.js";
import { applyAT, changeOfBasis, solveAT } from "../spline/change-of-basis.js";
import { basisCount, breakpoints, generalKnots, type KnotVector, uniformKnots } from "../spline/knots.js";
import { applyProlongation, prolongation } from "../spline/refine.js";
import { Rng } from "../util/random.js";

/**
 * One row of the exactness demo: a refinement or basis change and the largest relative error inside and
 * outside [a, b].
 */
export interface ExactnessRow {
  step: string;
  from: string;
  to: string;
  /** Max |difference| / max |spline| over 2001 points on [a, b]. */
  insideRel: number;
  /** Same over 400 points up to one domain length outside [a, b]. */
  outsideRel: number;
}

function samplePoints(kv: KnotVector, rng: Rng): { inside: number[]; outside: number[] } {
  const inside: number[] = [];
  for (let k = 0; k <= 2000; k++) inside.push(kv.a + ((kv.b - kv.a) * k) / 2000);
  const w = kv.b - kv.a;
  const outside: number[] = [];
  for (let k = 0; k < 200; k++) outside.push(rng.range(kv.a - w, kv.a), rng.range(kv.b, kv.b + w));
  return { inside, outside };
}

function compare(f: (x: number) => number, g: (x: number) => number, pts: number[], scale: number): number {
  let m = 0;
  for (const x of pts) m = Math.max(m, Math.abs(f(x) - g(x)));
  return m / scale;
}

/**
 * Refines a random cubic spline (dyadic, by 3, onto nested random knots) and converts bases; returns the
 * errors per case.
 */
export function exactnessDemo(seed = 1234): ExactnessRow[] {
  const rng = new Rng(seed);
  const r = 4;
  const coarse = uniformKnots([0, 1], 5, r);
  const uc = rng.fillNormal(new Float64Array(basisCount(coarse)));
  const { inside, outside } = samplePoints(coarse, rng);
  const ref = (x: number) => evalSpline(coarse, uc, x);
  let scale = 0;
  for (const x of inside) scale = Math.max(scale, Math.abs(ref(x)));
  const rows: ExactnessRow[] = [];
  const label = (kv: KnotVector) => `${kv.uniform ? "uniform" : "nested random"} G=${kv.intervals}`;

  // Refinement: dyadic chain 5 -> 10 -> 20 -> 40, factor 3, and random nested knots.
  let kv = coarse;
  let u = uc;
  for (const G of [10, 20, 40]) {
    const fine = uniformKnots([0, 1], G, r);
    const uf = new Float64Array(basisCount(fine));
    applyProlongation(prolongation(kv, fine), u, 0, 1, uf, 0, 1);
    const fineU = uf;
    const fineKv = fine;
    rows.push({
      step: "dyadic refinement",
      from: label(kv),
      to: label(fine),
      insideRel: compare(ref, (x) => evalSpline(fineKv, fineU, x), inside, scale),
      outsideRel: compare(ref, (x) => evalSpline(fineKv, fineU, x), outside, scale),
    });
    kv = fine;
    u = uf;
  }
  const three = uniformKnots([0, 1], 15, r);
  const u3 = new Float64Array(basisCount(three));
  applyProlongation(prolongation(coarse, three), uc, 0, 1, u3, 0, 1);
  rows.push({
    step: "refinement by 3",
    from: label(coarse),
    to: label(three),
    insideRel: compare(ref, (x) => evalSpline(three, u3, x), inside, scale),
    outsideRel: compare(ref, (x) => evalSpline(three, u3, x), outside, scale),
  });
  const bp = new Set(Array.from(breakpoints(coarse)));
  while (bp.size < 5 + 1 + 12) bp.add(rng.uniform());
  const nested = generalKnots(
    Array.from(bp).sort((p, q) => p - q),
    r,
  );
  const un = new Float64Array(basisCount(nested));
  applyProlongation(prolongation(coarse, nested), uc, 0, 1, un, 0, 1);
  rows.push({
    step: "knot insertion",
    from: label(coarse),
    to: label(nested),
    insideRel: compare(ref, (x) => evalSpline(nested, un, x), inside, scale),
    outsideRel: compare(ref, (x) => evalSpline(nested, un, x), outside, scale),
  });

  // Change of basis at G = 40: w = A^T u, evaluated as the literal power-ReLU sum; and back u = A^{-T} w.
  const A = changeOfBasis(kv);
  const N = basisCount(kv);
  const w = new Float64Array(N);
  applyAT(A, u, 0, 1, w, 0, 1);
  const reluSum = (x: number) => {
    let s = 0;
    for (let J = 0; J < N; J++) if (x > kv.t[J]) s += w[J] * (x - kv.t[J]) ** (r - 1);
    return s;
  };
  rows.push({
    step: "to power-ReLU basis (w = A^T u)",
    from: label(kv),
    to: "sum_j w_j ReLU(x - t_j)^3",
    insideRel: compare(ref, reluSum, inside, scale),
    outsideRel: Number.NaN,
  });
  const back = new Float64Array(N);
  solveAT(A, w, 0, 1, back, 0, 1);
  const backKv = kv;
  rows.push({
    step: "back to B-splines (u = A^-T w)",
    from: "power-ReLU weights",
    to: label(kv),
    insideRel: compare(ref, (x) => evalSpline(backKv, back, x), inside, scale),
    outsideRel: compare(ref, (x) => evalSpline(backKv, back, x), outside, scale),
  });
  return rows;
}
