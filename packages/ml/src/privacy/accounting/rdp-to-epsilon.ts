import { PrivacyParameterError, checkDelta } from "../mechanisms/index.js";
import { checkOrders } from "./validate.js";

/** An (ε, δ) guarantee and the Rényi order that gave the smallest ε. */
export interface PrivacySpent {
  readonly epsilon: number;
  readonly delta: number;
  /** The order α at which the conversion was tightest (NaN when ε is ∞). */
  readonly order: number;
}

/**
 * Converts RDP values at `orders` to (ε, δ)-DP as Opacus's `get_privacy_spent`
 * does: Balle et al., "Hypothesis Testing Interpretations and Rényi Differential
 * Privacy" (AISTATS 2020), Theorem 21,
 * ε(α) = rdp(α) − (ln δ + ln α) / (α − 1) + ln((α − 1) / α), minimised over α
 * (the first order wins a tie, like numpy's nanargmin).
 */
export function rdpToEpsilon(
  orders: readonly number[],
  rdp: readonly number[],
  delta: number,
): PrivacySpent {
  checkOrders(orders);
  checkDelta(delta);
  if (orders.length !== rdp.length) {
    throw new PrivacyParameterError(
      "rdp",
      `rdp has ${rdp.length} values but orders has ${orders.length}; give one per order`,
    );
  }
  let best = Number.NaN;
  let bestOrder = Number.NaN;
  orders.forEach((alpha, i) => {
    const r = rdp[i] ?? Number.NaN;
    const eps =
      r - (Math.log(delta) + Math.log(alpha)) / (alpha - 1) + Math.log((alpha - 1) / alpha);
    if (!Number.isNaN(eps) && (Number.isNaN(best) || eps < best)) {
      best = eps;
      bestOrder = alpha;
    }
  });
  if (Number.isNaN(best)) {
    return { epsilon: Number.POSITIVE_INFINITY, delta, order: Number.NaN };
  }
  return { epsilon: best, delta, order: bestOrder };
}
