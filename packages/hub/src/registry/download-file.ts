import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { actorIdOf, type Actor } from "../auth/index.js";
import type { ByteRange } from "../blobs/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { SignedUrlUse } from "../signed-urls/index.js";
import type { ManifestEntry } from "./commit-id.js";
import { loadModel, type ModelRecord } from "./load-model.js";
import { isPublicStage } from "./hf-shapes.js";
import { resolveVersion, type ResolvedVersion, type VersionRecord } from "./versions.js";

export interface ResolvedFile {
  readonly model: ModelRecord;
  readonly version: VersionRecord;
  readonly access: ResolvedVersion["access"];
  readonly file: ManifestEntry;
}

/**
 * Finds the file a `resolve` URL names, after checking the caller may download
 * it now: the version's stage is read afresh for every request, so a download
 * resumed with `Range` after a withdrawal is refused.
 */
export async function resolveFile(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  revision: string,
  filePath: string,
): Promise<ResolvedFile> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.download");
  const { version, access } = await resolveVersion(ctx, actor, model, revision, "version.download");
  const file = version.files.find((f) => f.path === filePath);
  if (file === undefined) {
    throw new HubError(
      "ENTRY_NOT_FOUND",
      `${filePath} does not exist in version ${version.name} of ${model.fullName}`,
    );
  }
  return { model, version, access, file };
}

/**
 * Records that bytes of a file left the hub. Downloads of versions anyone may
 * fetch are not recorded, the log would only grow, except through a signed
 * URL: its every use is recorded to its grantee, with the key and expiry but
 * never the signature.
 */
export async function recordDownload(
  ctx: HubContext,
  actor: Actor,
  resolved: ResolvedFile,
  range: ByteRange | null,
  origin: RequestOrigin,
  signed: SignedUrlUse | null = null,
): Promise<void> {
  if (signed === null && isPublicStage(resolved.access.stage)) {
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
        ...(signed !== null
          ? { signedUrl: true, key: signed.keyId, expiresAt: signed.expiresAt }
          : actor.kind === "user"
            ? actor.token.session === true
              ? { session: actor.token.id }
              : { token: actor.token.id }
            : {}),
        ...(range === null ? {} : { range: [range.start, range.end] }),
      },
      at: ctx.clock.now(),
      origin,
    }),
  );
}
