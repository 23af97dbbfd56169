import { privacySpent } from "./privacy-spent.js";
import type { PrivacySpent } from "./rdp-to-epsilon.js";
import { checkNoiseMultiplier, checkSampleRate, type SampledGaussianSteps } from "./validate.js";

/**
 * A running RDP accountant, like Opacus's RDPAccountant: record each training
 * step, then ask what has been spent. Consecutive steps with the same noise
 * multiplier and sample rate are kept as one history entry.
 *
 * @example
 * const accountant = new RdpAccountant();
 * for (let i = 0; i < 1000; i++) accountant.step({ noiseMultiplier: 1.1, sampleRate: 0.01 });
 * accountant.getEpsilon(1e-5);
 */
export class RdpAccountant {
  readonly #history: SampledGaussianSteps[] = [];

  /** The recorded stretches of training, oldest first. */
  get history(): readonly SampledGaussianSteps[] {
    return this.#history;
  }

  /** Records one step of the sampled Gaussian mechanism. */
  step(step: { readonly noiseMultiplier: number; readonly sampleRate: number }): void {
    checkNoiseMultiplier(step.noiseMultiplier);
    checkSampleRate(step.sampleRate);
    const last = this.#history.at(-1);
    if (
      last !== undefined &&
      last.noiseMultiplier === step.noiseMultiplier &&
      last.sampleRate === step.sampleRate
    ) {
      this.#history[this.#history.length - 1] = { ...last, steps: last.steps + 1 };
    } else {
      this.#history.push({ ...step, steps: 1 });
    }
  }

  /** The (ε, δ) spent so far and the optimal order. */
  getPrivacySpent(delta: number, orders?: readonly number[]): PrivacySpent {
    return privacySpent(
      orders === undefined
        ? { history: this.#history, delta }
        : { history: this.#history, delta, orders },
    );
  }

  /** The ε spent so far at `delta`. */
  getEpsilon(delta: number, orders?: readonly number[]): number {
    return this.getPrivacySpent(delta, orders).epsilon;
  }
}
