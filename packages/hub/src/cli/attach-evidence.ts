import { readFile } from "node:fs/promises";
import { validateEvidence } from "@gatehouse/ml";
import type { HubClient } from "./hub-client.js";

/** A pushed file on disk. */
interface PushedFile {
  readonly path: string;
  readonly absolute: string;
  readonly size: number;
}

/** JSON files larger than this are not read as evidence: reports are small. */
const MAX_REPORT_BYTES = 1024 * 1024;

/**
 * Attaches the evidence reports among a pushed folder's files to the version
 * just published: each `.json` that validates as evidence and is about a file
 * of the version (its subject's sha256), as `gatehouse train --out DIR` writes
 * them. Returns the kinds attached, by path.
 */
export async function attachPushedEvidence(
  client: HubClient,
  versionPath: string,
  files: readonly PushedFile[],
  versionDigests: ReadonlySet<string>,
): Promise<{ path: string; kind: string }[]> {
  const attached: { path: string; kind: string }[] = [];
  for (const file of files) {
    if (!file.path.endsWith(".json") || file.size > MAX_REPORT_BYTES) {
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file.absolute, "utf8"));
    } catch {
      // Not JSON: a file like any other, pushed and left alone.
      continue;
    }
    const report = validateEvidence(json);
    if (!report.ok || !versionDigests.has(report.evidence.subject.sha256)) {
      continue;
    }
    await client.json("POST", `${versionPath}/evidence`, report.evidence);
    attached.push({ path: file.path, kind: report.evidence.kind });
  }
  return attached;
}
