import { sql } from "kysely";
import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { nameKey } from "../names/index.js";
import { newId, type Db } from "../store/index.js";
import { hasScope, type Actor, type Scope } from "./actor.js";
import { findNamespace } from "./accounts.js";
import { allowedFilter } from "./allowed-filter.js";
import { parseScopes } from "./authenticate.js";
import { requireAdmin, requireScope, requireUser, type UserActor } from "./require-user.js";
import { generateTokenSecret, hashTokenSecret } from "./token-secret.js";

/** A token as listed; the secret itself is never stored and shown only on creation. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly scopes: Scope[];
  readonly model: string | null;
  /** The token this one was created with, whose revocation revokes this one too. */
  readonly parent: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  /** The token that replaced this one by rotation; this one works until `expiresAt`. */
  readonly rotatedTo: string | null;
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
  const parts = id.split("/");
  const [ns, name] = parts;
  const key = name === undefined ? null : nameKey(name);
  if (ns === undefined || key === null || parts.length !== 2) {
    return undefined;
  }
  const cols = { modelId: "m.id", namespaceId: "n.id", namespaceKind: "n.kind" };
  // Seen as a model is seen: its versions' starting stage admits the caller, or one of its versions does.
  const row = await db
    .selectFrom("models as m")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select("m.id")
    .where("n.name_key", "=", nameKey(ns) ?? "")
    .where("m.name_key", "=", key)
    .where((eb) =>
      eb.or([
        allowedFilter(caller, "version.see", { ...cols, stage: sql.ref("m.initial_stage") }),
        eb.exists(
          eb
            .selectFrom("versions as v")
            .select("v.id")
            .whereRef("v.model_id", "=", "m.id")
            .where("v.state", "=", "published")
            .where(
              allowedFilter(caller, "version.see", {
                ...cols,
                stage: sql.ref("v.stage"),
                withdrawnFrom: sql.ref("v.withdrawn_from"),
              }),
            ),
        ),
      ]),
    )
    .executeTakeFirst();
  return row?.id;
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
    parentId: string | null;
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
      parent_id: input.parentId,
      expires_at: input.expiresAt?.toISOString() ?? null,
      revoked_at: null,
      last_used_at: null,
      created_at: now.toISOString(),
      rotated_to: null,
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
      parent: input.parentId,
      expiresAt: input.expiresAt?.toISOString() ?? null,
    },
    at: now,
    ...(origin === undefined ? {} : { origin }),
  });
  return { id, secret };
}

/**
 * The expiry of a token `caller` creates: no later than the caller's own, and
 * the caller's own when none is asked for, so a token cannot outlive the one
 * that made it. A web session bounds nothing: it stands for the user's
 * password, and tokens made in the web UI outlive signing out.
 */
function boundedExpiry(caller: UserActor, asked: Date | undefined, now: Date): Date | null {
  if (asked !== undefined && asked <= now) {
    throw new HubError(
      "BAD_REQUEST",
      "the expiry lies in the past; give a future time or duration",
    );
  }
  const own =
    caller.token.expiresAt === null || caller.token.session === true
      ? null
      : new Date(caller.token.expiresAt);
  if (own === null) {
    return asked ?? null;
  }
  if (asked !== undefined && asked > own) {
    throw new HubError(
      "BAD_REQUEST",
      `this token expires at ${own.toISOString()}, and the tokens it creates may not outlive it; give an earlier expiry or none`,
    );
  }
  return asked ?? own;
}

/**
 * Creates an API token, within the bounds of the token that asks: no scope it
 * lacks, its model restriction, an expiry no later than its own. The new
 * token's parent is the token that created it, so revoking that one revokes
 * this one too; a token created from a web session has none. Only administrators create tokens for other users or with the
 * admin scope.
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
  if (request.forUser !== undefined && nameKey(request.forUser) !== nameKey(caller.name)) {
    requireAdmin(caller, "create tokens for other users");
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
  const now = ctx.clock.now();
  const expiresAt = boundedExpiry(caller, request.expiresAt, now);
  const name = request.name ?? `token-${now.toISOString().slice(0, 10)}`;
  // A web session is no row of the tokens table: what it creates has no parent, and signing out revokes none of it.
  const parentId = caller.token.session === true ? null : caller.token.id;
  const created = await ctx.db.transaction().execute(async (trx) => {
    if (parentId !== null) {
      // Marks the parent used, only while it is not revoked: the row lock this takes on
      // PostgreSQL orders this against a concurrent revocation, so a child is never
      // created after its parent's revocation has looked for children.
      const parent = await trx
        .updateTable("tokens")
        .set({ last_used_at: now.toISOString() })
        .where("id", "=", parentId)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      if (parent.numUpdatedRows !== 1n) {
        throw new HubError(
          "INVALID_TOKEN",
          `Invalid credentials in Authorization header: token ${parentId} was revoked; create a new one`,
        );
      }
    }
    return insertToken(
      trx,
      ctx,
      { userId, name, scopes: request.scopes, modelId, parentId, expiresAt },
      caller.userId,
      origin,
    );
  });
  const [info] = await listTokenRows(ctx.db, { tokenId: created.id });
  if (info === undefined) {
    throw new HubError("INTERNAL", "the new token could not be read back");
  }
  return { id: created.id, token: created.secret, info: { ...info, user: userName } };
}

/** Tokens as listed, by owner, by id, or as the lineage of one. */
export async function listTokenRows(
  db: Db,
  filter: { userId?: string; tokenId?: string; lineageOf?: string },
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
      "tokens.parent_id",
      "tokens.created_at",
      "tokens.expires_at",
      "tokens.revoked_at",
      "tokens.last_used_at",
      "tokens.rotated_to",
    ])
    .orderBy("tokens.created_at")
    .orderBy("tokens.id");
  if (filter.userId !== undefined) {
    query = query.where("tokens.user_id", "=", filter.userId);
  }
  if (filter.tokenId !== undefined) {
    query = query.where("tokens.id", "=", filter.tokenId);
  }
  if (filter.lineageOf !== undefined) {
    query = query.where("tokens.id", "in", lineage(db, filter.lineageOf));
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    user: r.user,
    scopes: parseScopes(r.scopes),
    model: r.model_name === null || r.model_ns === null ? null : `${r.model_ns}/${r.model_name}`,
    parent: r.parent_id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
    rotatedTo: r.rotated_to,
  }));
}

/**
 * The ids of `rootId` and every token created from it, directly or through
 * others, as one query: a tree of any width or depth costs one statement and
 * no list of parameters.
 */
function lineage(db: Db, rootId: string) {
  return db
    .withRecursive("lineage(id)", (qb) =>
      qb
        .selectFrom("tokens")
        .select("id")
        .where("id", "=", rootId)
        .unionAll(
          qb
            .selectFrom("tokens as t")
            .innerJoin("lineage as l", "l.id", "t.parent_id")
            .select("t.id"),
        ),
    )
    .selectFrom("lineage")
    .select("lineage.id");
}

/**
 * The caller's tokens, or another user's for an administrator. A token
 * restricted to a model sees only itself and the tokens it created.
 */
export async function listTokens(
  ctx: HubContext,
  actor: Actor,
  forUser?: string,
): Promise<TokenInfo[]> {
  const caller = requireUser(actor);
  if (forUser !== undefined && nameKey(forUser) !== nameKey(caller.name)) {
    requireAdmin(caller, "list other users' tokens");
    const target = await findNamespace(ctx.db, forUser);
    if (target?.kind !== "user") {
      throw new HubError("NOT_FOUND", `user "${forUser}" does not exist`);
    }
    return listTokenRows(ctx.db, { userId: target.id });
  }
  if (caller.token.modelId !== null) {
    return listTokenRows(ctx.db, { userId: caller.userId, lineageOf: caller.token.id });
  }
  return listTokenRows(ctx.db, { userId: caller.userId });
}

/** Whether `caller` may revoke the token `row`: their own (a restricted token: its lineage), any for an administrator. */
export async function mayRevoke(
  db: Db,
  caller: UserActor,
  row: { id: string; user_id: string },
): Promise<boolean> {
  if (caller.token.modelId === null) {
    return caller.isAdmin || row.user_id === caller.userId;
  }
  if (row.user_id !== caller.userId) {
    return false;
  }
  const found = await lineage(db, caller.token.id)
    .where("lineage.id", "=", row.id)
    .executeTakeFirst();
  return found !== undefined;
}

/**
 * Revokes `root` and every token created from it and returns the tokens this
 * revoked, `root` first. Repeated until a round revokes nothing: on PostgreSQL
 * a round waits for any creation from a token of the lineage still under way
 * (createToken locks the parent's row), and a child committed meanwhile is in
 * the next round's view; creations that come later find their parent revoked.
 */
async function revokeLineage(
  trx: Db,
  root: { id: string; user_id: string },
  now: string,
): Promise<{ id: string; user_id: string }[]> {
  const revoked: { id: string; user_id: string }[] = [];
  for (;;) {
    const round = await trx
      .updateTable("tokens")
      .set({ revoked_at: now })
      .where("revoked_at", "is", null)
      .where("id", "in", lineage(trx, root.id))
      .returning(["id", "user_id"])
      .execute();
    if (round.length === 0) {
      break;
    }
    revoked.push(...round);
  }
  return revoked.sort((a, b) => Number(b.id === root.id) - Number(a.id === root.id));
}

/**
 * Revokes a token of the caller's (any token, for an administrator) and every
 * token created from it, with an audit event for each one this revokes.
 * `alsoRevoked` lists the tokens revoked with it.
 */
export async function revokeToken(
  ctx: HubContext,
  actor: Actor,
  tokenId: string,
  origin: RequestOrigin,
): Promise<TokenInfo & { readonly alsoRevoked: string[] }> {
  const caller = requireScope(actor, "write");
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("tokens")
      .select(["id", "user_id"])
      .where("id", "=", tokenId)
      .executeTakeFirst();
    if (row === undefined || !(await mayRevoke(trx, caller, row))) {
      throw new HubError(
        "NOT_FOUND",
        `token ${tokenId} does not exist; 'gatehouse token list' shows yours`,
      );
    }
    const now = ctx.clock.now().toISOString();
    const live = await revokeLineage(trx, row, now);
    for (const token of live) {
      await appendAuditEvent(trx, {
        actorId: caller.userId,
        action: "token.revoke",
        resource: `token:${token.id}`,
        details: { user: token.user_id, ...(token.id === tokenId ? {} : { with: tokenId }) },
        at: new Date(now),
        origin,
      });
    }
    const [info] = await listTokenRows(trx, { tokenId });
    if (info === undefined) {
      throw new HubError("INTERNAL", "the revoked token could not be read back");
    }
    return { ...info, alsoRevoked: live.map((t) => t.id).filter((id) => id !== tokenId) };
  });
}
