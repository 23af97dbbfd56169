import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { actorIdOf, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { assertVersionName } from "../names/index.js";
import {
  BoundedMap,
  isUniqueViolation,
  newId,
  prepareQuery,
  type Db,
  type VersionsTable,
} from "../store/index.js";
import { commitIdOf, type ManifestEntry } from "./commit-id.js";
import { loadModel, type ModelRecord } from "./load-model.js";
import type { CardData } from "./model-card.js";

/** A version with its files, as the services return it. */
export interface VersionRecord {
  readonly id: string;
  readonly modelId: string;
  readonly name: string;
  readonly state: "draft" | "published";
  /** Fixed at publication; for a draft, what it would be if published now. */
  readonly commitId: string;
  readonly card: CardData | null;
  readonly createdAt: string;
  readonly publishedAt: string | null;
  readonly files: readonly ManifestEntry[];
}

type VersionRow = Pick<
  VersionsTable,
  "id" | "model_id" | "name" | "state" | "commit_id" | "card" | "created_at" | "published_at"
>;

export async function filesOf(db: Db, versionId: string): Promise<ManifestEntry[]> {
  const rows = await db
    .selectFrom("version_files")
    .select(["path", "sha256", "size"])
    .where("version_id", "=", versionId)
    .orderBy("path")
    .execute();
  return rows.map((r) => ({ path: r.path, sha256: r.sha256, size: r.size }));
}

/** Published versions kept in memory, per store; at most this many each. */
const PUBLISHED_CACHE_SIZE = 1000;
const publishedCache = new WeakMap<Db, BoundedMap<string, VersionRecord>>();

/**
 * A published version never changes, so its record (files, parsed card) is
 * kept once read: model info and downloads then cost no query for its files.
 * Safe with several hubs on one database, since no hub may change it either.
 */
export async function toVersionRecord(db: Db, row: VersionRow): Promise<VersionRecord> {
  let cache = publishedCache.get(db);
  const cached = cache?.get(row.id);
  if (cached !== undefined) {
    return cached;
  }
  const files = await filesOf(db, row.id);
  const record: VersionRecord = {
    id: row.id,
    modelId: row.model_id,
    name: row.name,
    state: row.state,
    commitId: row.commit_id ?? commitIdOf(row.model_id, row.name, files),
    card: row.card === null ? null : (JSON.parse(row.card) as CardData),
    createdAt: row.created_at,
    publishedAt: row.published_at,
    files,
  };
  if (row.state === "published") {
    if (cache === undefined) {
      cache = new BoundedMap(PUBLISHED_CACHE_SIZE);
      publishedCache.set(db, cache);
    }
    cache.set(row.id, record);
  }
  return record;
}

const VERSION_COLUMNS = [
  "id",
  "model_id",
  "name",
  "state",
  "commit_id",
  "card",
  "created_at",
  "published_at",
] as const;

/** Finds a version of a model by name, drafts included. */
export async function findVersionRow(
  db: Db,
  modelId: string,
  name: string,
): Promise<VersionRow | undefined> {
  return db
    .selectFrom("versions")
    .select(VERSION_COLUMNS)
    .where("model_id", "=", modelId)
    .where("name", "=", name)
    .executeTakeFirst();
}

// Only the id: a published version's record is then most often in memory already.
const published = (db: Db, modelId: string) =>
  db
    .selectFrom("versions")
    .select("id")
    .where("model_id", "=", modelId)
    .where("state", "=", "published");

const publishedByCommit = prepareQuery(["modelId", "commit"], (db, p) =>
  published(db, p("modelId")).where("commit_id", "=", p("commit")),
);
const publishedByName = prepareQuery(["modelId", "name"], (db, p) =>
  published(db, p("modelId")).where("name", "=", p("name")),
);
const versionById = prepareQuery(["id"], (db, p) =>
  db.selectFrom("versions").select(VERSION_COLUMNS).where("id", "=", p("id")),
);

/** A published version by id, from memory when it has been read before. */
async function publishedVersion(db: Db, id: string): Promise<VersionRecord | undefined> {
  const cached = publishedCache.get(db)?.get(id);
  if (cached !== undefined) {
    return cached;
  }
  const [row] = await versionById(db, { id });
  return row === undefined ? undefined : toVersionRecord(db, row);
}

/**
 * Resolves a revision to a published version: `main` or `HEAD` is the newest,
 * 40 hex digits a commit id, anything else a version name. Drafts are never a
 * revision; the error says what the model has.
 */
export async function resolveRevision(
  db: Db,
  model: ModelRecord,
  revision: string,
): Promise<VersionRecord> {
  const newest = revision === "main" || revision === "HEAD";
  const [found] = newest
    ? model.newestPublishedId === null
      ? []
      : [{ id: model.newestPublishedId }]
    : /^[0-9a-f]{40}$/.test(revision)
      ? await publishedByCommit(db, { modelId: model.id, commit: revision })
      : await publishedByName(db, { modelId: model.id, name: revision });
  // A version deleted between the two reads is as missing as one never there.
  const version = found === undefined ? undefined : await publishedVersion(db, found.id);
  if (version === undefined) {
    const why = newest
      ? `${model.fullName} has no published version yet`
      : `${model.fullName} has no published version or commit "${revision}"`;
    throw new HubError("REVISION_NOT_FOUND", `Invalid rev id: ${revision}: ${why}`);
  }
  return version;
}

/** Versions of a model, newest first; drafts only for those who may upload. */
export async function listVersions(
  ctx: HubContext,
  model: ModelRecord,
  includeDrafts: boolean,
): Promise<VersionRecord[]> {
  let query = ctx.db
    .selectFrom("versions")
    .select(VERSION_COLUMNS)
    .where("model_id", "=", model.id);
  if (!includeDrafts) {
    query = query.where("state", "=", "published");
  }
  const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").execute();
  return Promise.all(rows.map((r) => toVersionRecord(ctx.db, r)));
}

/** Creates a draft version. */
export async function createVersion(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  origin: RequestOrigin,
): Promise<{ model: ModelRecord; version: VersionRecord }> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.create");
  assertVersionName(versionName);
  const actorId = actorIdOf(actor);
  const row = await ctx.db.transaction().execute(async (trx) => {
    const existing = await findVersionRow(trx, model.id, versionName);
    if (existing !== undefined) {
      throw new HubError(
        existing.state === "published" ? "IMMUTABLE" : "ALREADY_EXISTS",
        existing.state === "published"
          ? `version ${versionName} of ${model.fullName} is already published; choose a new version name`
          : `a draft ${versionName} of ${model.fullName} already exists; upload to it or publish it`,
        { state: existing.state },
      );
    }
    const now = ctx.clock.now();
    const values: VersionRow = {
      id: newId("v"),
      model_id: model.id,
      name: versionName,
      state: "draft",
      commit_id: null,
      card: null,
      created_at: now.toISOString(),
      published_at: null,
    };
    await trx
      .insertInto("versions")
      .values(values)
      .execute()
      .catch((err: unknown) => {
        // Created between the check above and this insert, by a request at the same moment.
        throw isUniqueViolation(err)
          ? new HubError(
              "ALREADY_EXISTS",
              `a draft ${versionName} of ${model.fullName} was just created by another request; upload to it or publish it`,
            )
          : err;
      });
    await appendAuditEvent(trx, {
      actorId,
      action: "version.create",
      resource: `version:${values.id}`,
      details: { model: model.id, name: versionName },
      at: now,
      origin,
    });
    return values;
  });
  return { model, version: await toVersionRecord(ctx.db, row) };
}

/** The draft `versionName` of a loaded model, or a 404/409 that says why it cannot change. */
export async function draftFor(
  db: Db,
  model: ModelRecord,
  versionName: string,
): Promise<VersionRow> {
  const row = await findVersionRow(db, model.id, versionName);
  if (row === undefined) {
    throw new HubError(
      "REVISION_NOT_FOUND",
      `${model.fullName} has no version "${versionName}"; create it first (gatehouse push creates it)`,
    );
  }
  if (row.state !== "draft") {
    throw new HubError(
      "IMMUTABLE",
      `version ${versionName} of ${model.fullName} is published and cannot change; push a new version`,
    );
  }
  return row;
}

/**
 * Publishes a draft: fixes its commit id and makes it immutable, in one
 * transaction with its audit event.
 */
export async function publishVersion(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  origin: RequestOrigin,
): Promise<{ model: ModelRecord; version: VersionRecord }> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.publish");
  const actorId = actorIdOf(actor);
  const row = await ctx.db.transaction().execute(async (trx) => {
    const draft = await draftFor(trx, model, versionName);
    const files = await filesOf(trx, draft.id);
    if (files.length === 0) {
      throw new HubError(
        "BAD_REQUEST",
        `version ${versionName} of ${model.fullName} has no files; upload some before publishing`,
      );
    }
    const commitId = commitIdOf(model.id, versionName, files);
    const now = ctx.clock.now();
    const updated = await trx
      .updateTable("versions")
      .set({ state: "published", commit_id: commitId, published_at: now.toISOString() })
      .where("id", "=", draft.id)
      .where("state", "=", "draft")
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) {
      throw new HubError("CONFLICT", `version ${versionName} was published by another request`);
    }
    await trx
      .updateTable("models")
      .set({ updated_at: now.toISOString() })
      .where("id", "=", model.id)
      .execute();
    await appendAuditEvent(trx, {
      actorId,
      action: "version.publish",
      resource: `version:${draft.id}`,
      details: {
        model: model.id,
        name: versionName,
        commit: commitId,
        files: files.length,
        bytes: files.reduce((n, f) => n + f.size, 0),
      },
      at: now,
      origin,
    });
    return {
      ...draft,
      state: "published" as const,
      commit_id: commitId,
      published_at: now.toISOString(),
    };
  });
  return { model, version: await toVersionRecord(ctx.db, row) };
}
