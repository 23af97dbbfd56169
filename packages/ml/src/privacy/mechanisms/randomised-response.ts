import { PrivacyParameterError, checkEpsilon } from "./privacy-parameter-error.js";
import { secureUniformSource, type UniformSource } from "./uniform-source.js";

function checkCategories(k: number): void {
  if (!Number.isInteger(k) || k < 2) {
    throw new PrivacyParameterError("k", `k must be a whole number >= 2, got ${String(k)}`);
  }
}

/** The probability that k-ary randomised response reports the true value: e^ε / (e^ε + k − 1). */
export function randomisedResponseKeepProbability(epsilon: number, k = 2): number {
  checkEpsilon(epsilon);
  checkCategories(k);
  // Written with e^-ε so that a large ε gives 1 instead of ∞/∞.
  return 1 / (1 + (k - 1) * Math.exp(-epsilon));
}

/**
 * Warner's randomised response with ε-local DP: reports the true bit with
 * probability e^ε / (1 + e^ε), the flipped bit otherwise.
 *
 * `source` defaults to the secure source; a seeded one makes the answer
 * predictable and voids the guarantee (tests and reproducible research only).
 */
export function randomisedResponse(
  value: boolean,
  epsilon: number,
  source: UniformSource = secureUniformSource,
): boolean {
  const keep = randomisedResponseKeepProbability(epsilon, 2);
  return source.uniform() < keep ? value : !value;
}

/**
 * k-ary (generalised) randomised response with ε-local DP: reports the true
 * category `value` ∈ {0, …, k−1} with probability e^ε / (e^ε + k − 1), and each
 * other category with probability 1 / (e^ε + k − 1).
 *
 * `source` defaults to the secure source; a seeded one makes the answer
 * predictable and voids the guarantee (tests and reproducible research only).
 */
export function kAryRandomisedResponse(
  value: number,
  k: number,
  epsilon: number,
  source: UniformSource = secureUniformSource,
): number {
  checkCategories(k);
  if (!Number.isInteger(value) || value < 0 || value >= k) {
    throw new PrivacyParameterError(
      "value",
      `value must be a category 0..${k - 1}, got ${String(value)}`,
    );
  }
  const keep = randomisedResponseKeepProbability(epsilon, k);
  if (source.uniform() < keep) {
    return value;
  }
  const other = Math.floor(source.uniform() * (k - 1));
  return other >= value ? other + 1 : other;
}

/**
 * The unbiased estimate of the true category frequencies from the counts of
 * randomised responses (`counts[c]` = how many reported c; two counts for the
 * binary mechanism, [false, true]): f̂_c = (counts[c]/n − q) / (p − q), with p the
 * keep probability and q = 1 / (e^ε + k − 1). Estimates can fall outside [0, 1]
 * for small n; they are not clipped, which would bias them.
 */
export function estimateRandomisedResponseFrequencies(
  counts: readonly number[],
  epsilon: number,
): number[] {
  const k = counts.length;
  checkCategories(k);
  counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0) {
      throw new PrivacyParameterError(
        "counts",
        `counts[${i}] must be a whole number >= 0, got ${String(c)}`,
      );
    }
  });
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) {
    throw new PrivacyParameterError("counts", "counts must contain at least one response");
  }
  const p = randomisedResponseKeepProbability(epsilon, k);
  const q = (1 - p) / (k - 1);
  return counts.map((c) => (c / n - q) / (p - q));
}
