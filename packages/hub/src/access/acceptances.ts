import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { requireUser, type Actor, type UserActor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import type { ModelRecord, VersionRecord } from "../registry/index.js";
import { newId, type Db } from "../store/index.js";
import type { Answers } from "./check-answers.js";
import { gatedVersion } from "./gated-version.js";
import { versionLicence } from "./version-licence.js";

/** An acceptance record as a model's owners read it: what a lawyer asks for. */
export interface AcceptanceView {
  readonly id: string;
  readonly user: string;
  readonly fullname: string | null;
  readonly email: string | null;
  readonly version: string;
  readonly licence: string;
  readonly licenceSha256: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly acceptedAt: string;
  /** Personal data, kept apart so it can be erased; null once erased or when unknown. */
  readonly address: string | null;
  readonly userAgent: string | null;
}

/**
 * Records inside `trx` that `user` accepted the exact licence text of
 * `version`, with the form's answers; the address and user agent go to the
 * erasable origins table, and the audit event names the text by its sha256.
 */
export async function recordAcceptance(
  ctx: HubContext,
  trx: Db,
  user: UserActor,
  what: { model: ModelRecord; version: VersionRecord; answers: Answers; requestId: string | null },
  origin: RequestOrigin,
): Promise<string> {
  const licence = versionLicence(what.version);
  const now = ctx.clock.now();
  const id = newId("la");
  await trx
    .insertInto("licence_acceptances")
    .values({
      id,
      user_id: user.userId,
      model_id: what.model.id,
      version_id: what.version.id,
      licence_id: licence.id,
      text_sha256: licence.sha256,
      fields: JSON.stringify(what.answers),
      request_id: what.requestId,
      accepted_at: now.toISOString(),
    })
    .execute();
  await trx
    .insertInto("acceptance_origins")
    .values({ acceptance_id: id, address: origin.address, user_agent: origin.userAgent })
    .execute();
  await appendAuditEvent(trx, {
    actorId: user.userId,
    action: "licence.accept",
    resource: `version:${what.version.id}`,
    details: { acceptance: id, licence: licence.id, sha256: licence.sha256 },
    at: now,
  });
  return id;
}

/**
 * Accepts the licence of a gated version (the newest when no revision is
 * named): a grant holder does this for a new version whose licence text
 * differs from the one they accepted. Accepting a text already accepted
 * records nothing new.
 */
export async function acceptLicence(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  revision: string | undefined,
  origin: RequestOrigin,
): Promise<{ acceptance: string; licence: string; sha256: string; new: boolean }> {
  const user = requireUser(actor);
  const { version } = await gatedVersion(ctx, actor, model, revision);
  const licence = versionLicence(version);
  return ctx.db.transaction().execute(async (trx) => {
    const known = await trx
      .selectFrom("licence_acceptances")
      .select("id")
      .where("model_id", "=", model.id)
      .where("user_id", "=", user.userId)
      .where("text_sha256", "=", licence.sha256)
      .executeTakeFirst();
    if (known !== undefined) {
      return { acceptance: known.id, licence: licence.id, sha256: licence.sha256, new: false };
    }
    const id = await recordAcceptance(
      ctx,
      trx,
      user,
      { model, version, answers: {}, requestId: null },
      origin,
    );
    return { acceptance: id, licence: licence.id, sha256: licence.sha256, new: true };
  });
}

/** Every acceptance of the model's licences, oldest first. */
export async function listAcceptances(
  ctx: HubContext,
  model: ModelRecord,
): Promise<AcceptanceView[]> {
  const rows = await ctx.db
    .selectFrom("licence_acceptances as a")
    .innerJoin("namespaces as n", "n.id", "a.user_id")
    .leftJoin("users as u", "u.id", "a.user_id")
    .innerJoin("versions as v", "v.id", "a.version_id")
    .leftJoin("acceptance_origins as o", "o.acceptance_id", "a.id")
    .select([
      "a.id",
      "n.name as user",
      "u.fullname",
      "u.email",
      "v.name as version",
      "a.licence_id",
      "a.text_sha256",
      "a.fields",
      "a.accepted_at",
      "o.address",
      "o.user_agent",
    ])
    .where("a.model_id", "=", model.id)
    .orderBy("a.accepted_at")
    .orderBy("a.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    user: r.user,
    fullname: r.fullname,
    email: r.email,
    version: r.version,
    licence: r.licence_id,
    licenceSha256: r.text_sha256,
    fields: JSON.parse(r.fields) as Record<string, unknown>,
    acceptedAt: r.accepted_at,
    address: r.address ?? null,
    userAgent: r.user_agent ?? null,
  }));
}
