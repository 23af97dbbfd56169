import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { assertFilePath } from "../names/index.js";
import type { ManifestEntry } from "./commit-id.js";
import { assertCommitTarget, commitBase } from "./commit-target.js";
import { loadModel } from "./load-model.js";

/** How a client is to send one file: inside the commit, or through Git LFS first. */
export type UploadMode = "regular" | "lfs";

/**
 * `lfs` for a file larger than `threshold` bytes or whose first bytes hold a
 * NUL (git's own test for binary content), `regular` otherwise; an empty file
 * is always regular, as the Hugging Face Hub answers.
 *
 * @example uploadModeOf(20, Buffer.from("{}"), 10) // "lfs"
 */
export function uploadModeOf(size: number, sample: Buffer, threshold: number): UploadMode {
  if (size === 0) {
    return "regular";
  }
  return size > threshold || sample.includes(0) ? "lfs" : "regular";
}

/** A file the client means to commit, as the preupload request describes it. */
export interface PreuploadFile {
  readonly path: string;
  readonly size: number;
  /** Its first bytes (the clients send 512), base64. */
  readonly sample: string;
}

/** What the clients read back per file: `oid` lets huggingface_hub skip unchanged files. */
export interface PreuploadAnswer {
  readonly path: string;
  readonly uploadMode: UploadMode;
  readonly shouldIgnore: false;
  readonly oid?: string;
}

/** Git's blob id of content: sha1 of `blob <size>\0` and the bytes. */
async function gitBlobId(size: number, content: Readable): Promise<string> {
  const hash = createHash("sha1").update(`blob ${size}\0`);
  for await (const chunk of content) {
    hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}

/**
 * The oid huggingface_hub compares with its own for a file that may be
 * unchanged (same size at the same path in `main`): the sha256 for LFS files,
 * git's blob id for regular ones, which are small enough to read.
 */
async function remoteOid(
  ctx: HubContext,
  mode: UploadMode,
  current: ManifestEntry | undefined,
  size: number,
): Promise<string | undefined> {
  if (current === undefined || current.size !== size) {
    return undefined;
  }
  return mode === "lfs" ? current.sha256 : gitBlobId(size, ctx.blobs.read(current.sha256));
}

/**
 * Answers the Hugging Face clients' preupload question: which files to upload
 * through Git LFS. Refuses paths the hub would not store before any byte is
 * sent, and any revision but `main`.
 */
export async function preuploadFiles(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  revision: string,
  files: readonly PreuploadFile[],
): Promise<PreuploadAnswer[]> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.upload");
  await assertCommitTarget(ctx, actor, model, revision);
  for (const file of files) {
    assertFilePath(file.path);
  }
  const base = await commitBase(ctx, actor, model);
  const current = new Map((base?.files ?? []).map((f) => [f.path, f]));
  const answers: PreuploadAnswer[] = [];
  for (const file of files) {
    const mode = uploadModeOf(
      file.size,
      Buffer.from(file.sample, "base64"),
      ctx.config.lfsThresholdBytes,
    );
    const oid = await remoteOid(ctx, mode, current.get(file.path), file.size);
    answers.push({
      path: file.path,
      uploadMode: mode,
      shouldIgnore: false,
      ...(oid === undefined ? {} : { oid }),
    });
  }
  return answers;
}
