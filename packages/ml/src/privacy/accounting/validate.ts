import { PrivacyParameterError } from "../mechanisms/index.js";

/** One stretch of training: `steps` steps of the Poisson-sampled Gaussian mechanism. */
export interface SampledGaussianSteps {
  /** Noise standard deviation over L2 sensitivity (σ), > 0. */
  readonly noiseMultiplier: number;
  /** Poisson sampling rate q (expected batch size / dataset size), in (0, 1]. */
  readonly sampleRate: number;
  /** How many steps were taken with these parameters, a whole number >= 0. */
  readonly steps: number;
}

export function checkSampleRate(q: number, name = "sampleRate"): void {
  if (!Number.isFinite(q) || q <= 0 || q > 1) {
    throw new PrivacyParameterError(
      name,
      `${name} must lie in (0, 1] (expected batch size / dataset size), got ${String(q)}`,
    );
  }
}

export function checkNoiseMultiplier(sigma: number, name = "noiseMultiplier"): void {
  if (!Number.isFinite(sigma) || sigma <= 0) {
    throw new PrivacyParameterError(
      name,
      `${name} must be a finite number > 0, got ${String(sigma)}`,
    );
  }
}

export function checkSteps(steps: number, name = "steps"): void {
  if (!Number.isSafeInteger(steps) || steps < 0) {
    throw new PrivacyParameterError(
      name,
      `${name} must be a whole number >= 0, got ${String(steps)}`,
    );
  }
}

export function checkOrders(orders: readonly number[]): void {
  if (orders.length === 0) {
    throw new PrivacyParameterError("orders", "orders must list at least one Rényi order");
  }
  orders.forEach((a, i) => {
    if (!Number.isFinite(a) || a <= 1) {
      throw new PrivacyParameterError(
        "orders",
        `orders[${i}] must be a finite number > 1, got ${String(a)}`,
      );
    }
  });
}

export function checkEntry(entry: SampledGaussianSteps): void {
  checkNoiseMultiplier(entry.noiseMultiplier);
  checkSampleRate(entry.sampleRate);
  checkSteps(entry.steps);
}
