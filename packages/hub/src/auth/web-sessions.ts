import { randomBytes } from "node:crypto";
import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { newId, prepareQuery, type Db } from "../store/index.js";
import type { Actor, Scope } from "./actor.js";
import type { UserActor } from "./require-user.js";
import { hashTokenSecret } from "./token-secret.js";

/** last_seen_at is refreshed at most this often, so reads do not each cost a write. */
const LAST_SEEN_GRANULARITY_MS = 60_000;

/** What a web session may do: all a user may, as their password allows. */
function sessionScopes(isAdmin: boolean): Scope[] {
  return isAdmin ? ["read", "write", "admin"] : ["read", "write"];
}

const invalidSession = (why: string): HubError => new HubError("INVALID_SESSION", why);

/**
 * The digest of a session cookie's secret, which is all the store keeps and
 * what failures are counted by; 256 random bits need no slow hash.
 */
export function sessionDigest(secret: string): string {
  return hashTokenSecret(secret);
}

/** Runs on every request that sends a session cookie. */
const findSession = prepareQuery(["hash"], (db, p) =>
  db
    .selectFrom("web_sessions as s")
    .innerJoin("namespaces as n", "n.id", "s.user_id")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select([
      "s.id",
      "s.created_at",
      "s.expires_at",
      "s.last_seen_at",
      "n.id as user_id",
      "n.name",
      "u.is_admin",
    ])
    .where("s.secret_hash", "=", p("hash")),
);

/**
 * The user a session cookie signs in, for the digest of its secret (see
 * `sessionDigest`): an unknown, ended or expired session is an INVALID_SESSION
 * error that says to sign in again, never a silent downgrade to anonymous.
 * Whether the user is an administrator is read now, not when they signed in.
 */
export async function authenticateSession(ctx: HubContext, digest: string): Promise<UserActor> {
  const [row] = await findSession(ctx.db, { hash: digest });
  if (row === undefined) {
    throw invalidSession(
      "this session is unknown or has ended (signed out, or a password change ended it); sign in again",
    );
  }
  const now = ctx.clock.now();
  if (new Date(row.expires_at) <= now) {
    throw invalidSession(`your session expired at ${row.expires_at}; sign in again`);
  }
  if (now.getTime() - new Date(row.last_seen_at).getTime() > LAST_SEEN_GRANULARITY_MS) {
    await ctx.db
      .updateTable("web_sessions")
      .set({ last_seen_at: now.toISOString() })
      .where("id", "=", row.id)
      .execute();
  }
  const isAdmin = row.is_admin === 1;
  return {
    kind: "user",
    userId: row.user_id,
    name: row.name,
    isAdmin,
    token: {
      id: row.id,
      name: "web session",
      scopes: sessionScopes(isAdmin),
      modelId: null,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      session: true,
    },
  };
}

/** A new session: its id, the cookie's secret (shown once, kept only as a digest) and its end. */
export interface NewSession {
  readonly id: string;
  readonly secret: string;
  readonly expiresAt: string;
}

/** How a user proved who they are when a session began. */
export type SignInMethod = "password" | "oidc";

/**
 * Starts a web session for `userId`, lasting GATEHOUSE_SESSION_TTL, with its
 * audit event naming `method`; the user's expired sessions are removed on the
 * way. Callers hold the transaction and have checked who the user is.
 */
export async function insertSession(
  trx: Db,
  ctx: HubContext,
  userId: string,
  method: SignInMethod,
  origin: RequestOrigin,
): Promise<NewSession> {
  const now = ctx.clock.now();
  const id = newId("ws");
  const secret = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + ctx.config.sessionTtlMs).toISOString();
  await trx
    .deleteFrom("web_sessions")
    .where("user_id", "=", userId)
    .where("expires_at", "<=", now.toISOString())
    .execute();
  await trx
    .insertInto("web_sessions")
    .values({
      id,
      secret_hash: sessionDigest(secret),
      user_id: userId,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      last_seen_at: now.toISOString(),
    })
    .execute();
  await appendAuditEvent(trx, {
    actorId: userId,
    action: "session.create",
    resource: `session:${id}`,
    details: { user: userId, expiresAt, method },
    at: now,
    origin,
  });
  return { id, secret, expiresAt };
}

/**
 * Ends every session of `userId` but `keepId` (the caller's own, when they
 * act from one); returns how many ended.
 */
export async function endOtherSessions(
  trx: Db,
  userId: string,
  keepId: string | null,
): Promise<number> {
  let query = trx.deleteFrom("web_sessions").where("user_id", "=", userId);
  if (keepId !== null) {
    query = query.where("id", "!=", keepId);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The caller if they signed in with a session cookie: anonymous callers are
 * told to sign in, token holders that these routes are for the web UI.
 */
export function requireSession(actor: Actor): UserActor {
  if (actor.kind !== "user") {
    throw new HubError(
      "UNAUTHENTICATED",
      "not signed in; sign in with your user name and password (POST /api/session)",
    );
  }
  if (actor.token.session !== true) {
    throw new HubError(
      "BAD_REQUEST",
      "this request signs in with a token, not a web session; /api/session is for the web UI's session cookie (a token's user is at GET /api/whoami-v2, and 'gatehouse token revoke' ends a token)",
    );
  }
  return actor;
}

/** Signs the caller out: their session ends now, with its audit event. */
export async function signOut(ctx: HubContext, actor: Actor, origin: RequestOrigin): Promise<void> {
  const user = requireSession(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom("web_sessions")
      .where("id", "=", user.token.id)
      .executeTakeFirst();
    // Ended meanwhile (a second sign-out, a password change): nothing left to record.
    if (deleted.numDeletedRows === 0n) {
      return;
    }
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "session.delete",
      resource: `session:${user.token.id}`,
      details: { user: user.userId },
      at: ctx.clock.now(),
      origin,
    });
  });
}

/**
 * The secret every hub process on this database uses for `purpose` (the
 * CSRF tokens' HMAC key, the key OpenID sign-in state is sealed with), made
 * by whichever process asks first.
 */
export async function webSessionKey(
  ctx: HubContext,
  purpose: "csrf" | "oidc-state",
): Promise<string> {
  await ctx.db
    .insertInto("web_session_keys")
    .values({
      purpose,
      secret: randomBytes(32).toString("base64url"),
      created_at: ctx.clock.now().toISOString(),
    })
    .onConflict((oc) => oc.column("purpose").doNothing())
    .execute();
  const row = await ctx.db
    .selectFrom("web_session_keys")
    .select("secret")
    .where("purpose", "=", purpose)
    .executeTakeFirstOrThrow();
  return row.secret;
}
