import { appendAuditEvent } from "../audit/index.js";
import type { HubContext } from "../context.js";
import { enqueueEvent } from "../events/index.js";
import { isUniqueViolation, newId, type Db } from "../store/index.js";
import type { LimitSpec } from "./limit-spec.js";
import { storeLimits } from "./set-limits.js";
import type { ReplacedLimits } from "./signal-throttle.js";
import type { SignalHit } from "./signal-detectors.js";
import type { SignalAction } from "./signal-kinds.js";
import {
  decideSignalAction,
  strongerAction,
  type SignalDecision,
  type SignalFacts,
  type SignalRule,
} from "./signal-rules.js";

/** What became of a hit: the signal it opened or counted again. */
export interface RaisedSignal {
  readonly id: string;
  readonly opened: boolean;
  readonly action: SignalAction;
}

/** The version a hit's call named, with its model and namespace. */
interface CalledVersion {
  readonly versionId: string;
  readonly version: string;
  readonly modelId: string;
  readonly model: string;
  readonly nsId: string;
  readonly ns: string;
}

/** Where a signal rule that cannot be evaluated is reported; it does not hold. */
export type SignalRuleError = (rule: SignalRule, err: unknown) => void;

/**
 * What the policy's signal rules read about a hit: the signal with this trip
 * counted, the version called and the caller, read in the raising transaction.
 */
async function factsOf(
  trx: Db,
  hit: SignalHit,
  before: { count: number; trips: number } | undefined,
): Promise<{ facts: SignalFacts; called: CalledVersion | undefined }> {
  const { entry } = hit;
  const called =
    entry.versionId === null
      ? undefined
      : await trx
          .selectFrom("versions as v")
          .innerJoin("models as m", "m.id", "v.model_id")
          .innerJoin("namespaces as n", "n.id", "m.namespace_id")
          .select([
            "v.id as versionId",
            "v.name as version",
            "v.stage",
            "m.id as modelId",
            "m.name as model",
            "n.id as nsId",
            "n.name as ns",
          ])
          .where("v.id", "=", entry.versionId)
          .executeTakeFirst();
  const caller =
    entry.userId === null
      ? undefined
      : await trx
          .selectFrom("namespaces as n")
          .leftJoin("usage_tiers as t", "t.account_id", "n.id")
          .select(["n.name", "t.tier"])
          .where("n.id", "=", entry.userId)
          .executeTakeFirst();
  const facts: SignalFacts = {
    signal: {
      kind: hit.kind,
      subject: hit.subjectKind,
      count: (before?.count ?? 0) + hit.count,
      trips: (before?.trips ?? 0) + 1,
      details: hit.details,
    },
    model:
      called === undefined ? null : { name: `${called.ns}/${called.model}`, namespace: called.ns },
    version:
      called === undefined ? null : { name: called.version, stage: called.stage ?? "private" },
    caller: { user: caller?.name ?? null, tier: caller?.tier ?? null },
  };
  return { facts, called };
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
 * its kind and subject that is open already. Each trip is judged by the
 * policy's signal rules: opening takes the action they decide, and a later
 * trip whose decision is stronger escalates the signal to it. Opening audits
 * `signal.open`, escalating `signal.escalate`; both enqueue the
 * `usage.signal` webhook event (when the call named a version: subscriptions
 * belong to a model's namespace), and a throttle is written as the subject's
 * limits, set by the signal, all in one transaction.
 */
export async function raiseSignal(
  ctx: HubContext,
  hit: SignalHit,
  onRuleError: SignalRuleError,
): Promise<RaisedSignal> {
  try {
    return await ctx.db.transaction().execute((trx) => raiseIn(ctx, trx, hit, onRuleError));
  } catch (err) {
    if (!isUniqueViolation(err)) {
      throw err;
    }
    // Another hub opened the same signal at the same moment: count this hit on it.
    return ctx.db.transaction().execute((trx) => raiseIn(ctx, trx, hit, onRuleError));
  }
}

async function raiseIn(
  ctx: HubContext,
  trx: Db,
  hit: SignalHit,
  onRuleError: SignalRuleError,
): Promise<RaisedSignal> {
  const at = hit.at.toISOString();
  const { entry } = hit;
  const open = await trx
    .selectFrom("usage_signals")
    .select(["id", "action", "count", "trips", "first_seen"])
    .where("state", "=", "open")
    .where("kind", "=", hit.kind)
    .where("subject_kind", "=", hit.subjectKind)
    .where("subject", "=", hit.subject)
    .executeTakeFirst();
  const { facts, called } = await factsOf(trx, hit, open);
  const decision = decideSignalAction(ctx.policy.signalRules, facts, onRuleError);
  if (open !== undefined) {
    const escalates = strongerAction(decision.action, open.action);
    await trx
      .updateTable("usage_signals")
      .set((eb) => ({
        count: eb("count", "+", hit.count),
        trips: eb("trips", "+", 1),
        last_seen: at,
        details: JSON.stringify(hit.details),
        ...(entry.versionId === null ? {} : { version_id: entry.versionId, org_id: entry.orgId }),
        ...(escalates ? { action: decision.action, rules: JSON.stringify(decision.rules) } : {}),
      }))
      .where("id", "=", open.id)
      .execute();
    if (!escalates) {
      return { id: open.id, opened: false, action: open.action };
    }
    await appendAuditEvent(trx, {
      actorId: null,
      action: "signal.escalate",
      resource: `signal:${open.id}`,
      details: {
        kind: hit.kind,
        from: open.action,
        action: decision.action,
        rules: decision.rules,
        count: facts.signal.count,
        trips: facts.signal.trips,
        seen: hit.details,
      },
      at: hit.at,
    });
    // A suspension after a throttle keeps the throttle: closing the signal lifts both.
    await throttle(ctx, trx, hit, open.id, decision.action);
    await notify(trx, hit, { id: open.id, firstSeen: open.first_seen }, decision, facts, called);
    return { id: open.id, opened: false, action: decision.action };
  }
  const id = newId("sig");
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
      action: decision.action,
      trips: 1,
      rules: JSON.stringify(decision.rules),
      throttled_limits: null,
      closed_by: null,
      closed_at: null,
      close_reason: null,
    })
    .execute();
  await appendAuditEvent(trx, {
    actorId: null,
    action: "signal.open",
    resource: `signal:${id}`,
    details: {
      kind: hit.kind,
      subject: { kind: hit.subjectKind, id: hit.subjectKind === "address" ? null : hit.subject },
      action: decision.action,
      rules: decision.rules,
      count: hit.count,
      seen: hit.details,
      ...(entry.versionId === null ? {} : { version: entry.versionId }),
    },
    at: hit.at,
  });
  await throttle(ctx, trx, hit, id, decision.action);
  await notify(trx, hit, { id, firstSeen: at }, decision, facts, called);
  return { id, opened: true, action: decision.action };
}

/** Holds the subject to the throttle when `action` is `throttle`. */
async function throttle(
  ctx: HubContext,
  trx: Db,
  hit: SignalHit,
  id: string,
  action: SignalAction,
): Promise<void> {
  if (action !== "throttle") {
    return;
  }
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

/**
 * Enqueues `usage.signal` for the subscriptions of the called model and its
 * namespace; a call that named no version has none to notify.
 */
async function notify(
  trx: Db,
  hit: SignalHit,
  signal: { id: string; firstSeen: string },
  decision: SignalDecision,
  facts: SignalFacts,
  called: CalledVersion | undefined,
): Promise<void> {
  if (called === undefined) {
    return;
  }
  await enqueueEvent(trx, {
    type: "usage.signal",
    namespaceId: called.nsId,
    at: hit.at,
    data: {
      model: { id: called.modelId, name: `${called.ns}/${called.model}` },
      version: { id: called.versionId, name: called.version },
      signal: {
        id: signal.id,
        kind: hit.kind,
        subject: { kind: hit.subjectKind, id: hit.subjectKind === "address" ? null : hit.subject },
        action: decision.action,
        rules: decision.rules,
        count: facts.signal.count,
        trips: facts.signal.trips,
        firstSeen: signal.firstSeen,
        lastSeen: hit.at.toISOString(),
        details: hit.details,
      },
    },
  });
}
