import { describe, expect, it } from "vitest";
import { jetShape } from "../../src/layers/jet.js";
import { KAN } from "../../src/model/kan.js";
import { Network } from "../../src/model/network.js";
import { jetTermLoss, residual } from "../../src/problems/residual.js";
import { Rng } from "../../src/util/random.js";
import { centralDiff4, gradientError } from "../helpers/gradcheck.js";

describe("residual expressions", () => {
  it("every operation's adjoint matches finite differences of the term with respect to jet entries", () => {
    const shape = jetShape(
      {
        pairs: [
          [0, 0],
          [0, 1],
        ],
      },
      2,
    ); // C = 6
    const nOut = 2;
    const e = residual(shape, nOut);
    const data = Float64Array.of(0.3, -0.7, 1.1);
    const r = e
      .u(0)
      .mul(e.d(1, 1))
      .add(e.d2(0, 0).sin())
      .sub(e.d2(1, 0, 1).cos().mul(2))
      .add(e.u(1).exp().div(e.d(0).square().add(1)))
      .add(e.u(0).tanh().pow(3))
      .sub(e.data(data))
      .neg()
      .add(e.c(0.25));
    const n = 3;
    const loss = jetTermLoss({ shape, nOut, n, residual: r, weight: 0.7 });
    const rng = new Rng(1);
    const jet = rng.fillNormal(new Float64Array(n * shape.C * nOut), 0, 0.5);
    const g = new Float64Array(jet.length);
    loss(jet, g, 0, n);
    const err = gradientError(g, jet, () => loss(jet, new Float64Array(jet.length), 0, n));
    expect(err).toBeLessThanOrEqual(1e-8);
    // Entries the residual does not use get zero gradient.
    expect(g[2 * nOut + 0]).toBe(0);
  });

  it("compiles only what the residual depends on (other expressions on the same builder are ignored)", () => {
    const shape = jetShape({ pairs: [] }, 1);
    const e = residual(shape);
    const unrelated = e.u(0, 3).mul(e.data([1]));
    const r = e.u().add(2);
    expect(unrelated).toBeDefined();
    const g = new Float64Array(4);
    expect(
      jetTermLoss({ shape, nOut: 1, n: 2, residual: r, reduce: "sum" })(
        Float64Array.of(1, 0, -2, 0),
        g,
        0,
        2,
      ),
    ).toBe(9);
  });

  it("mean vs sum, term weight, point weights and residual output", () => {
    const shape = jetShape({ pairs: [] }, 1);
    const e = residual(shape);
    const r = e.u().sub(1);
    const jet = Float64Array.of(3, 0, 2, 0); // u = 3, 2 -> r = 2, 1
    const g = new Float64Array(4);
    expect(jetTermLoss({ shape, nOut: 1, n: 2, residual: r })(jet, g, 0, 2)).toBeCloseTo((4 + 1) / 2, 15);
    expect(
      jetTermLoss({ shape, nOut: 1, n: 2, residual: r, reduce: "sum", weight: 3 })(jet, g, 0, 2),
    ).toBeCloseTo(15, 14);
    const out = new Float64Array(2);
    const lam = Float64Array.of(0.5, 2);
    const v = jetTermLoss({ shape, nOut: 1, n: 2, residual: r, pointWeights: lam, residualOut: out })(
      jet,
      g,
      0,
      2,
    );
    expect(v).toBeCloseTo((1 + 4) / 2, 15);
    expect(Array.from(out)).toEqual([2, 1]);
    expect(g[0]).toBeCloseTo((2 * 0.25 * 2) / 2, 15);
  });

  it("the tape equals the residual written by hand, bit for bit, whatever the block size", () => {
    // Allen-Cahn: r = u_t - D u_xx + 5 u^3 - 5 u with RBA weights, on dims (x, t), pair (x, x): C = 4.
    const shape = jetShape({ dims: [0, 1], pairs: [[0, 0]] }, 2);
    const D = 1e-4;
    const e = residual(shape);
    const r = e.d(1).sub(e.d2(0, 0).mul(D)).add(e.u().pow(3).mul(5)).sub(e.u().mul(5));
    const n = 200; // three full blocks of 64 and a partial one of 8
    const rng = new Rng(7);
    const jet = rng.fillNormal(new Float64Array(n * shape.C), 0, 1);
    const lam = rng.fillUniform(new Float64Array(n), 0.5, 2);
    const out = new Float64Array(n);
    const loss = jetTermLoss({ shape, nOut: 1, n, residual: r, pointWeights: lam, residualOut: out });
    // By hand, in the tape's order of operations.
    const scale = 1 / n;
    const gHand = new Float64Array(jet.length);
    let sumHand = 0;
    for (let i = 0; i < n; i++) {
      const [u, , ut, uxx] = jet.subarray(4 * i, 4 * i + 4);
      const res = ut - uxx * D + u ** 3 * 5 - u * 5;
      const lr = lam[i] * res;
      sumHand += lr * lr;
      const g = 2 * scale * lam[i] * lr;
      // The tape's reverse order: - u * 5 first, then (u^3) * 5, then - u_xx D, then u_t.
      let gu = -g * 5;
      gu += g * 5 * 3 * u ** 2;
      gHand[4 * i] = gu;
      gHand[4 * i + 3] = -g * D;
      gHand[4 * i + 2] = g;
    }
    const blocks = [
      [0, n],
      [0, 64, 128, 192, n],
      [0, 8, 72, 136, 200],
    ];
    for (const cuts of blocks) {
      const g = new Float64Array(jet.length);
      let sum = 0;
      for (let b = 0; b + 1 < cuts.length; b++) {
        const [a, z] = [cuts[b], cuts[b + 1]];
        sum += loss(jet.subarray(a * 4), g.subarray(a * 4), a, z - a);
      }
      for (let i = 0; i < n; i++) {
        const [u, , ut, uxx] = jet.subarray(4 * i, 4 * i + 4);
        expect(out[i]).toBe(ut - uxx * D + u ** 3 * 5 - u * 5);
      }
      expect(g).toEqual(gHand);
      // Block sums add in another order: equal up to rounding.
      expect(Math.abs(sum - scale * sumHand)).toBeLessThanOrEqual(1e-14 * scale * sumHand);
    }
    // One call over all rows sums in the same order as the hand loop.
    expect(loss(jet, new Float64Array(jet.length), 0, n)).toBe(scale * sumHand);
  });

  it("the compiled tape gives the interpreter's bits: every operation, groups, weights, zero and non-finite values", () => {
    const shape = jetShape(
      {
        pairs: [
          [0, 0],
          [0, 1],
        ],
      },
      2,
    ); // C = 5
    const nOut = 2;
    const n = 130; // two full blocks and a partial one
    const rng = new Rng(11);
    const data = rng.fillNormal(new Float64Array(2 * n), 0, 1);
    const build = (e: ReturnType<typeof residual>, at: number) =>
      e
        .u(0, at)
        .mul(e.d(1, 1, at))
        .add(e.d2(0, 0, 0, at).sin())
        .sub(e.d2(0, 1, 1, at).cos().mul(2))
        .add(
          e
            .u(1, at)
            .exp()
            .div(e.d(0, 0, at).square().add(1)),
        )
        .add(e.u(0, at).tanh().pow(3))
        .add(e.u(1, at).pow(0))
        .sub(e.data(data, 2, 1))
        .add(e.u(0, at).mul(0))
        // 1 / exp(+Inf) = 0: the exp node's adjoint is 0 while its value is Inf (0 * Inf would be NaN)
        .add(e.c(1).div(e.d(0, 1, at).exp()))
        .neg()
        .add(e.c(0.25));
    for (const group of [1, 2]) {
      const e = residual(shape, nOut);
      const r = group === 1 ? build(e, 0) : build(e, 0).sub(build(e, 1).mul(0.5));
      const count = n / group;
      const lam = rng.fillUniform(new Float64Array(count), 0.5, 2);
      for (const weighted of [false, true]) {
        const outs = [new Float64Array(count), new Float64Array(count)];
        const [interp, compiled] = (["interpreted", "compiled"] as const).map((tape, k) =>
          jetTermLoss({
            shape,
            nOut,
            n,
            residual: r,
            group,
            weight: 0.3,
            pointWeights: weighted ? lam : undefined,
            residualOut: outs[k],
            tape,
          }),
        );
        expect(compiled.toString()).toContain("compiledTermLoss");
        expect(interp.toString()).not.toContain("compiledTermLoss");
        const jet = rng.fillNormal(new Float64Array(n * shape.C * nOut), 0, 0.7);
        jet[3] = 0;
        jet[5 * nOut + 1] = Number.NaN; // a non-finite residual in the first block
        jet[77 * shape.C * nOut] = Number.POSITIVE_INFINITY;
        jet[90 * shape.C * nOut + nOut + 1] = Number.POSITIVE_INFINITY; // d(0) of output 1, row 90
        const gs = [new Float64Array(jet.length), new Float64Array(jet.length)];
        const losses: number[][] = [[], []];
        for (const [k, f] of [interp, compiled].entries()) {
          for (let start = 0; start < n; start += 64) {
            const rows = Math.min(64, n - start);
            const at = start * shape.C * nOut;
            losses[k].push(f(jet.subarray(at), gs[k].subarray(at), start, rows));
          }
        }
        expect(losses[1]).toEqual(losses[0]);
        expect(Array.from(gs[1], (v) => (Object.is(v, -0) ? "-0" : v))).toEqual(
          Array.from(gs[0], (v) => (Object.is(v, -0) ? "-0" : v)),
        );
        expect(Array.from(outs[1])).toEqual(Array.from(outs[0]));
        expect(gs[0].some((v) => Number.isNaN(v))).toBe(true);
        expect(gs[0].some((v) => Number.isFinite(v) && v !== 0)).toBe(true);
        // Row 90 keeps a finite gradient (the skipped zero adjoint), and its Inf entry gets 0.
        const row90 = gs[0].subarray(90 * shape.C * nOut, 91 * shape.C * nOut);
        expect(row90.every((v) => Number.isFinite(v))).toBe(true);
      }
    }
    expect(() =>
      jetTermLoss({ shape, nOut, n: 4, residual: residual(shape, nOut).u(), tape: "jit" as never }),
    ).toThrow(/tape must be "compiled" or "interpreted", got "jit"/);
  });

  it("the compiled tape holds no number of the residual in its text (constants and data are closure values)", () => {
    const shape = jetShape({ pairs: [] }, 1);
    const e = residual(shape);
    const f = jetTermLoss({
      shape,
      nOut: 1,
      n: 2,
      residual: e
        .u()
        .mul(123.456)
        .sub(e.data([789.5, 1]).pow(3)),
      tape: "compiled",
    });
    const text = f.toString();
    expect(text).toContain("compiledTermLoss");
    expect(text).not.toMatch(/123\.456|789\.5/);
    const g = new Float64Array(2);
    expect(f(Float64Array.of(1, 0), g, 0, 1)).toBe((123.456 - 789.5 ** 3) ** 2 / 2);
  });

  it("rejects bad use with clear messages", () => {
    const shape = jetShape({ pairs: [[0, 0]] }, 2);
    const e = residual(shape);
    expect(() => e.d2(0, 1)).toThrow(/second derivative \(0, 1\) is not among the jet's pairs/);
    expect(() => e.d(2)).toThrow(/derivative index must be an integer in \[0, 1\], got 2/);
    expect(() => e.u(1)).toThrow(/output index must be an integer in \[0, 0\], got 1/);
    expect(() => e.u().add(residual(shape).u())).toThrow(/different residuals/);
    expect(() => jetTermLoss({ shape, nOut: 1, n: 5, residual: e.u(), group: 2 })).toThrow(
      /not a multiple of the group size 2/,
    );
    expect(() => jetTermLoss({ shape, nOut: 1, n: 6, residual: e.u(), group: 3 })).toThrow(
      /group must divide 64/,
    );
    expect(() => jetTermLoss({ shape, nOut: 1, n: 4, residual: e.u(0, 1) })).toThrow(
      /uses row 1 of a group of 1/,
    );
    expect(() => jetTermLoss({ shape, nOut: 1, n: 4, residual: e.data([1, 2]) })).toThrow(
      /data has length 2, need 4/,
    );
    expect(() => jetTermLoss({ shape, nOut: 1, n: 4, residual: e.u(), reduce: "max" as never })).toThrow(
      /reduce must be/,
    );
    expect(() => e.u().add(Number.NaN)).toThrow(/constant must be a finite number, got NaN/);
  });
});

describe("PINN losses written with the helper", () => {
  it("Poisson: mean((u_xx + u_yy - f)^2) + boundary mean(u^2); exact parameter gradient", () => {
    const net = new KAN({ width: [2, 4, 1], grid: 5, seed: 2, initStd: 0.3 });
    const rng = new Rng(2);
    const n = 60;
    const x = rng.fillUniform(new Float64Array(2 * n), -1, 1);
    const f = Float64Array.from(
      { length: n },
      (_, s) => -2 * Math.PI ** 2 * Math.sin(Math.PI * x[2 * s]) * Math.sin(Math.PI * x[2 * s + 1]),
    );
    const shape = net.jetShape({
      pairs: [
        [0, 0],
        [1, 1],
      ],
    });
    const e = residual(shape);
    const interior = jetTermLoss({
      shape,
      nOut: 1,
      n,
      residual: e.d2(0, 0).add(e.d2(1, 1)).sub(e.data(f)),
      weight: 0.01,
    });
    const nb = 16;
    const xb = new Float64Array(2 * nb);
    for (let i = 0; i < nb; i++) {
      xb[2 * i] = i % 2 === 0 ? -1 : 1;
      xb[2 * i + 1] = -1 + (2 * i) / (nb - 1);
    }
    const bshape = net.jetShape({ pairs: [] });
    const boundary = jetTermLoss({ shape: bshape, nOut: 1, n: nb, residual: residual(bshape).u() });
    const total = (grad: Float64Array) => {
      const g2 = new Float64Array(grad.length);
      const a = net.jetGradient(x, n, shape, interior, grad);
      const b = net.jetGradient(xb, nb, bshape, boundary, g2);
      for (let i = 0; i < grad.length; i++) grad[i] += g2[i];
      return a + b;
    };
    const g = new Float64Array(net.paramCount);
    total(g);
    expect(gradientError(g, net.params, () => total(new Float64Array(net.paramCount)))).toBeLessThanOrEqual(
      1e-6,
    );
  });

  it("Burgers residual via the helper equals the hand-written loss, gradient included", () => {
    const net = new Network({
      layers: [
        { type: "linear", nIn: 2, nOut: 4, bias: false },
        { type: "elementwise", width: 4, fn: "tanh", scale: 1, shift: 0 },
        {
          type: "spline",
          nIn: 4,
          nOut: 1,
          order: 4,
          grid: 5,
          domain: [-1, 1],
          basis: "spline",
          initStd: 0.3,
        },
      ],
      seed: 3,
    });
    const shape = net.jetShape({ dims: [0, 1], pairs: [[0, 0]] });
    const nu = 0.01;
    const e = residual(shape);
    const r = e
      .d(1)
      .add(e.u().mul(e.d(0)))
      .sub(e.d2(0, 0).mul(nu));
    const n = 70;
    const x = new Rng(3).fillUniform(new Float64Array(2 * n), -1, 1);
    const g = new Float64Array(net.paramCount);
    const v = net.jetGradient(x, n, shape, jetTermLoss({ shape, nOut: 1, n, residual: r }), g);
    const jets = net.jets(x, n, shape);
    let ref = 0;
    for (let s = 0; s < n; s++) {
      const j = (c: number) => jets[s * shape.C + c];
      const res = j(2) + j(0) * j(1) - nu * j(3);
      ref += (res * res) / n;
    }
    expect(Math.abs(v - ref) / ref).toBeLessThan(1e-13);
    const loss = jetTermLoss({ shape, nOut: 1, n, residual: r });
    expect(
      gradientError(g, net.params, () =>
        net.jetGradient(x, n, shape, loss, new Float64Array(net.paramCount)),
      ),
    ).toBeLessThanOrEqual(1e-6);
  });

  it("an interface flux term with grouped left/right rows", () => {
    const net = new Network({
      layers: [
        {
          type: "features",
          nIn: 2,
          features: [
            { input: 0, kind: "identity" },
            { input: 1, kind: "identity" },
            { input: 0, kind: "abs" },
          ],
        },
        {
          type: "spline",
          nIn: 3,
          nOut: 1,
          order: 4,
          grid: 4,
          domain: [-1, 1],
          basis: "spline",
          initStd: 0.4,
        },
      ],
      seed: 4,
    });
    const m = 10;
    const x = new Float64Array(4 * m);
    const sides = new Int8Array(2 * m);
    for (let i = 0; i < m; i++) {
      x[4 * i + 1] = x[4 * i + 3] = -0.9 + (1.8 * i) / (m - 1);
      sides[2 * i] = -1;
      sides[2 * i + 1] = 1;
    }
    const shape = net.jetShape({ pairs: [] });
    const e = residual(shape);
    const flux = e.d(0, 0, 0).sub(e.d(0, 0, 1).mul(0.5));
    const loss = jetTermLoss({
      shape,
      nOut: 1,
      n: 2 * m,
      residual: flux,
      group: 2,
      weight: 0.1,
      reduce: "sum",
    });
    const g = new Float64Array(net.paramCount);
    const v = net.jetGradient(x, 2 * m, shape, loss, g, { sides });
    const jets = net.jets(x, 2 * m, shape, { sides });
    let ref = 0;
    for (let i = 0; i < m; i++) {
      const rr = jets[2 * i * shape.C + 1] - 0.5 * jets[(2 * i + 1) * shape.C + 1];
      ref += 0.1 * rr * rr;
    }
    expect(Math.abs(v - ref) / ref).toBeLessThan(1e-13);
    expect(
      gradientError(g, net.params, () =>
        net.jetGradient(x, 2 * m, shape, loss, new Float64Array(net.paramCount), { sides }),
      ),
    ).toBeLessThanOrEqual(1e-6);
    expect(centralDiff4).toBeTypeOf("function");
  });
});
