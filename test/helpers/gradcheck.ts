import { expect } from "vitest";
import { mseLoss } from "../../src/model/losses.js";
import type { Network } from "../../src/model/network.js";

/** Loss of the network at its current parameters (MSE against fixed targets). */
export function lossAt(net: Network, x: Float64Array, t: Float64Array, n: number): number {
  const g = new Float64Array(net.paramCount);
  return net.gradient(x, n, mseLoss(t, n, net.nOut), g);
}

/** Fourth-order central difference of f at the current value of v[i] (restored afterwards). */
export function centralDiff4(v: Float64Array, i: number, h: number, f: () => number): number {
  const v0 = v[i];
  const step = h * Math.max(1, Math.abs(v0));
  const at = (d: number) => {
    v[i] = v0 + d;
    const r = f();
    v[i] = v0;
    return r;
  };
  return (8 * (at(step) - at(-step)) - (at(2 * step) - at(-2 * step))) / (12 * step);
}

/**
 * Finite-difference steps (relative to max(1, |v|)). A large step has small roundoff (eps L / h) but
 * may straddle a knot of an inner spline; a small one the reverse. Each component is compared with the
 * difference quotient at every step and the best agreement counts: a wrong gradient disagrees at all.
 */
export const FD_STEPS = [1e-3, 1e-4, 1e-5, 1e-6];

/**
 * Relative error of an analytic gradient against fourth-order central differences, per component against
 * max(|fd|, 1e-3 ||fd||_inf), minimised over the steps; returns the worst component's error.
 */
export function gradientError(analytic: Float64Array, v: Float64Array, f: () => number): number {
  const fds = FD_STEPS.map((h) => Array.from(analytic, (_, i) => centralDiff4(v, i, h, f)));
  let norm = 0;
  for (const fd of fds) for (const d of fd) norm = Math.max(norm, Math.abs(d));
  expect(norm).toBeGreaterThan(0);
  let worst = 0;
  for (let i = 0; i < analytic.length; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (const fd of fds)
      best = Math.min(best, Math.abs(analytic[i] - fd[i]) / Math.max(Math.abs(fd[i]), 1e-3 * norm));
    worst = Math.max(worst, best);
  }
  return worst;
}

/** Asserts the parameter gradient of the MSE loss against finite differences (DESIGN.md: <= 1e-6). */
export function checkParamGradient(
  net: Network,
  x: Float64Array,
  t: Float64Array,
  n: number,
  tol = 1e-6,
): number {
  const g = new Float64Array(net.paramCount);
  net.gradient(x, n, mseLoss(t, n, net.nOut), g);
  const worst = gradientError(g, net.params, () => lossAt(net, x, t, n));
  expect(worst).toBeLessThanOrEqual(tol);
  return worst;
}

/** Same for the gradient with respect to the inputs. */
export function checkInputGradient(
  net: Network,
  x: Float64Array,
  t: Float64Array,
  n: number,
  tol = 1e-6,
): number {
  const g = new Float64Array(net.paramCount);
  const gx = new Float64Array(n * net.nIn);
  net.gradient(x, n, mseLoss(t, n, net.nOut), g, gx);
  const worst = gradientError(gx, x, () => lossAt(net, x, t, n));
  expect(worst).toBeLessThanOrEqual(tol);
  return worst;
}
