import { DEFAULT_RDP_ORDERS, computeRdp, rdpToEpsilon } from "../accounting/index.js";
import type { PrivacySpent } from "../accounting/index.js";

/** What a {@link DpSgdLedger} tracks: one sampled Gaussian mechanism and a budget. */
export interface DpSgdLedgerOptions {
  readonly noiseMultiplier: number;
  readonly sampleRate: number;
  readonly delta: number;
  /** The ε the training may spend; null for no limit. */
  readonly targetEpsilon: number | null;
  /** Rényi orders (default: Opacus's). */
  readonly orders?: readonly number[];
}

/**
 * The privacy spent by DP-SGD so far, step by step, with the RDP accountant. Every
 * step of training runs the same sampled Gaussian mechanism, so the RDP of t steps
 * is t times one step's (the accountant's `computeRdp` composes the same way);
 * the ε after each step is that RDP converted at δ. `canStep()` says whether one
 * more step stays within the budget, so training stops before overspending it.
 */
export class DpSgdLedger {
  readonly #options: DpSgdLedgerOptions;
  readonly #orders: readonly number[];
  readonly #oneStep: readonly number[];
  #steps = 0;
  #spent: PrivacySpent;
  // `canStep()` converts the next step's RDP to ε and `step()` then needs the same
  // value; the conversion minimises over every order, so it is kept for reuse.
  #lastConversion: { readonly steps: number; readonly spent: PrivacySpent } | null = null;

  constructor(options: DpSgdLedgerOptions) {
    this.#options = options;
    this.#orders = options.orders ?? DEFAULT_RDP_ORDERS;
    this.#oneStep = computeRdp(
      { noiseMultiplier: options.noiseMultiplier, sampleRate: options.sampleRate, steps: 1 },
      this.#orders,
    );
    this.#spent = { epsilon: 0, delta: options.delta, order: 0 };
  }

  /** The (ε, δ) that `steps` steps spend. */
  spentAfter(steps: number): PrivacySpent {
    if (steps === 0) {
      return { epsilon: 0, delta: this.#options.delta, order: 0 };
    }
    if (this.#lastConversion?.steps === steps) {
      return this.#lastConversion.spent;
    }
    const spent = rdpToEpsilon(
      this.#orders,
      this.#oneStep.map((r) => r * steps),
      this.#options.delta,
    );
    this.#lastConversion = { steps, spent };
    return spent;
  }

  /** Whether one more step keeps ε within the target. */
  canStep(): boolean {
    const target = this.#options.targetEpsilon;
    return target === null || this.spentAfter(this.#steps + 1).epsilon <= target;
  }

  /** Records a step taken. */
  step(): void {
    this.#steps += 1;
    this.#spent = this.spentAfter(this.#steps);
  }

  get steps(): number {
    return this.#steps;
  }

  /** The (ε, δ) spent so far and the Rényi order that gave it. */
  get spent(): PrivacySpent {
    return this.#spent;
  }
}
