import { createHash } from "node:crypto";

export interface ManifestEntry {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

/**
 * The 40-hex id of a version, derived from the model, the version's name and
 * its manifest (path, sha256, size of every file, sorted by path), so equal
 * content under the same name always has the same id. 40 hex digits because
 * the Hugging Face clients expect git-style commit ids.
 */
export function commitIdOf(
  modelId: string,
  versionName: string,
  files: readonly ManifestEntry[],
): string {
  const hash = createHash("sha1").update(`gatehouse-version 1\n${modelId}\n${versionName}\n`);
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) {
    hash.update(`${f.path}\0${f.sha256}\0${f.size}\n`);
  }
  return hash.digest("hex");
}

/** The Git LFS pointer file that stands for content with this sha256 and size. */
export function lfsPointerText(sha256: string, size: number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
}

/** The git blob id of the Git LFS pointer file that stands for content with this sha256 and size. */
export function lfsPointerOid(sha256: string, size: number): { oid: string; pointerSize: number } {
  const pointer = lfsPointerText(sha256, size);
  const bytes = Buffer.byteLength(pointer);
  const oid = createHash("sha1").update(`blob ${bytes}\0${pointer}`).digest("hex");
  return { oid, pointerSize: bytes };
}
