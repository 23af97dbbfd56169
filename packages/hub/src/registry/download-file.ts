import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { actorIdOf, type Actor } from "../auth/index.js";
import type { ByteRange } from "../blobs/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { ManifestEntry } from "./commit-id.js";
import { loadModel, type ModelRecord } from "./load-model.js";
import { resolveRevision, type VersionRecord } from "./versions.js";

export interface ResolvedFile {
  readonly model: ModelRecord;
  readonly version: VersionRecord;
  readonly file: ManifestEntry;
}

/** Finds the file a `resolve` URL names, after checking the caller may download it. */
export async function resolveFile(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  revision: string,
  filePath: string,
): Promise<ResolvedFile> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "model.download");
  const version = await resolveRevision(ctx.db, model, revision);
  const file = version.files.find((f) => f.path === filePath);
  if (file === undefined) {
    throw new HubError(
      "ENTRY_NOT_FOUND",
      `${filePath} does not exist in version ${version.name} of ${model.fullName}`,
    );
  }
  return { model, version, file };
}

/**
 * Records that bytes of a file left the hub. Downloads of open models are not
 * recorded: anyone may fetch them and the log would only grow.
 */
export async function recordDownload(
  ctx: HubContext,
  actor: Actor,
  resolved: ResolvedFile,
  range: ByteRange | null,
  origin: RequestOrigin,
): Promise<void> {
  if (resolved.model.visibility === "open") {
    return;
  }
  await ctx.db.transaction().execute((trx) =>
    appendAuditEvent(trx, {
      actorId: actorIdOf(actor),
      action: "file.download",
      resource: `version:${resolved.version.id}`,
      details: {
        path: resolved.file.path,
        sha256: resolved.file.sha256,
        ...(actor.kind === "user" ? { token: actor.token.id } : {}),
        ...(range === null ? {} : { range: [range.start, range.end] }),
      },
      at: ctx.clock.now(),
      origin,
    }),
  );
}
