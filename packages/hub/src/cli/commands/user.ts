import type { Command } from "commander";
import type { CliContext } from "../context.js";

/** `gatehouse user create NAME [--email E]` (hub admins). */
export function registerUserCommands(program: Command, contextOf: () => Promise<CliContext>): void {
  const user = program.command("user").description("manage users (hub admins)");
  user
    .command("create")
    .description("create a user")
    .argument("<name>", "user name")
    .option("--email <email>", "e-mail address")
    .option("--fullname <name>", "full name")
    .action(async (name: string, options: { email?: string; fullname?: string }) => {
      const ctx = await contextOf();
      const created = await ctx.client.json<{ id: string; name: string }>("POST", "/api/users", {
        name,
        ...(options.email === undefined ? {} : { email: options.email }),
        ...(options.fullname === undefined ? {} : { fullname: options.fullname }),
      });
      ctx.print(`created user ${created.name} (${created.id})`, created);
    });
}
