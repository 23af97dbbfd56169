import type { Command } from "commander";
import { UsageError, parseModelRef, type CliContext } from "../context.js";
import { commaList } from "../flags.js";

/** A token as the hub lists it. */
interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly scopes: string[];
  readonly model: string | null;
  readonly parent: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  readonly rotatedTo: string | null;
}

const SCOPES = ["read", "write", "admin"];

function parseScopes(text: string): string[] {
  const scopes = commaList(text);
  const bad = scopes.filter((s) => !SCOPES.includes(s));
  if (scopes.length === 0 || bad.length > 0) {
    throw new UsageError(
      `--scopes "${text}" is not a list of scopes; use a comma-separated list of ${SCOPES.join(", ")}`,
    );
  }
  return [...new Set(scopes)];
}

function statusOf(t: TokenInfo): string {
  if (t.revokedAt !== null) {
    return "revoked";
  }
  if (t.expiresAt !== null && Date.parse(t.expiresAt) <= Date.now()) {
    return "expired";
  }
  return t.rotatedTo === null ? "active" : `rotated to ${t.rotatedTo}`;
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  "),
  );
}

/** `gatehouse token create | list | revoke | rotate`. */
export function registerTokenCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const token = program.command("token").description("create, list and revoke API tokens");
  token
    .command("create")
    .description("create a token and print it once (it is never shown again)")
    .option("--for <user>", "create it for another user (hub admins)")
    .option("--scopes <scopes>", "comma-separated scopes: read, write, admin", "read")
    .option("--expires <duration>", "lifetime such as 12h, 30d")
    .option("--model <ns/name>", "restrict the token to one model")
    .option("--name <name>", "a name to recognise the token by")
    .action(
      async (options: {
        for?: string;
        scopes: string;
        expires?: string;
        model?: string;
        name?: string;
      }) => {
        const scopes = parseScopes(options.scopes);
        if (options.model !== undefined) {
          parseModelRef(options.model);
        }
        const ctx = await contextOf();
        const created = await ctx.client.json<TokenInfo & { token: string }>(
          "POST",
          "/api/tokens",
          {
            scopes,
            ...(options.name === undefined ? {} : { name: options.name }),
            ...(options.for === undefined ? {} : { user: options.for }),
            ...(options.model === undefined ? {} : { model: options.model }),
            ...(options.expires === undefined ? {} : { expiresIn: options.expires }),
          },
        );
        // The secret alone on stdout, so `TOKEN=$(gatehouse token create …)` works.
        ctx.print(created.token, created);
        ctx.note(
          `token ${created.id} for ${created.user}, scopes ${created.scopes.join(",")}` +
            (created.model === null ? "" : `, model ${created.model}`) +
            (created.expiresAt === null ? "" : `, expires ${created.expiresAt}`) +
            "; copy it now, it is not shown again",
        );
      },
    );
  token
    .command("list")
    .description("list your tokens (or another user's, for hub admins)")
    .option("--for <user>", "list another user's tokens (hub admins)")
    .action(async (options: { for?: string }) => {
      const ctx = await contextOf();
      const query = options.for === undefined ? "" : `?user=${encodeURIComponent(options.for)}`;
      const result = await ctx.client.json<{ tokens: TokenInfo[] }>("GET", `/api/tokens${query}`);
      const rows = result.tokens.map((t) => [
        t.id,
        t.name,
        t.user,
        t.scopes.join(","),
        t.model ?? "-",
        t.expiresAt ?? "never",
        t.lastUsedAt ?? "never",
        statusOf(t),
      ]);
      ctx.print(
        rows.length === 0
          ? ["no tokens"]
          : table([
              ["ID", "NAME", "USER", "SCOPES", "MODEL", "EXPIRES", "LAST USED", "STATUS"],
              ...rows,
            ]),
        result,
      );
    });
  token
    .command("revoke")
    .description("revoke a token by its id")
    .argument("<id>", "token id, as token list shows it")
    .action(async (id: string) => {
      const ctx = await contextOf();
      const revoked = await ctx.client.json<TokenInfo & { alsoRevoked: string[] }>(
        "DELETE",
        `/api/tokens/${encodeURIComponent(id)}`,
      );
      const also = revoked.alsoRevoked.length;
      ctx.print(
        `revoked token ${revoked.id} (${revoked.name}) of ${revoked.user}${also === 0 ? "" : `, and ${also} token${also === 1 ? "" : "s"} created from it`}`,
        revoked,
      );
    });
  token
    .command("rotate")
    .description("replace a token by a new secret; the old one keeps working for the grace period")
    .argument("<id>", "token id, as token list shows it")
    .option("--grace <duration>", "how long the old secret keeps working, at most 7d", "1h")
    .action(async (id: string, options: { grace: string }) => {
      const ctx = await contextOf();
      const rotated = await ctx.client.json<{
        id: string;
        token: string;
        previous: { id: string; expiresAt: string };
      }>(
        "POST",
        `/api/tokens/${encodeURIComponent(id)}/rotate?grace=${encodeURIComponent(options.grace)}`,
      );
      // The new secret alone on stdout, as token create prints it.
      ctx.print(rotated.token, rotated);
      ctx.note(
        `token ${rotated.id} replaces ${rotated.previous.id}, which works until ${rotated.previous.expiresAt}; copy the new secret now, it is not shown again`,
      );
    });
}
