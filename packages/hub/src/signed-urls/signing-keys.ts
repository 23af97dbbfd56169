import { randomBytes } from "node:crypto";
import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { UserActor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { newId, prepareQuery, type Db } from "../store/index.js";

/** A key download URLs are signed with; its secret never leaves the store but to sign or verify. */
export interface SigningKey {
  readonly id: string;
  readonly secret: Buffer;
  readonly createdAt: string;
}

/** A signing key as administrators see it: never its secret. */
export interface SigningKeyView {
  readonly id: string;
  readonly createdAt: string;
  readonly retiredAt: string | null;
}

const newestLiveKey = prepareQuery([], (db) =>
  db
    .selectFrom("url_signing_keys")
    .select(["id", "secret", "created_at"])
    .where("retired_at", "is", null)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1),
);

const liveKeyById = prepareQuery(["id"], (db, p) =>
  db
    .selectFrom("url_signing_keys")
    .select(["id", "secret", "created_at"])
    .where("id", "=", p("id"))
    .where("retired_at", "is", null),
);

const toKey = (row: { id: string; secret: string; created_at: string }): SigningKey => ({
  id: row.id,
  secret: Buffer.from(row.secret, "base64url"),
  createdAt: row.created_at,
});

/**
 * Inserts a new key of 32 random bytes inside `trx`, with its audit event. Its
 * time is after the newest key's even when the clock has not moved, so that
 * "the newest key" is never a tie.
 */
async function insertKey(
  ctx: HubContext,
  trx: Db,
  actorId: string,
  reason: "first signed URL" | "rotation",
  origin: RequestOrigin,
): Promise<SigningKey> {
  const now = ctx.clock.now();
  const newest = await trx
    .selectFrom("url_signing_keys")
    .select("created_at")
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  const after = newest === undefined ? 0 : Date.parse(newest.created_at) + 1;
  const createdAt = new Date(Math.max(now.getTime(), after)).toISOString();
  const key = { id: newId("sk"), secret: randomBytes(32).toString("base64url") };
  await trx
    .insertInto("url_signing_keys")
    .values({ ...key, created_at: createdAt, retired_at: null })
    .execute();
  await appendAuditEvent(trx, {
    actorId,
    action: "signing-key.create",
    resource: `signing-key:${key.id}`,
    details: { reason },
    at: now,
    origin,
  });
  return toKey({ ...key, created_at: createdAt });
}

/**
 * The key new URLs are signed with: the newest unretired one, made on first
 * need. Two hub processes making the first key at once each make one; both
 * verify, and the newer signs from then on, so the race is harmless.
 */
export async function currentSigningKey(
  ctx: HubContext,
  actor: UserActor,
  origin: RequestOrigin,
): Promise<SigningKey> {
  const [row] = await newestLiveKey(ctx.db, {});
  if (row !== undefined) {
    return toKey(row);
  }
  return ctx.db
    .transaction()
    .execute((trx) => insertKey(ctx, trx, actor.userId, "first signed URL", origin));
}

/**
 * The unretired key of this id, or undefined. Read from the store on every
 * use, so a retirement stops its URLs at once in every hub process.
 */
export async function liveSigningKey(ctx: HubContext, id: string): Promise<SigningKey | undefined> {
  const [row] = await liveKeyById(ctx.db, { id });
  return row === undefined ? undefined : toKey(row);
}

/**
 * Makes a new signing key (an administrator's rotation); older keys keep
 * verifying the URLs they signed until retired, at once with `retireOld`.
 * Returns every key after the change.
 */
export async function rotateSigningKey(
  ctx: HubContext,
  admin: UserActor,
  retireOld: boolean,
  origin: RequestOrigin,
): Promise<SigningKeyView[]> {
  await ctx.db.transaction().execute(async (trx) => {
    const key = await insertKey(ctx, trx, admin.userId, "rotation", origin);
    if (retireOld) {
      await retireOlderThan(ctx, trx, admin, key.id, origin);
    }
  });
  return listSigningKeys(ctx);
}

/**
 * Retires every key but the newest unretired one: the URLs they signed stop
 * working at once. Returns every key after the change.
 */
export async function retireOldSigningKeys(
  ctx: HubContext,
  admin: UserActor,
  origin: RequestOrigin,
): Promise<SigningKeyView[]> {
  await ctx.db.transaction().execute(async (trx) => {
    const newest = await trx
      .selectFrom("url_signing_keys")
      .select("id")
      .where("retired_at", "is", null)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .executeTakeFirst();
    if (newest !== undefined) {
      await retireOlderThan(ctx, trx, admin, newest.id, origin);
    }
  });
  return listSigningKeys(ctx);
}

/** Retires the unretired keys other than `keep` inside `trx`, with one audit event when there were any. */
async function retireOlderThan(
  ctx: HubContext,
  trx: Db,
  admin: UserActor,
  keep: string,
  origin: RequestOrigin,
): Promise<void> {
  const now = ctx.clock.now();
  const retiring = await trx
    .selectFrom("url_signing_keys")
    .select("id")
    .where("retired_at", "is", null)
    .where("id", "!=", keep)
    .execute();
  if (retiring.length === 0) {
    return;
  }
  const ids = retiring.map((k) => k.id);
  await trx
    .updateTable("url_signing_keys")
    .set({ retired_at: now.toISOString() })
    .where("id", "in", ids)
    .execute();
  await appendAuditEvent(trx, {
    actorId: admin.userId,
    action: "signing-key.retire",
    resource: `signing-key:${keep}`,
    details: { retired: ids },
    at: now,
    origin,
  });
}

/** Every signing key, newest first, without secrets. */
export async function listSigningKeys(ctx: HubContext): Promise<SigningKeyView[]> {
  const rows = await ctx.db
    .selectFrom("url_signing_keys")
    .select(["id", "created_at", "retired_at"])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, retiredAt: r.retired_at }));
}
