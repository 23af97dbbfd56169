import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { signalOf, signalReach, signalRows, type UsageSignal } from "./list-signals.js";
import { liftThrottle } from "./signal-throttle.js";

/**
 * Closes an open signal with a reason, audited as `signal.close`. A token the
 * signal suspended works again; a throttle it set is lifted (liftThrottle).
 * A signal the caller may not see answers 404, as one that does not exist; a
 * closed one 409.
 */
export async function closeSignal(
  ctx: HubContext,
  actor: Actor,
  id: string,
  reason: string,
  origin: RequestOrigin,
): Promise<UsageSignal> {
  const { user, orgs } = await signalReach(ctx, actor, "write", "close abuse signals");
  const at = ctx.clock.now();
  const closed = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("usage_signals")
      .select(["state", "org_id", "action", "subject_kind", "subject", "throttled_limits"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (
      row === undefined ||
      (orgs !== null && (row.org_id === null || !orgs.includes(row.org_id)))
    ) {
      throw new HubError(
        "NOT_FOUND",
        `there is no abuse signal "${id}"; gatehouse usage signals lists them`,
      );
    }
    const done = await trx
      .updateTable("usage_signals")
      .set({
        state: "closed",
        closed_by: user.userId,
        closed_at: at.toISOString(),
        close_reason: reason,
      })
      .where("id", "=", id)
      .where("state", "=", "open")
      .executeTakeFirst();
    if (done.numUpdatedRows === 0n) {
      throw new HubError("CONFLICT", `abuse signal "${id}" is closed already`);
    }
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "signal.close",
      resource: `signal:${id}`,
      details: { reason },
      at,
      origin,
    });
    if (row.throttled_limits !== null) {
      await liftThrottle(trx, {
        id,
        scope: `${row.subject_kind}:${row.subject}`,
        replaced: row.throttled_limits,
        actorId: user.userId,
        at,
        origin,
      });
    }
    return row;
  });
  if (closed.action === "suspend" && closed.subject_kind === "token") {
    ctx.signals.lift(closed.subject);
  }
  const row = await signalRows(ctx.db).where("s.id", "=", id).executeTakeFirstOrThrow();
  return signalOf(row, orgs === null);
}
