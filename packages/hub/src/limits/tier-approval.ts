import type { RequestOrigin } from "../audit/index.js";
import { findNamespace, requireAdmin, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { evaluateTiers, moveTier, type Account } from "./account-tiers.js";
import { forgetShares } from "./caller-share.js";
import type { LimitSpec } from "./limit-spec.js";

/** A tier as administrators see it. */
export interface TierInfo {
  readonly name: string;
  /** Null: reached by approval only. */
  readonly qualify: string | null;
  readonly limits: LimitSpec | null;
  readonly weight: number;
  readonly source: string;
}

/** Which tier an account holds; `pinned` when an administrator approved it for that tier. */
export interface AccountTier {
  readonly account: string;
  readonly kind: "user" | "org";
  /** Null: none of the tiers (the account's calls count as without tiers). */
  readonly tier: string | null;
  readonly pinned: boolean;
  readonly since: string;
}

/** The policy's tiers, lowest first, and every evaluated account's, for administrators. */
export async function listTiers(
  ctx: HubContext,
  actor: Actor,
): Promise<{ tiers: TierInfo[]; accounts: AccountTier[] }> {
  requireAdmin(actor, "list the usage tiers and who holds them");
  const rows = await ctx.db
    .selectFrom("usage_tiers")
    .innerJoin("namespaces", "namespaces.id", "usage_tiers.account_id")
    .select(["namespaces.name", "namespaces.kind", "tier", "pinned", "since"])
    .orderBy("namespaces.name_key")
    .execute();
  return {
    tiers: ctx.policy.tiers.map((t) => ({
      name: t.name,
      qualify: t.qualify,
      limits: t.limits,
      weight: t.weight,
      source: t.source,
    })),
    accounts: rows.map((r) => ({
      account: r.name,
      kind: r.kind,
      tier: r.tier,
      pinned: r.pinned === 1,
      since: r.since,
    })),
  };
}

async function accountNamed(ctx: HubContext, name: string): Promise<Account> {
  const found = await findNamespace(ctx.db, name);
  if (found === undefined) {
    throw new HubError("NOT_FOUND", `there is no user or organisation named "${name}"`);
  }
  return ctx.db
    .selectFrom("namespaces")
    .select(["id", "kind", "name", "created_at"])
    .where("id", "=", found.id)
    .executeTakeFirstOrThrow();
}

async function tierOf(ctx: HubContext, account: Account): Promise<AccountTier> {
  const row = await ctx.db
    .selectFrom("usage_tiers")
    .select(["tier", "pinned", "since"])
    .where("account_id", "=", account.id)
    .executeTakeFirst();
  return {
    account: account.name,
    kind: account.kind,
    tier: row?.tier ?? null,
    pinned: row?.pinned === 1,
    since: row?.since ?? ctx.clock.now().toISOString(),
  };
}

/**
 * Approves a user or organisation for `tier` and pins it there: the rules no
 * longer move it until an administrator releases it. Audited as
 * `limits.tier` when it changes the tier or the pin.
 */
export async function approveTier(
  ctx: HubContext,
  actor: Actor,
  name: string,
  tier: string,
  origin: RequestOrigin,
): Promise<AccountTier> {
  const user = requireAdmin(actor, "approve an account for a usage tier");
  if (!ctx.policy.tiers.some((t) => t.name === tier)) {
    const names = ctx.policy.tiers.map((t) => t.name);
    throw new HubError(
      "BAD_REQUEST",
      names.length === 0
        ? `there is no tier "${tier}": the policy files define no tiers`
        : `there is no tier "${tier}"; the tiers are ${names.join(", ")}`,
    );
  }
  const account = await accountNamed(ctx, name);
  // Read and written until the conditional write lands, so a promotion pass in between loses nothing.
  for (;;) {
    const row = await ctx.db
      .selectFrom("usage_tiers")
      .select(["tier", "pinned"])
      .where("account_id", "=", account.id)
      .executeTakeFirst();
    if (row?.tier === tier && row.pinned === 1) {
      break;
    }
    if (await moveTier(ctx, account, row, { tier, pinned: true }, user.userId, origin)) {
      break;
    }
  }
  forgetShares(ctx);
  return tierOf(ctx, account);
}

/**
 * Releases an account's pin: its tier is evaluated by the rules again at
 * once. 404 when it was not pinned.
 */
export async function releaseTier(
  ctx: HubContext,
  actor: Actor,
  name: string,
  origin: RequestOrigin,
): Promise<AccountTier> {
  const user = requireAdmin(actor, "release an account's usage tier");
  const account = await accountNamed(ctx, name);
  const row = await ctx.db
    .selectFrom("usage_tiers")
    .select(["tier", "pinned"])
    .where("account_id", "=", account.id)
    .executeTakeFirst();
  if (row?.pinned !== 1) {
    throw new HubError("NOT_FOUND", `${account.name} is not pinned to a tier`);
  }
  await moveTier(ctx, account, row, { tier: row.tier, pinned: false }, user.userId, origin);
  await evaluateTiers(ctx, [account]);
  forgetShares(ctx);
  return tierOf(ctx, account);
}
