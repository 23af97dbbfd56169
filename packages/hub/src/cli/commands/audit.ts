import { InvalidArgumentError, type Command } from "commander";
import { CliFailure, type CliContext } from "../context.js";

interface AuditEvent {
  readonly seq: number;
  readonly at: string;
  readonly actor: string | null;
  readonly action: string;
  readonly resource: string;
  readonly details: unknown;
}

type Verdict =
  { ok: true; events: number } | { ok: false; events: number; brokenAt: number; reason: string };

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n < 1 || n > 1000) {
    throw new InvalidArgumentError("give a whole number from 1 to 1000");
  }
  return n;
}

/** `gatehouse audit verify | tail` (hub admins). */
export function registerAuditCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const audit = program.command("audit").description("read and verify the audit log (hub admins)");
  audit
    .command("verify")
    .description("check the hash chain of the whole log; exits 1 at the first broken event")
    .action(async () => {
      const ctx = await contextOf();
      const verdict = await ctx.client.json<Verdict>("GET", "/api/audit/verify");
      if (verdict.ok) {
        ctx.print(`audit log intact: ${verdict.events} events verified`, verdict);
        return;
      }
      if (ctx.settings.json) {
        ctx.print("", verdict);
      }
      throw new CliFailure(
        `audit log broken at event ${verdict.brokenAt}: ${verdict.reason}`,
        "AUDIT_CHAIN_BROKEN",
      );
    });
  audit
    .command("tail")
    .description("show the newest events, or the newest that match the filters given")
    .option("-n, --lines <n>", "how many events (1-1000)", positiveInt, 20)
    .option("--action <action>", "only this action (docs/audit.md lists them)")
    .option("--actor <user>", "only events by this user (name or id)")
    .option(
      "--resource <what>",
      "only events about this: a user or organisation, a model (with its versions), NS/NAME@VERSION, or a resource as the log writes it",
    )
    .option("--since <time>", "only events at or after this time (ISO 8601)")
    .option("--until <time>", "only events before this time (ISO 8601)")
    .action(
      async (options: {
        lines: number;
        action?: string;
        actor?: string;
        resource?: string;
        since?: string;
        until?: string;
      }) => {
        const ctx = await contextOf();
        const query = new URLSearchParams({ tail: String(options.lines) });
        for (const key of ["action", "actor", "resource", "since", "until"] as const) {
          const value = options[key];
          if (value !== undefined) {
            query.set(key, value);
          }
        }
        const result = await ctx.client.json<{ events: AuditEvent[] }>(
          "GET",
          `/api/audit?${query.toString()}`,
        );
        ctx.print(
          result.events.map(
            (e) =>
              `${e.seq}\t${e.at}\t${e.actor ?? "-"}\t${e.action}\t${e.resource}\t${JSON.stringify(e.details)}`,
          ),
          result,
        );
      },
    );
}
