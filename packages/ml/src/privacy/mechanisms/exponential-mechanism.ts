import {
  PrivacyParameterError,
  checkEpsilon,
  checkSensitivity,
} from "./privacy-parameter-error.js";
import { secureUniformSource, type UniformSource } from "./uniform-source.js";

/** Parameters of the exponential mechanism. */
export interface ExponentialOptions {
  /** Sensitivity Δu of the utility: how much one person can change any utility, > 0. */
  readonly sensitivity: number;
  /** Privacy parameter ε, > 0. */
  readonly epsilon: number;
}

function checkUtilities(utilities: readonly number[]): void {
  if (utilities.length === 0) {
    throw new PrivacyParameterError("utilities", "utilities must list at least one candidate");
  }
  utilities.forEach((u, i) => {
    if (!Number.isFinite(u)) {
      throw new PrivacyParameterError(
        "utilities",
        `utilities[${i}] must be a finite number, got ${String(u)}`,
      );
    }
  });
}

/**
 * The selection probabilities of the exponential mechanism (McSherry & Talwar
 * 2007): P(i) ∝ exp(ε u_i / (2 Δu)).
 */
export function exponentialMechanismProbabilities(
  utilities: readonly number[],
  options: ExponentialOptions,
): number[] {
  checkUtilities(utilities);
  checkSensitivity(options.sensitivity);
  checkEpsilon(options.epsilon);
  const logits = utilities.map((u) => (options.epsilon * u) / (2 * options.sensitivity));
  const top = Math.max(...logits);
  const weights = logits.map((l) => Math.exp(l - top));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/**
 * Picks the index of one candidate with ε-DP, candidate i with probability
 * ∝ exp(ε u_i / (2 Δu)). Sampled by the Gumbel-max trick: the argmax of
 * ε u_i / (2 Δu) + G_i with G_i = -ln(-ln U_i) independent Gumbel variables from
 * secure uniforms, which has exactly those probabilities and needs no normalising
 * sum (so no overflow for large utilities).
 *
 * `source` defaults to the secure source; a seeded one makes the choice
 * predictable and voids the guarantee (tests and reproducible research only).
 *
 * @example
 * const best = exponentialMechanism([12, 40, 38], { sensitivity: 1, epsilon: 0.1 });
 */
export function exponentialMechanism(
  utilities: readonly number[],
  options: ExponentialOptions,
  source: UniformSource = secureUniformSource,
): number {
  checkUtilities(utilities);
  checkSensitivity(options.sensitivity);
  checkEpsilon(options.epsilon);
  const factor = options.epsilon / (2 * options.sensitivity);
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  utilities.forEach((u, i) => {
    const score = factor * u - Math.log(-Math.log(source.uniformPositive()));
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}
