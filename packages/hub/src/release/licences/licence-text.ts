import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** A licence text as the catalogue holds it, with the hash an acceptance record stores. */
export interface LicenceText {
  readonly text: string;
  /** sha256 of the text's UTF-8 bytes, lower-case hex. */
  readonly sha256: string;
}

/** Where a text comes from: a file shipped in this package, or the SPDX list package. */
export type TextSource =
  { readonly kind: "file"; readonly file: string } | { readonly kind: "spdx"; readonly id: string };

// The texts are immutable files shipped with the package, so memoising them is
// not a cache that can go stale: each is read at most once, and only if asked for.
const memo = new Map<string, LicenceText>();
const require = createRequire(import.meta.url);

// src/release/licences and dist/release/licences both sit three levels below the
// package root, which holds the licences/ folder.
const TEXT_DIR = new URL("../../../licences/", import.meta.url);

function load(source: TextSource): string {
  if (source.kind === "file") {
    return readFileSync(new URL(source.file, TEXT_DIR), "utf8");
  }
  const path = require.resolve(`spdx-license-list/licenses/${source.id}.json`);
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    !("licenseText" in parsed) ||
    typeof parsed.licenseText !== "string"
  ) {
    throw new Error(`spdx-license-list holds no text for ${source.id}`);
  }
  return parsed.licenseText;
}

/** Reads a text once and hashes it; later calls return the same value. */
export function readLicenceText(source: TextSource): LicenceText {
  const key = source.kind === "file" ? `file:${source.file}` : `spdx:${source.id}`;
  const known = memo.get(key);
  if (known !== undefined) {
    return known;
  }
  const text = load(source);
  const value: LicenceText = {
    text,
    sha256: createHash("sha256").update(text, "utf8").digest("hex"),
  };
  memo.set(key, value);
  return value;
}
