import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import type { TestHub } from "../support/harness.js";

/** The LFS threshold the publishing tests run with, so a file above it stays small. */
export const TEST_LFS_THRESHOLD = 1024 * 1024;

export const sha256 = (data: Uint8Array | string): string =>
  createHash("sha256").update(data).digest("hex");

/** Random bytes, which start with no particular byte, so only their size makes them LFS. */
export const randomContent = (size: number): Buffer => randomBytes(size);

/** A published version as Gatehouse's own API lists it. */
export interface ListedVersion {
  readonly name: string;
  readonly state: string;
  readonly stage: string | null;
  readonly files: readonly { path: string; sha256: string; size: number }[];
}

/** The model's versions, newest first, as its owner sees them. */
export async function versionsOf(
  hub: TestHub,
  token: string,
  repo: string,
): Promise<ListedVersion[]> {
  const res = await hub.request("GET", `/api/models/${repo}/versions`, { token });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { versions: ListedVersion[] }).versions;
}

/** Path -> sha256 of a listed version's files. */
export const manifestOf = (version: ListedVersion | undefined): Record<string, string> =>
  Object.fromEntries((version?.files ?? []).map((f) => [f.path, f.sha256]));

/** The sha256 of what the blob store holds under `digest`, read from disk. */
export async function storedDigest(hub: TestHub, digest: string): Promise<string> {
  const file = path.join(hub.config.blobs.dir, "sha256", digest.slice(0, 2), digest);
  return sha256(await readFile(file));
}

/** Every file of the blob store, staging area included, to show a refusal kept nothing. */
export async function blobFiles(hub: TestHub): Promise<string[]> {
  const entries = await readdir(hub.config.blobs.dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(hub.config.blobs.dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** What the hub serves for a file of a revision, downloaded whole. */
export async function served(
  hub: TestHub,
  token: string,
  repo: string,
  revision: string,
  filePath: string,
): Promise<Buffer> {
  const res = await hub.request("GET", `/${repo}/resolve/${revision}/${filePath}`, { token });
  assert.equal(res.status, 200, `${filePath}@${revision}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}
