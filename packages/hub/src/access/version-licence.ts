import { createHash } from "node:crypto";
import type { HubContext } from "../context.js";
import { readGate, type VersionRecord } from "../registry/index.js";
import { licenceText, resolveLicence } from "../release/index.js";

/** A licence text shown beside the form is read whole; one this large is not a licence. */
const MAX_LICENCE_BYTES = 1024 * 1024;

/** The names a version's own licence file may take, first match wins. */
const LICENCE_FILES = [
  "LICENSE",
  "LICENSE.md",
  "LICENSE.txt",
  "LICENCE",
  "LICENCE.md",
  "LICENCE.txt",
];

/** The licence a gated version's requester accepts: what it is called and the exact text. */
export interface VersionLicence {
  /** The card's licence id (`llama3`, `Apache-2.0`, a `license_name`), or `unspecified`. */
  readonly id: string;
  /** sha256 of the exact bytes accepted: what an acceptance record binds to. */
  readonly sha256: string;
  /** Where the text comes from: the version's own file, the hub's catalogue, or the gate's prompt. */
  readonly source: "file" | "catalogue" | "prompt";
  /** The file holding it, when it is the version's own. */
  readonly path: string | null;
}

function licenceId(card: VersionRecord["card"]): string {
  const resolved = card === null ? null : resolveLicence(card);
  if (resolved?.ok === true) {
    return resolved.licence.id;
  }
  const name = card?.["license_name"];
  return typeof name === "string" ? name : "unspecified";
}

/** The text of the gate's prompt when neither file nor catalogue has one: what the requester is shown. */
const promptText = (version: VersionRecord, id: string): string =>
  readGate(version.card).prompt ?? `Licence: ${id}`;

/**
 * The licence of a published version as acceptance binds it: its own LICENSE
 * file when it ships one (bound by that file's sha256, so no bytes are read),
 * else the catalogue's text for the card's licence, else the gate's prompt.
 * Versions are immutable, so two versions with the same text ask once.
 */
export function versionLicence(version: VersionRecord): VersionLicence {
  const id = licenceId(version.card);
  const file = LICENCE_FILES.map((n) => version.files.find((f) => f.path === n)).find(
    (f) => f !== undefined,
  );
  if (file !== undefined) {
    return { id, sha256: file.sha256, source: "file", path: file.path };
  }
  const known = licenceText(id);
  if (known !== null) {
    return { id, sha256: known.sha256, source: "catalogue", path: null };
  }
  const text = promptText(version, id);
  const sha256 = createHash("sha256").update(text, "utf8").digest("hex");
  return { id, sha256, source: "prompt", path: null };
}

/** The text of a version's licence, to show before it is accepted. */
export async function versionLicenceText(
  ctx: HubContext,
  version: VersionRecord,
  licence: VersionLicence,
): Promise<string> {
  if (licence.source === "catalogue") {
    return licenceText(licence.id)?.text ?? "";
  }
  if (licence.source === "prompt") {
    return promptText(version, licence.id);
  }
  const file = version.files.find((f) => f.path === licence.path);
  if (file === undefined || file.size > MAX_LICENCE_BYTES) {
    return `The licence is the file ${licence.path ?? ""} of this version; download it to read it.`;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.blobs.read(file.sha256)) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
