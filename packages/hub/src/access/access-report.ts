import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { readGate, type CardData, type ModelRecord } from "../registry/index.js";
import type { AccessRequestStatus } from "../store/index.js";
import { isDate } from "./check-answers.js";
import { grantStatus, type GrantView } from "./grants.js";

/**
 * A request's outcome as the report counts it: `revoked` is a request that was
 * accepted and whose access was later taken back (the store then keeps it as
 * rejected, with the revocation's time as its decision).
 */
export type ReportStatus = AccessRequestStatus | "revoked";

/** How many requests of a group are in each outcome. */
export interface RequestCounts {
  readonly total: number;
  readonly pending: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly revoked: number;
}

/** One request, as the CSV export lists it. */
export interface ReportItem {
  readonly id: string;
  readonly grantee: string;
  readonly kind: "user" | "org";
  readonly status: ReportStatus;
  /** The answer to the form's country question, or null when it asked none. */
  readonly country: string | null;
  readonly createdAt: string;
  /** The first decision: an acceptance later revoked keeps the time it was accepted. */
  readonly decidedAt: string | null;
  readonly hoursToDecision: number | null;
}

export type ReportInterval = "day" | "week";

/** Requests and grants of a model's gated versions, for its owners. */
export interface AccessReport {
  readonly model: string;
  /** The UTC days the report covers, both included; null for no bound. */
  readonly from: string | null;
  readonly to: string | null;
  readonly interval: ReportInterval;
  readonly requests: RequestCounts;
  readonly grants: { readonly [S in GrantView["status"] | "total"]: number };
  /** By the answer to the form's country question; null for requests without one. */
  readonly byCountry: readonly (RequestCounts & { readonly country: string | null })[];
  /** Organisation requests by the organisation's name; requests by users for themselves under null. */
  readonly byOrganisation: readonly (RequestCounts & { readonly organisation: string | null })[];
  /** Per UTC day, or per week starting on Monday, with a request or grant. */
  readonly overTime: readonly (RequestCounts & {
    readonly period: string;
    readonly grants: number;
  })[];
  readonly timeToDecision: {
    /** Requests a person decided after they were made: the median and p90 are over these. */
    readonly decided: number;
    /** Requests decided the moment they were made: automatic or rule approval, direct grants. */
    readonly immediate: number;
    readonly medianHours: number | null;
    readonly p90Hours: number | null;
  };
  readonly items: readonly ReportItem[];
}

export interface ReportQuery {
  readonly from?: string;
  readonly to?: string;
  readonly interval?: ReportInterval;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function checkDay(name: string, value: string | undefined): string | null {
  if (value === undefined) {
    return null;
  }
  if (!isDate(value)) {
    throw new HubError("BAD_REQUEST", `${name} must be a date as YYYY-MM-DD, not "${value}"`, {
      field: name,
    });
  }
  return value;
}

/**
 * The `p`-quantile of ascending `sorted`, interpolating linearly between the
 * two nearest ranks (numpy's default, Hyndman and Fan's type 7), so the
 * median of an even count is the mean of the middle two.
 */
export function quantile(sorted: readonly number[], p: number): number | null {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const low = sorted[lo];
  if (low === undefined) {
    return null;
  }
  const high = sorted[lo + 1] ?? low;
  return low + (h - lo) * (high - low);
}

/** The UTC day of an ISO time, or the Monday starting its week. */
function periodOf(at: string, interval: ReportInterval): string {
  const day = new Date(`${at.slice(0, 10)}T00:00:00.000Z`);
  if (interval === "day") {
    return at.slice(0, 10);
  }
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

class Tally {
  private readonly counts = new Map<string, Record<keyof RequestCounts, number>>();

  add(key: string, status: ReportStatus | null): void {
    const c = this.counts.get(key) ?? {
      total: 0,
      pending: 0,
      accepted: 0,
      rejected: 0,
      revoked: 0,
    };
    if (status !== null) {
      c.total += 1;
      c[status] += 1;
    }
    this.counts.set(key, c);
  }

  /** The groups, most requests first, then by key, the group without a key last. */
  entries(): [string, RequestCounts][] {
    return [...this.counts].sort(
      (a, b) =>
        Number(a[0] === "") - Number(b[0] === "") ||
        b[1].total - a[1].total ||
        a[0].localeCompare(b[0]),
    );
  }
}

/** The labels of the country questions in a version's form. */
function countryLabels(card: string | null): string[] {
  const data = card === null ? null : (JSON.parse(card) as CardData);
  return readGate(data)
    .fields.filter((f) => f.type === "country")
    .map((f) => f.label);
}

/**
 * What owners ask of a gated model's access: its requests made between `from`
 * and `to` (UTC days, both included; unbounded when absent) by outcome, by
 * country, by organisation and over time, the grants given in that window,
 * and how long people waited for a decision. Refuses dates that are not
 * dates and `from` after `to`.
 *
 * @example accessReport(ctx, model, { from: "2026-06-01", interval: "week" })
 */
export async function accessReport(
  ctx: HubContext,
  model: ModelRecord,
  query: ReportQuery,
): Promise<AccessReport> {
  const from = checkDay("from", query.from);
  const to = checkDay("to", query.to);
  if (from !== null && to !== null && from > to) {
    throw new HubError("BAD_REQUEST", `from (${from}) is after to (${to})`, { field: "from" });
  }
  const interval = query.interval ?? "day";
  const start = from === null ? null : `${from}T00:00:00.000Z`;
  const end =
    to === null ? null : new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY_MS).toISOString();

  let requestQuery = ctx.db
    .selectFrom("access_requests as r")
    .innerJoin("namespaces as g", "g.id", "r.grantee_id")
    .select((eb) => [
      "r.id",
      "r.status",
      "r.fields",
      "r.created_at",
      "r.decided_at",
      "r.version_id",
      "g.name as grantee",
      "g.kind as kind",
      eb
        .selectFrom("access_grants as a")
        .select((s) => s.fn.min("a.granted_at").as("t"))
        .whereRef("a.request_id", "=", "r.id")
        .as("first_granted_at"),
    ])
    .where("r.model_id", "=", model.id);
  let grantQuery = ctx.db
    .selectFrom("access_grants")
    .select(["granted_at", "expires_at", "revoked_at"])
    .where("model_id", "=", model.id);
  if (start !== null) {
    requestQuery = requestQuery.where("r.created_at", ">=", start);
    grantQuery = grantQuery.where("granted_at", ">=", start);
  }
  if (end !== null) {
    requestQuery = requestQuery.where("r.created_at", "<", end);
    grantQuery = grantQuery.where("granted_at", "<", end);
  }
  const [rows, grantRows, versions] = await Promise.all([
    requestQuery.orderBy("r.created_at").orderBy("r.id").execute(),
    grantQuery.execute(),
    ctx.db.selectFrom("versions").select(["id", "card"]).where("model_id", "=", model.id).execute(),
  ]);
  const countryQuestions = new Map(versions.map((v) => [v.id, countryLabels(v.card)]));

  const items: ReportItem[] = rows.map((r) => {
    const revoked = r.status === "rejected" && r.first_granted_at !== null;
    const status: ReportStatus = revoked ? "revoked" : r.status;
    const decidedAt = revoked ? r.first_granted_at : r.decided_at;
    const answers = JSON.parse(r.fields) as Record<string, unknown>;
    const country = (countryQuestions.get(r.version_id ?? "") ?? [])
      .map((label) => answers[label])
      .find((v): v is string => typeof v === "string");
    return {
      id: r.id,
      grantee: r.grantee,
      kind: r.kind,
      status,
      country: country ?? null,
      createdAt: r.created_at,
      decidedAt,
      hoursToDecision:
        decidedAt === null ? null : (Date.parse(decidedAt) - Date.parse(r.created_at)) / HOUR_MS,
    };
  });

  const all = new Tally();
  const byCountry = new Tally();
  const byOrganisation = new Tally();
  const overTime = new Tally();
  for (const item of items) {
    all.add("", item.status);
    byCountry.add(item.country ?? "", item.status);
    byOrganisation.add(item.kind === "org" ? item.grantee : "", item.status);
    overTime.add(periodOf(item.createdAt, interval), item.status);
  }
  const now = ctx.clock.now().toISOString();
  const grants = { total: grantRows.length, live: 0, expired: 0, revoked: 0 };
  const grantsPer = new Map<string, number>();
  for (const g of grantRows) {
    grants[grantStatus(g, now)] += 1;
    const period = periodOf(g.granted_at, interval);
    grantsPer.set(period, (grantsPer.get(period) ?? 0) + 1);
    overTime.add(period, null);
  }
  const waits = items
    .map((i) => i.hoursToDecision)
    .filter((h): h is number => h !== null && h > 0)
    .sort((a, b) => a - b);
  const decidedCount = items.filter((i) => i.hoursToDecision !== null).length;
  const none = { total: 0, pending: 0, accepted: 0, rejected: 0, revoked: 0 };
  return {
    model: model.fullName,
    from,
    to,
    interval,
    requests: all.entries()[0]?.[1] ?? none,
    grants,
    byCountry: byCountry
      .entries()
      .map(([key, counts]) => ({ country: key === "" ? null : key, ...counts })),
    byOrganisation: byOrganisation
      .entries()
      .map(([key, counts]) => ({ organisation: key === "" ? null : key, ...counts })),
    overTime: overTime
      .entries()
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([period, counts]) => ({ period, ...counts, grants: grantsPer.get(period) ?? 0 })),
    timeToDecision: {
      decided: waits.length,
      immediate: decidedCount - waits.length,
      medianHours: quantile(waits, 0.5),
      p90Hours: quantile(waits, 0.9),
    },
    items,
  };
}
