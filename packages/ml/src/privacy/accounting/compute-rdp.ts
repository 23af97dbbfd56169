import { logErfc } from "../mechanisms/index.js";
import { DEFAULT_RDP_ORDERS } from "./default-orders.js";
import { checkEntry, checkOrders, type SampledGaussianSteps } from "./validate.js";

// The series below follow Mironov, Talwar & Zhang, "Rényi Differential Privacy of
// the Sampled Gaussian Mechanism" (2019), Section 3.3, in the form Opacus computes
// them (opacus/accountants/analysis/rdp.py), term by term in log space, so that
// results agree with Opacus to float64 rounding.

function logAdd(x: number, y: number): number {
  const a = Math.min(x, y);
  const b = Math.max(x, y);
  if (a === Number.NEGATIVE_INFINITY) {
    return b;
  }
  return Math.log1p(Math.exp(a - b)) + b;
}

function logSub(x: number, y: number): number {
  if (x < y) {
    throw new RangeError("log-space subtraction would give a negative number");
  }
  if (y === Number.NEGATIVE_INFINITY) {
    return x;
  }
  if (x === y) {
    return Number.NEGATIVE_INFINITY;
  }
  const diff = Math.expm1(x - y);
  // Where exp overflows, y is negligible against x (Opacus catches OverflowError likewise).
  return Number.isFinite(diff) ? Math.log(diff) + y : x;
}

function logBinomialInt(n: number, k: number): number {
  let b = 1;
  for (let m = 1; m <= k; m++) {
    b = (b * (n - k + m)) / m;
  }
  return Math.log(b);
}

function logAInt(q: number, sigma: number, alpha: number): number {
  let logA = Number.NEGATIVE_INFINITY;
  const logQ = Math.log(q);
  const log1mQ = Math.log(1 - q);
  for (let i = 0; i <= alpha; i++) {
    const logCoef = logBinomialInt(alpha, i) + i * logQ + (alpha - i) * log1mQ;
    logA = logAdd(logA, logCoef + (i * i - i) / (2 * sigma ** 2));
  }
  return logA;
}

function logAFrac(q: number, sigma: number, alpha: number): number {
  let logA0 = Number.NEGATIVE_INFINITY;
  let logA1 = Number.NEGATIVE_INFINITY;
  const z0 = sigma ** 2 * Math.log(1 / q - 1) + 0.5;
  const logQ = Math.log(q);
  const log1mQ = Math.log(1 - q);
  // The generalised binomial coefficient C(alpha, i), built up term by term.
  let coef = 1;
  for (let i = 0; ; i++) {
    if (i > 0) {
      coef = (coef * (alpha - (i - 1))) / i;
    }
    const logCoef = Math.log(Math.abs(coef));
    const j = alpha - i;
    const logT0 = logCoef + i * logQ + j * log1mQ;
    const logT1 = logCoef + j * logQ + i * log1mQ;
    const logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.SQRT2 * sigma));
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.SQRT2 * sigma));
    const logS0 = logT0 + (i * i - i) / (2 * sigma ** 2) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * sigma ** 2) + logE1;
    if (coef > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30) {
      break;
    }
  }
  return logAdd(logA0, logA1);
}

function rdpOneStep(q: number, sigma: number, alpha: number): number {
  if (q === 1) {
    return alpha / (2 * sigma ** 2);
  }
  const logA = Number.isInteger(alpha) ? logAInt(q, sigma, alpha) : logAFrac(q, sigma, alpha);
  return logA / (alpha - 1);
}

/**
 * The Rényi-DP of `steps` steps of the Poisson-sampled Gaussian mechanism at each
 * of `orders` (default: Opacus's {@link DEFAULT_RDP_ORDERS}), like Opacus's
 * `compute_rdp(q=, noise_multiplier=, steps=, orders=)`. Integer orders use the
 * exact binomial sum; fractional orders the erfc series.
 *
 * @example
 * computeRdp({ sampleRate: 0.01, noiseMultiplier: 1.1, steps: 1000 });
 */
export function computeRdp(
  entry: SampledGaussianSteps,
  orders: readonly number[] = DEFAULT_RDP_ORDERS,
): number[] {
  checkEntry(entry);
  checkOrders(orders);
  return orders.map(
    (alpha) => rdpOneStep(entry.sampleRate, entry.noiseMultiplier, alpha) * entry.steps,
  );
}
