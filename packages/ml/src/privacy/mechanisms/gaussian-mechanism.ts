import { analyticGaussianSigma } from "./analytic-gaussian-sigma.js";
import { classicGaussianSigma, type GaussianOptions } from "./classic-gaussian-sigma.js";
import { outputGranularity, roundToGranularity } from "./lattice.js";
import { checkFinite, checkSensitivity } from "./privacy-parameter-error.js";
import { secureUniformSource, type UniformSource } from "./uniform-source.js";

/** Options of {@link gaussianMechanism}: the (ε, δ) target and how σ is calibrated. */
export interface GaussianMechanismOptions extends GaussianOptions {
  /**
   * `"analytic"` (default): Balle & Wang 2018, any ε, the smallest σ.
   * `"classic"`: sqrt(2 ln(1.25/δ)) Δ / ε, only for ε < 1.
   */
  readonly calibration?: "analytic" | "classic";
}

/** The noise standard deviation σ that {@link gaussianMechanism} uses for `options`. */
export function gaussianSigma(options: GaussianMechanismOptions): number {
  return options.calibration === "classic"
    ? classicGaussianSigma(options)
    : analyticGaussianSigma(options);
}

/**
 * A draw of N(0, σ²) by the Box–Muller transform over two uniforms from `source`,
 * rounded to the lattice {@link outputGranularity}(σ) so that the low-order bits
 * of the float carry no information (Mironov 2012).
 *
 * `source` defaults to the secure source; pass a seeded one only in tests or
 * reproducible research, never for a release (see {@link UniformSource}).
 */
export function gaussianNoise(sigma: number, source: UniformSource = secureUniformSource): number {
  checkSensitivity(sigma, "sigma");
  const radius = Math.sqrt(-2 * Math.log(source.uniformPositive()));
  const z = radius * Math.cos(2 * Math.PI * source.uniform());
  return roundToGranularity(sigma * z, outputGranularity(sigma));
}

/**
 * Releases `value` with (ε, δ)-DP by adding Gaussian noise calibrated to the L2
 * sensitivity. The value is rounded to the noise's lattice (a power of two about
 * 2^-40 σ) first, so the output is a multiple of it and its low-order bits
 * carry nothing.
 *
 * `source` defaults to the secure source; a seeded one makes the noise
 * predictable and voids the guarantee (tests and reproducible research only).
 *
 * @example
 * const noisyMean = gaussianMechanism(0.73, { sensitivity: 0.01, epsilon: 2, delta: 1e-6 });
 */
export function gaussianMechanism(
  value: number,
  options: GaussianMechanismOptions,
  source: UniformSource = secureUniformSource,
): number {
  checkFinite(value, "value");
  const sigma = gaussianSigma(options);
  const g = outputGranularity(sigma);
  return roundToGranularity(value, g) + gaussianNoise(sigma, source);
}
