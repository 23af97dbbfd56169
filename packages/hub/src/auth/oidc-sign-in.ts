import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { isUniqueViolation, type Db } from "../store/index.js";
import { findNamespace, insertUser } from "./accounts.js";
import type { OidcPerson } from "./oidc-client.js";
import { userNameFromClaim } from "./oidc-user-name.js";
import { startSession, type SignedIn } from "./sign-in.js";

/**
 * Why an OpenID sign-in was refused, as the sign-in page names it
 * (`/login?error=…`): no account for this person, the name their account
 * would have belongs to someone else, or the provider gave no usable name.
 */
export type OidcRefusal = "oidc_no_account" | "oidc_name_taken" | "oidc_no_username";

function refused(
  code: "FORBIDDEN" | "CONFLICT",
  reason: OidcRefusal,
  name: string,
  message: string,
): HubError {
  return new HubError(code, message, { signInError: reason, name });
}

/** Links `userId` to `subject` at `issuer`, replacing any link they had there, with its audit event. */
export async function insertIdentity(
  trx: Db,
  ctx: HubContext,
  link: { readonly issuer: string; readonly subject: string; readonly userId: string },
  actorId: string,
  origin: RequestOrigin,
): Promise<void> {
  const now = ctx.clock.now();
  await trx
    .deleteFrom("oidc_identities")
    .where("issuer", "=", link.issuer)
    .where("user_id", "=", link.userId)
    .execute();
  await trx
    .insertInto("oidc_identities")
    .values({
      issuer: link.issuer,
      subject: link.subject,
      user_id: link.userId,
      created_at: now.toISOString(),
    })
    .execute();
  await appendAuditEvent(trx, {
    actorId,
    action: "user.oidc-link",
    resource: `user:${link.userId}`,
    details: { user: link.userId, issuer: link.issuer, subject: link.subject },
    at: now,
    origin,
  });
}

/**
 * Signs in the person the provider vouched for, by the identity linked to
 * their (issuer, subject), never by a name or an email address: those can be
 * chosen or changed at many providers, so matching an existing account by
 * one would let whoever takes the name there take the account here. Without
 * a link, with GATEHOUSE_OIDC_CREATE_USERS a new account is made from the
 * username claim and linked; a name some account already has is refused,
 * never joined. Otherwise the person is refused until an administrator links
 * them (`PUT /api/users/{name}/oidc-identity`). Refusals are HubErrors whose
 * details carry the `OidcRefusal` and the name.
 */
export async function signInWithIdentity(
  ctx: HubContext,
  person: OidcPerson,
  origin: RequestOrigin,
): Promise<SignedIn> {
  const oidc = ctx.config.oidc;
  if (oidc === null) {
    throw new HubError("NOT_FOUND", "OpenID Connect sign-in is not set up on this hub");
  }
  const claimed = typeof person.username === "string" ? person.username.slice(0, 96) : "";
  return ctx.db
    .transaction()
    .execute(async (trx) => {
      const linked = await trx
        .selectFrom("oidc_identities as i")
        .innerJoin("namespaces as n", "n.id", "i.user_id")
        .innerJoin("users as u", "u.id", "i.user_id")
        .select(["u.id", "n.name", "u.is_admin"])
        .where("i.issuer", "=", oidc.issuer)
        .where("i.subject", "=", person.subject)
        .executeTakeFirst();
      if (linked !== undefined) {
        const user = { id: linked.id, name: linked.name, isAdmin: linked.is_admin === 1 };
        return startSession(trx, ctx, user, "oidc", origin);
      }
      if (!oidc.createUsers) {
        throw refused(
          "FORBIDDEN",
          "oidc_no_account",
          claimed,
          `"${claimed}" signed in at ${oidc.name} but has no Gatehouse account linked to it; ask a Gatehouse administrator to link your account (subject "${person.subject}")`,
        );
      }
      const name = userNameFromClaim(person.username);
      if (name === null) {
        throw refused(
          "FORBIDDEN",
          "oidc_no_username",
          claimed,
          `${oidc.name} gave no usable ${oidc.usernameClaim} claim to name a new account after; ask a Gatehouse administrator to create your account and link it`,
        );
      }
      const taken = await findNamespace(trx, name);
      if (taken !== undefined) {
        throw refused(
          "CONFLICT",
          "oidc_name_taken",
          name,
          `the name "${taken.name}" belongs to an account not linked to your ${oidc.name} identity; ask a Gatehouse administrator to link it, if it is yours`,
        );
      }
      const user = await insertUser(
        trx,
        ctx,
        { name, email: person.email, fullname: person.fullname, isAdmin: false },
        null,
        origin,
      );
      const link = { issuer: oidc.issuer, subject: person.subject, userId: user.id };
      await insertIdentity(trx, ctx, link, user.id, origin);
      return startSession(trx, ctx, { id: user.id, name, isAdmin: false }, "oidc", origin);
    })
    .catch((err: unknown) => {
      // A first sign-in of the same person, or a new account of the same name, at the same moment.
      if (isUniqueViolation(err) || (err instanceof HubError && err.code === "ALREADY_EXISTS")) {
        throw refused(
          "CONFLICT",
          "oidc_name_taken",
          claimed,
          "this account was being created by another sign-in at the same moment; sign in again",
        );
      }
      throw err;
    });
}
