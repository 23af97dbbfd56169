import type { PrivacyBudget } from "./budget-ledger-types.js";

/**
 * Basic composition (Dwork & Roth 2014, Theorem 3.16): releases that are (ε_i, δ_i)-DP
 * on the same data are together (Σε_i, Σδ_i)-DP. It holds for any mix of mechanisms and
 * adaptively chosen releases, which is why the ledger uses it; it is conservative, as
 * advanced or Rényi composition of the same releases can give a smaller total.
 */
export function basicComposition(releases: readonly PrivacyBudget[]): PrivacyBudget {
  let epsilon = 0;
  let delta = 0;
  for (const r of releases) {
    epsilon += r.epsilon;
    delta += r.delta;
  }
  return { epsilon, delta };
}

/**
 * Sums of decimal budgets carry binary rounding (0.1 + 0.2 > 0.3); a total within this
 * relative margin of the budget counts as within it. The overshoot allowed is far below
 * any meaningful privacy loss.
 */
export const BUDGET_ROUNDING_MARGIN = 1e-9;

/** Whether `spent` stays within `budget`, up to {@link BUDGET_ROUNDING_MARGIN}. */
export function withinBudget(spent: PrivacyBudget, budget: PrivacyBudget): boolean {
  const fits = (s: number, b: number): boolean => s <= b + BUDGET_ROUNDING_MARGIN * b;
  return fits(spent.epsilon, budget.epsilon) && fits(spent.delta, budget.delta);
}

/** `budget − spent` per component; 0 when within {@link BUDGET_ROUNDING_MARGIN} of the budget. */
export function remainingBudget(spent: PrivacyBudget, budget: PrivacyBudget): PrivacyBudget {
  const left = (b: number, s: number): number => (b - s <= BUDGET_ROUNDING_MARGIN * b ? 0 : b - s);
  return { epsilon: left(budget.epsilon, spent.epsilon), delta: left(budget.delta, spent.delta) };
}
