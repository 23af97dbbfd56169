import { writeJsonAtomically } from "../../evidence/index.js";
import type { BudgetLedger } from "./budget-ledger-types.js";

/**
 * Replaces the ledger file atomically, so a reader or a crash sees the old
 * ledger or the new one, never half of one.
 */
export async function writeBudgetLedger(file: string, ledger: BudgetLedger): Promise<void> {
  await writeJsonAtomically(file, ledger);
}
