import { sql } from "kysely";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { Stage } from "../stages/index.js";
import { utcDay } from "./count-download.js";
import { seesVersion, type ModelRecord } from "./load-model.js";
import { prepareForCaller } from "./prepare-for-caller.js";
import { listVersions } from "./versions.js";

/** The days the Hugging Face Hub's `downloads` covers: the last 30, today included. */
export const RECENT_DAYS = 30;

/** The longest window the per-day figures are given for at once. */
export const MAX_STATS_DAYS = 3660;

const DAY_MS = 86_400_000;

/** The UTC day `days` days before `day` (`YYYY-MM-DD`). */
const daysBefore = (day: string, days: number): string =>
  utcDay(new Date(Date.parse(`${day}T00:00:00.000Z`) - days * DAY_MS));

/** A model's downloads, as model info and the model list give them. */
export interface ModelDownloads {
  /** Over the last {@link RECENT_DAYS} days: the Hub's `downloads`. */
  readonly recent: number;
  /** Since counting began: the Hub's `downloadsAllTime`. */
  readonly allTime: number;
}

/** The first day of the window `downloads` covers, today (by the hub's clock, in UTC) its last. */
export const recentSince = (ctx: HubContext): string =>
  // UTC days are all DAY_MS long, so this is daysBefore(today, …) without the round trip through text.
  utcDay(new Date(ctx.clock.now().getTime() - (RECENT_DAYS - 1) * DAY_MS));

/**
 * The downloads since the day `since` of the model `m` (in namespace `n`),
 * over the published versions the caller may see: {@link modelDownloads}'s
 * `recent` as a column, to sort a list of models by.
 */
export function recentDownloads(actor: Actor, since: string) {
  return sql<
    number | string
  >`(select coalesce(sum(d.downloads), 0) from download_counts d inner join versions v on v.id = d.version_id where v.model_id = m.id and v.state = 'published' and ${seesVersion(actor)} and d.day >= ${since})`;
}

/** {@link modelDownloads} of one model, which model info asks for on every request. */
const downloadsOfModel = prepareForCaller(["modelId", "since"], (db, p, caller) =>
  db
    .selectFrom("download_counts as d")
    .innerJoin("versions as v", "v.id", "d.version_id")
    .innerJoin("models as m", "m.id", "v.model_id")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select([
      sql<number | string>`sum(case when d.day >= ${p("since")} then d.downloads else 0 end)`.as(
        "recent",
      ),
      sql<number | string>`sum(d.downloads)`.as("all_time"),
    ])
    .where("v.model_id", "=", p("modelId"))
    .where("v.state", "=", "published")
    .where(seesVersion(caller))
    .groupBy("v.model_id"),
);

/**
 * The downloads of one model, summed over the published versions the caller
 * may see, as {@link modelDownloads} counts them; undefined when it has none.
 * Prepared once per shape of caller, and on SQLite answered again from memory
 * until anything is written, a counted download included.
 */
export async function downloadsOf(
  ctx: HubContext,
  actor: Actor,
  modelId: string,
): Promise<ModelDownloads | undefined> {
  const [row] = await downloadsOfModel(ctx.db, actor, { modelId, since: recentSince(ctx) });
  // PostgreSQL sums bigints as numeric, which its driver gives as text.
  return row === undefined
    ? undefined
    : { recent: Number(row.recent), allTime: Number(row.all_time) };
}

/**
 * The downloads of each of `modelIds`, summed over the published versions the
 * caller may see (the stage table's `version.see` in SQL), so that a figure
 * never tells of a version the caller could not ask for. Models without any
 * are left out of the map.
 */
export async function modelDownloads(
  ctx: HubContext,
  actor: Actor,
  modelIds: readonly string[],
): Promise<Map<string, ModelDownloads>> {
  if (modelIds.length === 0) {
    return new Map();
  }
  const since = recentSince(ctx);
  const rows = await ctx.db
    .selectFrom("download_counts as d")
    .innerJoin("versions as v", "v.id", "d.version_id")
    .innerJoin("models as m", "m.id", "v.model_id")
    .innerJoin("namespaces as n", "n.id", "m.namespace_id")
    .select([
      "v.model_id",
      sql<number | string>`sum(case when d.day >= ${since} then d.downloads else 0 end)`.as(
        "recent",
      ),
      sql<number | string>`sum(d.downloads)`.as("all_time"),
    ])
    .where("v.model_id", "in", modelIds)
    .where("v.state", "=", "published")
    .where(seesVersion(actor))
    .groupBy("v.model_id")
    .execute();
  // PostgreSQL sums bigints as numeric, which its driver gives as text.
  return new Map(
    rows.map((r) => [r.model_id, { recent: Number(r.recent), allTime: Number(r.all_time) }]),
  );
}

/** A window of whole UTC days, both ends included. */
export interface DayWindow {
  readonly from: string;
  readonly to: string;
}

/** A day as the stats route takes it: a real calendar date, `YYYY-MM-DD`. */
function parseDay(name: string, value: string): string {
  const at = Date.parse(`${value}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(at) || utcDay(new Date(at)) !== value) {
    throw new HubError("BAD_REQUEST", `${name} must be a date as YYYY-MM-DD, not "${value}"`);
  }
  return value;
}

/**
 * The window a stats request asks for: `to` defaults to today (by the hub's
 * clock, in UTC) and `from` to `days` days ending at `to` (30 unless given).
 * Refuses dates that are not dates, `from` after `to`, `from` together with
 * `days`, and windows longer than {@link MAX_STATS_DAYS}.
 */
export function statsWindow(
  ctx: HubContext,
  query: { from?: string | undefined; to?: string | undefined; days?: number | undefined },
): DayWindow {
  if (query.from !== undefined && query.days !== undefined) {
    throw new HubError("BAD_REQUEST", "give either from or days, not both");
  }
  const to = query.to === undefined ? utcDay(ctx.clock.now()) : parseDay("to", query.to);
  const from =
    query.from === undefined
      ? daysBefore(to, (query.days ?? RECENT_DAYS) - 1)
      : parseDay("from", query.from);
  if (from > to) {
    throw new HubError("BAD_REQUEST", `from (${from}) is after to (${to}); swap them`);
  }
  const span = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (span > MAX_STATS_DAYS) {
    throw new HubError(
      "BAD_REQUEST",
      `from ${from} to ${to} is ${span} days; ask for at most ${MAX_STATS_DAYS} at once`,
    );
  }
  return { from, to };
}

/** One version's downloads in a window: the days with any, oldest first, and their sum. */
export interface VersionDownloads {
  readonly version: string;
  readonly stage: Stage | null;
  readonly days: readonly { readonly day: string; readonly downloads: number }[];
  readonly total: number;
}

/** A model's downloads per version per day, as `GET /api/models/{id}/downloads` gives them. */
export interface DownloadStats extends DayWindow {
  readonly model: string;
  /** The published versions the caller may see, newest first, each with its downloads. */
  readonly versions: readonly VersionDownloads[];
  readonly total: number;
}

/**
 * Downloads of each published version of `model` the caller may see, per UTC
 * day within `window`. Versions the caller may not see are neither listed nor
 * counted, as the version list leaves them out.
 */
export async function downloadStats(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  window: DayWindow,
): Promise<DownloadStats> {
  const versions = await listVersions(ctx, actor, model, false);
  const ids = versions.map((v) => v.version.id);
  const rows =
    ids.length === 0
      ? []
      : await ctx.db
          .selectFrom("download_counts")
          .select(["version_id", "day", "downloads"])
          .where("version_id", "in", ids)
          .where("day", ">=", window.from)
          .where("day", "<=", window.to)
          .orderBy("day")
          .execute();
  const daysOf = new Map<string, { day: string; downloads: number }[]>();
  for (const row of rows) {
    const days = daysOf.get(row.version_id) ?? [];
    days.push({ day: row.day, downloads: row.downloads });
    daysOf.set(row.version_id, days);
  }
  const perVersion = versions.map(({ version, access }): VersionDownloads => {
    const days = daysOf.get(version.id) ?? [];
    return {
      version: version.name,
      stage: access?.stage ?? null,
      days,
      total: days.reduce((n, d) => n + d.downloads, 0),
    };
  });
  return {
    model: model.fullName,
    ...window,
    versions: perVersion,
    total: perVersion.reduce((n, v) => n + v.total, 0),
  };
}
