import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { UserActor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { enqueueEvent } from "../events/index.js";
import { readGate, type ModelRecord, type VersionRecord } from "../registry/index.js";
import { newId, prepareQuery, type Db } from "../store/index.js";
import { versionLicence } from "./version-licence.js";

const liveGrant = prepareQuery(["modelId", "versionId", "userId", "at"], (db, p) =>
  db
    .selectFrom("access_grants as g")
    .select("g.id")
    .where("g.model_id", "=", p("modelId"))
    .where((eb) => eb.or([eb("g.version_id", "is", null), eb("g.version_id", "=", p("versionId"))]))
    .where("g.revoked_at", "is", null)
    .where((eb) => eb.or([eb("g.expires_at", "is", null), eb("g.expires_at", ">", p("at"))]))
    .where((eb) =>
      eb.or([
        eb("g.grantee_id", "=", p("userId")),
        eb(
          "g.grantee_id",
          "in",
          eb.selectFrom("org_members").select("org_id").where("user_id", "=", p("userId")),
        ),
      ]),
    )
    .limit(1),
);

/**
 * Whether the user holds a grant of access to the version live now: to it or
 * to all the model's gated versions, themselves or through an organisation
 * they belong to now. Read from the store on every request, so a revocation
 * or expiry stops the next request in every hub process, a resumed download too.
 */
export async function holdsGrant(
  ctx: HubContext,
  userId: string,
  modelId: string,
  versionId: string,
): Promise<boolean> {
  const rows = await liveGrant(ctx.db, {
    modelId,
    versionId,
    userId,
    at: ctx.clock.now().toISOString(),
  });
  return rows.length > 0;
}

const acceptance = prepareQuery(["modelId", "userId", "sha256"], (db, p) =>
  db
    .selectFrom("licence_acceptances")
    .select("id")
    .where("model_id", "=", p("modelId"))
    .where("user_id", "=", p("userId"))
    .where("text_sha256", "=", p("sha256"))
    .limit(1),
);

/** Whether the user accepted the exact text of the version's licence (for this model, any version with that text). */
export async function acceptedLicence(
  ctx: HubContext,
  userId: string,
  modelId: string,
  version: VersionRecord,
): Promise<boolean> {
  const rows = await acceptance(ctx.db, {
    modelId,
    userId,
    sha256: versionLicence(version).sha256,
  });
  return rows.length > 0;
}

/**
 * The refusal for a grant holder who has not accepted this version's licence
 * text: a new version whose licence differs asks again. 403 with GatedRepo, so
 * the Hugging Face clients raise GatedRepoError as for any gated refusal.
 */
export function licenceNotAccepted(model: ModelRecord, version: VersionRecord): HubError {
  const licence = versionLicence(version);
  return new HubError(
    "GATED",
    `You have access to ${model.fullName}, but not yet to the licence of version ${version.name} (${licence.id}): accept it with 'gatehouse access accept ${model.fullName}@${version.name}' or POST /api/models/${model.fullName}/access/accept`,
    { licence: licence.id, licenceSha256: licence.sha256 },
  );
}

/** A grant as owners and grantees see it. */
export interface GrantView {
  readonly id: string;
  readonly model: string;
  /** The version's name, or null for every gated version. */
  readonly version: string | null;
  readonly grantee: string;
  readonly granteeKind: "user" | "org";
  readonly grantedAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly status: "live" | "expired" | "revoked";
}

/** The status of a grant at `at`. */
export const grantStatus = (
  g: { revoked_at: string | null; expires_at: string | null },
  at: string,
): GrantView["status"] =>
  g.revoked_at !== null
    ? "revoked"
    : g.expires_at !== null && g.expires_at <= at
      ? "expired"
      : "live";

/** What a new grant covers and for how long. */
export interface NewGrant {
  readonly model: ModelRecord;
  /** One version, or null for every gated version of the model. */
  readonly version: { readonly id: string; readonly name: string } | null;
  readonly grantee: { readonly id: string; readonly kind: "user" | "org" };
  readonly requestId: string | null;
  readonly expiresAt: string | null;
}

/**
 * Writes a grant inside `trx`, after revoking any live one of the same grantee
 * and scope it replaces, with its audit event. `grantedBy` is null when the
 * gate approved by itself. Returns the grant's id.
 */
export async function writeGrant(
  ctx: HubContext,
  trx: Db,
  grantedBy: string | null,
  grant: NewGrant,
  origin: RequestOrigin,
): Promise<string> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  await trx
    .updateTable("access_grants")
    .set({ revoked_at: at, revoked_by: grantedBy, revoke_reason: "replaced by a new grant" })
    .where("model_id", "=", grant.model.id)
    .where("grantee_id", "=", grant.grantee.id)
    .where((eb) =>
      grant.version === null
        ? eb("version_id", "is", null)
        : eb("version_id", "=", grant.version.id),
    )
    .where("revoked_at", "is", null)
    .execute();
  const id = newId("g");
  await trx
    .insertInto("access_grants")
    .values({
      id,
      model_id: grant.model.id,
      version_id: grant.version?.id ?? null,
      grantee_id: grant.grantee.id,
      request_id: grant.requestId,
      granted_by: grantedBy,
      granted_at: at,
      expires_at: grant.expiresAt,
      revoked_at: null,
      revoked_by: null,
      revoke_reason: null,
    })
    .execute();
  await appendAuditEvent(trx, {
    actorId: grantedBy,
    action: "access.grant",
    resource: `model:${grant.model.id}`,
    details: {
      grant: id,
      grantee: grant.grantee.id,
      version: grant.version?.id ?? null,
      request: grant.requestId,
      expiresAt: grant.expiresAt,
    },
    at: now,
    origin,
  });
  await enqueueEvent(trx, {
    type: "access.granted",
    namespaceId: grant.model.namespace.id,
    at: now,
    data: {
      model: { id: grant.model.id, name: grant.model.fullName },
      version: grant.version,
      subject: grant.grantee,
      request: grant.requestId,
      expiresAt: grant.expiresAt,
    },
  });
  return id;
}

/**
 * Revokes the grantee's live grants on the model (all of them, or those of one
 * version) inside `trx`, with the audit event and an `access.revoked` event
 * per grant; returns how many it revoked.
 */
export async function revokeGrants(
  ctx: HubContext,
  trx: Db,
  actor: UserActor,
  target: {
    model: ModelRecord;
    grantee: { id: string; kind: "user" | "org" };
    versionId?: string | null;
    reason: string;
  },
  origin: RequestOrigin,
): Promise<number> {
  const now = ctx.clock.now();
  const live = trx
    .selectFrom("access_grants as g")
    .leftJoin("versions as v", "v.id", "g.version_id")
    .select(["g.id", "g.request_id", "g.version_id", "v.name as version_name", "g.expires_at"])
    .where("g.model_id", "=", target.model.id)
    .where("g.grantee_id", "=", target.grantee.id)
    .where("g.revoked_at", "is", null);
  const { versionId } = target;
  const grants = await (
    versionId === undefined
      ? live
      : versionId === null
        ? live.where("g.version_id", "is", null)
        : live.where("g.version_id", "=", versionId)
  ).execute();
  if (grants.length === 0) {
    return 0;
  }
  await trx
    .updateTable("access_grants")
    .set({ revoked_at: now.toISOString(), revoked_by: actor.userId, revoke_reason: target.reason })
    .where(
      "id",
      "in",
      grants.map((g) => g.id),
    )
    .execute();
  await appendAuditEvent(trx, {
    actorId: actor.userId,
    action: "access.revoke",
    resource: `model:${target.model.id}`,
    details: {
      grantee: target.grantee.id,
      grants: grants.map((g) => g.id),
      reason: target.reason,
    },
    at: now,
    origin,
  });
  for (const g of grants) {
    await enqueueEvent(trx, {
      type: "access.revoked",
      namespaceId: target.model.namespace.id,
      at: now,
      data: {
        model: { id: target.model.id, name: target.model.fullName },
        version: g.version_id === null ? null : { id: g.version_id, name: g.version_name ?? "" },
        subject: target.grantee,
        request: g.request_id,
        expiresAt: g.expires_at,
      },
    });
  }
  return grants.length;
}

/**
 * The refusal for a grant holder who must still accept the version's licence
 * text, or null when the gate asks for no acceptance or they gave it.
 */
export async function licenceRefusal(
  ctx: HubContext,
  userId: string,
  model: ModelRecord,
  version: VersionRecord,
): Promise<HubError | null> {
  if (!readGate(version.card).licenceAcceptance) {
    return null;
  }
  return (await acceptedLicence(ctx, userId, model.id, version))
    ? null
    : licenceNotAccepted(model, version);
}
