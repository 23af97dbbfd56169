import { sql } from "kysely";
import { allowedFilter, requireScope, requireUnrestricted, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { loadModel } from "../registry/index.js";
import { requestViews } from "./list-requests.js";
import type { RequestView } from "./requests.js";

/** How many pending requests the inbox lists, oldest first. */
export const REQUEST_INBOX_LIMIT = 500;

/** What waits for someone who decides access: requests, and the models they may grant access to. */
export interface RequestInbox {
  /** Pending requests to models whose access the caller manages, oldest first; never their own. */
  readonly requests: readonly RequestView[];
  /** The models with a gated version whose access the caller manages: where a direct grant can go. */
  readonly models: readonly string[];
}

/** The stage table's `model.manage-access` over models `m` in namespaces `n`, as SQL. */
const manages = (actor: Actor, model: string, namespace: string) =>
  allowedFilter(actor, "model.manage-access", {
    modelId: `${model}.id`,
    stage: sql.ref<string>(`${model}.initial_stage`),
    namespaceId: `${namespace}.id`,
    namespaceKind: `${namespace}.kind`,
  });

/**
 * The pending access requests of every model whose access the caller may
 * manage, and the gated models they may grant access to
 * (`GET /api/inbox/access-requests`). The list is filtered in SQL by the
 * stage table and each model is then loaded as the per-model routes load it,
 * so it never shows a request the caller could not decide there; requests
 * the caller made themselves, which they may not decide, are left out.
 */
export async function accessRequestInbox(ctx: HubContext, actor: Actor): Promise<RequestInbox> {
  const user = requireScope(
    requireUnrestricted(actor, "list access requests to every model"),
    "write",
  );
  const requests = await requestViews(ctx.db, (q) =>
    q
      .where("r.status", "=", "pending")
      .where("r.requester_id", "<>", user.userId)
      .where(manages(actor, "m", "mn"))
      // Ordered before requestViews' own newest-first order, so this order wins: oldest first.
      .orderBy("r.created_at")
      .orderBy("r.id")
      .limit(REQUEST_INBOX_LIMIT),
  );
  const gated = await ctx.db
    .selectFrom("models as m")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select(["n.name as namespace", "m.name as model"])
    .where(manages(actor, "m", "n"))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("versions as v")
          .select("v.id")
          .whereRef("v.model_id", "=", "m.id")
          .where("v.state", "=", "published")
          .where("v.stage", "=", "gated"),
      ),
    )
    .orderBy("n.name")
    .orderBy("m.name")
    .execute();
  const names = new Set([
    ...requests.map((r) => r.model),
    ...gated.map((g) => `${g.namespace}/${g.model}`),
  ]);
  const managed = new Set<string>();
  for (const fullName of names) {
    const [namespace = "", name = ""] = fullName.split("/");
    const ok = await loadModel(ctx, actor, namespace, name, "model.manage-access").then(
      () => true,
      (err: unknown) => {
        if (err instanceof HubError) {
          return false;
        }
        throw err;
      },
    );
    if (ok) {
      managed.add(fullName);
    }
  }
  return {
    requests: requests.filter((r) => managed.has(r.model)),
    models: gated.map((g) => `${g.namespace}/${g.model}`).filter((m) => managed.has(m)),
  };
}
