import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { writeStoredLogin } from "../cli-config.js";
import { CliFailure, type CliContext } from "../context.js";
import { HubClient } from "../hub-client.js";
import { readStdinLines } from "../read-secret.js";
import { fetchWhoAmI } from "./whoami.js";

async function readToken(ctx: CliContext): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    const rl = createInterface({ input: stdin, output: ctx.stderr });
    try {
      return (await rl.question("token: ")).trim();
    } finally {
      rl.close();
    }
  }
  // A pipe: the first line is the token (`echo $TOKEN | gatehouse login`).
  return ((await readStdinLines(1))[0] ?? "").trim();
}

/** `gatehouse login`: verifies a token with the hub, then stores hub and token (mode 0600). */
export function registerLoginCommand(program: Command, contextOf: () => Promise<CliContext>): void {
  program
    .command("login")
    .description(
      "verify a token with the hub and store it in the config file (token from --token, GATEHOUSE_TOKEN or stdin)",
    )
    .action(async () => {
      const base = await contextOf();
      const given = base.settings.tokenSource === "flag" || base.settings.tokenSource === "env";
      const token =
        given && base.settings.token !== undefined ? base.settings.token : await readToken(base);
      if (token === "") {
        throw new CliFailure(
          "no token given",
          "NO_TOKEN",
          "pass --token T, set GATEHOUSE_TOKEN, or type it when asked",
        );
      }
      const client = new HubClient(base.settings.hub, token);
      const ctx: CliContext = { ...base, client };
      const me = await fetchWhoAmI(ctx);
      await writeStoredLogin(base.settings.configFile, { hub: base.settings.hub, token });
      ctx.print(
        `logged in to ${base.settings.hub} as ${me.name}; token stored in ${base.settings.configFile}`,
        {
          hub: base.settings.hub,
          user: me.name,
          configFile: base.settings.configFile,
        },
      );
    });
}
