import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import type { CliContext } from "../context.js";

const KINDS = [
  "spike",
  "key_sharing",
  "probing",
  "ignored_retry_after",
  "near_duplicates",
  "content_policy",
] as const;
type Kind = (typeof KINDS)[number];

/** A signal as `GET /api/usage/signals` answers it. */
interface UsageSignal {
  readonly id: string;
  readonly kind: Kind;
  readonly state: "open" | "closed";
  readonly subject: { readonly kind: string; readonly id: string | null };
  readonly version: string | null;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly count: number;
  readonly action: string;
  readonly closedBy: string | null;
  readonly closeReason: string | null;
}

function kindFlag(value: string): Kind {
  const found = KINDS.find((k) => k === value);
  if (found === undefined) {
    throw new InvalidArgumentError(`give one of ${KINDS.join(", ")}`);
  }
  return found;
}

/** The signals as a table, one a line. */
function signalLines(signals: readonly UsageSignal[], all: boolean): string[] {
  if (signals.length === 0) {
    return [all ? "no abuse signals you may see" : "no open abuse signals you may see"];
  }
  const rows: string[][] = [
    ["id", "kind", "state", "subject", "calls", "action", "last seen", "version"],
    ...signals.map((s) => [
      s.id,
      s.kind,
      s.state,
      `${s.subject.kind} ${s.subject.id ?? "(hidden)"}`,
      String(s.count),
      s.action,
      s.lastSeen,
      s.version ?? "-",
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd(),
  );
}

/** `gatehouse usage signals` and `gatehouse usage signals close`. */
export function registerSignalCommands(usage: Command, contextOf: () => Promise<CliContext>): void {
  const signals = usage
    .command("signals")
    .description(
      "abuse signals computed from hosted-inference calls (docs/signals.md): open ones unless --all; all of them for administrators, those about your organisations' models for their owners",
    )
    .option("--all", "closed signals too")
    .option("--kind <kind>", `only one kind: ${KINDS.join(", ")}`, kindFlag)
    .option("--model <ns/name>", "only signals about calls to this model")
    .option("--org <name>", "only signals about calls to this organisation's models")
    .action(async (options: { all?: boolean; kind?: Kind; model?: string; org?: string }) => {
      const ctx = await contextOf();
      const query = new URLSearchParams({ state: options.all === true ? "all" : "open" });
      for (const key of ["kind", "model", "org"] as const) {
        const value = options[key];
        if (value !== undefined) {
          query.set(key, value);
        }
      }
      const body = await ctx.client.json<{ signals: UsageSignal[] }>(
        "GET",
        `/api/usage/signals?${query.toString()}`,
      );
      ctx.print(signalLines(body.signals, options.all === true), body);
    });

  signals
    .command("close <id>")
    .description("close an open signal with a reason; a token it suspended works again")
    .requiredOption("--reason <text>", "why, for the audit log")
    .action(async (id: string, options: { reason: string }) => {
      const ctx = await contextOf();
      const closed = await ctx.client.json<UsageSignal>(
        "POST",
        `/api/usage/signals/${encodeURIComponent(id)}/close`,
        { reason: options.reason },
      );
      ctx.print(
        `closed ${closed.id} (${closed.kind}, ${closed.subject.kind} ${closed.subject.id ?? "(hidden)"})`,
        closed,
      );
    });
}
