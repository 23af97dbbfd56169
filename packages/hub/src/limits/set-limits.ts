import { appendAuditEvent, type RequestOrigin } from "../audit/index.js";
import { requireAdmin, requireUser, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { Db } from "../store/index.js";
import { resolveScope, type ScopeRef } from "./limit-scope.js";
import { specProblem, type LimitSpec } from "./limit-spec.js";

/** A scope's limits as the API answers them; `spec` is null where none are set. */
export interface ScopeLimits {
  readonly scope: string;
  readonly spec: LimitSpec | null;
  readonly setAt: string | null;
}

/** A scope's limits as a policy file sets them, beside those set through the API. */
export interface PolicyFileLimits {
  readonly spec: LimitSpec;
  readonly file: string;
}

/** The policy files' limits of the scope `ref` names, or null. */
function fileLimitsOf(ctx: HubContext, ref: ScopeRef, label: string): PolicyFileLimits | null {
  const { limits } = ctx.policy;
  switch (ref.kind) {
    case "default":
      return limits.default;
    case "user":
      return limits.users.get(ref.name) ?? null;
    case "org":
      return limits.orgs.get(ref.name) ?? null;
    case "version":
      return limits.versions.get(label) ?? null;
    case "token":
      return null;
  }
}

/**
 * Sets the limits of one scope, replacing what was set before, with its audit
 * event in the same transaction. A spec the schema allows but that cannot
 * work (an unknown time zone, an empty time window) is refused 400.
 */
export async function setLimits(
  ctx: HubContext,
  actor: Actor,
  ref: ScopeRef,
  spec: LimitSpec,
  origin: RequestOrigin,
): Promise<ScopeLimits> {
  const problem = specProblem(spec);
  if (problem !== null) {
    throw new HubError("BAD_REQUEST", problem);
  }
  const scope = await resolveScope(ctx, actor, ref);
  const user = requireUser(actor);
  const setAt = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await storeLimits(trx, scope.key, spec, user.userId, setAt);
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "limits.set",
      resource: scope.resource,
      details: { spec },
      at: setAt,
      origin,
    });
  });
  return { scope: scope.label, spec, setAt: setAt.toISOString() };
}

/**
 * Writes one scope's limits in `trx`, replacing what was set before; the
 * caller audits. `setBy` is a user id, or `signal:<id>` for a signal's throttle.
 */
export async function storeLimits(
  trx: Db,
  scopeKey: string,
  spec: LimitSpec,
  setBy: string,
  at: Date,
): Promise<void> {
  const row = { spec: JSON.stringify(spec), set_by: setBy, set_at: at.toISOString() };
  // One statement, so two first settings of a scope at once cannot both insert.
  await trx
    .insertInto("usage_limits")
    .values({ scope: scopeKey, counter_key: scopeKey, ...row })
    .onConflict((oc) => oc.column("scope").doUpdateSet(row))
    .execute();
}

/**
 * The limits set on one scope, for those who may set them, with those a
 * policy file sets on it (`policy`, null where none), which count as well.
 */
export async function limitsOf(
  ctx: HubContext,
  actor: Actor,
  ref: ScopeRef,
): Promise<ScopeLimits & { policy: PolicyFileLimits | null }> {
  const scope = await resolveScope(ctx, actor, ref);
  const row = await ctx.db
    .selectFrom("usage_limits")
    .select(["spec", "set_at"])
    .where("scope", "=", scope.key)
    .executeTakeFirst();
  return {
    scope: scope.label,
    spec: row === undefined ? null : (JSON.parse(row.spec) as LimitSpec),
    setAt: row?.set_at ?? null,
    policy: fileLimitsOf(ctx, ref, scope.label),
  };
}

/** Removes one scope's limits; 404 when it had none. */
export async function clearLimits(
  ctx: HubContext,
  actor: Actor,
  ref: ScopeRef,
  origin: RequestOrigin,
): Promise<void> {
  const scope = await resolveScope(ctx, actor, ref);
  const user = requireUser(actor);
  const at = ctx.clock.now();
  const cleared = await ctx.db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom("usage_limits")
      .where("scope", "=", scope.key)
      .executeTakeFirst();
    if (deleted.numDeletedRows === 0n) {
      return false;
    }
    await appendAuditEvent(trx, {
      actorId: user.userId,
      action: "limits.clear",
      resource: scope.resource,
      at,
      origin,
    });
    return true;
  });
  if (!cleared) {
    throw new HubError("NOT_FOUND", `no limits are set for ${scope.label}`);
  }
}

/** One entry of the list of every scope's limits. */
export type ListedLimits =
  | { scope: string; spec: LimitSpec; setAt: string; source: "api" }
  | { scope: string; spec: LimitSpec; setAt: null; source: "policy"; file: string };

/**
 * Every scope with limits, for administrators: those set through the API
 * keyed as stored, then those the policy files set, named as the files do
 * (`default`, `user:NAME`, `org:NAME`, `NS/NAME@VERSION`).
 */
export async function listLimits(ctx: HubContext, actor: Actor): Promise<ListedLimits[]> {
  requireAdmin(actor, "list every scope's limits");
  const rows = await ctx.db
    .selectFrom("usage_limits")
    .select(["scope", "spec", "set_at"])
    .orderBy("scope")
    .execute();
  const { limits } = ctx.policy;
  const fromFiles = [
    ...(limits.default === null ? [] : [["default", limits.default] as const]),
    ...[...limits.users].map(([name, set]) => [`user:${name}`, set] as const),
    ...[...limits.orgs].map(([name, set]) => [`org:${name}`, set] as const),
    ...limits.versions,
  ];
  return [
    ...rows.map((r) => ({
      scope: r.scope,
      spec: JSON.parse(r.spec) as LimitSpec,
      setAt: r.set_at,
      source: "api" as const,
    })),
    ...fromFiles.map(([scope, set]) => ({
      scope,
      spec: set.spec,
      setAt: null,
      source: "policy" as const,
      file: set.file,
    })),
  ];
}
