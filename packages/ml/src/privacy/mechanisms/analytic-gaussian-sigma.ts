import type { GaussianOptions } from "./classic-gaussian-sigma.js";
import { checkDelta, checkEpsilon, checkSensitivity } from "./privacy-parameter-error.js";
import { logNormalCdf, normalCdf } from "./special-functions.js";

/** e^ε Φ(-x), through logs so that a large ε does not overflow. */
function expEpsPhiNeg(epsilon: number, x: number): number {
  return Math.exp(epsilon + logNormalCdf(-x));
}

/**
 * The smallest σ for which Gaussian noise N(0, σ²) gives (ε, δ)-DP to a query of
 * L2 sensitivity Δ: the analytic Gaussian mechanism of Balle & Wang, "Improving
 * the Gaussian Mechanism for Differential Privacy" (ICML 2018), Algorithm 1. It
 * holds for every ε > 0, not only ε < 1.
 *
 * The bisection stops when the interval no longer shrinks in float64 and returns
 * its conservative end, so σ is never below the exact value by more than rounding.
 *
 * @example
 * analyticGaussianSigma({ sensitivity: 1, epsilon: 1, delta: 1e-5 }); // ≈ 3.7306
 */
export function analyticGaussianSigma(options: GaussianOptions): number {
  const { sensitivity, epsilon, delta } = options;
  checkSensitivity(sensitivity);
  checkEpsilon(epsilon);
  checkDelta(delta);
  // B+(v) and B-(u) of Theorem 9; both are monotone in their argument.
  const caseA = (v: number): number =>
    normalCdf(Math.sqrt(epsilon * v)) - expEpsPhiNeg(epsilon, Math.sqrt(epsilon * (v + 2)));
  const caseB = (u: number): number =>
    normalCdf(-Math.sqrt(epsilon * u)) - expEpsPhiNeg(epsilon, Math.sqrt(epsilon * (u + 2)));
  const threshold = caseA(0);
  let alpha: number;
  if (delta === threshold) {
    alpha = 1;
  } else if (delta > threshold) {
    // v* = sup{v ≥ 0 : B+(v) ≤ δ}; B+ increases in v.
    let lo = 0;
    let hi = 1;
    while (caseA(hi) <= delta) {
      lo = hi;
      hi *= 2;
    }
    for (let mid = lo + (hi - lo) / 2; mid > lo && mid < hi; mid = lo + (hi - lo) / 2) {
      if (caseA(mid) <= delta) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    alpha = Math.sqrt(1 + lo / 2) - Math.sqrt(lo / 2);
  } else {
    // u* = inf{u ≥ 0 : B-(u) ≤ δ}; B- decreases in u.
    let lo = 0;
    let hi = 1;
    while (caseB(hi) > delta) {
      lo = hi;
      hi *= 2;
    }
    for (let mid = lo + (hi - lo) / 2; mid > lo && mid < hi; mid = lo + (hi - lo) / 2) {
      if (caseB(mid) <= delta) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    alpha = Math.sqrt(1 + hi / 2) + Math.sqrt(hi / 2);
  }
  return (alpha * sensitivity) / Math.sqrt(2 * epsilon);
}
