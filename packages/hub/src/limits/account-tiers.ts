import { runPeriodically } from "../clock/index.js";
import { sql } from "kysely";
import { appendAuditEvent } from "../audit/index.js";
import type { HubContext } from "../context.js";
import type { Db } from "../store/index.js";
import { forgetShares } from "./caller-share.js";
import { dayBucket } from "./usage-rollups.js";
import type { Tier, TierFacts } from "./usage-policy.js";

const DAY_MS = 86_400_000;

/** A user or organisation, as tiers are held by them. */
export interface Account {
  readonly id: string;
  readonly kind: "user" | "org";
  readonly name: string;
  readonly created_at: string;
}

/** A change of an account's tier, as its audit event records it. */
export interface TierChange {
  readonly account: string;
  readonly from: string | null;
  readonly to: string | null;
}

/** Calls and errors per user over the last 7 and 30 UTC days (today included), from the daily rollups. */
async function usageByUser(
  db: Db,
  now: Date,
  userIds: readonly string[] | null,
): Promise<Map<string, { calls7: number; calls30: number; errors30: number }>> {
  const from30 = dayBucket(new Date(now.getTime() - 29 * DAY_MS));
  const from7 = dayBucket(new Date(now.getTime() - 6 * DAY_MS));
  let query = db
    .selectFrom("usage_rollups")
    .select([
      "user_id",
      sql<string | number>`sum(requests)`.as("calls30"),
      sql<string | number>`sum(errors)`.as("errors30"),
      sql<string | number>`sum(case when bucket >= ${from7} then requests else 0 end)`.as("calls7"),
    ])
    .where("period", "=", "day")
    .where("bucket", ">=", from30)
    .where("user_id", "!=", "")
    .groupBy("user_id");
  if (userIds !== null) {
    if (userIds.length === 0) {
      return new Map();
    }
    query = query.where("user_id", "in", userIds);
  }
  const rows = await query.execute();
  return new Map(
    rows.map((r) => [
      r.user_id,
      { calls7: Number(r.calls7), calls30: Number(r.calls30), errors30: Number(r.errors30) },
    ]),
  );
}

/**
 * The facts of each account: its age, and its usage — a user's own calls, an
 * organisation's members' calls summed (the hub records who called, and
 * members call on their organisation's behalf).
 */
async function factsOf(
  db: Db,
  now: Date,
  accounts: readonly Account[],
  all: boolean,
): Promise<Map<string, TierFacts>> {
  const orgIds = accounts.filter((a) => a.kind === "org").map((a) => a.id);
  const members =
    orgIds.length === 0
      ? []
      : await db
          .selectFrom("org_members")
          .select(["org_id", "user_id"])
          .where("org_id", "in", orgIds)
          .execute();
  const userIds = all
    ? null
    : [
        ...new Set([
          ...accounts.filter((a) => a.kind === "user").map((a) => a.id),
          ...members.map((m) => m.user_id),
        ]),
      ];
  const usage = await usageByUser(db, now, userIds);
  const facts = new Map<string, TierFacts>();
  for (const account of accounts) {
    const callers =
      account.kind === "user"
        ? [account.id]
        : members.filter((m) => m.org_id === account.id).map((m) => m.user_id);
    let calls7 = 0;
    let calls30 = 0;
    let errors30 = 0;
    for (const caller of callers) {
      const u = usage.get(caller);
      calls7 += u?.calls7 ?? 0;
      calls30 += u?.calls30 ?? 0;
      errors30 += u?.errors30 ?? 0;
    }
    facts.set(account.id, {
      account: {
        kind: account.kind,
        name: account.name,
        age_days: Math.max(
          0,
          Math.floor((now.getTime() - new Date(account.created_at).getTime()) / DAY_MS),
        ),
      },
      usage: {
        calls_7d: calls7,
        calls_30d: calls30,
        errors_30d: errors30,
        error_rate_30d: calls30 === 0 ? 0 : errors30 / calls30,
      },
    });
  }
  return facts;
}

/**
 * The highest tier whose `qualify` holds for `facts`, or null. A rule that
 * cannot be evaluated counts as not holding, and is reported to `onError`.
 */
export function qualifyingTier(
  tiers: readonly Tier[],
  facts: TierFacts,
  onError: (tier: Tier, err: unknown) => void,
): Tier | null {
  let best: Tier | null = null;
  for (const tier of tiers) {
    if (tier.qualifies === null) {
      continue;
    }
    try {
      if (tier.qualifies(facts)) {
        best = tier;
      }
    } catch (err) {
      onError(tier, err);
    }
  }
  return best;
}

/**
 * Moves an account from the tier `from` to `to` if it still holds `from`
 * (undefined: it has no row yet), with its `limits.tier` event in the same
 * transaction. A conditional write, so two hubs evaluating at once record
 * one change. Returns whether this call made it.
 */
export async function moveTier(
  ctx: HubContext,
  account: Account,
  from: { readonly tier: string | null; readonly pinned: number } | undefined,
  to: { readonly tier: string | null; readonly pinned: boolean },
  actorId: string | null,
  origin?: { readonly address: string | null; readonly userAgent: string | null },
): Promise<boolean> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const pinned = to.pinned ? 1 : 0;
  return ctx.db.transaction().execute(async (trx) => {
    let moved: bigint;
    if (from === undefined) {
      const inserted = await trx
        .insertInto("usage_tiers")
        .values({ account_id: account.id, tier: to.tier, pinned, since: at })
        .onConflict((oc) => oc.column("account_id").doNothing())
        .executeTakeFirst();
      moved = inserted.numInsertedOrUpdatedRows ?? 0n;
    } else {
      const updated = await trx
        .updateTable("usage_tiers")
        .set({ tier: to.tier, pinned, ...(from.tier === to.tier ? {} : { since: at }) })
        .where("account_id", "=", account.id)
        .where((eb) => (from.tier === null ? eb("tier", "is", null) : eb("tier", "=", from.tier)))
        .where("pinned", "=", from.pinned)
        .executeTakeFirst();
      moved = updated.numUpdatedRows;
    }
    const before = from?.tier ?? null;
    if (moved === 1n && (before !== to.tier || (from?.pinned ?? 0) !== pinned)) {
      await appendAuditEvent(trx, {
        actorId,
        action: "limits.tier",
        resource: `${account.kind}:${account.id}`,
        details: {
          from: before,
          to: to.tier,
          by: actorId === null ? "rule" : to.pinned ? "approval" : "unpin",
        },
        at: now,
        ...(origin === undefined ? {} : { origin }),
      });
    }
    return moved === 1n;
  });
}

/**
 * Evaluates `accounts` (every user and organisation when null) against the
 * tiers of the policy and records each change of tier; accounts an
 * administrator pinned keep theirs. Returns the changes made.
 */
export async function evaluateTiers(
  ctx: HubContext,
  accounts: readonly Account[] | null = null,
  onError: (tier: Tier, err: unknown) => void = () => undefined,
): Promise<TierChange[]> {
  const tiers = ctx.policy.tiers;
  if (tiers.length === 0) {
    return [];
  }
  const now = ctx.clock.now();
  const chosen =
    accounts ??
    (await ctx.db
      .selectFrom("namespaces")
      .select(["id", "kind", "name", "created_at"])
      .orderBy("id")
      .execute());
  if (chosen.length === 0) {
    return [];
  }
  let rowsQuery = ctx.db.selectFrom("usage_tiers").select(["account_id", "tier", "pinned"]);
  if (accounts !== null) {
    rowsQuery = rowsQuery.where(
      "account_id",
      "in",
      chosen.map((a) => a.id),
    );
  }
  const rows = new Map((await rowsQuery.execute()).map((r) => [r.account_id, r]));
  const facts = await factsOf(ctx.db, now, chosen, accounts === null);
  const changes: TierChange[] = [];
  for (const account of chosen) {
    const row = rows.get(account.id);
    const accountFacts = facts.get(account.id);
    if (row?.pinned === 1 || accountFacts === undefined) {
      continue;
    }
    const to = qualifyingTier(tiers, accountFacts, onError)?.name ?? null;
    if (row !== undefined && row.tier === to) {
      continue;
    }
    if (await moveTier(ctx, account, row, { tier: to, pinned: false }, null)) {
      if ((row?.tier ?? null) !== to) {
        changes.push({ account: `${account.kind}:${account.id}`, from: row?.tier ?? null, to });
      }
    }
  }
  return changes;
}

/**
 * One promotion pass over every account: moves those whose tier changed and
 * makes every caller's next call see it. A `qualify` rule that fails to
 * evaluate goes to `onError` and counts as not holding.
 */
export async function promoteTiers(
  ctx: HubContext,
  onError: (err: unknown) => void = () => undefined,
): Promise<TierChange[]> {
  const changes = await evaluateTiers(ctx, null, (tier, err) => {
    onError(new Error(`tier ${tier.name} (${tier.source}): ${String(err)}`));
  });
  if (changes.length > 0) {
    forgetShares(ctx);
  }
  return changes;
}

/**
 * Runs `promoteTiers` at start and then every `intervalMs` on timers that do
 * not keep the process alive; failures go to `onError` and the next pass
 * tries again. Returns the function that stops it.
 */
export function startTierPromotion(
  ctx: HubContext,
  intervalMs: number,
  onError: (err: unknown) => void,
): () => void {
  if (ctx.policy.tiers.length === 0) {
    return () => undefined;
  }
  return runPeriodically(() => promoteTiers(ctx, onError), 0, intervalMs, onError);
}
