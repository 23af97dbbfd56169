import { randomBytes } from "node:crypto";
import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { actorIdOf, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { newId, type WebhookSubscriptionsTable } from "../store/index.js";
import { checkWebhookUrl } from "./address-guard.js";
import { WEBHOOK_EVENT_TYPES, isWebhookEventType, type WebhookEventType } from "./catalogue.js";
import {
  subscriptionIn,
  webhookScope,
  type WebhookScope,
  type WebhookTarget,
} from "./webhook-scope.js";

/** A webhook subscription as the API shows it; the secret only once, at creation. */
export interface SubscriptionView {
  readonly id: string;
  /** `namespace/name` for a model's subscription, null for a namespace's. */
  readonly model: string | null;
  readonly namespace: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly description: string;
  readonly enabled: boolean;
  /** Why the hub disabled it (failures, 410 Gone) or "disabled by a user"; null while enabled. */
  readonly disabledReason: string | null;
  readonly disabledAt: string | null;
  readonly consecutiveFailures: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SubscriptionInput {
  readonly url: string;
  readonly events: readonly string[];
  readonly description?: string | undefined;
}

export interface SubscriptionChange {
  readonly url?: string | undefined;
  readonly events?: readonly string[] | undefined;
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
}

function viewOf(scope: WebhookScope, row: WebhookSubscriptionsTable): SubscriptionView {
  return {
    id: row.id,
    model: scope.model?.fullName ?? null,
    namespace: scope.namespace.name,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    description: row.description,
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    consecutiveFailures: row.consecutive_failures,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The event types asked for, each from the catalogue, without repeats; a 400 naming the first unknown one. */
function parseEvents(events: readonly string[]): WebhookEventType[] {
  if (events.length === 0) {
    throw new HubError(
      "BAD_REQUEST",
      `events is empty; name at least one of ${WEBHOOK_EVENT_TYPES.join(", ")}`,
      { field: "events" },
    );
  }
  const unknown = events.find((e) => !isWebhookEventType(e));
  if (unknown !== undefined) {
    throw new HubError(
      "BAD_REQUEST",
      `unknown event type "${unknown}"; the event types are ${WEBHOOK_EVENT_TYPES.join(", ")}`,
      { field: "events" },
    );
  }
  return WEBHOOK_EVENT_TYPES.filter((t) => events.includes(t));
}

/**
 * What the audit log keeps of a URL: its origin. A path or query may hold the
 * receiver's own secret (many chat webhooks do), and the chain never forgets.
 */
const auditedUrl = (url: string): string => new URL(url).origin;

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
const newSecret = (): string => `whsec_${randomBytes(32).toString("base64")}`;

/**
 * Subscribes `url` to `events` of a model, or of every model of a namespace.
 * The answer holds the signing secret; it is never shown again.
 */
export async function createSubscription(
  ctx: HubContext,
  actor: Actor,
  target: WebhookTarget,
  input: SubscriptionInput,
  origin: RequestOrigin,
): Promise<SubscriptionView & { readonly secret: string }> {
  // Access first: a caller who may not see the model learns nothing from the input's faults.
  const scope = await webhookScope(ctx, actor, target);
  const events = parseEvents(input.events);
  const url = await checkWebhookUrl(input.url, ctx.config.webhookAllowPrivate);
  const now = ctx.clock.now();
  const row: WebhookSubscriptionsTable = {
    id: newId("wh"),
    namespace_id: scope.namespace.id,
    model_id: scope.model?.id ?? null,
    url,
    events: JSON.stringify(events),
    description: input.description ?? "",
    secret: newSecret(),
    enabled: 1,
    disabled_reason: null,
    disabled_at: null,
    consecutive_failures: 0,
    created_by: actorIdOf(actor),
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("webhook_subscriptions").values(row).execute();
    await appendAuditEvent(trx, {
      actorId: actorIdOf(actor),
      action: "webhook.create",
      resource: `webhook:${row.id}`,
      details: {
        namespace: scope.namespace.id,
        model: scope.model?.id ?? null,
        url: auditedUrl(url),
        events,
      },
      at: now,
      origin,
    });
  });
  return { ...viewOf(scope, row), secret: row.secret };
}

/** The subscriptions of a model, or the namespace-wide ones of a namespace, oldest first. */
export async function listSubscriptions(
  ctx: HubContext,
  actor: Actor,
  target: WebhookTarget,
): Promise<SubscriptionView[]> {
  const scope = await webhookScope(ctx, actor, target);
  const rows = await ctx.db
    .selectFrom("webhook_subscriptions")
    .selectAll()
    .where("namespace_id", "=", scope.namespace.id)
    .where((eb) =>
      scope.model === null ? eb("model_id", "is", null) : eb("model_id", "=", scope.model.id),
    )
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((row) => viewOf(scope, row));
}

/** One subscription of the scope. */
export async function showSubscription(
  ctx: HubContext,
  actor: Actor,
  target: WebhookTarget,
  id: string,
): Promise<SubscriptionView> {
  const scope = await webhookScope(ctx, actor, target);
  return viewOf(scope, await subscriptionIn(ctx.db, scope, id));
}

/**
 * Changes a subscription's URL, events or description, or disables or
 * enables it. Enabling clears its run of failures; deliveries given up when
 * it was disabled stay so until redelivered by hand.
 */
export async function updateSubscription(
  ctx: HubContext,
  actor: Actor,
  target: WebhookTarget,
  id: string,
  change: SubscriptionChange,
  origin: RequestOrigin,
): Promise<SubscriptionView> {
  const scope = await webhookScope(ctx, actor, target);
  await subscriptionIn(ctx.db, scope, id);
  const events = change.events === undefined ? undefined : parseEvents(change.events);
  const url =
    change.url === undefined
      ? undefined
      : await checkWebhookUrl(change.url, ctx.config.webhookAllowPrivate);
  const now = ctx.clock.now();
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const before = await subscriptionIn(trx, scope, id);
    const enabling = change.enabled === true && before.enabled === 0;
    const disabling = change.enabled === false && before.enabled === 1;
    const after: WebhookSubscriptionsTable = {
      ...before,
      url: url ?? before.url,
      events: events === undefined ? before.events : JSON.stringify(events),
      description: change.description ?? before.description,
      updated_at: now.toISOString(),
      ...(enabling
        ? { enabled: 1, disabled_reason: null, disabled_at: null, consecutive_failures: 0 }
        : {}),
      ...(disabling
        ? { enabled: 0, disabled_reason: "disabled by a user", disabled_at: now.toISOString() }
        : {}),
    };
    await trx
      .updateTable("webhook_subscriptions")
      .set({
        url: after.url,
        events: after.events,
        description: after.description,
        enabled: after.enabled,
        disabled_reason: after.disabled_reason,
        disabled_at: after.disabled_at,
        consecutive_failures: after.consecutive_failures,
        updated_at: after.updated_at,
      })
      .where("id", "=", id)
      .execute();
    await appendAuditEvent(trx, {
      actorId: actorIdOf(actor),
      action: "webhook.update",
      resource: `webhook:${id}`,
      details: {
        ...(url === undefined ? {} : { url: auditedUrl(url) }),
        ...(events === undefined ? {} : { events }),
        ...(change.description === undefined ? {} : { description: true }),
        enabled: after.enabled === 1,
      },
      at: now,
      origin,
    });
    return after;
  });
  return viewOf(scope, updated);
}

/** Deletes a subscription with its deliveries and their log. */
export async function deleteSubscription(
  ctx: HubContext,
  actor: Actor,
  target: WebhookTarget,
  id: string,
  origin: RequestOrigin,
): Promise<void> {
  const scope = await webhookScope(ctx, actor, target);
  await ctx.db.transaction().execute(async (trx) => {
    await subscriptionIn(trx, scope, id);
    const deliveries = trx
      .selectFrom("webhook_deliveries")
      .select("id")
      .where("subscription_id", "=", id);
    await trx.deleteFrom("webhook_attempts").where("delivery_id", "in", deliveries).execute();
    await trx.deleteFrom("webhook_deliveries").where("subscription_id", "=", id).execute();
    await trx.deleteFrom("webhook_subscriptions").where("id", "=", id).execute();
    await appendAuditEvent(trx, {
      actorId: actorIdOf(actor),
      action: "webhook.delete",
      resource: `webhook:${id}`,
      details: { namespace: scope.namespace.id, model: scope.model?.id ?? null },
      at: ctx.clock.now(),
      origin,
    });
  });
}
