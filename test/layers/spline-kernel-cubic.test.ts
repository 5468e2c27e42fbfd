/**
 * The fused uniform-cubic kernels must give exactly the bits of the generic kernels (which go through
 * `evalBasisAt`), inside and outside the domain, for forward and backward.
 */
import { describe, expect, it } from "vitest";
import { jetShape } from "../../src/layers/jet.js";
import {
  splineBackwardGeneric,
  splineForwardGeneric,
  splineJetBackwardGeneric,
  splineJetForwardGeneric,
} from "../../src/layers/spline-kernel.js";
import {
  cubicBackward,
  cubicForward,
  cubicJetBackward,
  cubicJetForward,
} from "../../src/layers/spline-kernel-cubic.js";
import { uniformKnots } from "../../src/spline/knots.js";
import { Rng } from "../../src/util/random.js";

describe("fused cubic kernels", () => {
  it("equal the generic kernels bit for bit", () => {
    for (const [P, Q, G] of [
      [3, 5, 7],
      [1, 1, 1],
      [4, 17, 32],
    ]) {
      const kv = uniformKnots([-1, 2], G, 4);
      const N = G + 3;
      const rng = new Rng(P * 100 + Q);
      const rows = 50;
      const coef = rng.fillNormal(new Float64Array(P * N * Q));
      const x = rng.fillUniform(new Float64Array(rows * P), -2.5, 3.5);
      x[0] = -1;
      x[1] = 2;
      x[2] = 0.5;
      const y1 = new Float64Array(rows * Q);
      const y2 = new Float64Array(rows * Q);
      cubicForward({ kv, P, Q, coef, coff: 0, x, xo: 0, y: y1, yo: 0, rows, scratch: new Float64Array(0) });
      splineForwardGeneric({
        kv,
        P,
        Q,
        coef,
        coff: 0,
        x,
        xo: 0,
        y: y2,
        yo: 0,
        rows,
        scratch: new Float64Array(64),
      });
      expect(Array.from(y1)).toEqual(Array.from(y2));
      const gy = rng.fillNormal(new Float64Array(rows * Q));
      const g1 = new Float64Array(coef.length);
      const g2 = new Float64Array(coef.length);
      const gx1 = new Float64Array(rows * P);
      const gx2 = new Float64Array(rows * P);
      cubicBackward({
        kv,
        P,
        Q,
        coef,
        coff: 0,
        x,
        xo: 0,
        gy,
        gx: gx1,
        g: g1,
        goff: 0,
        rows,
        scratch: new Float64Array(0),
      });
      splineBackwardGeneric({
        kv,
        P,
        Q,
        coef,
        coff: 0,
        x,
        xo: 0,
        gy,
        gx: gx2,
        g: g2,
        goff: 0,
        rows,
        scratch: new Float64Array(64),
      });
      expect(Array.from(g1)).toEqual(Array.from(g2));
      expect(Array.from(gx1)).toEqual(Array.from(gx2));
    }
  });

  it("jet kernels equal the generic jet kernels bit for bit (mixed pairs, outside points)", () => {
    for (const [P, Q, G] of [
      [2, 3, 5],
      [3, 8, 16],
    ]) {
      const kv = uniformKnots([-1, 1], G, 4);
      const N = G + 3;
      const shape = jetShape(
        {
          pairs: [
            [0, 0],
            [1, 1],
            [0, 1],
          ],
        },
        2,
      );
      const { C } = shape;
      const rng = new Rng(P + Q + G);
      const rows = 40;
      const coef = rng.fillNormal(new Float64Array(P * N * Q));
      const x = rng.fillUniform(new Float64Array(rows * C * P), -1.5, 1.5);
      const sc = () => new Float64Array(64);
      const q4 = () => [0, 1, 2, 3].map(() => new Float64Array(Q));
      const y1 = new Float64Array(rows * C * Q);
      const y2 = new Float64Array(rows * C * Q);
      const [f1, f2] = q4();
      cubicJetForward({
        kv,
        P,
        Q,
        coef,
        coff: 0,
        x,
        xo: 0,
        y: y1,
        yo: 0,
        rows,
        shape,
        scratch: sc(),
        f1,
        f2,
      });
      splineJetForwardGeneric({
        kv,
        P,
        Q,
        coef,
        coff: 0,
        x,
        xo: 0,
        y: y2,
        yo: 0,
        rows,
        shape,
        scratch: sc(),
        f1,
        f2,
      });
      expect(Array.from(y1)).toEqual(Array.from(y2));
      const gy = rng.fillNormal(new Float64Array(rows * C * Q));
      const g1 = new Float64Array(coef.length);
      const g2 = new Float64Array(coef.length);
      const gx1 = new Float64Array(rows * C * P);
      const gx2 = new Float64Array(rows * C * P);
      const [b1, b2, b3, b4] = q4();
      cubicJetBackward({
        kv,
        P,
        Q,
        coef,
        coff: 0,
        x,
        xo: 0,
        gy,
        gx: gx1,
        g: g1,
        goff: 0,
        rows,
        shape,
        scratch: sc(),
        f1: b1,
        f2: b2,
        a1: b3,
        a2: b4,
      });
      splineJetBackwardGeneric({
        kv,
        P,
        Q,
        coef,
        coff: 0,
        x,
        xo: 0,
        gy,
        gx: gx2,
        g: g2,
        goff: 0,
        rows,
        shape,
        scratch: sc(),
        f1: b1,
        f2: b2,
        a1: b3,
        a2: b4,
      });
      expect(Array.from(g1)).toEqual(Array.from(g2));
      expect(Array.from(gx1)).toEqual(Array.from(gx2));
    }
  });
});
