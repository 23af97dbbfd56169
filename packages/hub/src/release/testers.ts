import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { findNamespace, requireScope, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { loadModel } from "../registry/index.js";

/** A model's allow-list of trusted testers: who sees, downloads and calls its staged versions. */
export async function listTesters(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
): Promise<{ name: string; kind: "user" | "org"; addedAt: string }[]> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.release");
  const rows = await ctx.db
    .selectFrom("model_testers as t")
    .innerJoin("namespaces as n", "n.id", "t.namespace_id")
    .select(["n.name", "n.kind", "t.created_at"])
    .where("t.model_id", "=", model.id)
    .orderBy("n.name_key")
    .execute();
  return rows.map((r) => ({ name: r.name, kind: r.kind, addedAt: r.created_at }));
}

/**
 * Adds a user or an organisation (all its members) to a model's allow-list, or
 * takes them off; maintainers only. In force on the next request to any hub.
 */
export async function setTester(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  tester: string,
  present: boolean,
  origin: RequestOrigin,
): Promise<void> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.release");
  const user = requireScope(actor, "write");
  const namespace = await findNamespace(ctx.db, tester);
  if (namespace === undefined) {
    throw new HubError("NOT_FOUND", `no user or organisation is named "${tester}"`);
  }
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("model_testers")
      .select("namespace_id")
      .where("model_id", "=", model.id)
      .where("namespace_id", "=", namespace.id)
      .executeTakeFirst();
    if (present === (existing !== undefined)) {
      return;
    }
    if (present) {
      await trx
        .insertInto("model_testers")
        .values({ model_id: model.id, namespace_id: namespace.id, created_at: now.toISOString() })
        .execute();
    } else {
      await trx
        .deleteFrom("model_testers")
        .where("model_id", "=", model.id)
        .where("namespace_id", "=", namespace.id)
        .execute();
    }
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: present ? "model.tester.add" : "model.tester.remove",
      resource: `model:${model.id}`,
      details: { namespace: namespace.id },
      at: now,
      origin,
    });
  });
}
