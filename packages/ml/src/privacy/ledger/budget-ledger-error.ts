/**
 * A privacy-budget ledger refused or could not do something: a release over the budget,
 * a dataset with no budget, a corrupted ledger file, a lock it could not take.
 */
export class BudgetLedgerError extends Error {
  constructor(
    message: string,
    /** `OVER_BUDGET`, `NO_BUDGET`, `CORRUPTED`, `LOCKED` or `INVALID`. */
    readonly code: "OVER_BUDGET" | "NO_BUDGET" | "CORRUPTED" | "LOCKED" | "INVALID",
  ) {
    super(message);
    this.name = "BudgetLedgerError";
  }
}
