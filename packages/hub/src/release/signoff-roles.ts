import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { authorize, findNamespace, relationTo, requireScope, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";

/** A sign-off role's spelling: what a policy names in `'ceo' in s.roles`. */
const ROLE = /^[a-z][a-z0-9-]{0,47}$/;

/**
 * Sets the sign-off roles an organisation gives one of its members (`ceo`,
 * `responsible-scaling-officer`, …), replacing those they had; owners only.
 * Policies ask for them by name in sign-off rules.
 */
export async function setSignoffRoles(
  ctx: HubContext,
  actor: Actor,
  input: { org: string; user: string; roles: readonly string[] },
  origin: RequestOrigin,
): Promise<{ org: string; user: string; roles: string[] }> {
  const org = await findNamespace(ctx.db, input.org);
  if (org?.kind !== "org") {
    throw new HubError("NOT_FOUND", `organisation "${input.org}" does not exist`);
  }
  const decision = authorize(actor, "org.manage-members", {
    modelId: null,
    stage: "private",
    relation: await relationTo(ctx.db, actor, org),
    tester: false,
  });
  const caller = requireScope(actor, "write");
  if (!decision.allowed) {
    throw new HubError("FORBIDDEN", `only an owner of "${org.name}" gives sign-off roles`);
  }
  for (const role of input.roles) {
    if (!ROLE.test(role)) {
      throw new HubError(
        "BAD_REQUEST",
        `sign-off role "${role}" must be lower-case letters, digits and hyphens, starting with a letter (e.g. responsible-scaling-officer)`,
      );
    }
  }
  const user = await findNamespace(ctx.db, input.user);
  const member =
    user?.kind === "user"
      ? await ctx.db
          .selectFrom("org_members")
          .select("role")
          .where("org_id", "=", org.id)
          .where("user_id", "=", user.id)
          .executeTakeFirst()
      : undefined;
  if (user === undefined || member === undefined) {
    throw new HubError(
      "NOT_FOUND",
      `"${input.user}" is not a member of ${org.name}; add them first with 'gatehouse org add'`,
    );
  }
  const roles = [...new Set(input.roles)].sort();
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom("org_signoff_roles")
      .where("org_id", "=", org.id)
      .where("user_id", "=", user.id)
      .execute();
    if (roles.length > 0) {
      await trx
        .insertInto("org_signoff_roles")
        .values(
          roles.map((role) => ({
            org_id: org.id,
            user_id: user.id,
            role,
            created_at: now.toISOString(),
          })),
        )
        .execute();
    }
    await appendAuditEvent(trx, {
      actorId: caller.userId,
      action: "org.signoff-role.set",
      resource: `org:${org.id}`,
      details: { user: user.id, roles },
      at: now,
      origin,
    });
  });
  return { org: org.name, user: user.name, roles };
}
