import type { RequestOrigin } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { nameKey } from "../names/index.js";
import { verifyPassword } from "../passwords/index.js";
import { type Db } from "../store/index.js";
import { insertSession, type SignInMethod } from "./web-sessions.js";

/** A successful sign-in: who, and the new session (its secret goes into the cookie). */
export interface SignedIn {
  readonly user: { readonly name: string; readonly isAdmin: boolean };
  readonly sessionId: string;
  readonly secret: string;
  readonly expiresAt: string;
}

/**
 * Signs a user in to the web UI with their password and starts a session.
 * An unknown user, a user without a password and a wrong password get the
 * same INVALID_CREDENTIALS error, after the same scrypt work, so neither the
 * answer nor its time tells which it was.
 */
export async function signIn(
  ctx: HubContext,
  input: { readonly username: string; readonly password: string },
  origin: RequestOrigin,
): Promise<SignedIn> {
  const key = nameKey(input.username);
  const row =
    key === null
      ? undefined
      : await ctx.db
          .selectFrom("namespaces as n")
          .innerJoin("users as u", "u.id", "n.id")
          .leftJoin("user_passwords as pw", "pw.user_id", "u.id")
          .select(["u.id", "n.name", "u.is_admin", "pw.hash"])
          .where("n.name_key", "=", key)
          .executeTakeFirst();
  const matches = await verifyPassword(input.password, row?.hash ?? null);
  if (row === undefined || !matches) {
    throw new HubError(
      "INVALID_CREDENTIALS",
      "wrong user name or password; check both and try again (an administrator sets a forgotten password with 'gatehouse user set-password')",
    );
  }
  return ctx.db
    .transaction()
    .execute((trx) =>
      startSession(
        trx,
        ctx,
        { id: row.id, name: row.name, isAdmin: row.is_admin === 1 },
        "password",
        origin,
      ),
    );
}

/**
 * Starts a web session for a user whose identity `method` has just proved:
 * the one way in for every kind of sign-in, so each ends with the same
 * session, cookie and audit event. Callers hold the transaction.
 */
export async function startSession(
  trx: Db,
  ctx: HubContext,
  user: { readonly id: string; readonly name: string; readonly isAdmin: boolean },
  method: SignInMethod,
  origin: RequestOrigin,
): Promise<SignedIn> {
  const session = await insertSession(trx, ctx, user.id, method, origin);
  return {
    user: { name: user.name, isAdmin: user.isAdmin },
    sessionId: session.id,
    secret: session.secret,
    expiresAt: session.expiresAt,
  };
}
