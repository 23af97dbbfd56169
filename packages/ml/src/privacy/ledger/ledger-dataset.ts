import path from "node:path";
import { datasetFingerprint } from "../../data/index.js";
import { fileSha256 } from "../../evidence/index.js";
import type { TabularDataset, TextDataset } from "../../data/index.js";
import type { LedgerDataset } from "./budget-ledger-types.js";

/** A loaded dataset as the ledger names it: by `datasetFingerprint`, so any copy of the same rows shares one budget. */
export function ledgerDataset(data: TabularDataset | TextDataset, name = data.name): LedgerDataset {
  return { fingerprint: datasetFingerprint(data), name };
}

/**
 * A data file as the ledger names it: by the SHA-256 of its bytes (a file is not parsed,
 * so the same rows written differently count as another dataset).
 */
export async function ledgerDatasetOfFile(
  file: string,
  name = path.basename(file),
): Promise<LedgerDataset> {
  return { fingerprint: await fileSha256(file), name };
}
