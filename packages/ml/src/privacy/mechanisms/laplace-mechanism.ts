import { outputGranularity, roundToGranularity } from "./lattice.js";
import { checkEpsilon, checkFinite, checkSensitivity } from "./privacy-parameter-error.js";
import { secureUniformSource, type UniformSource } from "./uniform-source.js";

/** Parameters of the Laplace mechanism: ε-DP for a query of L1 sensitivity `sensitivity`. */
export interface LaplaceOptions {
  /** L1 sensitivity of the query, > 0. */
  readonly sensitivity: number;
  /** Privacy parameter ε, > 0. */
  readonly epsilon: number;
}

/** The scale b = sensitivity / ε of the Laplace noise that gives ε-DP. */
export function laplaceScale(options: LaplaceOptions): number {
  checkSensitivity(options.sensitivity);
  checkEpsilon(options.epsilon);
  return options.sensitivity / options.epsilon;
}

/** floor(E / λ) for E ~ Exp(1): geometric on {0, 1, …} with P(G ≥ k) = e^(-λk). */
function geometric(lambda: number, source: UniformSource): number {
  return Math.floor(-Math.log(source.uniformPositive()) / lambda);
}

/**
 * Laplace noise of scale `scale`, drawn on the lattice g·Z with g =
 * {@link outputGranularity}(scale): the difference of two geometric variables,
 * i.e. the discrete Laplace distribution P(k·g) ∝ exp(-|k|·g / scale). Sampling
 * the lattice directly, instead of rounding a continuous float sample, leaves no
 * value-dependent gaps in the support (Mironov 2012). The tails are cut at about
 * 36.7 scales, where a 53-bit uniform runs out.
 *
 * `source` defaults to the secure source; pass a seeded one only in tests or
 * reproducible research, never for a release (see {@link UniformSource}).
 */
export function laplaceNoise(scale: number, source: UniformSource = secureUniformSource): number {
  checkSensitivity(scale, "scale");
  const g = outputGranularity(scale);
  const lambda = g / scale;
  return (geometric(lambda, source) - geometric(lambda, source)) * g;
}

/**
 * Releases `value` with ε-DP by adding Laplace noise of scale sensitivity / ε.
 * The value is first rounded to the noise's lattice, so the output is a multiple
 * of that lattice step; the rounding can move two neighbouring inputs apart by one
 * step g at most, which adds at most g / b ≤ 2^-39 to ε.
 *
 * `source` defaults to the secure source; a seeded one makes the noise
 * predictable and voids the guarantee (tests and reproducible research only).
 *
 * @example
 * const noisyCount = laplaceMechanism(412, { sensitivity: 1, epsilon: 0.5 });
 */
export function laplaceMechanism(
  value: number,
  options: LaplaceOptions,
  source: UniformSource = secureUniformSource,
): number {
  checkFinite(value, "value");
  const scale = laplaceScale(options);
  const g = outputGranularity(scale);
  return roundToGranularity(value, g) + laplaceNoise(scale, source);
}
