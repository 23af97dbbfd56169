import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { newId, type Db } from "../store/index.js";
import { hasScope, type Actor, type Scope } from "./actor.js";
import { findNamespace, relationTo } from "./accounts.js";
import { authorize } from "./authorize.js";
import { parseScopes } from "./authenticate.js";
import { requireScope, requireUser } from "./require-user.js";
import { generateTokenSecret, hashTokenSecret } from "./token-secret.js";

/** A token as listed; the secret itself is never stored and shown only on creation. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly scopes: Scope[];
  readonly model: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface TokenRequest {
  readonly forUser?: string | undefined;
  readonly name?: string | undefined;
  readonly scopes: readonly Scope[];
  readonly expiresAt?: Date | undefined;
  /** `namespace/name` of the only model the token may act on. */
  readonly model?: string | undefined;
}

/**
 * The id of model `ns/name` if `caller` may see it. A model the caller may not
 * see is reported as missing, so that asking for a token restricted to it does
 * not reveal that it exists.
 */
async function visibleModelId(db: Db, caller: Actor, id: string): Promise<string | undefined> {
  const [ns, name] = id.split("/");
  if (ns === undefined || name === undefined || id.split("/").length !== 2) {
    return undefined;
  }
  const namespace = await findNamespace(db, ns);
  if (namespace === undefined) {
    return undefined;
  }
  const row = await db
    .selectFrom("models")
    .select(["id", "visibility"])
    .where("namespace_id", "=", namespace.id)
    .where("name_key", "=", name.toLowerCase())
    .executeTakeFirst();
  if (row === undefined) {
    return undefined;
  }
  const decision = authorize(caller, "model.see", {
    modelId: row.id,
    visibility: row.visibility,
    relation: await relationTo(db, caller, namespace),
  });
  return decision.allowed ? row.id : undefined;
}

/** Inserts a token for `userId` and its audit event; returns the secret, shown once. */
export async function insertToken(
  trx: Db,
  ctx: HubContext,
  input: {
    userId: string;
    name: string;
    scopes: readonly Scope[];
    modelId: string | null;
    expiresAt: Date | null;
    secret?: string;
  },
  actorId: string,
  origin?: RequestOrigin,
): Promise<{ id: string; secret: string }> {
  const id = newId("t");
  const secret = input.secret ?? generateTokenSecret();
  const now = ctx.clock.now();
  await trx
    .insertInto("tokens")
    .values({
      id,
      user_id: input.userId,
      name: input.name,
      token_hash: hashTokenSecret(secret),
      scopes: [...new Set(input.scopes)].join(","),
      model_id: input.modelId,
      expires_at: input.expiresAt?.toISOString() ?? null,
      revoked_at: null,
      last_used_at: null,
      created_at: now.toISOString(),
    })
    .execute();
  await appendAuditEvent(trx, {
    actorId,
    action: "token.create",
    resource: `token:${id}`,
    details: {
      user: input.userId,
      scopes: [...new Set(input.scopes)],
      model: input.modelId,
      expiresAt: input.expiresAt?.toISOString() ?? null,
    },
    at: now,
    ...(origin === undefined ? {} : { origin }),
  });
  return { id, secret };
}

/**
 * Creates an API token. A caller may give a token no more than their own
 * token's scopes; only administrators create tokens for other users or with
 * the admin scope.
 */
export async function createToken(
  ctx: HubContext,
  actor: Actor,
  request: TokenRequest,
  origin: RequestOrigin,
): Promise<{ id: string; token: string; info: TokenInfo }> {
  const caller = requireUser(actor);
  if (request.scopes.length === 0) {
    throw new HubError("BAD_REQUEST", "give at least one scope: read, write or admin");
  }
  for (const scope of request.scopes) {
    if (!hasScope(caller.token.scopes, scope)) {
      throw new HubError(
        "INSUFFICIENT_SCOPE",
        `your token lacks the '${scope}' scope, so it cannot create a token that has it`,
      );
    }
  }
  if (request.scopes.includes("admin") && !caller.isAdmin) {
    throw new HubError(
      "FORBIDDEN",
      "only hub administrators may create tokens with the admin scope",
    );
  }
  let userId = caller.userId;
  let userName = caller.name;
  if (
    request.forUser !== undefined &&
    request.forUser.toLowerCase() !== caller.name.toLowerCase()
  ) {
    requireScope(caller, "admin");
    if (!caller.isAdmin) {
      throw new HubError("FORBIDDEN", "only hub administrators may create tokens for other users");
    }
    const target = await findNamespace(ctx.db, request.forUser);
    if (target?.kind !== "user") {
      throw new HubError("NOT_FOUND", `user "${request.forUser}" does not exist`);
    }
    userId = target.id;
    userName = target.name;
  }
  let modelId: string | null = caller.token.modelId;
  if (request.model !== undefined) {
    const found = await visibleModelId(ctx.db, caller, request.model);
    if (found === undefined) {
      throw new HubError("NOT_FOUND", `model "${request.model}" does not exist`);
    }
    if (modelId !== null && found !== modelId) {
      throw new HubError(
        "FORBIDDEN",
        "a token restricted to one model cannot create tokens for another",
      );
    }
    modelId = found;
  }
  if (request.expiresAt !== undefined && request.expiresAt <= ctx.clock.now()) {
    throw new HubError(
      "BAD_REQUEST",
      "the expiry lies in the past; give a future time or duration",
    );
  }
  const name = request.name ?? `token-${ctx.clock.now().toISOString().slice(0, 10)}`;
  const created = await ctx.db
    .transaction()
    .execute((trx) =>
      insertToken(
        trx,
        ctx,
        { userId, name, scopes: request.scopes, modelId, expiresAt: request.expiresAt ?? null },
        caller.userId,
        origin,
      ),
    );
  const [info] = await listTokenRows(ctx.db, { tokenId: created.id });
  if (info === undefined) {
    throw new HubError("INTERNAL", "the new token could not be read back");
  }
  return { id: created.id, token: created.secret, info: { ...info, user: userName } };
}

async function listTokenRows(
  db: Db,
  filter: { userId?: string; tokenId?: string },
): Promise<TokenInfo[]> {
  let query = db
    .selectFrom("tokens")
    .innerJoin("namespaces as u", "u.id", "tokens.user_id")
    .leftJoin("models", "models.id", "tokens.model_id")
    .leftJoin("namespaces as mn", "mn.id", "models.namespace_id")
    .select([
      "tokens.id",
      "tokens.name",
      "u.name as user",
      "tokens.scopes",
      "models.name as model_name",
      "mn.name as model_ns",
      "tokens.created_at",
      "tokens.expires_at",
      "tokens.revoked_at",
      "tokens.last_used_at",
    ])
    .orderBy("tokens.created_at")
    .orderBy("tokens.id");
  if (filter.userId !== undefined) {
    query = query.where("tokens.user_id", "=", filter.userId);
  }
  if (filter.tokenId !== undefined) {
    query = query.where("tokens.id", "=", filter.tokenId);
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    user: r.user,
    scopes: parseScopes(r.scopes),
    model: r.model_name === null || r.model_ns === null ? null : `${r.model_ns}/${r.model_name}`,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** The caller's tokens, or another user's for an administrator. */
export async function listTokens(
  ctx: HubContext,
  actor: Actor,
  forUser?: string,
): Promise<TokenInfo[]> {
  const caller = requireUser(actor);
  if (forUser === undefined || forUser.toLowerCase() === caller.name.toLowerCase()) {
    return listTokenRows(ctx.db, { userId: caller.userId });
  }
  requireScope(caller, "admin");
  if (!caller.isAdmin) {
    throw new HubError("FORBIDDEN", "only hub administrators may list other users' tokens");
  }
  const target = await findNamespace(ctx.db, forUser);
  if (target?.kind !== "user") {
    throw new HubError("NOT_FOUND", `user "${forUser}" does not exist`);
  }
  return listTokenRows(ctx.db, { userId: target.id });
}

/** Revokes a token of the caller's (any token, for an administrator). */
export async function revokeToken(
  ctx: HubContext,
  actor: Actor,
  tokenId: string,
  origin: RequestOrigin,
): Promise<TokenInfo> {
  const caller = requireScope(actor, "write");
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("tokens")
      .select(["id", "user_id", "revoked_at"])
      .where("id", "=", tokenId)
      .executeTakeFirst();
    if (row === undefined || (row.user_id !== caller.userId && !caller.isAdmin)) {
      throw new HubError(
        "NOT_FOUND",
        `token ${tokenId} does not exist; 'gatehouse token list' shows yours`,
      );
    }
    if (row.revoked_at === null) {
      const now = ctx.clock.now();
      await trx
        .updateTable("tokens")
        .set({ revoked_at: now.toISOString() })
        .where("id", "=", tokenId)
        .execute();
      await appendAuditEvent(trx, {
        actorId: caller.userId,
        action: "token.revoke",
        resource: `token:${tokenId}`,
        details: { user: row.user_id },
        at: now,
        origin,
      });
    }
    const [info] = await listTokenRows(trx, { tokenId });
    if (info === undefined) {
      throw new HubError("INTERNAL", "the revoked token could not be read back");
    }
    return info;
  });
}
