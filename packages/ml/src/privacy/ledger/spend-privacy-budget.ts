import { randomUUID } from "node:crypto";
import { basicComposition, remainingBudget, withinBudget } from "./basic-composition.js";
import { BudgetLedgerError } from "./budget-ledger-error.js";
import type {
  BudgetRelease,
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

/** A release to record against a dataset's budget. */
export interface SpendRequest extends PrivacyBudget {
  /** What is released, e.g. "DP-SGD model acme/iris-mlp". */
  readonly what: string;
  /** The command or program that releases it. */
  readonly command?: string;
}

/** Options of {@link spendPrivacyBudget}. */
export interface SpendPrivacyBudgetOptions extends LedgerLockOptions {
  /** Time recorded for the release; default now. */
  readonly now?: Date;
}

/** The release recorded and the dataset's budget after it. */
export interface SpendResult {
  readonly release: BudgetRelease;
  readonly status: DatasetBudgetStatus;
}

/**
 * Records a differentially private release against a dataset's budget, or refuses it
 * (code `OVER_BUDGET`) when the releases so far plus this one would exceed the budget
 * under basic composition; the error names what is left. The check and the write happen
 * under the ledger's lock, so of two processes spending at once only releases that fit
 * together succeed.
 *
 * @example
 * await spendPrivacyBudget(file, dataset, { epsilon: 3, delta: 1e-5, what: "DP-SGD iris MLP" });
 * // BudgetLedgerError: dataset iris has ε = 0.8 left of 8 (δ 0.00001 left of 0.00001); this release needs ε = 3, δ = 0.00001
 */
export async function spendPrivacyBudget(
  file: string,
  dataset: LedgerDataset,
  request: SpendRequest,
  options: SpendPrivacyBudgetOptions = {},
): Promise<SpendResult> {
  checkBudget(request, `release "${request.what}"`);
  if (request.what.trim() === "") {
    throw new BudgetLedgerError("a release needs a description of what is released", "INVALID");
  }
  const at = (options.now ?? new Date()).toISOString();
  return withLedgerLock(
    file,
    async () => {
      const ledger = await readBudgetLedger(file);
      const entry = ledger.datasets[dataset.fingerprint];
      if (entry === undefined) {
        throw new BudgetLedgerError(
          `no privacy budget is set for dataset ${dataset.name} (fingerprint ${dataset.fingerprint.slice(0, 12)}…) in ${file}; set one first`,
          "NO_BUDGET",
        );
      }
      const spent = basicComposition(entry.releases);
      const after = basicComposition([spent, request]);
      if (!withinBudget(after, entry.budget)) {
        const left = remainingBudget(spent, entry.budget);
        const f = formatBudgetNumber;
        throw new BudgetLedgerError(
          `dataset ${entry.name} has ε = ${f(left.epsilon)} left of ${f(entry.budget.epsilon)} (δ ${f(left.delta)} left of ${f(entry.budget.delta)}); this release needs ε = ${f(request.epsilon)}, δ = ${f(request.delta)}`,
          "OVER_BUDGET",
        );
      }
      const release: BudgetRelease = {
        id: randomUUID(),
        what: request.what,
        at,
        epsilon: request.epsilon,
        delta: request.delta,
        ...(request.command === undefined ? {} : { command: request.command }),
      };
      const updated: DatasetLedgerEntry = { ...entry, releases: [...entry.releases, release] };
      await writeBudgetLedger(file, {
        ...ledger,
        datasets: { ...ledger.datasets, [dataset.fingerprint]: updated },
      });
      return { release, status: entryStatus(updated, dataset.fingerprint) };
    },
    options,
  );
}
