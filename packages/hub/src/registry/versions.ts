import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { PERMISSIONS, actorIdOf, authorize, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { enqueueEvent } from "../events/index.js";
import { assertVersionName } from "../names/index.js";
import type { Stage } from "../stages/index.js";
import {
  isUniqueViolation,
  newId,
  prepareQuery,
  type Db,
  type VersionsTable,
} from "../store/index.js";
import { commitIdOf, type ManifestEntry } from "./commit-id.js";
import {
  loadModel,
  seesVersion,
  versionResource,
  type ModelRecord,
  type VersionAccess,
} from "./load-model.js";
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

export type VersionRow = Pick<
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

/**
 * The immutable part of a version as a record: a published version never
 * changes, so its record (files, parsed card) is kept in the app's cache once
 * read, and model info and downloads then cost no query for its files. Safe
 * with several hubs on one database, since no hub may change it either. Its
 * stage does change, and is never kept here.
 */
export async function toVersionRecord(ctx: HubContext, row: VersionRow): Promise<VersionRecord> {
  const cached = ctx.caches.versions.get(row.id);
  if (cached !== undefined) {
    return cached;
  }
  const files = await filesOf(ctx.db, row.id);
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
    ctx.caches.versions.set(row.id, record);
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

// Only what decides access, read fresh: the record itself is most often in memory already.
const published = (db: Db, modelId: string) =>
  db
    .selectFrom("versions")
    .select(["id", "stage", "withdrawn_from", "stage_since", "stage_reason"])
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
async function publishedVersion(ctx: HubContext, id: string): Promise<VersionRecord | undefined> {
  const cached = ctx.caches.versions.get(id);
  if (cached !== undefined) {
    return cached;
  }
  const [row] = await versionById(ctx.db, { id });
  return row === undefined ? undefined : toVersionRecord(ctx, row);
}

/**
 * What follows a publication, supplied by the app: the release folder moves
 * the version to its model's initial stage, as policy allows.
 */
export interface PublishHooks {
  /** Refuses a card whose licence does not resolve or whose base models the publisher cannot see. */
  checkCard(actor: Actor, card: CardData): Promise<void>;
  enterInitialStage(
    actor: Actor,
    model: ModelRecord,
    version: VersionRecord,
    origin: RequestOrigin,
  ): Promise<{
    stage: Stage;
    refused: readonly { id: string; message: string | null; expression: string }[];
  }>;
}

/**
 * What gated access adds to a download or call decision, supplied by the app
 * from the access folder: whether the caller holds a live grant, and whether a
 * grant holder has accepted this version's licence text.
 */
export interface GateHooks {
  holdsGrant(userId: string, modelId: string, versionId: string): Promise<boolean>;
  /** The refusal for a grant holder who must still accept the version's licence, or null. */
  licenceRefusal(
    userId: string,
    model: ModelRecord,
    version: VersionRecord,
  ): Promise<HubError | null>;
}

/** A published version and what decides access to it now. */
export interface ResolvedVersion {
  readonly version: VersionRecord;
  readonly access: VersionAccess;
}

/** The actions decided per version once it is resolved. */
export type VersionAction = "version.see" | "version.download" | "version.infer";

/**
 * Resolves a revision to a published version the caller may see, and decides
 * `action` on it: `main` or `HEAD` is the newest version the caller may see,
 * 40 hex digits a commit id, anything else a version name. Drafts are never a
 * revision, and a version the caller may not see is answered as a missing one;
 * the error says what the model has. A version seen but not open to `action`
 * gets the stage's answer: gated, hosted only, or withdrawn (with its reason).
 */
export async function resolveVersion(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  revision: string,
  action: VersionAction = "version.see",
): Promise<ResolvedVersion> {
  const newest = revision === "main" || revision === "HEAD";
  const [row] = newest
    ? model.main === null
      ? []
      : [
          {
            id: model.main.id,
            stage: model.main.stage,
            withdrawn_from: null,
            stage_since: null,
            stage_reason: null,
          },
        ]
    : /^[0-9a-f]{40}$/.test(revision)
      ? await publishedByCommit(ctx.db, { modelId: model.id, commit: revision })
      : await publishedByName(ctx.db, { modelId: model.id, name: revision });
  const access: VersionAccess | undefined =
    row === undefined || row.stage === null
      ? undefined
      : {
          id: row.id,
          stage: row.stage,
          withdrawnFrom: row.withdrawn_from,
          since: row.stage_since,
          reason: row.stage_reason,
        };
  const seen =
    access !== undefined && authorize(actor, "version.see", versionResource(model, access)).allowed;
  // A version deleted between the two reads is as missing as one never there.
  const version = seen ? await publishedVersion(ctx, access.id) : undefined;
  if (version === undefined || access === undefined) {
    const why = newest
      ? `${model.fullName} has no published version yet`
      : `${model.fullName} has no published version or commit "${revision}"`;
    throw new HubError("REVISION_NOT_FOUND", `Invalid rev id: ${revision}: ${why}`);
  }
  if (action !== "version.see") {
    const resource = versionResource(model, access);
    let decision = authorize(actor, action, resource);
    // Grants are read only where the stage table admits grantees, and fresh each time.
    if (
      !decision.allowed &&
      actor.kind === "user" &&
      PERMISSIONS[action].allow[access.stage].includes("grantee") &&
      (await ctx.gate.holdsGrant(actor.userId, model.id, access.id))
    ) {
      decision = authorize(actor, action, { ...resource, grantee: true });
      const unaccepted = decision.allowed
        ? await ctx.gate.licenceRefusal(actor.userId, model, version)
        : null;
      if (unaccepted !== null) {
        throw unaccepted;
      }
    }
    if (!decision.allowed) {
      throw refusedAt(actor, model, version, access, action);
    }
  }
  return { version, access };
}

/** {@link resolveVersion} when only the version is wanted. */
export async function resolveRevision(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  revision: string,
): Promise<VersionRecord> {
  return (await resolveVersion(ctx, actor, model, revision)).version;
}

/** Why a version the caller sees is closed to `action`, in the words its stage calls for. */
function refusedAt(
  actor: Actor,
  model: ModelRecord,
  version: VersionRecord,
  access: VersionAccess,
  action: VersionAction,
): HubError {
  const id = `${model.fullName}@${version.name}`;
  const doing = action === "version.download" ? "download" : "call";
  switch (access.stage) {
    case "withdrawn":
      return new HubError(
        "WITHDRAWN",
        `${id} was withdrawn${access.since === null ? "" : ` on ${access.since.slice(0, 10)}`}: ${access.reason ?? "no reason recorded"}`,
        { withdrawnAt: access.since, reason: access.reason },
      );
    case "gated":
      // The Hugging Face clients raise GatedRepoError for these, 401 anonymous (hf-api.md).
      return actor.kind === "anonymous"
        ? new HubError(
            "GATED",
            `Access to model ${model.fullName} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
            undefined,
            401,
          )
        : new HubError(
            "GATED",
            `Access to model ${model.fullName} is restricted and you are not in the authorized list. Ask for access to ${id} with 'gatehouse access request ${model.fullName}' (POST /api/models/${model.fullName}/access/requests).`,
          );
    case "api":
      return new HubError(
        actor.kind === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN",
        action === "version.download"
          ? `${id} is released for hosted inference only; its weights cannot be downloaded`
          : `sign in to call ${id}`,
      );
    default:
      return new HubError(
        actor.kind === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN",
        `you may not ${doing} ${id} at its stage (${access.stage})`,
      );
  }
}

/** The model's versions the caller may see, newest first, with their stages; drafts only for those who may upload. */
export async function listVersions(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  includeDrafts: boolean,
): Promise<ResolvedVersionOrDraft[]> {
  const rows = await ctx.db
    .selectFrom("versions as v")
    .innerJoin("models as m", "m.id", "v.model_id")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select(VERSION_COLUMNS.map((c) => `v.${c}` as const))
    .select(["v.stage", "v.withdrawn_from", "v.stage_since", "v.stage_reason"])
    .where("v.model_id", "=", model.id)
    .where((eb) =>
      includeDrafts
        ? eb.or([eb("v.state", "=", "draft"), seesVersion(actor)])
        : eb.and([eb("v.state", "=", "published"), seesVersion(actor)]),
    )
    .orderBy("v.created_at", "desc")
    .orderBy("v.id", "desc")
    .execute();
  return Promise.all(
    rows.map(async (r) => ({
      version: await toVersionRecord(ctx, r),
      access:
        r.stage === null
          ? null
          : {
              id: r.id,
              stage: r.stage,
              withdrawnFrom: r.withdrawn_from,
              since: r.stage_since,
              reason: r.stage_reason,
            },
    })),
  );
}

/** A listed version: a published one with its access, or a draft (access null). */
export interface ResolvedVersionOrDraft {
  readonly version: VersionRecord;
  readonly access: VersionAccess | null;
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
  return { model, version: await toVersionRecord(ctx, row) };
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

/** A version just published, with its stage and the rules that kept it from its model's initial stage. */
export interface Published {
  readonly model: ModelRecord;
  readonly version: VersionRecord;
  readonly access: VersionAccess;
  /** Rules that kept the version from its model's initial stage; it stays private. */
  readonly refused: readonly { id: string; message: string | null; expression: string }[];
}

/**
 * Inside the caller's transaction, publishes the draft `draft`: fixes its
 * commit id, makes it immutable and private, and writes its audit event.
 * Every publication goes through here, whether a push or a Hugging Face commit.
 */
export async function markPublished(
  ctx: HubContext,
  trx: Db,
  model: ModelRecord,
  draft: VersionRow,
  actor: Actor,
  origin: RequestOrigin,
): Promise<VersionRow> {
  const files = await filesOf(trx, draft.id);
  if (files.length === 0) {
    throw new HubError(
      "BAD_REQUEST",
      `version ${draft.name} of ${model.fullName} has no files; upload some before publishing`,
    );
  }
  const commitId = commitIdOf(model.id, draft.name, files);
  const now = ctx.clock.now();
  const actorId = actorIdOf(actor);
  const updated = await trx
    .updateTable("versions")
    .set({
      state: "published",
      commit_id: commitId,
      published_at: now.toISOString(),
      // Every version starts private; its model's initial stage is a transition the policy decides.
      stage: "private",
      stage_since: now.toISOString(),
      stage_reason: "published",
      published_by: actorId,
    })
    .where("id", "=", draft.id)
    .where("state", "=", "draft")
    .executeTakeFirst();
  if (updated.numUpdatedRows !== 1n) {
    throw new HubError("CONFLICT", `version ${draft.name} was published by another request`);
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
      name: draft.name,
      commit: commitId,
      files: files.length,
      bytes: files.reduce((n, f) => n + f.size, 0),
    },
    at: now,
    origin,
  });
  await enqueueEvent(trx, {
    type: "version.published",
    namespaceId: model.namespace.id,
    at: now,
    data: {
      model: { id: model.id, name: model.fullName },
      version: { id: draft.id, name: draft.name, commit: commitId },
      publishedBy: actorId,
    },
  });
  return {
    ...draft,
    state: "published" as const,
    commit_id: commitId,
    published_at: now.toISOString(),
  };
}

/**
 * After {@link markPublished}'s transaction: moves the version to its model's
 * initial stage through the release hooks, as policy allows.
 */
export async function moveToInitialStage(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  row: VersionRow,
  origin: RequestOrigin,
): Promise<Published> {
  const version = await toVersionRecord(ctx, row);
  const entered =
    model.initialStage === "private"
      ? { stage: "private" as const, refused: [] }
      : await ctx.publish.enterInitialStage(actor, model, version, origin);
  return {
    model,
    version,
    access: {
      id: row.id,
      stage: entered.stage,
      withdrawnFrom: null,
      since: row.published_at,
      reason: "published",
    },
    refused: entered.refused,
  };
}

/**
 * Publishes a draft: fixes its commit id and makes it immutable, in one
 * transaction with its audit event, then moves it to its model's initial stage.
 */
export async function publishVersion(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  origin: RequestOrigin,
): Promise<Published> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.publish");
  const pending = await draftFor(ctx.db, model, versionName);
  if (pending.card !== null) {
    await ctx.publish.checkCard(actor, JSON.parse(pending.card) as CardData);
  }
  const row = await ctx.db
    .transaction()
    .execute(async (trx) =>
      markPublished(ctx, trx, model, await draftFor(trx, model, versionName), actor, origin),
    );
  return moveToInitialStage(ctx, actor, model, row, origin);
}
