import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { hashPassword, passwordProblem, verifyPassword } from "../passwords/index.js";
import type { Db } from "../store/index.js";
import { findNamespace } from "./accounts.js";
import type { Actor } from "./actor.js";
import { requireAdmin, requireScope, requireUnrestricted } from "./require-user.js";
import { endOtherSessions } from "./web-sessions.js";

/** What a password change did: whose it was, and how many of their web sessions it ended. */
export interface PasswordSet {
  readonly user: string;
  readonly endedSessions: number;
}

/** Who set a password, as its audit event records it. */
type SetBy = "self" | "admin" | "first-start";

/** A 400 naming `field` and what to change about it, unless the password may be used. */
function assertNewPassword(field: string, password: string): void {
  const problem = passwordProblem(password);
  if (problem !== null) {
    throw new HubError("BAD_REQUEST", `${field} ${problem}`);
  }
}

/**
 * Stores `hash` as the user's password, ends their web sessions but
 * `keepSessionId`, and writes the audit event; callers hold the transaction.
 * With `replaces`, only over that stored hash: a change that came first (its
 * row count says) is a CONFLICT. Returns how many sessions ended.
 */
export async function storePassword(
  trx: Db,
  ctx: HubContext,
  input: {
    readonly userId: string;
    readonly hash: string;
    readonly replaces?: string;
    readonly by: SetBy;
    readonly keepSessionId: string | null;
  },
  actorId: string,
  origin?: RequestOrigin,
): Promise<number> {
  const now = ctx.clock.now().toISOString();
  if (input.replaces === undefined) {
    await trx
      .insertInto("user_passwords")
      .values({ user_id: input.userId, hash: input.hash, updated_at: now })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ hash: input.hash, updated_at: now }))
      .execute();
  } else {
    const updated = await trx
      .updateTable("user_passwords")
      .set({ hash: input.hash, updated_at: now })
      .where("user_id", "=", input.userId)
      .where("hash", "=", input.replaces)
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) {
      throw new HubError(
        "CONFLICT",
        "the password was changed by another request at the same moment; sign in again and retry",
      );
    }
  }
  const endedSessions = await endOtherSessions(trx, input.userId, input.keepSessionId);
  await appendAuditEvent(trx, {
    actorId,
    action: "user.password-set",
    resource: `user:${input.userId}`,
    details: { by: input.by, endedSessions },
    at: new Date(now),
    ...(origin === undefined ? {} : { origin }),
  });
  return endedSessions;
}

/**
 * Changes the caller's own password, given the current one; their other web
 * sessions end (the one they act from, if any, goes on). A user without a
 * password gets their first one from an administrator. A wrong current
 * password is WRONG_PASSWORD, which the route counts as a failed sign-in.
 */
export async function changeOwnPassword(
  ctx: HubContext,
  actor: Actor,
  input: { readonly currentPassword: string; readonly newPassword: string },
  origin: RequestOrigin,
): Promise<PasswordSet> {
  const user = requireUnrestricted(requireScope(actor, "write"), "change a password");
  assertNewPassword("newPassword", input.newPassword);
  const stored = await ctx.db
    .selectFrom("user_passwords")
    .select("hash")
    .where("user_id", "=", user.userId)
    .executeTakeFirst();
  if (stored === undefined) {
    throw new HubError(
      "FORBIDDEN",
      `you have no password yet; a hub administrator sets the first one ('gatehouse user set-password ${user.name}')`,
    );
  }
  if (!(await verifyPassword(input.currentPassword, stored.hash))) {
    throw new HubError(
      "WRONG_PASSWORD",
      "currentPassword is not your current password; type it again (if it is lost, an administrator can set a new one)",
    );
  }
  const hash = await hashPassword(input.newPassword);
  const endedSessions = await ctx.db.transaction().execute((trx) =>
    storePassword(
      trx,
      ctx,
      {
        userId: user.userId,
        hash,
        replaces: stored.hash,
        by: "self",
        keepSessionId: user.token.session === true ? user.token.id : null,
      },
      user.userId,
      origin,
    ),
  );
  return { user: user.name, endedSessions };
}

/**
 * Sets another user's password (or the caller's own without the current
 * one); hub administrators only. Every web session of that user ends, but the
 * one the administrator acts from.
 */
export async function setUserPassword(
  ctx: HubContext,
  actor: Actor,
  userName: string,
  password: string,
  origin: RequestOrigin,
): Promise<PasswordSet> {
  const admin = requireAdmin(actor, "set users' passwords");
  assertNewPassword("password", password);
  const target = await findNamespace(ctx.db, userName);
  if (target?.kind !== "user") {
    throw new HubError("NOT_FOUND", `user "${userName}" does not exist`);
  }
  const hash = await hashPassword(password);
  const endedSessions = await ctx.db.transaction().execute((trx) =>
    storePassword(
      trx,
      ctx,
      {
        userId: target.id,
        hash,
        by: "admin",
        keepSessionId: admin.token.session === true ? admin.token.id : null,
      },
      admin.userId,
      origin,
    ),
  );
  return { user: target.name, endedSessions };
}
