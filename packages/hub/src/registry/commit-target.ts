import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { ModelRecord } from "./load-model.js";
import { resolveRevision, resolveVersion, type VersionRecord } from "./versions.js";

/**
 * Refuses a Hugging Face commit (or its preupload) to anything but `main`:
 * published versions never change, and there are no other branches. A
 * version's own name gets 400 saying so; anything else 404 RevisionNotFound,
 * as the Hugging Face Hub answers for a branch it does not have.
 */
export async function assertCommitTarget(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  revision: string,
): Promise<void> {
  if (revision === "main" || revision === "refs/heads/main") {
    return;
  }
  const named = await resolveVersion(ctx, actor, model, revision).catch((err: unknown) => {
    if (err instanceof HubError && err.code === "REVISION_NOT_FOUND") {
      return null;
    }
    throw err;
  });
  if (named !== null) {
    throw new HubError(
      "BAD_REQUEST",
      `"${revision}" is version ${named.version.name} of ${model.fullName}, and published versions never change; commit to main, which publishes a new version`,
    );
  }
  throw new HubError(
    "REVISION_NOT_FOUND",
    `Invalid rev id: ${revision}: ${model.fullName} takes commits to main only; each commit to main publishes a new version`,
  );
}

/** Refuses `create_pr`: a commit here publishes a version, and there is nothing to review it as. */
export function refusePullRequest(createPr: boolean): void {
  if (createPr) {
    throw new HubError(
      "BAD_REQUEST",
      "pull requests are not supported: each commit to main publishes a new version, which then climbs the release ladder; commit without create_pr",
    );
  }
}

/** The version a commit to `main` starts from: the newest the caller sees, or null for a model without one. */
export async function commitBase(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
): Promise<VersionRecord | null> {
  return model.main === null ? null : resolveRevision(ctx, actor, model, "main");
}
