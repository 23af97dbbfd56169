import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { seesVersion, type ModelRecord } from "./load-model.js";
import { resolveRevision, type VersionRecord } from "./versions.js";

/** What a commit shows of a published version; its files are not read. */
export type CommitVersion = Pick<
  VersionRecord,
  "id" | "name" | "commitId" | "createdAt" | "publishedAt"
>;

/** A published version seen as a commit: the version and the name of the user who published it. */
export interface CommitRecord {
  readonly version: CommitVersion;
  /** Null when the publisher's account no longer has a name to show. */
  readonly publisher: string | null;
}

/** One page of a model's history, newest first. */
export interface CommitPage {
  readonly commits: readonly CommitRecord[];
  /** The version the next page starts from, or null on the last page. */
  readonly next: CommitVersion | null;
}

/**
 * The published versions of a model as a commit history, newest first,
 * starting from the version `revision` names (`main`: the newest) and going
 * back in time: what `git log <revision>` would list. Order is by publication
 * time, as `main` is, with the id breaking ties, so the version after the last
 * of a page is the `revision` of the next one and paging stays stable while
 * new versions are published.
 *
 * Who published a version is taken from its `version.publish` audit event,
 * which names people by opaque id only; the name shown is read from
 * `namespaces`, where personal data lives and can be erased.
 */
export async function listCommits(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  revision: string,
  limit: number,
): Promise<CommitPage> {
  const start = await resolveRevision(ctx, actor, model, revision);
  const startAt = start.publishedAt ?? start.createdAt;
  const rows = await ctx.db
    .selectFrom("versions as v")
    .innerJoin("models as m", "m.id", "v.model_id")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select(["v.id", "v.name", "v.commit_id", "v.created_at", "v.published_at"])
    .where("v.model_id", "=", model.id)
    .where("v.state", "=", "published")
    // Only the versions this caller sees: the history is theirs, as `main` is.
    .where(seesVersion(actor))
    .where((eb) =>
      eb.or([
        eb("v.published_at", "<", startAt),
        eb.and([eb("v.published_at", "=", startAt), eb("v.id", "<=", start.id)]),
      ]),
    )
    .orderBy("v.published_at", "desc")
    .orderBy("v.id", "desc")
    .limit(limit + 1)
    .execute();
  const versions = rows.map((r): CommitVersion => ({
    id: r.id,
    name: r.name,
    // Fixed at publication, and these are published versions.
    commitId: r.commit_id ?? "",
    createdAt: r.created_at,
    publishedAt: r.published_at,
  }));
  const page = versions.slice(0, limit);
  const publishers = await publishersOf(
    ctx,
    page.map((v) => v.id),
  );
  return {
    commits: page.map((version) => ({ version, publisher: publishers.get(version.id) ?? null })),
    next: versions[limit] ?? null,
  };
}

/** The name of whoever published each version, by version id. */
async function publishersOf(
  ctx: HubContext,
  versionIds: readonly string[],
): Promise<Map<string, string>> {
  if (versionIds.length === 0) {
    return new Map();
  }
  const rows = await ctx.db
    .selectFrom("audit_events as e")
    .innerJoin("namespaces as n", "n.id", "e.actor_id")
    .select(["e.resource", "n.name"])
    .where("e.action", "=", "version.publish")
    .where(
      "e.resource",
      "in",
      versionIds.map((id) => `version:${id}`),
    )
    .execute();
  return new Map(rows.map((r) => [r.resource.slice("version:".length), r.name]));
}
