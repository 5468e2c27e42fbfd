/**
 * The dense linear layer's blocked loops (two samples x four inputs forward, four samples backward, four
 * jet rows for jets) must give the bits of the plain per-sample loops they replace, for every remainder of
 * rows and inputs.
 */
import { describe, expect, it } from "vitest";
import { jetShape } from "../../src/layers/jet.js";
import { LinearLayer } from "../../src/layers/linear.js";
import { Rng } from "../../src/util/random.js";

/** y = x W + b, one sample and one input at a time. */
function plainForward(
  P: number,
  Q: number,
  bias: boolean,
  params: Float64Array,
  x: Float64Array,
  rows: number,
) {
  const y = new Float64Array(rows * Q);
  for (let s = 0; s < rows; s++) {
    for (let q = 0; q < Q; q++) y[s * Q + q] = bias ? params[P * Q + q] : 0;
    for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) y[s * Q + q] += x[s * P + p] * params[p * Q + q];
  }
  return y;
}

/** Weight, bias and input gradients, one sample at a time, accumulated onto g0. */
function plainBackward(
  P: number,
  Q: number,
  bias: boolean,
  params: Float64Array,
  x: Float64Array,
  gy: Float64Array,
  g0: Float64Array,
  rows: number,
) {
  const g = g0.slice();
  const gx = new Float64Array(rows * P);
  for (let s = 0; s < rows; s++) {
    for (let p = 0; p < P; p++) {
      let acc = 0;
      for (let q = 0; q < Q; q++) {
        g[p * Q + q] += x[s * P + p] * gy[s * Q + q];
        acc += params[p * Q + q] * gy[s * Q + q];
      }
      gx[s * P + p] = acc;
    }
    if (bias) for (let q = 0; q < Q; q++) g[P * Q + q] += gy[s * Q + q];
  }
  return { g, gx };
}

function randomArray(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

describe("linear layer", () => {
  it("forward and backward equal the plain loops bit for bit (all row and input remainders)", () => {
    const rng = new Rng(7);
    let cases = 0;
    for (const P of [1, 2, 3, 4, 5, 7, 9])
      for (const Q of [1, 2, 5])
        for (const rows of [1, 2, 3, 4, 5, 6, 7, 9])
          for (const bias of [true, false]) {
            const layer = new LinearLayer({ nIn: P, nOut: Q, bias });
            const params = randomArray(rng, layer.paramCount);
            const x = randomArray(rng, rows * P);
            const gy = randomArray(rng, rows * Q);
            const g0 = randomArray(rng, layer.paramCount);

            const y = new Float64Array(rows * Q);
            layer.forward(params, x, 0, y, 0, rows);
            expect(Array.from(y)).toEqual(Array.from(plainForward(P, Q, bias, params, x, rows)));

            const ref = plainBackward(P, Q, bias, params, x, gy, g0, rows);
            const g = g0.slice();
            const gx = new Float64Array(rows * P);
            layer.backward(params, x, 0, gy, gx, g, rows);
            expect(Array.from(g)).toEqual(Array.from(ref.g));
            expect(Array.from(gx)).toEqual(Array.from(ref.gx));

            const gNoX = g0.slice();
            layer.backward(params, x, 0, gy, null, gNoX, rows);
            expect(Array.from(gNoX)).toEqual(Array.from(ref.g));
            cases++;
          }
    expect(cases).toBe(7 * 3 * 8 * 2);
  });

  it("jet forward and backward (four jet rows per pass) equal the plain per-row loops bit for bit", () => {
    const rng = new Rng(13);
    const shapes = [
      jetShape({ dims: [0], pairs: [] }, 2),
      jetShape({ dims: [0, 1], pairs: [[0, 0]] }, 2),
      jetShape(
        {
          dims: [0, 1],
          pairs: [
            [0, 0],
            [1, 1],
          ],
        },
        2,
      ),
    ];
    let cases = 0;
    for (const shape of shapes)
      for (const P of [1, 3, 5])
        for (const Q of [1, 4])
          for (const rows of [1, 2, 3, 5])
            for (const bias of [true, false]) {
              const C = shape.C;
              const R = rows * C;
              const layer = new LinearLayer({ nIn: P, nOut: Q, bias });
              const params = randomArray(rng, layer.paramCount);
              const x = randomArray(rng, R * P);
              for (let i = 0; i < x.length; i += 3) x[i] = 0; // zero channels, as in input jets
              const gy = randomArray(rng, R * Q);
              const g0 = randomArray(rng, layer.paramCount);
              // Reference: every jet row is a sample; the bias enters the value rows (c = 0) only.
              const yRef = plainForward(P, Q, false, params, x, R);
              const ref = plainBackward(P, Q, false, params, x, gy, g0, R);
              if (bias)
                for (let r = 0; r < R; r += C)
                  for (let q = 0; q < Q; q++) {
                    // The plain loop starts from the bias: recompute those rows in that order.
                    let acc = params[P * Q + q];
                    for (let p = 0; p < P; p++) acc += x[r * P + p] * params[p * Q + q];
                    yRef[r * Q + q] = acc;
                    ref.g[P * Q + q] += gy[r * Q + q];
                  }
              const xo = 2;
              const padded = new Float64Array(xo + x.length);
              padded.set(x, xo);
              const y = new Float64Array(1 + R * Q);
              layer.forwardJet(params, padded, xo, y, 1, rows, shape, {} as never);
              expect(Array.from(y.subarray(1))).toEqual(Array.from(yRef));
              const g = g0.slice();
              const gx = new Float64Array(R * P);
              layer.backwardJet(params, padded, xo, gy, gx, g, rows, shape, {} as never);
              expect(Array.from(g)).toEqual(Array.from(ref.g));
              expect(Array.from(gx)).toEqual(Array.from(ref.gx));
              cases++;
            }
    expect(cases).toBe(3 * 3 * 2 * 4 * 2);
  });

  it("honours input and output offsets", () => {
    const rng = new Rng(11);
    const P = 6;
    const Q = 3;
    const rows = 5;
    const layer = new LinearLayer({ nIn: P, nOut: Q, bias: true });
    const params = randomArray(rng, layer.paramCount);
    const x = randomArray(rng, rows * P);
    const padded = new Float64Array(3 + rows * P);
    padded.set(x, 3);
    const y = new Float64Array(2 + rows * Q);
    layer.forward(params, padded, 3, y, 2, rows);
    expect(Array.from(y.subarray(2))).toEqual(Array.from(plainForward(P, Q, true, params, x, rows)));
    expect(y[0]).toBe(0);
    expect(y[1]).toBe(0);
  });
});
