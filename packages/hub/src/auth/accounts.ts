import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { asciiLower, assertNamespaceName, nameKey } from "../names/index.js";
import { isUniqueViolation, newId, type Db, type OrgMembersTable } from "../store/index.js";
import { actorIdOf, type Actor } from "./actor.js";
import { authorize } from "./authorize.js";
import type { Relation } from "./permissions.js";
import { requireAdmin, requireScope, requireUnrestricted } from "./require-user.js";

export type OrgRole = OrgMembersTable["role"];
export const ORG_ROLES: readonly OrgRole[] = ["owner", "maintainer", "reviewer", "member"];

export interface Namespace {
  readonly id: string;
  readonly name: string;
  readonly kind: "user" | "org";
}

/** Finds a user or organisation by name, case-insensitively; a name that breaks the naming rules names nothing. */
export async function findNamespace(db: Db, name: string): Promise<Namespace | undefined> {
  const key = nameKey(name);
  if (key === null) {
    return undefined;
  }
  return db
    .selectFrom("namespaces")
    .select(["id", "name", "kind"])
    .where("name_key", "=", key)
    .executeTakeFirst();
}

async function insertNamespace(
  trx: Db,
  ctx: HubContext,
  name: string,
  kind: "user" | "org",
): Promise<string> {
  const existing = await findNamespace(trx, name);
  if (existing !== undefined) {
    throw new HubError("ALREADY_EXISTS", `the name "${existing.name}" is already taken`);
  }
  const id = newId(kind === "user" ? "u" : "o");
  await trx
    .insertInto("namespaces")
    .values({
      id,
      name,
      name_key: asciiLower(name),
      kind,
      created_at: ctx.clock.now().toISOString(),
    })
    .execute()
    .catch((err: unknown) => {
      // Taken between the check above and this insert, by a request at the same moment.
      throw isUniqueViolation(err)
        ? new HubError("ALREADY_EXISTS", `the name "${name}" is already taken`)
        : err;
    });
  return id;
}

/** Inserts a user row and its audit event; callers hold the transaction. */
export async function insertUser(
  trx: Db,
  ctx: HubContext,
  input: {
    name: string;
    email?: string | undefined;
    fullname?: string | undefined;
    isAdmin: boolean;
  },
  actorId: string | null,
  origin?: RequestOrigin,
): Promise<Namespace> {
  assertNamespaceName(input.name, "user");
  const id = await insertNamespace(trx, ctx, input.name, "user");
  await trx
    .insertInto("users")
    .values({
      id,
      email: input.email ?? null,
      fullname: input.fullname ?? null,
      is_admin: input.isAdmin ? 1 : 0,
    })
    .execute();
  await appendAuditEvent(trx, {
    actorId: actorId ?? id,
    action: "user.create",
    resource: `user:${id}`,
    details: { admin: input.isAdmin },
    at: ctx.clock.now(),
    ...(origin === undefined ? {} : { origin }),
  });
  return { id, name: input.name, kind: "user" };
}

/** Creates a user account; hub administrators only. */
export async function createUser(
  ctx: HubContext,
  actor: Actor,
  input: { name: string; email?: string | undefined; fullname?: string | undefined },
  origin: RequestOrigin,
): Promise<Namespace> {
  const admin = requireAdmin(actor, "create users");
  return ctx.db
    .transaction()
    .execute((trx) => insertUser(trx, ctx, { ...input, isAdmin: false }, admin.userId, origin));
}

/** Creates an organisation; its creator becomes its first owner. */
export async function createOrg(
  ctx: HubContext,
  actor: Actor,
  name: string,
  origin: RequestOrigin,
): Promise<Namespace> {
  const user = requireUnrestricted(requireScope(actor, "write"), "create organisations");
  assertNamespaceName(name, "organisation");
  return ctx.db.transaction().execute(async (trx) => {
    const id = await insertNamespace(trx, ctx, name, "org");
    const now = ctx.clock.now();
    await trx
      .insertInto("org_members")
      .values({ org_id: id, user_id: user.userId, role: "owner", created_at: now.toISOString() })
      .execute();
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "org.create",
      resource: `org:${id}`,
      details: { owner: user.userId },
      at: now,
      origin,
    });
    return { id, name, kind: "org" as const };
  });
}

/** How `actor` stands to a namespace, from its roles in the store. */
export async function relationTo(db: Db, actor: Actor, namespace: Namespace): Promise<Relation> {
  if (actor.kind === "anonymous" || actor.isAdmin || namespace.kind === "user") {
    return relationFrom(actor, namespace, undefined);
  }
  const row = await db
    .selectFrom("org_members")
    .select("role")
    .where("org_id", "=", namespace.id)
    .where("user_id", "=", actor.userId)
    .executeTakeFirst();
  return relationFrom(actor, namespace, row?.role);
}

/**
 * How `actor` stands to a namespace, given their role in it when it is an
 * organisation (read by the caller, often joined into a larger query).
 */
export function relationFrom(
  actor: Actor,
  namespace: Namespace,
  orgRole: OrgRole | null | undefined,
): Relation {
  if (actor.kind === "anonymous") {
    return "anonymous";
  }
  if (actor.isAdmin) {
    return "admin";
  }
  if (namespace.kind === "user") {
    return namespace.id === actor.userId ? "owner" : "none";
  }
  return orgRole ?? "none";
}

/**
 * The organisation `orgName`, locked for a change of its members, once the
 * caller is found to manage them. Called inside the change's transaction: the
 * lock (a write to its row) makes member changes take turns, so two owners
 * who demote each other at once cannot leave it without an owner, and the
 * caller's own role is read after any change that came first.
 */
async function orgForManagement(trx: Db, actor: Actor, orgName: string): Promise<Namespace> {
  const org = await findNamespace(trx, orgName);
  if (org?.kind !== "org") {
    throw new HubError("NOT_FOUND", `organisation "${orgName}" does not exist`);
  }
  await trx
    .updateTable("namespaces")
    .set((eb) => ({ name: eb.ref("name") }))
    .where("id", "=", org.id)
    .execute();
  const decision = authorize(actor, "org.manage-members", {
    modelId: null,
    stage: "private",
    tester: false,
    relation: await relationTo(trx, actor, org),
  });
  if (!decision.allowed) {
    // Answers 401 or a scope error first when those are the reason.
    requireScope(actor, "write");
    if (decision.reason === "token-model") {
      throw new HubError(
        "FORBIDDEN",
        `this token is restricted to one model and may not manage the members of "${org.name}"; use an unrestricted token`,
      );
    }
    throw new HubError("FORBIDDEN", `only an owner of "${org.name}" may manage its members`);
  }
  return org;
}

/** Adds a user to an organisation or changes their role. */
export async function setMember(
  ctx: HubContext,
  actor: Actor,
  input: { org: string; user: string; role: OrgRole },
  origin: RequestOrigin,
): Promise<void> {
  const actorId = actorIdOf(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const org = await orgForManagement(trx, actor, input.org);
    const user = await findNamespace(trx, input.user);
    if (user?.kind !== "user") {
      throw new HubError("NOT_FOUND", `user "${input.user}" does not exist`);
    }
    const now = ctx.clock.now();
    const current = await trx
      .selectFrom("org_members")
      .select("role")
      .where("org_id", "=", org.id)
      .where("user_id", "=", user.id)
      .executeTakeFirst();
    if (current?.role === "owner" && input.role !== "owner") {
      await assertAnotherOwner(trx, org, user.id);
    }
    if (current === undefined) {
      await trx
        .insertInto("org_members")
        .values({
          org_id: org.id,
          user_id: user.id,
          role: input.role,
          created_at: now.toISOString(),
        })
        .execute();
    } else {
      await trx
        .updateTable("org_members")
        .set({ role: input.role })
        .where("org_id", "=", org.id)
        .where("user_id", "=", user.id)
        .execute();
    }
    await appendAuditEvent(trx, {
      actorId,
      action: "org.member.set",
      resource: `org:${org.id}`,
      details: { user: user.id, role: input.role, previousRole: current?.role ?? null },
      at: now,
      origin,
    });
  });
}

async function assertAnotherOwner(trx: Db, org: Namespace, leavingUserId: string): Promise<void> {
  const others = await trx
    .selectFrom("org_members")
    .select("user_id")
    .where("org_id", "=", org.id)
    .where("role", "=", "owner")
    .where("user_id", "!=", leavingUserId)
    .execute();
  if (others.length === 0) {
    throw new HubError(
      "CONFLICT",
      `"${org.name}" would have no owner left; make another member an owner first`,
    );
  }
}

/** Removes a user from an organisation. */
export async function removeMember(
  ctx: HubContext,
  actor: Actor,
  input: { org: string; user: string },
  origin: RequestOrigin,
): Promise<void> {
  const actorId = actorIdOf(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const org = await orgForManagement(trx, actor, input.org);
    const user = await findNamespace(trx, input.user);
    const current =
      user === undefined
        ? undefined
        : await trx
            .selectFrom("org_members")
            .select("role")
            .where("org_id", "=", org.id)
            .where("user_id", "=", user.id)
            .executeTakeFirst();
    if (user === undefined || current === undefined) {
      throw new HubError("NOT_FOUND", `"${input.user}" is not a member of "${org.name}"`);
    }
    if (current.role === "owner") {
      await assertAnotherOwner(trx, org, user.id);
    }
    await trx
      .deleteFrom("org_members")
      .where("org_id", "=", org.id)
      .where("user_id", "=", user.id)
      .execute();
    // Sign-off roles are given to members: one who leaves loses them, and comes back without them.
    const dropped = await trx
      .deleteFrom("org_signoff_roles")
      .where("org_id", "=", org.id)
      .where("user_id", "=", user.id)
      .returning("role")
      .execute();
    await appendAuditEvent(trx, {
      actorId,
      action: "org.member.remove",
      resource: `org:${org.id}`,
      details: {
        user: user.id,
        previousRole: current.role,
        previousSignoffRoles: dropped.map((r) => r.role).sort(),
      },
      at: ctx.clock.now(),
      origin,
    });
  });
}

/** A member of an organisation as its list shows them. */
export interface OrgMember {
  readonly user: string;
  readonly role: OrgRole;
  /** The sign-off roles the organisation gives them (`ceo`, …), sorted; policies ask for them by name. */
  readonly signoffRoles: string[];
}

/** Lists an organisation's members with their sign-off roles; visible to its members and administrators. */
export async function listMembers(
  ctx: HubContext,
  actor: Actor,
  orgName: string,
): Promise<OrgMember[]> {
  const org = await findNamespace(ctx.db, orgName);
  if (org?.kind !== "org") {
    throw new HubError("NOT_FOUND", `organisation "${orgName}" does not exist`);
  }
  requireUnrestricted(actor, `list the members of "${org.name}"`);
  const relation = await relationTo(ctx.db, actor, org);
  if (relation === "anonymous" || relation === "none") {
    throw new HubError("FORBIDDEN", `only members of "${org.name}" may list its members`);
  }
  const rows = await ctx.db
    .selectFrom("org_members")
    .innerJoin("namespaces", "namespaces.id", "org_members.user_id")
    .select(["org_members.user_id", "namespaces.name as user", "org_members.role"])
    .where("org_members.org_id", "=", org.id)
    .orderBy("namespaces.name_key")
    .execute();
  const roles = await ctx.db
    .selectFrom("org_signoff_roles")
    .select(["user_id", "role"])
    .where("org_id", "=", org.id)
    .orderBy("role")
    .execute();
  return rows.map((r) => ({
    user: r.user,
    role: r.role,
    signoffRoles: roles.filter((s) => s.user_id === r.user_id).map((s) => s.role),
  }));
}

/** The organisations a user belongs to, with their role. */
export async function orgsOf(
  db: Db,
  userId: string,
): Promise<{ name: string; id: string; role: OrgRole }[]> {
  return db
    .selectFrom("org_members")
    .innerJoin("namespaces", "namespaces.id", "org_members.org_id")
    .select(["namespaces.name", "namespaces.id", "org_members.role"])
    .where("org_members.user_id", "=", userId)
    .orderBy("namespaces.name_key")
    .execute();
}
