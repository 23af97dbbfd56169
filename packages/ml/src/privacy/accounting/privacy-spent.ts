import { checkDelta } from "../mechanisms/index.js";
import { computeRdp } from "./compute-rdp.js";
import { DEFAULT_RDP_ORDERS } from "./default-orders.js";
import { rdpToEpsilon, type PrivacySpent } from "./rdp-to-epsilon.js";
import { checkEntry, checkOrders, type SampledGaussianSteps } from "./validate.js";

/** What {@link privacySpent} needs: the history of training and the target δ. */
export interface PrivacySpentOptions {
  /** Stretches of training, each with its own noise multiplier, sample rate and steps. */
  readonly history: readonly SampledGaussianSteps[];
  /** Target δ, in (0, 1). */
  readonly delta: number;
  /** Rényi orders to optimise over (default: Opacus's). */
  readonly orders?: readonly number[];
}

/**
 * The (ε, δ) spent by a history of Poisson-sampled Gaussian steps: RDP adds up
 * over the history at every order, then converts as Opacus's RDPAccountant does.
 * An empty history has spent nothing (ε = 0, like Opacus).
 *
 * @example
 * privacySpent({
 *   history: [
 *     { noiseMultiplier: 1.1, sampleRate: 0.01, steps: 5000 },
 *     { noiseMultiplier: 2, sampleRate: 0.02, steps: 500 },
 *   ],
 *   delta: 1e-5,
 * }).epsilon;
 */
export function privacySpent(options: PrivacySpentOptions): PrivacySpent {
  const orders = options.orders ?? DEFAULT_RDP_ORDERS;
  checkOrders(orders);
  checkDelta(options.delta);
  options.history.forEach(checkEntry);
  if (options.history.length === 0) {
    return { epsilon: 0, delta: options.delta, order: 0 };
  }
  const total = orders.map(() => 0);
  for (const entry of options.history) {
    computeRdp(entry, orders).forEach((r, i) => {
      total[i] = (total[i] ?? 0) + r;
    });
  }
  return rdpToEpsilon(orders, total, options.delta);
}
