import { sql } from "kysely";
import { findNamespace, type Namespace, type OrgRole, type UserActor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { loadModel, repoNotFound, resolveVersion } from "../registry/index.js";
import { seesAll } from "./usage-report.js";
import { dayBucket, hourBucket } from "./usage-rollups.js";

/** The width of a series' buckets. */
export type SeriesPeriod = "hour" | "day";

const PERIOD_MS: Readonly<Record<SeriesPeriod, number>> = { hour: 3_600_000, day: 86_400_000 };

/**
 * The longest window one series covers, in its periods: 31 days of hours, 400
 * days (the daily totals' default retention) of days. A chart has no use for
 * more points. The window's first bucket may start before `since`, so a series
 * answers one bucket more at most.
 */
export const MAX_PERIODS: Readonly<Record<SeriesPeriod, number>> = { hour: 31 * 24, day: 400 };

/** Whose calls a series counts: one model (or one of its versions), or one organisation's models. */
export type SeriesSubject =
  { readonly model: string; readonly version?: string } | { readonly org: string };

export interface UsageSeriesQuery {
  readonly subject: SeriesSubject;
  readonly period: SeriesPeriod;
  readonly since: Date;
  readonly until: Date;
}

/** The calls of one bucket; every figure is 0 for a bucket without calls. */
export interface UsageBucket {
  /** The bucket's start, an ISO date-time at a whole UTC hour or day. */
  readonly bucket: string;
  readonly requests: number;
  readonly errors: number;
  readonly rows: number;
  readonly latencyAvgMs: number;
  readonly latencyMaxMs: number;
  /** A language model's tokens: its calls' prompts, and what they generated. */
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface UsageSeries {
  /** `namespace/name` as stored, or the organisation's name. */
  readonly subject: string;
  /** The version counted; null for every version of the model, or for an organisation. */
  readonly version: string | null;
  readonly period: SeriesPeriod;
  /** The first bucket's start. */
  readonly since: string;
  readonly until: string;
  /** Every bucket from `since` up to `until`, oldest first, with none missing. */
  readonly buckets: readonly UsageBucket[];
  /** The sums over the whole window, `bucket` aside. */
  readonly totals: Omit<UsageBucket, "bucket">;
}

const avgMs = (sumMs: number, requests: number): number =>
  requests === 0 ? 0 : Math.round((sumMs / requests) * 10) / 10;

/** Whose totals to read: the model's versions (or one of them), or the organisation's models. */
type Filter =
  | {
      readonly subject: string;
      readonly modelId: string;
      readonly version: { readonly id: string; readonly name: string } | null;
    }
  | { readonly subject: string; readonly orgId: string };

/**
 * The caller's own role in a namespace: `owner` of their personal one, their
 * role in an organisation. Read from the store, not from `relationTo`, which
 * answers `admin` for an administrator whatever their token's scope.
 */
async function roleIn(
  ctx: HubContext,
  actor: UserActor,
  namespace: Namespace,
): Promise<OrgRole | null> {
  if (namespace.kind === "user") {
    return namespace.id === actor.userId ? "owner" : null;
  }
  const row = await ctx.db
    .selectFrom("org_members")
    .select("role")
    .where("org_id", "=", namespace.id)
    .where("user_id", "=", actor.userId)
    .executeTakeFirst();
  return row?.role ?? null;
}

/**
 * The filter for a subject the caller may watch, or the answer for one that
 * does not exist. A model's usage is for its namespace's owners and
 * maintainers, an organisation's for its owners; administrators (with an
 * admin-scoped token) see all. A caller who may see the model or
 * organisation but not its usage is answered as for one that does not exist,
 * so the series tells no one anything the model's page does not.
 */
async function filterFor(
  ctx: HubContext,
  actor: UserActor,
  subject: SeriesSubject,
): Promise<Filter> {
  if ("org" in subject) {
    const org = await findNamespace(ctx.db, subject.org);
    if (org?.kind !== "org" || !(seesAll(actor) || (await roleIn(ctx, actor, org)) === "owner")) {
      throw new HubError("NOT_FOUND", `organisation "${subject.org}" does not exist`);
    }
    return { subject: org.name, orgId: org.id };
  }
  const [namespace, name, ...rest] = subject.model.split("/");
  if (namespace === undefined || name === undefined || rest.length > 0) {
    throw new HubError("BAD_REQUEST", `model "${subject.model}" is not namespace/name`);
  }
  const model = await loadModel(ctx, actor, namespace, name, "version.see");
  const role = seesAll(actor) ? "owner" : await roleIn(ctx, actor, model.namespace);
  if (role !== "owner" && role !== "maintainer") {
    throw repoNotFound(subject.model, actor);
  }
  const version =
    subject.version === undefined
      ? null
      : (await resolveVersion(ctx, actor, model, subject.version)).version;
  return {
    subject: model.fullName,
    modelId: model.id,
    version: version === null ? null : { id: version.id, name: version.name },
  };
}

/**
 * Hosted-inference calls to a model (or one version) or to an organisation's
 * models, per hour or per UTC day, from the usage rollups. Every bucket of the
 * window is answered, empty ones as zeros, so a chart of it has no gaps.
 */
export async function usageSeries(
  ctx: HubContext,
  actor: UserActor,
  query: UsageSeriesQuery,
): Promise<UsageSeries> {
  const { period } = query;
  const step = PERIOD_MS[period];
  const since = period === "hour" ? hourBucket(query.since) : dayBucket(query.since);
  const until = query.until.toISOString();
  const first = Date.parse(since);
  const count = Math.ceil((query.until.getTime() - first) / step);
  if (query.until.getTime() - query.since.getTime() > MAX_PERIODS[period] * step) {
    throw new HubError(
      "BAD_REQUEST",
      period === "hour"
        ? `period=hour covers at most ${MAX_PERIODS.hour / 24} days (${MAX_PERIODS.hour} hours); shorten the window or ask for period=day`
        : `period=day covers at most ${MAX_PERIODS.day} days; shorten the window`,
    );
  }
  const filter = await filterFor(ctx, actor, query.subject);

  let select = ctx.db
    .selectFrom("usage_rollups as r")
    .where("r.period", "=", period)
    .where("r.bucket", ">=", since)
    .where("r.bucket", "<", until);
  if ("orgId" in filter) {
    select = select.where("r.org_id", "=", filter.orgId);
  } else {
    const { modelId, version } = filter;
    select =
      version === null
        ? select.where("r.version_id", "in", (eb) =>
            eb.selectFrom("versions").select("id").where("model_id", "=", modelId),
          )
        : select.where("r.version_id", "=", version.id);
  }
  const sums = await select
    .select([
      "r.bucket",
      sql<string | number>`sum(r.requests)`.as("requests"),
      sql<string | number>`sum(r.errors)`.as("errors"),
      sql<string | number>`sum(r.batch_rows)`.as("rows"),
      sql<string | number>`sum(r.latency_sum_ms)`.as("latency_sum"),
      sql<string | number>`max(r.latency_max_ms)`.as("latency_max"),
      sql<string | number>`sum(r.prompt_tokens)`.as("prompt_tokens"),
      sql<string | number>`sum(r.completion_tokens)`.as("completion_tokens"),
    ])
    .groupBy("r.bucket")
    .execute();
  const byBucket = new Map(sums.map((s) => [s.bucket, s]));

  const buckets: UsageBucket[] = [];
  let latencySum = 0;
  for (let i = 0; i < count; i += 1) {
    const bucket = new Date(first + i * step).toISOString();
    const s = byBucket.get(bucket);
    const requests = Number(s?.requests ?? 0);
    latencySum += Number(s?.latency_sum ?? 0);
    buckets.push({
      bucket,
      requests,
      errors: Number(s?.errors ?? 0),
      rows: Number(s?.rows ?? 0),
      latencyAvgMs: avgMs(Number(s?.latency_sum ?? 0), requests),
      latencyMaxMs: Number(s?.latency_max ?? 0),
      promptTokens: Number(s?.prompt_tokens ?? 0),
      completionTokens: Number(s?.completion_tokens ?? 0),
    });
  }
  const requests = buckets.reduce((n, b) => n + b.requests, 0);
  return {
    subject: filter.subject,
    version: "version" in filter ? (filter.version?.name ?? null) : null,
    period,
    since,
    until,
    buckets,
    totals: {
      requests,
      errors: buckets.reduce((n, b) => n + b.errors, 0),
      rows: buckets.reduce((n, b) => n + b.rows, 0),
      latencyAvgMs: avgMs(latencySum, requests),
      latencyMaxMs: buckets.reduce((n, b) => Math.max(n, b.latencyMaxMs), 0),
      promptTokens: buckets.reduce((n, b) => n + b.promptTokens, 0),
      completionTokens: buckets.reduce((n, b) => n + b.completionTokens, 0),
    },
  };
}
