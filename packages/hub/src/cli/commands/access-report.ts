import { Option, type Command } from "commander";
import { csvDocument } from "../../csv/index.js";
import { modelPath, parseModelRef, type CliContext } from "../context.js";

interface Counts {
  readonly total: number;
  readonly pending: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly revoked: number;
}

/** `GET …/access/report` as the hub gives it. */
interface AccessReport {
  readonly model: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly interval: "day" | "week";
  readonly requests: Counts;
  readonly grants: {
    readonly total: number;
    readonly live: number;
    readonly expired: number;
    readonly revoked: number;
  };
  readonly byCountry: readonly (Counts & { readonly country: string | null })[];
  readonly byOrganisation: readonly (Counts & { readonly organisation: string | null })[];
  readonly overTime: readonly (Counts & { readonly period: string; readonly grants: number })[];
  readonly timeToDecision: {
    readonly decided: number;
    readonly immediate: number;
    readonly medianHours: number | null;
    readonly p90Hours: number | null;
  };
  readonly items: readonly {
    readonly id: string;
    readonly grantee: string;
    readonly kind: string;
    readonly status: string;
    readonly country: string | null;
    readonly createdAt: string;
    readonly decidedAt: string | null;
    readonly hoursToDecision: number | null;
  }[];
}

const hours = (h: number | null): string => (h === null ? "" : h.toFixed(2));

/** Rows as aligned columns: the first left-aligned, the figures right-aligned. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map(
    (row) =>
      `  ${row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join("  ")}`,
  );
}

const countCells = (c: Counts): string[] =>
  [c.total, c.pending, c.accepted, c.rejected, c.revoked].map(String);
const COUNT_HEADS = ["requests", "pending", "accepted", "rejected", "revoked"];

function summary(r: AccessReport): string[] {
  const window =
    r.from === null && r.to === null
      ? "all time"
      : `${r.from ?? "the first request"} to ${r.to ?? "today"} (UTC days)`;
  const t = r.timeToDecision;
  const lines = [
    `access to ${r.model}, ${window}`,
    `requests: ${r.requests.total} (${r.requests.pending} pending, ${r.requests.accepted} accepted, ${r.requests.rejected} rejected, ${r.requests.revoked} revoked)`,
    `grants: ${r.grants.total} (${r.grants.live} live, ${r.grants.expired} expired, ${r.grants.revoked} revoked)`,
    t.decided === 0
      ? `time to decision: no request decided by a person yet (${t.immediate} decided at once)`
      : `time to decision: median ${hours(t.medianHours)} h, p90 ${hours(t.p90Hours)} h over ${t.decided} requests decided by a person (${t.immediate} decided at once)`,
  ];
  if (r.requests.total === 0 && r.grants.total === 0) {
    return lines;
  }
  return [
    ...lines,
    "by country:",
    ...table([
      ["country", ...COUNT_HEADS],
      ...r.byCountry.map((c) => [c.country ?? "(none)", ...countCells(c)]),
    ]),
    "by organisation:",
    ...table([
      ["organisation", ...COUNT_HEADS],
      ...r.byOrganisation.map((o) => [o.organisation ?? "individual", ...countCells(o)]),
    ]),
    `per ${r.interval === "day" ? "UTC day" : "week (from Monday)"}:`,
    ...table([
      [r.interval, ...COUNT_HEADS, "grants"],
      ...r.overTime.map((p) => [p.period, ...countCells(p), String(p.grants)]),
    ]),
  ];
}

/** `gatehouse access report NS/NAME [--from D] [--to D] [--interval day|week] [--csv]`, in the `access` group. */
export function registerAccessReportCommand(
  access: Command,
  contextOf: () => Promise<CliContext>,
): void {
  access
    .command("report")
    .description(
      "requests and grants of a gated model by outcome, country, organisation and period, and time to decision (owners and reviewers)",
    )
    .argument("<ns/name>", "model")
    .option("--from <date>", "first UTC day, YYYY-MM-DD (default: the first request)")
    .option("--to <date>", "last UTC day, YYYY-MM-DD (default: today)")
    .addOption(
      new Option("--interval <interval>", "period of the counts over time").choices([
        "day",
        "week",
      ]),
    )
    .option(
      "--csv",
      "one row per request: id, grantee, kind, status, country, created, decided, hours to decision",
    )
    .action(
      async (
        id: string,
        options: { from?: string; to?: string; interval?: string; csv?: boolean },
      ) => {
        const ref = parseModelRef(id);
        const ctx = await contextOf();
        const query = new URLSearchParams();
        for (const key of ["from", "to", "interval"] as const) {
          const value = options[key];
          if (value !== undefined) {
            query.set(key, value);
          }
        }
        const search = query.size === 0 ? "" : `?${query.toString()}`;
        const report = await ctx.client.json<AccessReport>(
          "GET",
          `${modelPath(ref)}/access/report${search}`,
        );
        if (options.csv === true && !ctx.settings.json) {
          ctx.stdout.write(
            csvDocument(
              [
                "id",
                "grantee",
                "kind",
                "status",
                "country",
                "created",
                "decided",
                "hours_to_decision",
              ],
              report.items.map((i) => [
                i.id,
                i.grantee,
                i.kind,
                i.status,
                i.country,
                i.createdAt,
                i.decidedAt,
                hours(i.hoursToDecision),
              ]),
            ),
          );
          return;
        }
        ctx.print(summary(report), report);
      },
    );
}
