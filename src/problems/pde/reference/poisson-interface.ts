/**
 * Manufactured solution of the paper's Poisson problem with a discontinuous coefficient (digest section
 * 5.2, paper section 5.2.1): `div(eps grad u) = f` on [-1, 1]^2, u = 0 on the boundary, with
 * eps = 1 for x < 0 and 1/2 for x >= 0, and
 *
 *   u*(x, y) = sin(pi x) sin(3 pi y)   (x < 0),     sin(2 pi x) sin(3 pi y)   (x >= 0),
 *   f(x, y)  = -10 pi^2 sin(pi x) sin(3 pi y)  (x < 0),  -(13/2) pi^2 sin(2 pi x) sin(3 pi y)  (x >= 0).
 *
 * u* is continuous across the interface x = 0 (both sides vanish there) and so is the flux:
 * `eps u*_x = pi sin(3 pi y)` from both sides. The side of a point on x = 0 is chosen explicitly
 * (`side` -1 left, +1 right; default right, matching eps(0) = 1/2).
 */

/** Coefficient on the left (x < 0) and right (x >= 0) of the interface. */
export const POISSON_EPS_LEFT = 1;
/** Coefficient on the right of the interface (x >= 0). */
export const POISSON_EPS_RIGHT = 0.5;

function isLeft(x: number, side: number): boolean {
  return x < 0 || (x === 0 && side < 0);
}

/** The coefficient eps(x): 1 for x < 0, 1/2 for x >= 0 (at x = 0 the given side). */
export function poissonEps(x: number, side = 1): number {
  return isLeft(x, side) ? POISSON_EPS_LEFT : POISSON_EPS_RIGHT;
}

/** The manufactured solution u*(x, y). */
export function poissonExact(x: number, y: number, side = 1): number {
  const sy = Math.sin(3 * Math.PI * y);
  return isLeft(x, side) ? Math.sin(Math.PI * x) * sy : Math.sin(2 * Math.PI * x) * sy;
}

/** The first derivatives (u*_x, u*_y) at (x, y), one-sided at x = 0, into out[0..1]. */
export function poissonExactGradient(
  x: number,
  y: number,
  side = 1,
  out = new Float64Array(2),
): Float64Array {
  const sy = Math.sin(3 * Math.PI * y);
  const cy = Math.cos(3 * Math.PI * y);
  if (isLeft(x, side)) {
    out[0] = Math.PI * Math.cos(Math.PI * x) * sy;
    out[1] = 3 * Math.PI * Math.sin(Math.PI * x) * cy;
  } else {
    out[0] = 2 * Math.PI * Math.cos(2 * Math.PI * x) * sy;
    out[1] = 3 * Math.PI * Math.sin(2 * Math.PI * x) * cy;
  }
  return out;
}

/** The forcing f = div(eps grad u*) at (x, y) (piecewise smooth, one-sided at x = 0). */
export function poissonForcing(x: number, y: number, side = 1): number {
  const sy = Math.sin(3 * Math.PI * y);
  return isLeft(x, side)
    ? -10 * Math.PI * Math.PI * Math.sin(Math.PI * x) * sy
    : -6.5 * Math.PI * Math.PI * Math.sin(2 * Math.PI * x) * sy;
}
