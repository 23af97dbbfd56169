import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { BudgetLedger } from "./budget-ledger-types.js";

/**
 * Replaces the ledger file atomically: the new content goes to a temporary file in the
 * same directory, is flushed to disk, and is renamed over the old file, so a reader or a
 * crash sees the old ledger or the new one, never half of one.
 */
export async function writeBudgetLedger(file: string, ledger: BudgetLedger): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    const handle = await open(tmp, "wx");
    try {
      await handle.writeFile(`${JSON.stringify(ledger, null, 2)}\n`, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
