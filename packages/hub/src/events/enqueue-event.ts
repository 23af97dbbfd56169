import { newId, type Db } from "../store/index.js";
import type { NewWebhookEvent, WebhookBody } from "./catalogue.js";

/**
 * The enabled subscriptions that would receive an event of `type` about
 * `modelId` in `namespaceId`: the model's own, and the namespace's.
 */
export async function matchingSubscriptions(
  db: Db,
  type: string,
  namespaceId: string,
  modelId: string | null,
): Promise<string[]> {
  const rows = await db
    .selectFrom("webhook_subscriptions")
    .select(["id", "events"])
    .where("namespace_id", "=", namespaceId)
    .where("enabled", "=", 1)
    .where((eb) =>
      modelId === null
        ? eb("model_id", "is", null)
        : eb.or([eb("model_id", "is", null), eb("model_id", "=", modelId)]),
    )
    .execute();
  return rows.filter((r) => (JSON.parse(r.events) as string[]).includes(type)).map((r) => r.id);
}

/**
 * Writes an event to the outbox. Call it inside the transaction of the change
 * the event reports, so that the event exists exactly when the change does:
 * a change that rolls back leaves no event. The delivery loop sends it later.
 * Nothing is written when no enabled subscription would receive it, so the
 * outbox grows only with events someone listens for. Returns the event id
 * (the `webhook-id` of its deliveries), or null when nothing was written.
 *
 * @example
 * await ctx.db.transaction().execute(async (trx) => {
 *   // … the change itself …
 *   await enqueueEvent(trx, { type: "access.granted", namespaceId, at: now, data });
 * });
 */
export async function enqueueEvent(trx: Db, event: NewWebhookEvent): Promise<string | null> {
  const modelId = event.data.model.id;
  const listeners = await matchingSubscriptions(trx, event.type, event.namespaceId, modelId);
  if (listeners.length === 0) {
    return null;
  }
  const id = newId("msg");
  const timestamp = event.at.toISOString();
  const body = { type: event.type, timestamp, data: event.data } as WebhookBody;
  await trx
    .insertInto("webhook_events")
    .values({
      id,
      type: event.type,
      namespace_id: event.namespaceId,
      model_id: modelId,
      body: JSON.stringify(body),
      created_at: timestamp,
      fanned_out_at: null,
    })
    .execute();
  return id;
}
