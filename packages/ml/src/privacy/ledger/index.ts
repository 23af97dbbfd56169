export { BudgetLedgerError } from "./budget-ledger-error.js";
export type {
  BudgetLedger,
  BudgetRelease,
  DatasetBudgetStatus,
  DatasetLedgerEntry,
  LedgerDataset,
  PrivacyBudget,
} from "./budget-ledger-types.js";
export {
  BUDGET_ROUNDING_MARGIN,
  basicComposition,
  remainingBudget,
  withinBudget,
} from "./basic-composition.js";
export { ledgerDataset, ledgerDatasetOfFile } from "./ledger-dataset.js";
export { emptyBudgetLedger, readBudgetLedger } from "./read-budget-ledger.js";
export { writeBudgetLedger } from "./write-budget-ledger.js";
export { withLedgerLock, type LedgerLockOptions } from "./with-ledger-lock.js";
export { privacyBudgetStatus } from "./privacy-budget-status.js";
export { setPrivacyBudget, type SetPrivacyBudgetOptions } from "./set-privacy-budget.js";
export {
  spendPrivacyBudget,
  type SpendPrivacyBudgetOptions,
  type SpendRequest,
  type SpendResult,
} from "./spend-privacy-budget.js";
