import { performance } from "node:perf_hooks";
import { Webhook } from "standardwebhooks";
import { appendAuditEvent } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { newId, type Db } from "../store/index.js";
import { matchingSubscriptions } from "./enqueue-event.js";
import { WebhookSendError } from "./http-client.js";
import { MAX_ATTEMPTS, retryDelaySeconds } from "./retry-schedule.js";

/** Events fanned out, and deliveries attempted, per run; the rest wait for the next. */
const BATCH = 50;
/** Attempts in flight at once, so that one slow receiver does not hold up the others. */
const PARALLEL = 4;
/** How long past the timeout a claimed attempt stays claimed, should its hub die mid-attempt. */
const CLAIM_MARGIN_MS = 60_000;

/** What one run of the delivery loop did. */
export interface DeliveryRun {
  /** Deliveries made from new events in the outbox. */
  readonly queued: number;
  /** Attempts made, successful or not. */
  readonly attempted: number;
  readonly delivered: number;
}

const later = (now: Date, ms: number): string => new Date(now.getTime() + ms).toISOString();

/**
 * Turns each new outbox event into one delivery per enabled subscription that
 * asked for its type, and marks the event fanned out, in one transaction per
 * event. With several hubs on one PostgreSQL database, `for update skip
 * locked` gives each event to one of them; the conditional update makes it
 * happen once whatever happens.
 */
async function fanOut(ctx: HubContext): Promise<number> {
  const fresh = await ctx.db
    .selectFrom("webhook_events")
    .select("id")
    .where("fanned_out_at", "is", null)
    .orderBy("created_at")
    .limit(BATCH)
    .execute();
  let queued = 0;
  for (const { id } of fresh) {
    queued += await ctx.db.transaction().execute(async (trx) => {
      let claim = trx
        .selectFrom("webhook_events")
        .select(["id", "type", "namespace_id", "model_id", "created_at"])
        .where("id", "=", id)
        .where("fanned_out_at", "is", null);
      if (ctx.store.dialect === "postgres") {
        claim = claim.forUpdate().skipLocked();
      }
      const event = await claim.executeTakeFirst();
      if (event === undefined) {
        return 0;
      }
      const now = ctx.clock.now().toISOString();
      const marked = await trx
        .updateTable("webhook_events")
        .set({ fanned_out_at: now })
        .where("id", "=", id)
        .where("fanned_out_at", "is", null)
        .executeTakeFirst();
      if (marked.numUpdatedRows !== 1n) {
        return 0;
      }
      const subscriptions = await matchingSubscriptions(
        trx,
        event.type,
        event.namespace_id,
        event.model_id,
      );
      for (const subscription of subscriptions) {
        await trx
          .insertInto("webhook_deliveries")
          .values({
            id: newId("whd"),
            subscription_id: subscription,
            event_id: event.id,
            status: "pending",
            attempts: 0,
            next_attempt_at: now,
            redelivery_of: null,
            created_at: now,
          })
          .execute();
      }
      return subscriptions.length;
    });
  }
  return queued;
}

/** A delivery claimed for one attempt. */
interface Claimed {
  readonly id: string;
  readonly attempt: number;
  readonly subscriptionId: string;
  readonly url: string;
  readonly secret: string;
  readonly eventId: string;
  readonly body: string;
}

/**
 * Claims a due delivery for one attempt: counts the attempt and pushes its
 * due time past the attempt's end, so no other run (in this hub or another)
 * takes it meanwhile. The update is conditional on the attempt count read, so
 * of two runs that read it at once only one claims it.
 */
async function claim(ctx: HubContext, id: string): Promise<Claimed | undefined> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    let query = trx
      .selectFrom("webhook_deliveries as d")
      .innerJoin("webhook_subscriptions as s", "s.id", "d.subscription_id")
      .innerJoin("webhook_events as e", "e.id", "d.event_id")
      .select([
        "d.id",
        "d.attempts",
        "d.subscription_id",
        "s.url",
        "s.secret",
        "e.id as event_id",
        "e.body",
      ])
      .where("d.id", "=", id)
      .where("d.status", "=", "pending")
      .where("d.next_attempt_at", "<=", now.toISOString())
      .where("s.enabled", "=", 1);
    if (ctx.store.dialect === "postgres") {
      query = query.forUpdate("d").skipLocked();
    }
    const row = await query.executeTakeFirst();
    if (row === undefined) {
      return undefined;
    }
    const taken = await trx
      .updateTable("webhook_deliveries")
      .set({
        attempts: row.attempts + 1,
        next_attempt_at: later(now, ctx.config.webhookTimeoutMs + CLAIM_MARGIN_MS),
      })
      .where("id", "=", id)
      .where("attempts", "=", row.attempts)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (taken.numUpdatedRows !== 1n) {
      return undefined;
    }
    return {
      id: row.id,
      attempt: row.attempts + 1,
      subscriptionId: row.subscription_id,
      url: row.url,
      secret: row.secret,
      eventId: row.event_id,
      body: row.body,
    };
  });
}

/** The outcome of one attempt, as the delivery log keeps it. */
interface Outcome {
  readonly at: Date;
  readonly status: number | null;
  readonly durationMs: number;
  readonly error: string | null;
}

const succeeded = (o: Outcome): boolean => o.status !== null && o.status >= 200 && o.status < 300;

/** Sends one signed attempt; never throws, the outcome says what happened. */
async function send(ctx: HubContext, claimed: Claimed): Promise<Outcome> {
  const at = ctx.clock.now();
  // Signed per attempt: the Standard Webhooks signature covers the attempt's time, not the event's.
  const signature = new Webhook(claimed.secret).sign(claimed.eventId, at, claimed.body);
  const started = performance.now();
  const duration = () => Math.round(performance.now() - started);
  try {
    const answer = await ctx.webhooks.post({
      url: claimed.url,
      headers: {
        "content-type": "application/json",
        "user-agent": "Gatehouse-Webhooks/1",
        "webhook-id": claimed.eventId,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body: claimed.body,
    });
    const ok = answer.status >= 200 && answer.status < 300;
    return {
      at,
      status: answer.status,
      durationMs: duration(),
      error: ok ? null : `the receiver answered ${answer.status}`,
    };
  } catch (err) {
    const message =
      err instanceof WebhookSendError
        ? err.message
        : `sending failed: ${err instanceof Error ? err.message : String(err)}`;
    return { at, status: null, durationMs: duration(), error: message };
  }
}

/**
 * Disables a subscription in the caller's transaction, with its audit event:
 * its pending deliveries are given up (each can be redelivered by hand once
 * it is enabled again).
 */
async function disable(trx: Db, subscriptionId: string, reason: string, at: Date): Promise<void> {
  const done = await trx
    .updateTable("webhook_subscriptions")
    .set({ enabled: 0, disabled_reason: reason, disabled_at: at.toISOString() })
    .where("id", "=", subscriptionId)
    .where("enabled", "=", 1)
    .executeTakeFirst();
  if (done.numUpdatedRows !== 1n) {
    return;
  }
  await trx
    .updateTable("webhook_deliveries")
    .set({ status: "failed", next_attempt_at: null })
    .where("subscription_id", "=", subscriptionId)
    .where("status", "=", "pending")
    .execute();
  await appendAuditEvent(trx, {
    actorId: null,
    action: "webhook.disable",
    resource: `webhook:${subscriptionId}`,
    details: { reason },
    at,
  });
}

/**
 * Records an attempt in the delivery log and settles what follows: delivered,
 * retried on the schedule, or given up; the subscription's run of failures
 * counted, and the subscription disabled when the run reaches the setting or
 * the receiver answered 410 Gone.
 */
async function record(ctx: HubContext, claimed: Claimed, outcome: Outcome): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("webhook_attempts")
      .values({
        delivery_id: claimed.id,
        attempt: claimed.attempt,
        at: outcome.at.toISOString(),
        status_code: outcome.status,
        duration_ms: outcome.durationMs,
        error: outcome.error,
      })
      .execute();
    const now = ctx.clock.now();
    const settle = (set: { status: "delivered" | "pending" | "failed"; next: string | null }) =>
      trx
        .updateTable("webhook_deliveries")
        .set({ status: set.status, next_attempt_at: set.next })
        .where("id", "=", claimed.id)
        .where("attempts", "=", claimed.attempt)
        .where("status", "=", "pending")
        .execute();
    if (succeeded(outcome)) {
      await settle({ status: "delivered", next: null });
      await trx
        .updateTable("webhook_subscriptions")
        .set({ consecutive_failures: 0 })
        .where("id", "=", claimed.subscriptionId)
        .execute();
      return;
    }
    await settle(
      claimed.attempt >= MAX_ATTEMPTS
        ? { status: "failed", next: null }
        : { status: "pending", next: later(now, retryDelaySeconds(claimed.attempt) * 1000) },
    );
    const counted = await trx
      .updateTable("webhook_subscriptions")
      .set((eb) => ({ consecutive_failures: eb("consecutive_failures", "+", 1) }))
      .where("id", "=", claimed.subscriptionId)
      .returning("consecutive_failures")
      .executeTakeFirst();
    if (outcome.status === 410) {
      await disable(trx, claimed.subscriptionId, "the receiver answered 410 Gone", now);
    } else if (
      counted !== undefined &&
      counted.consecutive_failures >= ctx.config.webhookDisableAfter
    ) {
      await disable(
        trx,
        claimed.subscriptionId,
        `${counted.consecutive_failures} delivery attempts in a row failed; the last: ${outcome.error ?? "failed"}`,
        now,
      );
    }
  });
}

/**
 * One run of the delivery loop: fans new outbox events out to their
 * subscriptions, then makes every due attempt (a few at a time), each signed
 * per the Standard Webhooks convention. Times are the context's clock, so a
 * test moves them by hand. Each attempt is claimed before it is sent, so two
 * runs (in one hub or several on one PostgreSQL database) never make the same
 * attempt twice.
 */
export async function runWebhookDeliveries(ctx: HubContext): Promise<DeliveryRun> {
  const queued = await fanOut(ctx);
  const due = await ctx.db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_subscriptions as s", "s.id", "d.subscription_id")
    .select("d.id")
    .where("d.status", "=", "pending")
    .where("d.next_attempt_at", "<=", ctx.clock.now().toISOString())
    .where("s.enabled", "=", 1)
    .orderBy("d.next_attempt_at")
    .limit(BATCH)
    .execute();
  let attempted = 0;
  let delivered = 0;
  const queue = due.map((d) => d.id);
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const claimed = await claim(ctx, id);
      if (claimed === undefined) {
        continue;
      }
      const outcome = await send(ctx, claimed);
      await record(ctx, claimed, outcome);
      attempted += 1;
      delivered += succeeded(outcome) ? 1 : 0;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return { queued, attempted, delivered };
}

/**
 * Runs the delivery loop every `intervalMs` until stopped; a failed run is
 * logged and the next tries again. The returned stop waits for a run in
 * progress, so the store can be closed after it.
 */
export function startWebhookDelivery(
  ctx: HubContext,
  intervalMs: number,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running !== null) {
      return;
    }
    running = runWebhookDeliveries(ctx)
      .then(() => undefined, onError)
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
