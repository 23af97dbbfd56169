import { BudgetLedgerError } from "./budget-ledger-error.js";
import type { PrivacyBudget } from "./budget-ledger-types.js";

/** Refuses an ε that is not > 0 and finite, or a δ outside [0, 1). */
export function checkBudget(budget: PrivacyBudget, what: string): void {
  if (!(Number.isFinite(budget.epsilon) && budget.epsilon > 0)) {
    throw new BudgetLedgerError(
      `${what}: ε is ${budget.epsilon}; give a finite number > 0`,
      "INVALID",
    );
  }
  if (!(budget.delta >= 0 && budget.delta < 1)) {
    throw new BudgetLedgerError(
      `${what}: δ is ${budget.delta}; give a number in [0, 1) (0 for pure ε-DP)`,
      "INVALID",
    );
  }
}

/** A budget figure for messages: 0.7999999999999998 prints as 0.8. */
export function formatBudgetNumber(value: number): string {
  return String(Number(value.toPrecision(10)));
}
