import { describe, expect, it } from "vitest";
import { allenCahnReference } from "../../../../src/problems/pde/reference/allen-cahn.js";
import { fft } from "../../../../src/problems/pde/reference/fft.js";
import { Rng } from "../../../../src/util/random.js";

describe("radix-2 FFT", () => {
  it("matches a naive DFT and inverts exactly", () => {
    const rng = new Rng(7);
    for (const n of [1, 2, 8, 64]) {
      const re = Float64Array.from({ length: n }, () => rng.normal());
      const im = Float64Array.from({ length: n }, () => rng.normal());
      const r0 = re.slice();
      const i0 = im.slice();
      fft(re, im);
      for (let k = 0; k < n; k++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          const a = (-2 * Math.PI * j * k) / n;
          sr += r0[j] * Math.cos(a) - i0[j] * Math.sin(a);
          si += r0[j] * Math.sin(a) + i0[j] * Math.cos(a);
        }
        expect(Math.abs(re[k] - sr)).toBeLessThan(1e-12 * n);
        expect(Math.abs(im[k] - si)).toBeLessThan(1e-12 * n);
      }
      fft(re, im, true);
      for (let j = 0; j < n; j++) {
        expect(Math.abs(re[j] - r0[j])).toBeLessThan(1e-14 * n + 1e-15);
        expect(Math.abs(im[j] - i0[j])).toBeLessThan(1e-14 * n + 1e-15);
      }
    }
  });
  it("rejects lengths that are not powers of two", () => {
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow(/power of two, got 6/);
    expect(() => fft(new Float64Array(4), new Float64Array(2))).toThrow(/differ/);
  });
});

function maxDiff(
  a: ReturnType<typeof allenCahnReference>,
  b: ReturnType<typeof allenCahnReference>,
  rows: number[],
): number {
  let m = 0;
  for (const j of rows)
    for (let i = 0; i < 400; i++) {
      const x = -1 + i / 200 + 0.00123; // off both grids
      m = Math.max(m, Math.abs(a.interpolate(x, j) - b.interpolate(x, j)));
    }
  return m;
}

describe("Allen-Cahn ETDRK4 reference", () => {
  it("starts at x^2 cos(pi x), stays even and within [-1, 1], interpolates its own grid", () => {
    const s = allenCahnReference({ n: 256, dt: 1e-2, nt: 11 });
    expect(s.x.length).toBe(256);
    expect(s.t[10]).toBe(1);
    for (let i = 0; i < 256; i++) expect(s.u[i]).toBe(s.x[i] ** 2 * Math.cos(Math.PI * s.x[i]));
    for (let j = 0; j < 11; j++) {
      for (let i = 1; i < 128; i++)
        expect(Math.abs(s.u[j * 256 + i] - s.u[j * 256 + 256 - i])).toBeLessThan(1e-12);
      for (let i = 0; i < 256; i += 17) expect(s.interpolate(s.x[i], j)).toBeCloseTo(s.u[j * 256 + i], 12);
    }
    for (const v of s.u) expect(Math.abs(v)).toBeLessThan(1 + 1e-6);
    // The u = +-1 attractors: at t = 1 the field sits at -1 near x = +-1 and near +1 around x = +-0.3.
    expect(s.interpolate(1, 10)).toBeCloseTo(-1, 3);
  });

  it("satisfies u_t = eps u_xx + 5u - 5u^3 (central differences in t, spectral u_xx)", () => {
    const eps = 1e-4;
    const n = 512;
    const s = allenCahnReference({ n, dt: 1e-3, tEnd: 0.202, nt: 102, eps });
    // rows 99, 100, 101 are t = 0.198, 0.2, 0.202
    const dt = s.t[101] - s.t[99];
    let worst = 0;
    for (let i = 0; i < n; i += 8) {
      const xi = s.x[i];
      const h = 1e-3;
      const u = s.u[100 * n + i];
      const uxx = (s.interpolate(xi + h, 100) - 2 * u + s.interpolate(xi - h, 100)) / (h * h);
      const ut = (s.u[101 * n + i] - s.u[99 * n + i]) / dt;
      worst = Math.max(worst, Math.abs(ut - (eps * uxx + 5 * u - 5 * u ** 3)));
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it("converges at fourth order in time", () => {
    const runs = [0.05, 0.025, 0.0125].map((dt) => allenCahnReference({ n: 256, dt, nt: 3 }));
    const d1 = maxDiff(runs[0], runs[1], [1, 2]);
    const d2 = maxDiff(runs[1], runs[2], [1, 2]);
    expect(d1 / d2).toBeGreaterThan(10); // 2^4 = 16 asymptotically
    expect(d2).toBeLessThan(2e-5);
  }, 60_000);

  it("converges in space: n = 2048 (the default) and 4096 agree to 1e-4 off the grid", () => {
    // dt = 4e-3 keeps the time error near 1e-8 (fourth order) at a quarter of the default's cost.
    const a = allenCahnReference({ n: 1024, nt: 3, dt: 4e-3 });
    const b = allenCahnReference({ nt: 3, dt: 4e-3 });
    const c = allenCahnReference({ n: 4096, nt: 3, dt: 4e-3 });
    const d1 = maxDiff(a, b, [2]);
    const d2 = maxDiff(b, c, [2]);
    expect(d2).toBeLessThan(1e-4);
    expect(d1 / d2).toBeGreaterThan(3);
  }, 60_000);

  it("rejects bad options with the value named", () => {
    expect(() => allenCahnReference({ n: 100 })).toThrow(/power of two, got 100/);
    expect(() => allenCahnReference({ eps: -1 })).toThrow(/eps/);
    expect(() => allenCahnReference({ nt: 1 })).toThrow(/nt/);
  });
});
