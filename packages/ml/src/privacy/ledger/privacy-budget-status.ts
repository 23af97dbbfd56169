import { basicComposition, remainingBudget } from "./basic-composition.js";
import type {
  DatasetBudgetStatus,
  DatasetLedgerEntry,
  LedgerDataset,
} from "./budget-ledger-types.js";
import { readBudgetLedger } from "./read-budget-ledger.js";

/** The status of a dataset's ledger entry. */
export function entryStatus(entry: DatasetLedgerEntry, fingerprint: string): DatasetBudgetStatus {
  const spent = basicComposition(entry.releases);
  return {
    dataset: { fingerprint, name: entry.name },
    budget: entry.budget,
    spent,
    remaining: remainingBudget(spent, entry.budget),
    releases: entry.releases,
  };
}

/**
 * A dataset's budget, what its releases spent (basic composition) and what is left;
 * null when no budget was set for it.
 */
export async function privacyBudgetStatus(
  file: string,
  dataset: LedgerDataset,
): Promise<DatasetBudgetStatus | null> {
  const entry = (await readBudgetLedger(file)).datasets[dataset.fingerprint];
  return entry === undefined ? null : entryStatus(entry, dataset.fingerprint);
}
