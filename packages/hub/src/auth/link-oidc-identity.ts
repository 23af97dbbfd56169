import type { RequestOrigin } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { isUniqueViolation } from "../store/index.js";
import type { Actor } from "./actor.js";
import { findNamespace } from "./accounts.js";
import { insertIdentity } from "./oidc-sign-in.js";
import { requireAdmin } from "./require-user.js";

/** A user's link to their identity at the hub's OpenID provider. */
export interface OidcLink {
  readonly user: string;
  readonly issuer: string;
  readonly subject: string;
}

/**
 * Links user `name` to the person `subject` (the provider's `sub` claim) at
 * the configured OpenID provider, replacing the user's earlier link there:
 * how an administrator lets an existing account, or one made for the person,
 * sign in through the provider. Hub administrators only; a subject already
 * linked to another user is refused, naming them.
 */
export async function linkOidcIdentity(
  ctx: HubContext,
  actor: Actor,
  input: { readonly name: string; readonly subject: string },
  origin: RequestOrigin,
): Promise<OidcLink> {
  const admin = requireAdmin(actor, "link users to their OpenID provider");
  const oidc = ctx.config.oidc;
  if (oidc === null) {
    throw new HubError(
      "NOT_FOUND",
      "OpenID Connect sign-in is not set up on this hub; an operator sets GATEHOUSE_OIDC_ISSUER first",
    );
  }
  return ctx.db
    .transaction()
    .execute(async (trx) => {
      const user = await findNamespace(trx, input.name);
      if (user?.kind !== "user") {
        throw new HubError("NOT_FOUND", `user "${input.name}" does not exist`);
      }
      const holder = await trx
        .selectFrom("oidc_identities as i")
        .innerJoin("namespaces as n", "n.id", "i.user_id")
        .select(["n.id", "n.name"])
        .where("i.issuer", "=", oidc.issuer)
        .where("i.subject", "=", input.subject)
        .executeTakeFirst();
      if (holder !== undefined && holder.id !== user.id) {
        throw new HubError(
          "CONFLICT",
          `subject "${input.subject}" is already linked to user "${holder.name}"; link that user to another subject first`,
        );
      }
      const link = { issuer: oidc.issuer, subject: input.subject, userId: user.id };
      await insertIdentity(trx, ctx, link, admin.userId, origin);
      return { user: user.name, issuer: oidc.issuer, subject: input.subject };
    })
    .catch((err: unknown) => {
      throw isUniqueViolation(err)
        ? new HubError("CONFLICT", `subject "${input.subject}" was linked meanwhile; try again`)
        : err;
    });
}
