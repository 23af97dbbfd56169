import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { BoundedMap } from "../store/index.js";
import { evaluateTiers, type Account } from "./account-tiers.js";
import { addressKey } from "./address-key.js";
import type { LimitSpec } from "./limit-spec.js";
import type { Tier } from "./usage-policy.js";

/** Limits that apply to a caller beyond the stored ones: their tier's and the policy files'. */
export interface CallerSpec {
  /** `tier:<account id>`, `policy:user:<id>` or `policy:org:<id>`. */
  readonly scope: string;
  readonly counterKey: string;
  readonly spec: LimitSpec;
}

/**
 * Whose share of a saturated model a call takes, and the limits that come
 * with it. With tiers defined, a user's calls run on behalf of the account
 * holding the highest tier among their organisations (oldest membership
 * first) and themselves, and that account is the call's flow in the fair
 * order; with no tier among them, their oldest organisation, else
 * themselves. Without tiers each caller is their own flow, with weight 1.
 */
export interface CallerShare {
  /** The flow key of the fair order: `org:<id>`, `user:<id>` or `anon:<address>`. */
  readonly flow: string;
  readonly weight: number;
  readonly tier: Tier | null;
  readonly specs: readonly CallerSpec[];
}

/**
 * How long a caller's share is kept: changes made by this process clear it at
 * once (forgetShares), those of other hubs are seen within this time.
 */
const SHARE_TTL_MS = 60_000;
const SHARES_KEPT = 10_000;

const caches = new WeakMap<object, BoundedMap<string, { share: CallerShare; until: number }>>();

function cacheOf(ctx: HubContext): BoundedMap<string, { share: CallerShare; until: number }> {
  let cache = caches.get(ctx.db);
  if (cache === undefined) {
    cache = new BoundedMap(SHARES_KEPT);
    caches.set(ctx.db, cache);
  }
  return cache;
}

/** Forgets every caller's share, after a tier changed or was approved. */
export function forgetShares(ctx: HubContext): void {
  cacheOf(ctx).clear();
}

/**
 * The share of the caller `actor`: from memory when known within the last
 * minute, so a call costs no query; otherwise read in two, and an account
 * never evaluated is evaluated on the spot (its first call).
 */
export async function callerShare(
  ctx: HubContext,
  actor: Actor,
  address: string,
): Promise<CallerShare> {
  if (actor.kind !== "user") {
    return { flow: `anon:${addressKey(address)}`, weight: 1, tier: null, specs: [] };
  }
  const { tiers, limits } = ctx.policy;
  if (tiers.length === 0 && limits.users.size === 0 && limits.orgs.size === 0) {
    return { flow: `user:${actor.userId}`, weight: 1, tier: null, specs: [] };
  }
  const cache = cacheOf(ctx);
  const nowMs = Date.now();
  const known = cache.get(actor.userId);
  if (known !== undefined && known.until > nowMs) {
    return known.share;
  }
  const share = await readShare(ctx, actor.userId);
  cache.set(actor.userId, { share, until: nowMs + SHARE_TTL_MS });
  return share;
}

async function readShare(ctx: HubContext, userId: string): Promise<CallerShare> {
  const { tiers, limits } = ctx.policy;
  const memberships = await ctx.db
    .selectFrom("org_members")
    .select("org_id")
    .where("user_id", "=", userId)
    .orderBy("created_at")
    .orderBy("org_id")
    .execute();
  const ids = [...memberships.map((m) => m.org_id), userId];
  const read = () =>
    ctx.db
      .selectFrom("namespaces")
      .leftJoin("usage_tiers", "usage_tiers.account_id", "namespaces.id")
      .select([
        "namespaces.id",
        "namespaces.kind",
        "namespaces.name",
        "namespaces.created_at",
        "usage_tiers.account_id",
        "usage_tiers.tier",
      ])
      .where("namespaces.id", "in", ids)
      .execute();
  let rows = await read();
  const unevaluated: Account[] = rows.filter((r) => r.account_id === null);
  if (tiers.length > 0 && unevaluated.length > 0) {
    if ((await evaluateTiers(ctx, unevaluated)).length > 0) {
      forgetShares(ctx);
    }
    rows = await read();
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  const candidates = ids.flatMap((id) => {
    const row = byId.get(id);
    return row === undefined ? [] : [row];
  });
  let holder: (typeof candidates)[number] | undefined;
  let tier: Tier | null = null;
  for (const candidate of candidates) {
    const held = tiers.find((t) => t.name === candidate.tier) ?? null;
    if (held !== null && (tier === null || held.rank > tier.rank)) {
      holder = candidate;
      tier = held;
    }
  }
  const account = tiers.length === 0 ? byId.get(userId) : (holder ?? candidates[0]);
  const specs: CallerSpec[] = [];
  if (tier?.limits != null && holder !== undefined) {
    specs.push({ scope: `tier:${holder.id}`, counterKey: `tier:${holder.id}`, spec: tier.limits });
  }
  for (const candidate of candidates) {
    const set = (candidate.kind === "org" ? limits.orgs : limits.users).get(candidate.name);
    if (set !== undefined) {
      const scope = `policy:${candidate.kind}:${candidate.id}`;
      specs.push({ scope, counterKey: scope, spec: set.spec });
    }
  }
  return {
    flow: account === undefined ? `user:${userId}` : `${account.kind}:${account.id}`,
    weight: tier?.weight ?? 1,
    tier,
    specs,
  };
}
