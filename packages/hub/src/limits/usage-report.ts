import { sql } from "kysely";
import { hasScope, type UserActor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import type { ModelRecord } from "../registry/index.js";
import { dayBucket, hourBucket } from "./usage-rollups.js";

/** What a usage report sums by. */
export type UsageGrouping = "token" | "user" | "org" | "model";

export const USAGE_GROUPINGS: readonly UsageGrouping[] = ["token", "user", "org", "model"];

/** A report's question, checked: the window, and optionally one model the caller may see. */
export interface UsageReportQuery {
  readonly by: UsageGrouping;
  readonly since: Date;
  readonly until: Date;
  readonly model?: ModelRecord;
}

/** One line of a report. `key` is null for calls that had none (anonymous, or no version reached). */
export interface UsageReportRow {
  readonly key: string | null;
  readonly label: string | null;
  readonly requests: number;
  readonly errors: number;
  readonly rows: number;
  readonly latencyAvgMs: number;
  readonly latencyMaxMs: number;
  /** A language model's tokens: its calls' prompts, and what they generated. */
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface UsageReport {
  readonly by: UsageGrouping;
  /** The window as summed: whole hours (or whole days) from the bucket holding `since`. */
  readonly since: string;
  readonly until: string;
  readonly period: "hour" | "day";
  readonly rows: readonly UsageReportRow[];
}

const COLUMN = {
  token: "r.token_id",
  user: "r.user_id",
  org: "r.org_id",
  model: "r.version_id",
} as const;

const DAY_MS = 86_400_000;

/** Whether the caller sees every call: an administrator with a token of the admin scope. */
export const seesAll = (actor: UserActor): boolean =>
  actor.isAdmin && hasScope(actor.token.scopes, "admin");

/** Names for the keys of a report: what a reader recognises, never more than the caller may know. */
async function labelsFor(
  ctx: HubContext,
  actor: UserActor,
  by: UsageGrouping,
  keys: readonly string[],
): Promise<Map<string, string | null>> {
  const labels = new Map<string, string | null>();
  if (keys.length === 0) {
    return labels;
  }
  if (by === "token") {
    const tokens = await ctx.db
      .selectFrom("tokens")
      .select(["id", "name", "user_id"])
      .where("id", "in", keys)
      .execute();
    // Token names are their owners' words: others (a model's owners) see the id alone.
    for (const t of tokens) {
      labels.set(t.id, seesAll(actor) || t.user_id === actor.userId ? t.name : null);
    }
  } else if (by === "model") {
    const versions = await ctx.db
      .selectFrom("versions as v")
      .innerJoin("models as m", "m.id", "v.model_id")
      .innerJoin("namespaces as n", "n.id", "m.namespace_id")
      .select(["v.id", "v.name as version", "m.name as model", "n.name as namespace"])
      .where("v.id", "in", keys)
      .execute();
    for (const v of versions) {
      labels.set(v.id, `${v.namespace}/${v.model}@${v.version}`);
    }
  } else {
    const names = await ctx.db
      .selectFrom("namespaces")
      .select(["id", "name"])
      .where("id", "in", keys)
      .execute();
    for (const n of names) {
      labels.set(n.id, n.name);
    }
  }
  return labels;
}

/**
 * Sums hosted-inference calls from the rollups, grouped `by` token, user,
 * organisation (of the called model) or model version. Hourly totals answer
 * a window that starts within the raw retention, daily ones an older start.
 * Administrators (with an admin-scoped token) see every call; anyone else sees their own calls and the
 * calls to models of namespaces they own or maintain (their own, and
 * organisations where they are owner or maintainer), never others' calls to
 * others' models.
 */
export async function usageReport(
  ctx: HubContext,
  actor: UserActor,
  query: UsageReportQuery,
): Promise<UsageReport> {
  const hourly =
    query.since.getTime() >= ctx.clock.now().getTime() - ctx.config.usage.retentionDays * DAY_MS;
  const period = hourly ? "hour" : "day";
  const since = hourly ? hourBucket(query.since) : dayBucket(query.since);
  const until = query.until.toISOString();
  const column = COLUMN[query.by];

  let select = ctx.db
    .selectFrom("usage_rollups as r")
    .leftJoin("versions as v", "v.id", "r.version_id")
    .leftJoin("models as m", "m.id", "v.model_id")
    .where("r.period", "=", period)
    .where("r.bucket", ">=", since)
    .where("r.bucket", "<", until);
  if (query.model !== undefined) {
    select = select.where("v.model_id", "=", query.model.id);
  }
  if (!seesAll(actor)) {
    const userId = actor.userId;
    select = select.where((eb) =>
      eb.or([
        eb("r.user_id", "=", userId),
        eb("m.namespace_id", "=", userId),
        eb(
          "m.namespace_id",
          "in",
          eb
            .selectFrom("org_members")
            .select("org_id")
            .where("user_id", "=", userId)
            .where("role", "in", ["owner", "maintainer"]),
        ),
      ]),
    );
  }
  const sums = await select
    .select([
      sql<string>`${sql.ref(column)}`.as("key"),
      sql<string | number>`sum(r.requests)`.as("requests"),
      sql<string | number>`sum(r.errors)`.as("errors"),
      sql<string | number>`sum(r.batch_rows)`.as("rows"),
      sql<string | number>`sum(r.latency_sum_ms)`.as("latency_sum"),
      sql<string | number>`max(r.latency_max_ms)`.as("latency_max"),
      sql<string | number>`sum(r.prompt_tokens)`.as("prompt_tokens"),
      sql<string | number>`sum(r.completion_tokens)`.as("completion_tokens"),
    ])
    .groupBy(sql.ref(column))
    .execute();
  const keys = sums.map((s) => s.key).filter((k) => k !== "");
  const labels = await labelsFor(ctx, actor, query.by, keys);
  const rows = sums
    .map((s): UsageReportRow => {
      const requests = Number(s.requests);
      return {
        key: s.key === "" ? null : s.key,
        label: labels.get(s.key) ?? null,
        requests,
        errors: Number(s.errors),
        rows: Number(s.rows),
        latencyAvgMs: requests === 0 ? 0 : Math.round((Number(s.latency_sum) / requests) * 10) / 10,
        latencyMaxMs: Number(s.latency_max),
        promptTokens: Number(s.prompt_tokens),
        completionTokens: Number(s.completion_tokens),
      };
    })
    .sort((a, b) => b.requests - a.requests || (a.label ?? "").localeCompare(b.label ?? ""));
  return { by: query.by, since, until, period, rows };
}
