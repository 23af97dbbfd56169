import { appendAuditEvent } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { enqueueEvent } from "../events/index.js";
import { isUniqueViolation, newId, type Db } from "../store/index.js";
import type { LimitSpec } from "./limit-spec.js";
import { storeLimits } from "./set-limits.js";
import type { ReplacedLimits } from "./signal-throttle.js";
import type { SignalHit } from "./signal-detectors.js";
import type { SignalAction } from "./signal-kinds.js";

/** What became of a hit: the signal it opened or counted again. */
export interface RaisedSignal {
  readonly id: string;
  readonly opened: boolean;
  readonly action: SignalAction;
}

/**
 * The action a hit's kind takes under the settings, where it can apply: a
 * throttle needs a token or user to hold to a limit, a suspension a token.
 */
function actionFor(ctx: HubContext, hit: SignalHit): SignalAction {
  const wanted = ctx.config.signals.actions[hit.kind];
  if (wanted === "suspend" && hit.subjectKind !== "token") {
    return hit.subjectKind === "user" ? "throttle" : "notify";
  }
  if (wanted === "throttle" && hit.subjectKind === "address") {
    return "notify";
  }
  return wanted;
}

/**
 * The subject's limits with its requests per minute held to the throttle, or
 * lower if already so, and the limits they replace.
 */
async function throttled(
  trx: Db,
  scope: string,
  perMinute: number,
): Promise<{ spec: LimitSpec; replaced: ReplacedLimits }> {
  const row = await trx
    .selectFrom("usage_limits")
    .select(["spec", "set_by", "set_at"])
    .where("scope", "=", scope)
    .executeTakeFirst();
  const spec = row === undefined ? {} : (JSON.parse(row.spec) as LimitSpec);
  const current = spec.requests?.perMinute;
  return {
    spec: {
      ...spec,
      requests: {
        ...spec.requests,
        perMinute: current === undefined ? perMinute : Math.min(current, perMinute),
      },
    },
    replaced:
      row === undefined
        ? { spec: null, setBy: null, setAt: null }
        : { spec, setBy: row.set_by, setAt: row.set_at },
  };
}

/**
 * Opens a signal for a detector's hit, or counts it again on the signal of
 * its kind and subject that is open already. Opening audits `signal.open`,
 * enqueues the `usage.signal` webhook event (when the call named a version:
 * subscriptions belong to a model's namespace), and takes the kind's action
 * (a throttle is written as the subject's limits, set by the signal), all in
 * one transaction.
 */
export async function raiseSignal(ctx: HubContext, hit: SignalHit): Promise<RaisedSignal> {
  try {
    return await ctx.db.transaction().execute((trx) => raiseIn(ctx, trx, hit));
  } catch (err) {
    if (!isUniqueViolation(err)) {
      throw err;
    }
    // Another hub opened the same signal at the same moment: count this hit on it.
    return ctx.db.transaction().execute((trx) => raiseIn(ctx, trx, hit));
  }
}

async function raiseIn(ctx: HubContext, trx: Db, hit: SignalHit): Promise<RaisedSignal> {
  const at = hit.at.toISOString();
  const { entry } = hit;
  const open = await trx
    .selectFrom("usage_signals")
    .select(["id", "action"])
    .where("state", "=", "open")
    .where("kind", "=", hit.kind)
    .where("subject_kind", "=", hit.subjectKind)
    .where("subject", "=", hit.subject)
    .executeTakeFirst();
  if (open !== undefined) {
    await trx
      .updateTable("usage_signals")
      .set((eb) => ({
        count: eb("count", "+", hit.count),
        last_seen: at,
        details: JSON.stringify(hit.details),
        ...(entry.versionId === null ? {} : { version_id: entry.versionId, org_id: entry.orgId }),
      }))
      .where("id", "=", open.id)
      .execute();
    return { id: open.id, opened: false, action: open.action };
  }
  const id = newId("sig");
  const action = actionFor(ctx, hit);
  await trx
    .insertInto("usage_signals")
    .values({
      id,
      kind: hit.kind,
      state: "open",
      subject_kind: hit.subjectKind,
      subject: hit.subject,
      token_id: entry.tokenId,
      user_id: entry.userId,
      org_id: entry.orgId,
      version_id: entry.versionId,
      first_seen: at,
      last_seen: at,
      count: hit.count,
      details: JSON.stringify(hit.details),
      action,
      throttled_limits: null,
      closed_by: null,
      closed_at: null,
      close_reason: null,
    })
    .execute();
  const resource = `signal:${id}`;
  await appendAuditEvent(trx, {
    actorId: null,
    action: "signal.open",
    resource,
    details: {
      kind: hit.kind,
      subject: { kind: hit.subjectKind, id: hit.subjectKind === "address" ? null : hit.subject },
      action,
      count: hit.count,
      seen: hit.details,
      ...(entry.versionId === null ? {} : { version: entry.versionId }),
    },
    at: hit.at,
  });
  if (action === "throttle") {
    const scope = `${hit.subjectKind}:${hit.subject}`;
    const { spec, replaced } = await throttled(trx, scope, ctx.config.signals.throttlePerMinute);
    await storeLimits(trx, scope, spec, `signal:${id}`, hit.at);
    await trx
      .updateTable("usage_signals")
      .set({ throttled_limits: JSON.stringify(replaced) })
      .where("id", "=", id)
      .execute();
    await appendAuditEvent(trx, {
      actorId: null,
      action: "limits.set",
      resource: scope,
      details: { spec, signal: id },
      at: hit.at,
    });
  }
  if (entry.versionId !== null) {
    await notify(trx, hit, id, action, entry.versionId);
  }
  return { id, opened: true, action };
}

/** Enqueues `usage.signal` for the subscriptions of the called model and its namespace. */
async function notify(
  trx: Db,
  hit: SignalHit,
  id: string,
  action: SignalAction,
  versionId: string,
): Promise<void> {
  const called = await trx
    .selectFrom("versions as v")
    .innerJoin("models as m", "m.id", "v.model_id")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select([
      "v.name as version",
      "m.id as modelId",
      "m.name as model",
      "n.id as nsId",
      "n.name as ns",
    ])
    .where("v.id", "=", versionId)
    .executeTakeFirst();
  if (called === undefined) {
    return;
  }
  await enqueueEvent(trx, {
    type: "usage.signal",
    namespaceId: called.nsId,
    at: hit.at,
    data: {
      model: { id: called.modelId, name: `${called.ns}/${called.model}` },
      version: { id: versionId, name: called.version },
      signal: {
        id,
        kind: hit.kind,
        subject: { kind: hit.subjectKind, id: hit.subjectKind === "address" ? null : hit.subject },
        action,
        count: hit.count,
        firstSeen: hit.at.toISOString(),
        details: hit.details,
      },
    },
  });
}
