import { describe, expect, it } from "vitest";
import { BurgersReference, burgersColeHopf } from "../../../../src/problems/pde/reference/burgers.js";
import { gaussHermite } from "../../../../src/problems/pde/reference/gauss-hermite.js";

/**
 * Fine finite-difference solve of u_t + (u^2/2)_x = nu u_xx on [-1, 1], u(+-1) = 0, u(x,0) = -sin(pi x):
 * second-order central differences on `cells` intervals, classical RK4 in time with a step below the
 * diffusive and advective limits. Returns u at the grid points x_i = -1 + 2i/cells at time T.
 */
function finiteDifferenceBurgers(nu: number, cells: number, T: number): Float64Array {
  const h = 2 / cells;
  const steps = Math.ceil(T / Math.min((0.2 * h * h) / nu, 0.2 * h));
  const dt = T / steps;
  const n = cells + 1;
  let u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = -Math.sin(Math.PI * (-1 + i * h));
  u[0] = 0;
  u[n - 1] = 0;
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const k4 = new Float64Array(n);
  const tmp = new Float64Array(n);
  const rhs = (v: Float64Array, out: Float64Array) => {
    out[0] = 0;
    out[n - 1] = 0;
    for (let i = 1; i < n - 1; i++) {
      const flux = (v[i + 1] * v[i + 1] - v[i - 1] * v[i - 1]) / (4 * h);
      out[i] = -flux + (nu * (v[i + 1] - 2 * v[i] + v[i - 1])) / (h * h);
    }
  };
  let next = new Float64Array(n);
  for (let s = 0; s < steps; s++) {
    rhs(u, k1);
    for (let i = 0; i < n; i++) tmp[i] = u[i] + 0.5 * dt * k1[i];
    rhs(tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = u[i] + 0.5 * dt * k2[i];
    rhs(tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = u[i] + dt * k3[i];
    rhs(tmp, k4);
    for (let i = 0; i < n; i++) next[i] = u[i] + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    [u, next] = [next, u];
  }
  return u;
}

describe("Gauss-Hermite rule", () => {
  it("integrates exp(-z^2) z^(2k) exactly up to degree 2n-1 and sums to sqrt(pi)", () => {
    for (const n of [1, 2, 5, 20, 101, 240, 400]) {
      const { nodes, weights } = gaussHermite(n);
      expect(nodes.length).toBe(n);
      for (let i = 1; i < n; i++) expect(nodes[i]).toBeGreaterThan(nodes[i - 1]);
      for (let k = 0; 2 * k <= Math.min(2 * n - 1, 40); k++) {
        // integral z^(2k) exp(-z^2) = Gamma(k + 1/2) = sqrt(pi) (2k-1)!! / 2^k
        let exact = Math.sqrt(Math.PI);
        for (let j = 1; j <= k; j++) exact *= (2 * j - 1) / 2;
        let sum = 0;
        let odd = 0;
        for (let i = 0; i < n; i++) {
          sum += weights[i] * nodes[i] ** (2 * k);
          odd += weights[i] * nodes[i] ** (2 * k + 1);
        }
        expect(Math.abs(sum - exact) / exact).toBeLessThan(1e-12);
        expect(Math.abs(odd)).toBeLessThan(1e-12 * exact * 10);
      }
    }
  });
  it("rejects bad node counts", () => {
    expect(() => gaussHermite(0)).toThrow(/node count/);
    expect(() => gaussHermite(2.5)).toThrow(/node count/);
  });
});

describe("Burgers Cole-Hopf reference", () => {
  it("starts at -sin(pi x), is odd and vanishes at x = +-1", () => {
    const ref = new BurgersReference({ nu: 0.01 });
    for (const x of [-0.7, -0.2, 0.3, 0.9]) {
      expect(ref.at(x, 0)).toBeCloseTo(-Math.sin(Math.PI * x), 15);
      expect(Math.abs(ref.at(x, 1e-9) + Math.sin(Math.PI * x))).toBeLessThan(1e-6);
    }
    for (const t of [0.1, 0.5, 1]) {
      expect(Math.abs(ref.at(1, t))).toBeLessThan(1e-12);
      expect(Math.abs(ref.at(-1, t))).toBeLessThan(1e-12);
      expect(Math.abs(ref.at(0, t))).toBeLessThan(1e-12);
      for (const x of [0.05, 0.4, 0.8]) expect(ref.at(-x, t)).toBeCloseTo(-ref.at(x, t), 12);
    }
  });

  it("is converged in the number of quadrature nodes (nu = 0.01/pi, steepest front at t = 1)", () => {
    const a = new BurgersReference({ nodes: 240 });
    const b = new BurgersReference({ nodes: 400 });
    let worst = 0;
    for (const t of [0.05, 0.25, 0.5, 0.75, 1])
      for (let i = 0; i <= 200; i++) {
        const x = -1 + i / 100;
        worst = Math.max(worst, Math.abs(a.at(x, t) - b.at(x, t)));
      }
    expect(worst).toBeLessThan(1e-10);
  }, 60_000);

  it("satisfies the PDE: finite-difference residual of the reference is small away from the front", () => {
    const nu = 0.01 / Math.PI;
    const ref = new BurgersReference({ nu });
    const h = 1e-4;
    for (const [x, t] of [
      [0.3, 0.2],
      [-0.5, 0.6],
      [0.8, 0.9],
      [0.1, 0.1],
    ]) {
      const u = ref.at(x, t);
      const ut = (ref.at(x, t + h) - ref.at(x, t - h)) / (2 * h);
      const ux = (ref.at(x + h, t) - ref.at(x - h, t)) / (2 * h);
      const uxx = (ref.at(x + h, t) - 2 * u + ref.at(x - h, t)) / (h * h);
      expect(Math.abs(ut + u * ux - nu * uxx)).toBeLessThan(1e-5);
    }
  });

  it("agrees with a fine finite-difference solve (nu = 0.01 and 0.01/pi)", () => {
    for (const [nu, cells] of [
      [0.01, 1000],
      [0.01 / Math.PI, 2000],
    ]) {
      const T = nu === 0.01 ? 1 : 0.5;
      const fd = finiteDifferenceBurgers(nu, cells, T);
      const ref = new BurgersReference({ nu });
      let num = 0;
      let den = 0;
      let maxErr = 0;
      for (let i = 0; i <= cells; i++) {
        const e = fd[i] - ref.at(-1 + (2 * i) / cells, T);
        num += e * e;
        den += fd[i] * fd[i];
        maxErr = Math.max(maxErr, Math.abs(e));
      }
      expect(Math.sqrt(num / den)).toBeLessThan(1e-3);
      expect(maxErr).toBeLessThan(1e-2);
    }
  }, 60_000);

  it("grid() lays out time-major rows and matches at()", () => {
    const ref = new BurgersReference({ nu: 0.02 });
    const g = ref.grid([-0.5, 0, 0.5], [0, 0.5]);
    expect(g.length).toBe(6);
    expect(g[4]).toBe(ref.at(0, 0.5));
    expect(burgersColeHopf(0.25, 0.3, { nu: 0.02 })).toBe(ref.at(0.25, 0.3));
  });

  it("rejects bad input with the value named", () => {
    expect(() => new BurgersReference({ nu: 0 })).toThrow(/nu/);
    expect(() => new BurgersReference().at(0, -1)).toThrow(/t >= 0/);
    expect(() => new BurgersReference().at(Number.NaN, 0.5)).toThrow(/x/);
  });
});
