import type { LicenceFacts } from "../policy-input.js";
import { readLicenceText, type LicenceText } from "./licence-text.js";
import { MODEL_LICENCES, type CatalogueEntry } from "./model-licences.js";
import { SPDX_LICENCES } from "./spdx-licences.js";

// Hugging Face cards write SPDX ids in lower case (`apache-2.0`), so lookups
// ignore case; the catalogue answers with the canonical spelling.
const BY_LOWER = new Map<string, CatalogueEntry>();
for (const entry of [...SPDX_LICENCES.values(), ...MODEL_LICENCES.values()]) {
  BY_LOWER.set(entry.facts.id.toLowerCase(), entry);
}

/** Every key the catalogue resolves: SPDX identifiers and model-licence keys (not `other`). */
export function catalogueKeys(): string[] {
  return [...SPDX_LICENCES.keys(), ...MODEL_LICENCES.keys()];
}

/** The catalogue entry for an identifier or key, in any case, or undefined. */
export function findEntry(id: string): CatalogueEntry | undefined {
  return BY_LOWER.get(id.toLowerCase());
}

/** An entry's facts with the hash of its text, reading the text on first use. */
export function entryFacts(entry: CatalogueEntry): LicenceFacts {
  const textSha256 = entry.text === null ? null : readLicenceText(entry.text).sha256;
  return { ...entry.facts, textSha256 };
}

/**
 * The text the catalogue holds for a licence key or SPDX identifier (any
 * case), with its sha256, or null when the key is unknown or the catalogue
 * holds no text for it. Acceptance records store the sha256.
 *
 * @example
 * const text = licenceText("llama3");
 * if (text !== null) record.licenceSha256 = text.sha256;
 */
export function licenceText(key: string): LicenceText | null {
  const entry = findEntry(key);
  if (entry?.text == null) {
    return null;
  }
  return readLicenceText(entry.text);
}
