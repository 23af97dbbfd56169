import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import type { CliContext } from "../context.js";
import { registerSignalCommands } from "./usage-signals.js";

/** What a usage report sums by. */
const GROUPINGS = ["token", "user", "org", "model"] as const;
type Grouping = (typeof GROUPINGS)[number];

/** `GET /api/usage` as the hub gives it. */
interface UsageReport {
  readonly by: Grouping;
  readonly since: string;
  readonly until: string;
  readonly period: "hour" | "day";
  readonly rows: readonly {
    readonly key: string | null;
    readonly label: string | null;
    readonly requests: number;
    readonly errors: number;
    readonly rows: number;
    readonly latencyAvgMs: number;
    readonly latencyMaxMs: number;
    readonly promptTokens: number;
    readonly completionTokens: number;
  }[];
}

/** What a row without a key stands for, by grouping. */
const NO_KEY: Record<Grouping, string> = {
  token: "(no token)",
  user: "(anonymous)",
  org: "(no organisation)",
  model: "(no model reached)",
};

function groupingFlag(value: string): Grouping {
  const found = GROUPINGS.find((g) => g === value);
  if (found === undefined) {
    throw new InvalidArgumentError(`give one of ${GROUPINGS.join(", ")}`);
  }
  return found;
}

/** The report as a table: the first column left-aligned, the figures right-aligned. */
function reportLines(report: UsageReport): string[] {
  const heading = `hosted-inference calls by ${report.by} from ${report.since} to ${report.until} (${report.period === "hour" ? "hourly" : "daily"} totals)`;
  if (report.rows.length === 0) {
    return [heading, "no calls you may see"];
  }
  // Token columns only where a language model was called: an OIP-only report stays as narrow as before.
  const tokens = report.rows.some((r) => r.promptTokens + r.completionTokens > 0);
  const rows: string[][] = [
    [
      report.by,
      "requests",
      "errors",
      "rows",
      "avg ms",
      "max ms",
      ...(tokens ? ["prompt tokens", "completion tokens"] : []),
    ],
    ...report.rows.map((r) => [
      r.label ?? r.key ?? NO_KEY[report.by],
      String(r.requests),
      String(r.errors),
      String(r.rows),
      r.latencyAvgMs.toFixed(1),
      String(r.latencyMaxMs),
      ...(tokens ? [String(r.promptTokens), String(r.completionTokens)] : []),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  return [heading, ...rows.map(line)];
}

/** `gatehouse usage report`: hosted-inference calls summed by token, user, organisation or model; `gatehouse usage signals`. */
export function registerUsageCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const usage = program
    .command("usage")
    .description("usage records of hosted inference (docs/usage.md)");

  usage
    .command("report")
    .description(
      "calls summed by token, user, organisation or model: everyone's for administrators, else your own and those to models you own or maintain",
    )
    .option("--by <what>", "token, user, org or model (default model)", groupingFlag)
    .option("--since <when>", "a duration back from now (24h, 7d) or an ISO date-time (default 7d)")
    .option("--until <when>", "an ISO date-time (default now)")
    .option("--model <ns/name>", "only the calls to this model")
    .action(async (options: { by?: Grouping; since?: string; until?: string; model?: string }) => {
      const ctx = await contextOf();
      const query = new URLSearchParams();
      for (const key of ["by", "since", "until", "model"] as const) {
        const value = options[key];
        if (value !== undefined) {
          query.set(key, value);
        }
      }
      const text = query.toString();
      const report = await ctx.client.json<UsageReport>(
        "GET",
        `/api/usage${text === "" ? "" : `?${text}`}`,
      );
      ctx.print(reportLines(report), report);
    });

  registerSignalCommands(usage, contextOf);
}
