import { readFile } from "node:fs/promises";
import { BudgetLedgerError } from "./budget-ledger-error.js";
import type { BudgetLedger } from "./budget-ledger-types.js";
import { parseBudgetLedger } from "./parse-budget-ledger.js";

/** A ledger with no datasets, as a missing file reads. */
export function emptyBudgetLedger(): BudgetLedger {
  return { format: "gatehouse-privacy-ledger", version: 1, composition: "basic", datasets: {} };
}

/**
 * Reads a ledger file. A missing file is an empty ledger; a file that is not a valid
 * ledger is an error (code `CORRUPTED`), never treated as empty. Reading needs no lock:
 * writers replace the file by renaming a complete one over it.
 */
export async function readBudgetLedger(file: string): Promise<BudgetLedger> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") {
      return emptyBudgetLedger();
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BudgetLedgerError(
      `privacy ledger ${file} is corrupted: it is not valid JSON (${error instanceof Error ? error.message : String(error)}). The file was left as it is; restore it from a backup (deleting it would forget every recorded release)`,
      "CORRUPTED",
    );
  }
  return parseBudgetLedger(json, file);
}
