/**
 * Thread pool: results bit-identical to one thread for any thread count (plain and jet losses, both
 * bases, input gradients, one-sided kinks, attention weights, residual outputs), and clean fallbacks,
 * with the WASM kernels and with the JS kernels (and the same bits on both).
 * Runs on the built worker (dist/), so `npm run build` must precede it (npm test does).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setWasmOverride, wasmSupported } from "../../dist/layers/wasm/kernels.js";
import { KAN } from "../../dist/model/kan.js";
import { mseLoss } from "../../dist/model/losses.js";
import { Network } from "../../dist/model/network.js";
import { ThreadPool } from "../../dist/node/threads.js";
import { boundaryPoints, box, gridPoints, PdeProblem } from "../../dist/problems/pde/index.js";
import { type JetTerm, jetTermScratch, sumJetTerms } from "../../dist/problems/pde/jet-terms.js";
import { jetTermLoss, residual } from "../../dist/problems/residual.js";
import { Rng } from "../../dist/util/random.js";

const pools: ThreadPool[] = [];
afterAll(() => {
  for (const p of pools) p.close();
  Network.defaultRunner = null;
  setWasmOverride(null);
});

function pool(threads: number): ThreadPool {
  const p = new ThreadPool({ threads, minWork: 0 });
  pools.push(p);
  return p;
}

function same(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/** Results of every backend's run of a test, compared across backends at the end. */
const byBackend = new Map<string, Float64Array[]>();
function record(key: string, ...arrays: Float64Array[]): void {
  const prev = byBackend.get(key);
  if (!prev) byBackend.set(key, arrays);
  else
    for (const [i, a] of arrays.entries())
      expect(same(a, prev[i]), `${key} #${i} across backends`).toBe(true);
}

const backends = wasmSupported() ? ([true, false] as const) : ([false] as const);

describe.each(backends.map((wasm) => ({ wasm, name: wasm ? "wasm-simd" : "js" })))(
  "thread pool ($name kernels)",
  ({ wasm, name }) => {
    const p2 = pool(2);
    const p3 = pool(3);
    beforeAll(() => setWasmOverride(wasm));
    afterAll(() => setWasmOverride(null));

    it("plain gradients (spline and ReLU bases, input gradients) are bit-identical for 1, 2 and 3 threads", () => {
      const rng = new Rng(1);
      for (const basis of ["spline", "relu"] as const) {
        const net = new KAN({ width: [3, 6, 4, 1], grid: 7, basis, seed: 3 });
        expect(net.backend).toBe(name);
        const n = 1000;
        const x = rng.fillUniform(new Float64Array(n * 3), -1.2, 1.2);
        const t = rng.fillNormal(new Float64Array(n));
        const loss = mseLoss(t, n, 1);
        const results = [null, p2, p3].map((runner) => {
          net.runner = runner;
          const g = new Float64Array(net.paramCount);
          const gx = new Float64Array(n * 3);
          const l = net.gradient(x, n, loss, g, gx);
          return { l, g, gx };
        });
        for (const r of results.slice(1)) {
          expect(r.l).toBe(results[0].l);
          expect(same(r.g, results[0].g)).toBe(true);
          expect(same(r.gx, results[0].gx)).toBe(true);
        }
        record(`plain ${basis}`, Float64Array.of(results[0].l), results[0].g, results[0].gx);
      }
    });

    it("free-knot gradients (knots per layer, input and edge; both bases) are bit-identical for 1, 2 and 3 threads", () => {
      const rng = new Rng(2);
      for (const basis of ["spline", "relu"] as const) {
        for (const share of ["layer", "input", "edge"] as const) {
          const spec = (nIn: number, nOut: number) => ({
            type: "free-spline" as const,
            nIn,
            nOut,
            order: 4,
            grid: 6,
            domain: [-1, 1] as [number, number],
            basis,
            share,
          });
          const net = new Network({ layers: [spec(2, 4), spec(4, 1)], seed: 5 });
          for (let i = 0; i < net.paramCount; i++) net.params[i] += 0.3 * rng.normal(); // non-uniform knots
          const n = 700;
          const x = rng.fillUniform(new Float64Array(n * 2), -1.2, 1.2);
          const t = rng.fillNormal(new Float64Array(n));
          const loss = mseLoss(t, n, 1);
          const results = [null, p2, p3].map((runner) => {
            net.runner = runner;
            const g = new Float64Array(net.paramCount);
            const l = net.gradient(x, n, loss, g);
            return { l, g };
          });
          for (const r of results.slice(1)) {
            expect(r.l).toBe(results[0].l);
            expect(same(r.g, results[0].g)).toBe(true);
          }
        }
      }
    });

    it("jet gradients with sides, point weights and residual outputs are bit-identical", () => {
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
            nOut: 5,
            order: 4,
            grid: 6,
            domain: [-1, 1],
            basis: "spline",
            initStd: 0.4,
          },
          {
            type: "spline",
            nIn: 5,
            nOut: 1,
            order: 4,
            grid: 6,
            domain: [-1, 1],
            basis: "spline",
            initStd: 0.4,
          },
        ],
        seed: 5,
      });
      expect(net.backend).toBe(name);
      const rng = new Rng(2);
      const n = 900;
      const x = rng.fillUniform(new Float64Array(2 * n), -1, 1);
      for (let s = 0; s < n; s += 7) x[2 * s] = 0;
      const sides = Int8Array.from({ length: n }, (_, s) => (s % 2 === 0 ? -1 : 1));
      const f = rng.fillNormal(new Float64Array(n));
      const shape = net.jetShape({
        pairs: [
          [0, 0],
          [1, 1],
          [0, 1],
        ],
      });
      const e = residual(shape);
      const lam = rng.fillUniform(new Float64Array(n), 0.5, 2);
      const outs: Float64Array[] = [];
      const results = [null, p2, p3].map((runner) => {
        const out = new Float64Array(n);
        outs.push(out);
        const loss = jetTermLoss({
          shape,
          nOut: 1,
          n,
          residual: e
            .d2(0, 0)
            .add(e.d2(1, 1))
            .add(e.u().mul(e.d2(0, 1)))
            .sub(e.data(f)),
          pointWeights: lam,
          residualOut: out,
        });
        net.runner = runner;
        const g = new Float64Array(net.paramCount);
        const l = net.jetGradient(x, n, shape, loss, g, { sides });
        // A second step after the caller changed the attention weights must see the new weights.
        const lam0 = lam[0];
        lam[0] = 1.5 * lam0;
        const g2 = new Float64Array(net.paramCount);
        const l2 = net.jetGradient(x, n, shape, loss, g2, { sides });
        lam[0] = lam0;
        return { l, g, l2, g2 };
      });
      for (const [i, r] of results.entries()) {
        expect(r.l).toBe(results[0].l);
        expect(r.l2).toBe(results[0].l2);
        expect(r.l2).not.toBe(r.l);
        expect(
          same(r.g, results[0].g),
          `runner ${i}: ${r.g.findIndex((v, j) => v !== results[0].g[j])}`,
        ).toBe(true);
        expect(same(r.g2, results[0].g2)).toBe(true);
        expect(same(outs[i], outs[0])).toBe(true);
      }
      expect(outs[0].some((v) => v !== 0)).toBe(true);
      record("jet", Float64Array.of(results[0].l, results[0].l2), results[0].g, results[0].g2, outs[0]);
    });

    it("a PINN-shaped jet gradient (full Hessian of a 2-input KAN) is bit-identical for 1, 2 and 3 threads", () => {
      const net = new KAN({ width: [2, 9, 5, 1], grid: 6, seed: 4, initStd: 0.5 });
      expect(net.backend).toBe(name);
      const rng = new Rng(8);
      const n = 700;
      const x = rng.fillUniform(new Float64Array(2 * n), -1.3, 1.3);
      const shape = net.jetShape({
        pairs: [
          [0, 0],
          [1, 1],
          [0, 1],
        ],
      });
      const e = residual(shape);
      const loss = jetTermLoss({
        shape,
        nOut: 1,
        n,
        residual: e
          .d2(0, 0)
          .add(e.d2(1, 1))
          .add(e.d(0).mul(e.d2(0, 1)))
          .sub(e.u()),
      });
      const results = [null, p2, p3].map((runner) => {
        net.runner = runner;
        const g = new Float64Array(net.paramCount);
        return { l: net.jetGradient(x, n, shape, loss, g), g };
      });
      for (const r of results.slice(1)) {
        expect(r.l).toBe(results[0].l);
        expect(same(r.g, results[0].g)).toBe(true);
      }
      record("pinn", Float64Array.of(results[0].l), results[0].g);
    });

    it("meanwhile: a term sum with the small terms evaluated while the workers compute the large one has the bits of one thread; an error in it leaves the pool usable", () => {
      const net = new KAN({ width: [2, 5, 5, 1], grid: 4, seed: 2, initStd: 0.3 });
      const rng = new Rng(12);
      const shape = net.jetShape({ dims: [0, 1], pairs: [[0, 0]] });
      const val = net.jetShape({ dims: [0], pairs: [] });
      const term = (name: string, n: number, sh: typeof shape, weighted: boolean): JetTerm => {
        const e = residual(sh);
        const r = sh.C > 2 ? e.d(1).sub(e.d2(0, 0).mul(0.01)).add(e.u().pow(3)) : e.u().sub(0.5);
        const lam = weighted ? rng.fillUniform(new Float64Array(n), 0.5, 2) : undefined;
        return {
          name,
          x: rng.fillUniform(new Float64Array(2 * n), -1, 1),
          n,
          shape: sh,
          loss: jetTermLoss({ shape: sh, nOut: 1, n, residual: r, pointWeights: lam }),
        };
      };
      // The large term is not the first: sumJetTerms still adds in term order.
      const terms = [
        term("initial", 150, val, false),
        term("residual", 3000, shape, true),
        term("edge", 90, val, false),
      ];
      const results = [null, p2, p3].map((runner) => {
        net.runner = runner;
        const g = new Float64Array(net.paramCount);
        const parts = new Float64Array(3);
        const l = sumJetTerms(net, terms, g, jetTermScratch(), parts);
        return { l, g, parts };
      });
      for (const r of results.slice(1)) {
        expect(r.l).toBe(results[0].l);
        expect(Array.from(r.parts)).toEqual(Array.from(results[0].parts));
        expect(same(r.g, results[0].g)).toBe(true);
      }
      // By hand: each term alone on one thread, summed in term order.
      net.runner = null;
      const gHand = new Float64Array(net.paramCount);
      let lHand = 0;
      for (const t of terms) {
        const gt = new Float64Array(net.paramCount);
        lHand += net.jetGradient(t.x, t.n, t.shape, t.loss, gt);
        for (let i = 0; i < gt.length; i++) gHand[i] += gt[i];
      }
      expect(results[0].l).toBe(lHand);
      expect(same(results[0].g, gHand)).toBe(true);
      record("meanwhile", Float64Array.of(lHand), gHand);

      // meanwhile runs once, on this thread, whether the pool accepts the evaluation or declines it.
      const big = terms[1];
      for (const runner of [p2, null]) {
        net.runner = runner;
        let calls = 0;
        const g = new Float64Array(net.paramCount);
        const inner = new Float64Array(net.paramCount);
        const l = net.jetGradient(big.x, big.n, big.shape, big.loss, g, {
          meanwhile: () => {
            calls++;
            // The same network on other points, while the pool is busy with this evaluation.
            net.jetGradient(big.x, big.n, big.shape, big.loss, inner);
          },
        });
        expect(calls).toBe(1);
        expect(l).toBe(results[0].parts[1]);
        expect(same(inner, g)).toBe(true);
      }
      // An error in meanwhile propagates after the workers finished; the pool then works as before.
      net.runner = p2;
      const g = new Float64Array(net.paramCount);
      expect(() =>
        net.jetGradient(big.x, big.n, big.shape, big.loss, g, {
          meanwhile: () => {
            throw new Error("boom in meanwhile");
          },
        }),
      ).toThrow(/boom in meanwhile/);
      const again = new Float64Array(net.paramCount);
      expect(sumJetTerms(net, terms, again, jetTermScratch())).toBe(results[0].l);
      expect(same(again, results[0].g)).toBe(true);
      net.runner = undefined;
    });

    it("PdeProblem: the large term evaluated with the others as its meanwhile gives the bits of one thread and of the terms one by one", () => {
      const sq = box([
        [-1, 1],
        [-1, 1],
      ]);
      // The boundary term comes first, the large residual term second.
      const problem = new PdeProblem({
        name: "poisson",
        domain: sq,
        terms: [
          { name: "boundary", points: boundaryPoints(sq, 40), residual: (e) => e.u().sub(0.25) },
          {
            name: "pde",
            points: gridPoints(sq, 45),
            jet: {
              pairs: [
                [0, 0],
                [1, 1],
              ],
            },
            weight: 0.01,
            rba: { mu: 1e-3 },
            residual: (e, p) =>
              e
                .d2(0, 0)
                .add(e.d2(1, 1))
                .sub(p.fn((x) => Math.sin(3 * x[0]) * x[1])),
          },
          { name: "corner", points: gridPoints(sq, 3), residual: (e) => e.d(0) },
        ],
      });
      const net = new KAN({ width: [2, 6, 1], grid: 5, seed: 9, initStd: 0.3 });
      const results = [null, p2, p3].map((runner) => {
        net.runner = runner;
        const g = new Float64Array(net.paramCount);
        return { l: problem.lossAndGradient(net, g), g };
      });
      for (const r of results.slice(1)) {
        expect(r.l).toBe(results[0].l);
        expect(same(r.g, results[0].g)).toBe(true);
      }
      // By hand: the terms' losses one by one (termLosses), the gradient g_0 + g_1 + g_2.
      net.runner = null;
      const parts = problem.termLosses(net);
      expect(results[0].l).toBe(0 + parts.boundary + parts.pde + parts.corner);
      net.runner = undefined;
    });

    it("refined networks get new replicas; the default runner applies to every network", () => {
      const net = new KAN({ width: [2, 4, 1], grid: 5, seed: 7 });
      const n = 800;
      const rng = new Rng(3);
      const x = rng.fillUniform(new Float64Array(2 * n), -1, 1);
      const loss = mseLoss(rng.fillNormal(new Float64Array(n)), n, 1);
      Network.defaultRunner = p2;
      const fine = net.refine(10);
      expect(fine.backend).toBe(name);
      const g = new Float64Array(fine.paramCount);
      const threaded = fine.gradient(x, n, loss, g);
      fine.runner = null;
      const g1 = new Float64Array(fine.paramCount);
      expect(fine.gradient(x, n, loss, g1)).toBe(threaded);
      expect(same(g, g1)).toBe(true);
      Network.defaultRunner = null;
    });

    it("declines small batches and losses it cannot rebuild (the network then computes on one thread)", () => {
      const net = new KAN({ width: [2, 3, 1], grid: 4, seed: 1 });
      const x = new Rng(4).fillUniform(new Float64Array(2 * 64), -1, 1);
      const t = new Float64Array(64);
      expect(p2.gradient(net, x, 64, mseLoss(t, 64, 1), new Float64Array(net.paramCount))).toBeNull();
      const custom = (y: Float64Array, gy: Float64Array, _s: number, rows: number) => {
        for (let k = 0; k < rows; k++) gy[k] = 2 * y[k];
        return 0;
      };
      const big = new Rng(5).fillUniform(new Float64Array(2 * 2000), -1, 1);
      expect(p2.gradient(net, big, 2000, custom, new Float64Array(net.paramCount))).toBeNull();
      const small = new ThreadPool({ threads: 2 });
      pools.push(small);
      expect(
        small.gradient(
          net,
          big,
          2000,
          mseLoss(new Float64Array(2000), 2000, 1),
          new Float64Array(net.paramCount),
        ),
      ).toBeNull();
      expect(() => new ThreadPool({ threads: 0 })).toThrow(/threads must be an integer in \[1, 8\], got 0/);
    });

    it("a closed pool declines", () => {
      const p = pool(2);
      p.close();
      const net = new KAN({ width: [2, 3, 1], grid: 4, seed: 1 });
      const x = new Rng(6).fillUniform(new Float64Array(2 * 1000), -1, 1);
      expect(
        p.gradient(net, x, 1000, mseLoss(new Float64Array(1000), 1000, 1), new Float64Array(net.paramCount)),
      ).toBeNull();
    });
  },
);
