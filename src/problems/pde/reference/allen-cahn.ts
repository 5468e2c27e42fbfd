/**
 * Reference solution of the Allen-Cahn equation in its standard periodic form (digest section 5.4, with the
 * sign erratum resolved; DESIGN.md section 5):
 *
 *   u_t = eps u_xx + 5 u - 5 u^3,  x in [-1, 1) periodic,  u(x, 0) = x^2 cos(pi x),  eps = 1e-4,
 *
 * by a Fourier pseudo-spectral method in space (n points x_i = -1 + 2 i / n, wavenumbers pi m) and the
 * fourth-order exponential time-differencing Runge-Kutta scheme ETDRK4 of Cox and Matthews, with the
 * phi-function coefficients evaluated by the contour-integral average of Kassam and Trefethen (2005), so
 * they are accurate for every mode including those with h L near 0. Linear part per mode
 * `L_m = 5 - eps (pi m)^2`, nonlinear part `N(u) = -5 u^3` evaluated in physical space.
 * Accuracy (tested by refinement): the front is ~0.006 wide at t = 1, so space needs n >= 2048 (n = 2048
 * and 4096 agree to 3e-5 in max norm off the grid; 512 vs 1024 differ by 1e-3); time is easy (fourth order,
 * dt = 1e-3 is exact to ~1e-10). Defaults n = 2048, dt = 1e-3: under 1 s.
 */
import { requireInteger, requirePositive } from "../../../util/validate.js";
import { fft, isPowerOfTwo } from "./fft.js";

/** Options of the Allen-Cahn reference solve. */
export interface AllenCahnReferenceOptions {
  /** Diffusion coefficient eps (default 1e-4). */
  eps?: number;
  /** Fourier points n, a power of two (default 2048). */
  n?: number;
  /** Time step (default 1e-3); the final time is hit exactly by rounding the step count up. */
  dt?: number;
  /** Final time (default 1). */
  tEnd?: number;
  /** Number of equally spaced output times in [0, tEnd], both ends included (default 101). */
  nt?: number;
}

/** The solution on the spectral grid at the output times, with Fourier interpolation in x. */
export interface AllenCahnSolution {
  /** Grid points x_i = -1 + 2 i / n, i = 0..n-1. */
  readonly x: Float64Array;
  /** Output times t_j = tEnd j / (nt - 1). */
  readonly t: Float64Array;
  /** `u[j * n + i] = u(x_i, t_j)`. */
  readonly u: Float64Array;
  /** Diffusion coefficient used. */
  readonly eps: number;
  /**
   * u(x, t_j) at any x (2-periodic) by trigonometric interpolation of row j (exact for the discrete
   * solution; the Nyquist mode is split symmetrically).
   */
  interpolate(x: number, j: number): number;
}

/** Solves the periodic Allen-Cahn equation with ETDRK4 (see the module comment). */
export function allenCahnReference(options: AllenCahnReferenceOptions = {}): AllenCahnSolution {
  const eps = requirePositive("Allen-Cahn eps", options.eps ?? 1e-4);
  const n = requireInteger("Allen-Cahn reference points n", options.n ?? 2048, 4, 1 << 16);
  if (!isPowerOfTwo(n)) throw new Error(`Allen-Cahn reference points n must be a power of two, got ${n}`);
  const dtMax = requirePositive("Allen-Cahn reference dt", options.dt ?? 1e-3);
  const tEnd = requirePositive("Allen-Cahn final time", options.tEnd ?? 1);
  const nt = requireInteger("Allen-Cahn output times nt", options.nt ?? 101, 2, 100001);
  const intervals = nt - 1;
  const stepsPerOut = Math.max(1, Math.ceil(tEnd / intervals / dtMax - 1e-9));
  const h = tEnd / intervals / stepsPerOut;

  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = -1 + (2 * i) / n;
  const t = new Float64Array(nt);
  for (let j = 0; j < nt; j++) t[j] = (tEnd * j) / intervals;

  // Per-mode ETDRK4 coefficients (all real since L is real).
  const E = new Float64Array(n);
  const E2 = new Float64Array(n);
  const Q = new Float64Array(n);
  const f1 = new Float64Array(n);
  const f2 = new Float64Array(n);
  const f3 = new Float64Array(n);
  const M = 64;
  for (let m = 0; m < n; m++) {
    const k = Math.PI * (m <= n / 2 ? m : m - n);
    const L = 5 - eps * k * k;
    E[m] = Math.exp(h * L);
    E2[m] = Math.exp((h * L) / 2);
    let q = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let j = 0; j < M; j++) {
      const th = (Math.PI * (j + 0.5)) / (M / 2); // full circle, radius 1
      const zr = h * L + Math.cos(th);
      const zi = Math.sin(th);
      // complex helpers on (zr, zi)
      const ez = Math.exp(zr);
      const er = ez * Math.cos(zi);
      const ei = ez * Math.sin(zi);
      const eh = Math.exp(zr / 2);
      const ehr = eh * Math.cos(zi / 2);
      const ehi = eh * Math.sin(zi / 2);
      // 1/z, 1/z^3
      const d = zr * zr + zi * zi;
      const ir = zr / d;
      const ii = -zi / d;
      const i2r = ir * ir - ii * ii;
      const i2i = 2 * ir * ii;
      const i3r = i2r * ir - i2i * ii;
      const i3i = i2r * ii + i2i * ir;
      const z2r = zr * zr - zi * zi;
      const z2i = 2 * zr * zi;
      // Q: (e^{z/2} - 1) / z
      q += (ehr - 1) * ir - ehi * ii;
      // f1: (-4 - z + e^z (4 - 3z + z^2)) / z^3
      let pr = 4 - 3 * zr + z2r;
      let pi = -3 * zi + z2i;
      let nr = -4 - zr + (er * pr - ei * pi);
      let ni = -zi + (er * pi + ei * pr);
      a1 += nr * i3r - ni * i3i;
      // f2: (2 + z + e^z (z - 2)) / z^3
      pr = zr - 2;
      pi = zi;
      nr = 2 + zr + (er * pr - ei * pi);
      ni = zi + (er * pi + ei * pr);
      a2 += nr * i3r - ni * i3i;
      // f3: (-4 - 3z - z^2 + e^z (4 - z)) / z^3
      pr = 4 - zr;
      pi = -zi;
      nr = -4 - 3 * zr - z2r + (er * pr - ei * pi);
      ni = -3 * zi - z2i + (er * pi + ei * pr);
      a3 += nr * i3r - ni * i3i;
    }
    Q[m] = (h * q) / M;
    f1[m] = (h * a1) / M;
    f2[m] = (h * a2) / M;
    f3[m] = (h * a3) / M;
  }

  const vr = new Float64Array(n);
  const vi = new Float64Array(n);
  const ar = new Float64Array(n);
  const ai = new Float64Array(n);
  const br = new Float64Array(n);
  const bi = new Float64Array(n);
  const cr = new Float64Array(n);
  const ci = new Float64Array(n);
  const Nvr = new Float64Array(n);
  const Nvi = new Float64Array(n);
  const Nar = new Float64Array(n);
  const Nai = new Float64Array(n);
  const Nbr = new Float64Array(n);
  const Nbi = new Float64Array(n);
  const Ncr = new Float64Array(n);
  const Nci = new Float64Array(n);
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  // N(v) = fft(-5 (ifft v)^3), real part of the physical field.
  const nonlinear = (sr: Float64Array, si: Float64Array, outR: Float64Array, outI: Float64Array) => {
    wr.set(sr);
    wi.set(si);
    fft(wr, wi, true);
    for (let i = 0; i < n; i++) {
      const u = wr[i];
      outR[i] = -5 * u * u * u;
      outI[i] = 0;
    }
    fft(outR, outI);
  };

  const u = new Float64Array(nt * n);
  for (let i = 0; i < n; i++) {
    vr[i] = x[i] * x[i] * Math.cos(Math.PI * x[i]);
    vi[i] = 0;
  }
  u.set(vr, 0);
  fft(vr, vi);
  for (let j = 1; j < nt; j++) {
    for (let s = 0; s < stepsPerOut; s++) {
      nonlinear(vr, vi, Nvr, Nvi);
      for (let m = 0; m < n; m++) {
        ar[m] = E2[m] * vr[m] + Q[m] * Nvr[m];
        ai[m] = E2[m] * vi[m] + Q[m] * Nvi[m];
      }
      nonlinear(ar, ai, Nar, Nai);
      for (let m = 0; m < n; m++) {
        br[m] = E2[m] * vr[m] + Q[m] * Nar[m];
        bi[m] = E2[m] * vi[m] + Q[m] * Nai[m];
      }
      nonlinear(br, bi, Nbr, Nbi);
      for (let m = 0; m < n; m++) {
        cr[m] = E2[m] * ar[m] + Q[m] * (2 * Nbr[m] - Nvr[m]);
        ci[m] = E2[m] * ai[m] + Q[m] * (2 * Nbi[m] - Nvi[m]);
      }
      nonlinear(cr, ci, Ncr, Nci);
      for (let m = 0; m < n; m++) {
        vr[m] = E[m] * vr[m] + Nvr[m] * f1[m] + 2 * (Nar[m] + Nbr[m]) * f2[m] + Ncr[m] * f3[m];
        vi[m] = E[m] * vi[m] + Nvi[m] * f1[m] + 2 * (Nai[m] + Nbi[m]) * f2[m] + Nci[m] * f3[m];
      }
    }
    wr.set(vr);
    wi.set(vi);
    fft(wr, wi, true);
    u.set(wr, j * n);
  }

  // Fourier coefficients of each output row, for interpolation (computed lazily per row).
  const coeffs = new Map<number, { re: Float64Array; im: Float64Array }>();
  const rowCoeffs = (j: number) => {
    let c = coeffs.get(j);
    if (!c) {
      const re = u.slice(j * n, (j + 1) * n);
      const im = new Float64Array(n);
      fft(re, im);
      for (let m = 0; m < n; m++) {
        re[m] /= n;
        im[m] /= n;
      }
      c = { re, im };
      coeffs.set(j, c);
    }
    return c;
  };
  return {
    x,
    t,
    u,
    eps,
    interpolate(xq: number, j: number): number {
      requireInteger("Allen-Cahn output time index", j, 0, nt - 1);
      const { re, im } = rowCoeffs(j);
      // u(x) = sum_m c_m exp(i pi m (x + 1)), Nyquist mode as cos.
      const th = Math.PI * (xq + 1);
      let sum = re[0];
      for (let m = 1; m < n / 2; m++) {
        const c = Math.cos(m * th);
        const s = Math.sin(m * th);
        // c_m e^{i m th} + c_{-m} e^{-i m th} = 2 Re(c_m e^{i m th}) for a real field
        sum += 2 * (re[m] * c - im[m] * s);
      }
      sum += re[n / 2] * Math.cos((n / 2) * th);
      return sum;
    },
  };
}
