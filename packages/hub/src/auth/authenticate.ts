import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { prepareQuery } from "../store/index.js";
import { ANONYMOUS, SCOPES, type Actor, type Scope } from "./actor.js";
import { hashTokenSecret } from "./token-secret.js";

/** last_used_at is refreshed at most this often, so reads do not each cost a write. */
const LAST_USED_GRANULARITY_MS = 60_000;

const invalid = (why: string): HubError =>
  new HubError("INVALID_TOKEN", `Invalid credentials in Authorization header: ${why}`);

/** Runs on every request that sends a token. */
const findToken = prepareQuery(["hash"], (db, p) =>
  db
    .selectFrom("tokens")
    .innerJoin("namespaces", "namespaces.id", "tokens.user_id")
    .innerJoin("users", "users.id", "tokens.user_id")
    .select([
      "tokens.id",
      "tokens.name as token_name",
      "tokens.scopes",
      "tokens.model_id",
      "tokens.expires_at",
      "tokens.revoked_at",
      "tokens.last_used_at",
      "tokens.created_at",
      "namespaces.id as user_id",
      "namespaces.name",
      "users.is_admin",
    ])
    .where("tokens.token_hash", "=", p("hash")),
);

/**
 * The digest of the token an `Authorization` header presents, which is what
 * the store keeps and what failures are counted by; a header that is not
 * `Bearer <token>` is an invalid token.
 */
export function presentedTokenDigest(header: string): string {
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (secret === undefined) {
    throw invalid("expected 'Bearer <token>'");
  }
  return hashTokenSecret(secret);
}

/**
 * The calling actor for the digest of a presented token (see
 * `presentedTokenDigest`): anonymous without one, the token's user with a
 * valid one. An unknown, expired or revoked token is an error, never a silent
 * downgrade to anonymous.
 */
export async function authenticate(ctx: HubContext, digest: string | undefined): Promise<Actor> {
  if (digest === undefined) {
    return ANONYMOUS;
  }
  const [row] = await findToken(ctx.db, { hash: digest });
  if (row === undefined) {
    throw invalid("unknown token");
  }
  const now = ctx.clock.now();
  if (row.revoked_at !== null) {
    throw invalid(`token ${row.id} was revoked; create a new one`);
  }
  if (row.expires_at !== null && new Date(row.expires_at) <= now) {
    throw invalid(`token ${row.id} expired at ${row.expires_at}; create a new one`);
  }
  if (
    row.last_used_at === null ||
    now.getTime() - new Date(row.last_used_at).getTime() > LAST_USED_GRANULARITY_MS
  ) {
    await ctx.db
      .updateTable("tokens")
      .set({ last_used_at: now.toISOString() })
      .where("id", "=", row.id)
      .execute();
  }
  return {
    kind: "user",
    userId: row.user_id,
    name: row.name,
    isAdmin: row.is_admin === 1,
    token: {
      id: row.id,
      name: row.token_name,
      scopes: parseScopes(row.scopes),
      modelId: row.model_id,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    },
  };
}

/** Scopes are stored comma-separated; unknown words (from a newer hub) are ignored. */
export function parseScopes(stored: string): Scope[] {
  return stored.split(",").filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
}
