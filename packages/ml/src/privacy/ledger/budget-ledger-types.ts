/** An (ε, δ) pair: a budget, an amount spent or left. */
export interface PrivacyBudget {
  readonly epsilon: number;
  readonly delta: number;
}

/** One differentially private release computed from a dataset. */
export interface BudgetRelease extends PrivacyBudget {
  /** Random id of the release. */
  readonly id: string;
  /** What was released, e.g. "DP-SGD model acme/iris-mlp". */
  readonly what: string;
  /** ISO 8601 time the budget was spent. */
  readonly at: string;
  /** The command or program that spent it, when known. */
  readonly command?: string;
}

/** The budget of one dataset and everything spent from it. */
export interface DatasetLedgerEntry {
  /** Human name of the dataset (e.g. "iris"), used in messages. */
  readonly name: string;
  readonly budget: PrivacyBudget;
  /** Every budget ever set, oldest first, with when it was set. */
  readonly budgetHistory: readonly (PrivacyBudget & { readonly at: string })[];
  readonly releases: readonly BudgetRelease[];
}

/** The ledger file's content, keyed by dataset fingerprint. */
export interface BudgetLedger {
  readonly format: "gatehouse-privacy-ledger";
  readonly version: 1;
  /** How releases add up: basic composition (ε and δ summed). */
  readonly composition: "basic";
  readonly datasets: Readonly<Record<string, DatasetLedgerEntry>>;
}

/** A dataset as the ledger knows it. */
export interface LedgerDataset {
  /** Content fingerprint (hex); the ledger's key. */
  readonly fingerprint: string;
  /** Name used in messages. */
  readonly name: string;
}

/** A dataset's budget, what its releases spent, and what is left. */
export interface DatasetBudgetStatus {
  readonly dataset: LedgerDataset;
  readonly budget: PrivacyBudget;
  readonly spent: PrivacyBudget;
  /** `budget − spent`, never below 0. */
  readonly remaining: PrivacyBudget;
  readonly releases: readonly BudgetRelease[];
}
