import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import type { Db } from "../store/index.js";
import type { LimitSpec } from "./limit-spec.js";
import { storeLimits } from "./set-limits.js";

/** The limits a signal's throttle replaced: `spec` null where the subject had none. */
export interface ReplacedLimits {
  readonly spec: LimitSpec | null;
  readonly setBy: string | null;
  readonly setAt: string | null;
}

/** How far back a chain of throttles, each replacing the one before, is followed. */
const MOST_THROTTLES = 16;

/**
 * Lifts the throttle signal `id` set on `scope`, in the transaction closing
 * it: the limits it replaced come back (none, where there were none), unless
 * someone has set the scope's limits since, whose choice stays. Where those
 * limits were another signal's throttle and that signal is closed, the limits
 * it replaced come back instead. Audited as `limits.set` or `limits.clear`
 * by the closer, naming the signal.
 */
export async function liftThrottle(
  trx: Db,
  lift: {
    readonly id: string;
    readonly scope: string;
    readonly replaced: string;
    readonly actorId: string;
    readonly at: Date;
    readonly origin: RequestOrigin;
  },
): Promise<"restored" | "cleared" | "kept"> {
  const current = await trx
    .selectFrom("usage_limits")
    .select("set_by")
    .where("scope", "=", lift.scope)
    .executeTakeFirst();
  if (current?.set_by !== `signal:${lift.id}`) {
    return "kept";
  }
  let replaced = JSON.parse(lift.replaced) as ReplacedLimits;
  for (let hops = 0; hops < MOST_THROTTLES && replaced.setBy?.startsWith("signal:"); hops++) {
    const earlier = await trx
      .selectFrom("usage_signals")
      .select(["state", "throttled_limits"])
      .where("id", "=", replaced.setBy.slice("signal:".length))
      .executeTakeFirst();
    if (earlier?.state !== "closed" || earlier.throttled_limits === null) {
      break;
    }
    replaced = JSON.parse(earlier.throttled_limits) as ReplacedLimits;
  }
  const audit = { actorId: lift.actorId, resource: lift.scope, at: lift.at, origin: lift.origin };
  if (replaced.spec === null) {
    await trx.deleteFrom("usage_limits").where("scope", "=", lift.scope).execute();
    await appendAuditEvent(trx, {
      ...audit,
      action: "limits.clear",
      details: { signal: lift.id },
    });
    return "cleared";
  }
  await storeLimits(
    trx,
    lift.scope,
    replaced.spec,
    replaced.setBy ?? lift.actorId,
    replaced.setAt === null ? lift.at : new Date(replaced.setAt),
  );
  await appendAuditEvent(trx, {
    ...audit,
    action: "limits.set",
    details: { spec: replaced.spec, signal: lift.id },
  });
  return "restored";
}
