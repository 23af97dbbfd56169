import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { Db } from "../store/index.js";
import {
  pendingTransitionOf,
  reconsider,
  reviewTarget,
  transitionById,
  type ReleaseTarget,
  type TransitionView,
} from "./transitions.js";

export type Verdict = "approve" | "reject";

/**
 * The roles a reviewer signs with: their role in the model's organisation (or
 * `owner` of their own namespace, `admin` for hub administrators) and any
 * sign-off roles the organisation gave them (`ceo`, …).
 */
export async function rolesOf(
  db: Db,
  target: ReleaseTarget,
  userId: string,
  isAdmin: boolean,
): Promise<string[]> {
  const roles = new Set<string>();
  if (isAdmin) {
    roles.add("admin");
  }
  const ns = target.model.namespace;
  if (ns.kind === "user") {
    if (ns.id === userId) {
      roles.add("owner");
    }
    return [...roles];
  }
  const member = await db
    .selectFrom("org_members")
    .select("role")
    .where("org_id", "=", ns.id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (member === undefined) {
    // Sign-off roles are the organisation's to give its members; a former member holds none.
    return [...roles];
  }
  roles.add(member.role);
  const extra = await db
    .selectFrom("org_signoff_roles")
    .select("role")
    .where("org_id", "=", ns.id)
    .where("user_id", "=", userId)
    .execute();
  for (const r of extra) {
    roles.add(r.role);
  }
  return [...roles].sort();
}

/**
 * Approves or rejects the version's pending stage change. Reviewers, owners
 * and admins sign; the version's author never does. Each sign-off re-decides
 * the change, which runs once every rule holds (and any embargo has lifted);
 * a rejection holds it until its reviewer approves instead, or it is cancelled.
 */
export async function signOff(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
  input: { verdict: Verdict; comment: string },
  origin: RequestOrigin,
): Promise<TransitionView> {
  const { target, user } = await reviewTarget(
    ctx,
    actor,
    repo,
    versionName,
    "sign off stage changes",
  );
  const now = ctx.clock.now();
  const transitionId = await ctx.db.transaction().execute(async (trx) => {
    const pending = await pendingTransitionOf(trx, target);
    const roles = await rolesOf(trx, target, user.userId, user.isAdmin);
    await trx
      .deleteFrom("signoffs")
      .where("transition_id", "=", pending)
      .where("user_id", "=", user.userId)
      .execute();
    await trx
      .insertInto("signoffs")
      .values({
        transition_id: pending,
        user_id: user.userId,
        verdict: input.verdict,
        comment: input.comment,
        roles: JSON.stringify(roles),
        at: now.toISOString(),
      })
      .execute();
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "transition.signoff",
      resource: `version:${target.version.id}`,
      details: { transition: pending, verdict: input.verdict, roles },
      at: now,
      origin,
    });
    await reconsider(ctx, trx, actor, target, pending, user.userId, origin, false);
    return pending;
  });
  const view = await transitionById(ctx.db, target.model, transitionId);
  if (view === undefined) {
    throw new HubError("NOT_FOUND", `transition ${transitionId} vanished`);
  }
  return view;
}

/** The sign-offs of a transition, for showing it. */
export async function signoffsOf(db: Db, transitionId: string) {
  const rows = await db
    .selectFrom("signoffs as s")
    .leftJoin("namespaces as n", "n.id", "s.user_id")
    .select(["n.name", "s.verdict", "s.comment", "s.roles", "s.at"])
    .where("s.transition_id", "=", transitionId)
    .orderBy("s.at")
    .execute();
  return rows.map((r) => ({
    user: r.name,
    verdict: r.verdict,
    comment: r.comment,
    roles: JSON.parse(r.roles) as string[],
    at: r.at,
  }));
}

/** How many people `possibleSigners` returns at most: enough for any real review board. */
export const MAX_POSSIBLE_SIGNERS = 10;

/**
 * The people who may sign the version's stage changes, with the roles they
 * would sign with, the author aside: the owner of a personal namespace, or an
 * organisation's reviewers and owners (as the stage table's `version.review`
 * cell admits them), then hub administrators. `inNamespace` tells the
 * namespace's people from administrators, whose names the model's
 * maintainers need not learn. At most MAX_POSSIBLE_SIGNERS.
 */
export async function possibleSigners(
  db: Db,
  target: ReleaseTarget,
): Promise<{ user: string; roles: string[]; inNamespace: boolean }[]> {
  const ns = target.model.namespace;
  const author = target.state.publishedBy ?? "";
  const own =
    ns.kind === "user"
      ? await db
          .selectFrom("namespaces as n")
          .leftJoin("users as u", "u.id", "n.id")
          .select(["n.id", "n.name", "u.is_admin"])
          .where("n.id", "=", ns.id)
          .where("n.id", "<>", author)
          .execute()
      : await db
          .selectFrom("org_members as m")
          .innerJoin("namespaces as n", "n.id", "m.user_id")
          .leftJoin("users as u", "u.id", "m.user_id")
          .select(["n.id", "n.name", "u.is_admin"])
          .where("m.org_id", "=", ns.id)
          .where("m.role", "in", ["reviewer", "owner"])
          .where("m.user_id", "<>", author)
          .orderBy("n.name")
          .limit(MAX_POSSIBLE_SIGNERS)
          .execute();
  const admins = await db
    .selectFrom("users as u")
    .innerJoin("namespaces as n", "n.id", "u.id")
    .select(["n.id", "n.name", "u.is_admin"])
    .where("u.is_admin", "=", 1)
    .where("u.id", "<>", author)
    .orderBy("n.name")
    .limit(MAX_POSSIBLE_SIGNERS)
    .execute();
  const seen = new Set(own.map((p) => p.id));
  const people = [
    ...own.map((p) => ({ ...p, inNamespace: true })),
    ...admins.filter((a) => !seen.has(a.id)).map((a) => ({ ...a, inNamespace: false })),
  ].slice(0, MAX_POSSIBLE_SIGNERS);
  return Promise.all(
    people.map(async (p) => ({
      user: p.name,
      roles: await rolesOf(db, target, p.id, p.is_admin === 1),
      inNamespace: p.inNamespace,
    })),
  );
}
