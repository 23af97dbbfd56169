import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { actorIdOf, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { newId, type Db, type WebhookDeliveryStatus } from "../store/index.js";
import { subscriptionIn, webhookScope, type WebhookTarget } from "./webhook-scope.js";

/** One attempt in the delivery log. */
export interface AttemptView {
  readonly attempt: number;
  readonly at: string;
  /** The receiver's status code; null when no answer came. */
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly error: string | null;
}

/** A delivery of one event to one subscription, with its log. */
export interface DeliveryView {
  readonly id: string;
  readonly event: { readonly id: string; readonly type: string; readonly createdAt: string };
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  /** When the next attempt is due; null once delivered or given up. */
  readonly nextAttemptAt: string | null;
  /** The delivery this one repeats, for a manual redelivery. */
  readonly redeliveryOf: string | null;
  readonly createdAt: string;
  readonly log: readonly AttemptView[];
}

const deliveryQuery = (db: Db) =>
  db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_events as e", "e.id", "d.event_id")
    .select([
      "d.id",
      "d.status",
      "d.attempts",
      "d.next_attempt_at",
      "d.redelivery_of",
      "d.created_at",
      "e.id as event_id",
      "e.type",
      "e.created_at as event_created_at",
    ]);

async function viewsOf(
  db: Db,
  rows: Awaited<ReturnType<ReturnType<typeof deliveryQuery>["execute"]>>,
): Promise<DeliveryView[]> {
  const ids = rows.map((r) => r.id);
  const attempts =
    ids.length === 0
      ? []
      : await db
          .selectFrom("webhook_attempts")
          .selectAll()
          .where("delivery_id", "in", ids)
          .orderBy("attempt")
          .execute();
  return rows.map((r) => ({
    id: r.id,
    event: { id: r.event_id, type: r.type, createdAt: r.event_created_at },
    status: r.status,
    attempts: r.attempts,
    // While an attempt runs, the due time is its claim's end, not a time anyone waits for.
    nextAttemptAt: r.status === "pending" ? r.next_attempt_at : null,
    redeliveryOf: r.redelivery_of,
    createdAt: r.created_at,
    log: attempts
      .filter((a) => a.delivery_id === r.id)
      .map((a) => ({
        attempt: a.attempt,
        at: a.at,
        statusCode: a.status_code,
        durationMs: a.duration_ms,
        error: a.error,
      })),
  }));
}

/** A subscription's deliveries, newest first, each with every attempt. */
export async function listDeliveries(
  ctx: HubContext,
  actor: Actor,
  target: WebhookTarget,
  subscriptionId: string,
  limit: number,
): Promise<DeliveryView[]> {
  const scope = await webhookScope(ctx, actor, target);
  await subscriptionIn(ctx.db, scope, subscriptionId);
  const rows = await deliveryQuery(ctx.db)
    .where("d.subscription_id", "=", subscriptionId)
    .orderBy("d.created_at", "desc")
    .orderBy("d.id", "desc")
    .limit(limit)
    .execute();
  return viewsOf(ctx.db, rows);
}

/**
 * Sends a delivery's event to the subscription again, as a new delivery with
 * its own attempts and the same `webhook-id` (receivers use it to see a
 * repeat). It goes out on the delivery loop's next run. The subscription must
 * be enabled.
 */
export async function redeliver(
  ctx: HubContext,
  actor: Actor,
  target: WebhookTarget,
  subscriptionId: string,
  deliveryId: string,
  origin: RequestOrigin,
): Promise<DeliveryView> {
  const scope = await webhookScope(ctx, actor, target);
  const now = ctx.clock.now();
  const id = newId("whd");
  await ctx.db.transaction().execute(async (trx) => {
    const subscription = await subscriptionIn(trx, scope, subscriptionId);
    const original = await trx
      .selectFrom("webhook_deliveries")
      .select(["id", "event_id"])
      .where("id", "=", deliveryId)
      .where("subscription_id", "=", subscriptionId)
      .executeTakeFirst();
    if (original === undefined) {
      throw new HubError(
        "NOT_FOUND",
        `webhook subscription ${subscriptionId} has no delivery ${deliveryId}`,
      );
    }
    if (subscription.enabled !== 1) {
      throw new HubError(
        "CONFLICT",
        `webhook subscription ${subscriptionId} is disabled (${subscription.disabled_reason ?? "disabled"}); enable it first`,
      );
    }
    await trx
      .insertInto("webhook_deliveries")
      .values({
        id,
        subscription_id: subscriptionId,
        event_id: original.event_id,
        status: "pending",
        attempts: 0,
        next_attempt_at: now.toISOString(),
        redelivery_of: original.id,
        created_at: now.toISOString(),
      })
      .execute();
    await appendAuditEvent(trx, {
      actorId: actorIdOf(actor),
      action: "webhook.redeliver",
      resource: `webhook:${subscriptionId}`,
      details: { delivery: id, of: original.id, event: original.event_id },
      at: now,
      origin,
    });
  });
  const [view] = await viewsOf(
    ctx.db,
    await deliveryQuery(ctx.db).where("d.id", "=", id).execute(),
  );
  if (view === undefined) {
    throw new HubError("CONFLICT", `delivery ${id} vanished; redeliver again`);
  }
  return view;
}
