import type { Command } from "commander";
import type { CliContext } from "../context.js";

/** The parts of `GET /api/whoami-v2` the CLI shows. */
export interface WhoAmI {
  readonly name: string;
  readonly email: string | null;
  readonly orgs: readonly { name: string; roleInOrg?: string }[];
  readonly gatehouse?: {
    isAdmin?: boolean;
    /** Null for a web session, which is not a token. */
    tokenId?: string | null;
    session?: boolean;
    scopes?: string[];
    modelId?: string | null;
  };
}

/** Asks the hub who the token belongs to. */
export function fetchWhoAmI(ctx: CliContext): Promise<WhoAmI> {
  return ctx.client.json<WhoAmI>("GET", "/api/whoami-v2");
}

/** Lines describing the signed-in user. */
export function describeUser(me: WhoAmI): string[] {
  const lines = [`${me.name}${me.gatehouse?.isAdmin === true ? " (hub admin)" : ""}`];
  if (me.email !== null && me.email !== "") {
    lines.push(`email: ${me.email}`);
  }
  if (me.orgs.length > 0) {
    lines.push(`orgs: ${me.orgs.map((o) => `${o.name} (${o.roleInOrg ?? "member"})`).join(", ")}`);
  }
  const scopes = me.gatehouse?.scopes;
  if (scopes !== undefined) {
    lines.push(`token scopes: ${scopes.join(",")}`);
  }
  return lines;
}

/** `gatehouse whoami`. */
export function registerWhoamiCommand(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  program
    .command("whoami")
    .description("show the user the token belongs to")
    .action(async () => {
      const ctx = await contextOf();
      const me = await fetchWhoAmI(ctx);
      ctx.print(describeUser(me), me);
    });
}
