import { basicComposition, withinBudget } from "./basic-composition.js";
import { BudgetLedgerError } from "./budget-ledger-error.js";
import type {
  DatasetBudgetStatus,
  DatasetLedgerEntry,
  LedgerDataset,
  PrivacyBudget,
} from "./budget-ledger-types.js";
import { checkBudget, formatBudgetNumber } from "./check-budget.js";
import { entryStatus } from "./privacy-budget-status.js";
import { readBudgetLedger } from "./read-budget-ledger.js";
import { withLedgerLock, type LedgerLockOptions } from "./with-ledger-lock.js";
import { writeBudgetLedger } from "./write-budget-ledger.js";

/** Options of {@link setPrivacyBudget}. */
export interface SetPrivacyBudgetOptions extends LedgerLockOptions {
  /** Time recorded for the change; default now. */
  readonly now?: Date;
}

/**
 * Sets the total (ε, δ) budget of a dataset, creating the ledger file if needed. A new
 * budget below what the dataset's releases already spent is refused; every budget set is
 * kept in the entry's `budgetHistory`.
 *
 * @example
 * await setPrivacyBudget(".gatehouse/privacy-ledger.json", ledgerDataset(loadIris(), "iris"), {
 *   epsilon: 8, delta: 1e-5,
 * });
 */
export async function setPrivacyBudget(
  file: string,
  dataset: LedgerDataset,
  budget: PrivacyBudget,
  options: SetPrivacyBudgetOptions = {},
): Promise<DatasetBudgetStatus> {
  checkBudget(budget, `budget of dataset ${dataset.name}`);
  const at = (options.now ?? new Date()).toISOString();
  return withLedgerLock(
    file,
    async () => {
      const ledger = await readBudgetLedger(file);
      const entry = ledger.datasets[dataset.fingerprint];
      const spent = basicComposition(entry?.releases ?? []);
      if (!withinBudget(spent, budget)) {
        throw new BudgetLedgerError(
          `dataset ${dataset.name} has already spent ε = ${formatBudgetNumber(spent.epsilon)}, δ = ${formatBudgetNumber(spent.delta)}; a budget of ε = ${formatBudgetNumber(budget.epsilon)}, δ = ${formatBudgetNumber(budget.delta)} would be below that`,
          "OVER_BUDGET",
        );
      }
      const updated: DatasetLedgerEntry = {
        name: entry?.name ?? dataset.name,
        budget: { epsilon: budget.epsilon, delta: budget.delta },
        budgetHistory: [
          ...(entry?.budgetHistory ?? []),
          { epsilon: budget.epsilon, delta: budget.delta, at },
        ],
        releases: entry?.releases ?? [],
      };
      await writeBudgetLedger(file, {
        ...ledger,
        datasets: { ...ledger.datasets, [dataset.fingerprint]: updated },
      });
      return entryStatus(updated, dataset.fingerprint);
    },
    options,
  );
}
