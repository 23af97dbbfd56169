import { sql } from "kysely";
import { allowedFilter, requireScope, requireUnrestricted, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { describePendingChange, type PendingChange } from "./pending-change.js";
import { reviewTarget } from "./transitions.js";

/** How many pending changes the inbox looks at, oldest first. */
export const SIGNOFF_INBOX_LIMIT = 100;

/**
 * The pending stage changes that wait for the caller's sign-off, oldest first
 * (`GET /api/inbox/signoffs`): on every model where they may sign (the stage
 * table's `version.review`), of versions they see and did not publish, whose
 * rules await sign-offs that the caller has not given as an approval. Each is
 * decided again through the route a sign-off takes, so the list never holds
 * one the caller would be refused.
 */
export async function signoffInbox(ctx: HubContext, actor: Actor): Promise<PendingChange[]> {
  const user = requireScope(
    requireUnrestricted(actor, "list stage changes awaiting you on every model"),
    "write",
  );
  const rows = await ctx.db
    .selectFrom("transitions as t")
    .innerJoin("versions as v", "v.id", "t.version_id")
    .innerJoin("models as m", "m.id", "v.model_id")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select(["t.id", "n.name as namespace", "m.name as model", "v.name as version"])
    .where("t.status", "=", "pending")
    .where("v.state", "=", "published")
    .where((eb) =>
      eb.or([eb("v.published_by", "is", null), eb("v.published_by", "<>", user.userId)]),
    )
    .where(
      allowedFilter(actor, "version.review", {
        modelId: "m.id",
        stage: sql.ref<string>("m.initial_stage"),
        namespaceId: "n.id",
        namespaceKind: "n.kind",
      }),
    )
    .where(
      allowedFilter(actor, "version.see", {
        modelId: "m.id",
        versionId: "v.id",
        stage: sql.ref<string>("v.stage"),
        withdrawnFrom: sql.ref<string | null>("v.withdrawn_from"),
        namespaceId: "n.id",
        namespaceKind: "n.kind",
      }),
    )
    .orderBy("t.requested_at")
    .orderBy("t.id")
    .limit(SIGNOFF_INBOX_LIMIT)
    .execute();
  const inbox: PendingChange[] = [];
  for (const row of rows) {
    const allowed = await reviewTarget(
      ctx,
      actor,
      { namespace: row.namespace, name: row.model },
      row.version,
      "sign off stage changes",
    ).catch((err: unknown) => {
      if (err instanceof HubError) {
        return null;
      }
      throw err;
    });
    if (allowed === null) {
      continue;
    }
    const change = await describePendingChange(ctx, actor, allowed.target, row.id);
    const awaits = change.decision.results.some((r) => !r.passed && r.awaits === "signoffs");
    const approved = change.signoffs.some((s) => s.user === user.name && s.verdict === "approve");
    if (awaits && !approved) {
      inbox.push(change);
    }
  }
  return inbox;
}
