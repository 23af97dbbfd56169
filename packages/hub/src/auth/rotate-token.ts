import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { Actor } from "./actor.js";
import { insertToken, listTokenRows, mayRevoke, type TokenInfo } from "./manage-tokens.js";
import { requireScope } from "./require-user.js";
import { parseScopes } from "./authenticate.js";

/** How long the old secret works when a rotation names no grace period. */
export const DEFAULT_ROTATION_GRACE_MS = 3600 * 1000;

/** The longest grace period a rotation may give the old secret: a week. */
export const MAX_ROTATION_GRACE_MS = 7 * 24 * 3600 * 1000;

/** A rotation's outcome: the new token (its secret shown once) and when the old one stops. */
export interface Rotation {
  readonly id: string;
  readonly token: string;
  readonly info: TokenInfo;
  readonly previous: { readonly id: string; readonly expiresAt: string };
}

/**
 * Replaces a token by a new secret with the same name, user, scopes, model,
 * parent and expiry, and lets the old secret work for `graceMs` more (never
 * past its own expiry), so that the services holding it can move over
 * without a failed call. Usage limits set on the old token carry over to the
 * new one. The caller may rotate what they may revoke.
 */
export async function rotateToken(
  ctx: HubContext,
  actor: Actor,
  tokenId: string,
  graceMs: number,
  origin: RequestOrigin,
): Promise<Rotation> {
  const caller = requireScope(actor, "write");
  if (graceMs < 0 || graceMs > MAX_ROTATION_GRACE_MS) {
    throw new HubError("BAD_REQUEST", "the grace period may be at most 7d; give a shorter one");
  }
  const now = ctx.clock.now();
  const created = await ctx.db.transaction().execute(async (trx) => {
    const old = await trx
      .selectFrom("tokens")
      .selectAll()
      .where("id", "=", tokenId)
      .executeTakeFirst();
    if (old === undefined || !(await mayRevoke(trx, caller, old))) {
      throw new HubError(
        "NOT_FOUND",
        `token ${tokenId} does not exist; 'gatehouse token list' shows yours`,
      );
    }
    if (old.rotated_to !== null) {
      throw new HubError(
        "CONFLICT",
        `token ${tokenId} was already rotated to ${old.rotated_to}; rotate that one`,
      );
    }
    if (old.revoked_at !== null || (old.expires_at !== null && new Date(old.expires_at) <= now)) {
      throw new HubError(
        "CONFLICT",
        `token ${tokenId} is ${old.revoked_at === null ? "expired" : "revoked"}; only a live token can be rotated, so create a new one`,
      );
    }
    // A new secret would escape the suspension, which names the old token.
    const suspension = await trx
      .selectFrom("usage_signals")
      .select("id")
      .where("state", "=", "open")
      .where("action", "=", "suspend")
      .where("subject_kind", "=", "token")
      .where("subject", "=", tokenId)
      .executeTakeFirst();
    if (suspension !== undefined) {
      throw new HubError(
        "CONFLICT",
        `token ${tokenId} is suspended by abuse signal ${suspension.id}; an administrator closes the signal before it can be rotated (gatehouse usage signals close ${suspension.id} --reason TEXT)`,
      );
    }
    const graceEnd = new Date(now.getTime() + graceMs);
    const oldExpiry =
      old.expires_at !== null && new Date(old.expires_at) < graceEnd
        ? new Date(old.expires_at)
        : graceEnd;
    const fresh = await insertToken(
      trx,
      ctx,
      {
        userId: old.user_id,
        name: old.name,
        scopes: parseScopes(old.scopes),
        modelId: old.model_id,
        parentId: old.parent_id,
        expiresAt: old.expires_at === null ? null : new Date(old.expires_at),
      },
      caller.userId,
      origin,
    );
    // Conditional on the old row being neither revoked nor rotated meanwhile: of two
    // rotations at once, one updates it and the other rolls back with its new token.
    const ended = await trx
      .updateTable("tokens")
      .set({ expires_at: oldExpiry.toISOString(), rotated_to: fresh.id })
      .where("id", "=", tokenId)
      .where("revoked_at", "is", null)
      .where("rotated_to", "is", null)
      .executeTakeFirst();
    if (ended.numUpdatedRows !== 1n) {
      throw new HubError(
        "CONFLICT",
        `token ${tokenId} was rotated or revoked meanwhile; list your tokens and try again`,
      );
    }
    // Tokens made with the old one now hang from the new one, so that revoking the
    // new token (or a restricted token's own lineage) still reaches them.
    await trx
      .updateTable("tokens")
      .set({ parent_id: fresh.id })
      .where("parent_id", "=", tokenId)
      .execute();
    const limits = await trx
      .selectFrom("usage_limits")
      .selectAll()
      .where("scope", "=", `token:${tokenId}`)
      .executeTakeFirst();
    if (limits !== undefined) {
      await trx
        .insertInto("usage_limits")
        .values({ ...limits, scope: `token:${fresh.id}` })
        .execute();
    }
    await appendAuditEvent(trx, {
      actorId: caller.userId,
      action: "token.rotate",
      resource: `token:${tokenId}`,
      details: { user: old.user_id, to: fresh.id, graceUntil: oldExpiry.toISOString() },
      at: now,
      origin,
    });
    return { ...fresh, oldExpiry };
  });
  const [info] = await listTokenRows(ctx.db, { tokenId: created.id });
  if (info === undefined) {
    throw new HubError("INTERNAL", "the new token could not be read back");
  }
  return {
    id: created.id,
    token: created.secret,
    info,
    previous: { id: tokenId, expiresAt: created.oldExpiry.toISOString() },
  };
}
