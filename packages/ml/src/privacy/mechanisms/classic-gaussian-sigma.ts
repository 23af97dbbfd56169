import {
  PrivacyParameterError,
  checkDelta,
  checkEpsilon,
  checkSensitivity,
} from "./privacy-parameter-error.js";

/** Parameters of an (ε, δ)-DP Gaussian mechanism for a query of L2 sensitivity `sensitivity`. */
export interface GaussianOptions {
  /** L2 sensitivity of the query, > 0. */
  readonly sensitivity: number;
  /** Privacy parameter ε, > 0. */
  readonly epsilon: number;
  /** Privacy parameter δ, in (0, 1). */
  readonly delta: number;
}

/**
 * The classic calibration σ = sqrt(2 ln(1.25 / δ)) · Δ / ε (Dwork & Roth 2014,
 * Theorem A.1). The proof only holds for ε < 1, so a larger ε is refused; the
 * analytic calibration ({@link analyticGaussianSigma}) holds for every ε and gives
 * a smaller σ.
 */
export function classicGaussianSigma(options: GaussianOptions): number {
  checkSensitivity(options.sensitivity);
  checkEpsilon(options.epsilon);
  checkDelta(options.delta);
  if (options.epsilon >= 1) {
    throw new PrivacyParameterError(
      "epsilon",
      `the classic Gaussian calibration needs epsilon < 1, got ${options.epsilon}; use the analytic Gaussian mechanism (calibration "analytic") for epsilon >= 1`,
    );
  }
  return (Math.sqrt(2 * Math.log(1.25 / options.delta)) * options.sensitivity) / options.epsilon;
}
