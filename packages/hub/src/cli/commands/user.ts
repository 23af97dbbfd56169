import type { Command } from "commander";
import { CliFailure, UsageError, type CliContext } from "../context.js";
import { askHidden, readStdinLines } from "../read-secret.js";

/** What the hub answers when a user is linked to their identity at the OpenID provider. */
interface OidcLink {
  readonly user: string;
  readonly issuer: string;
  readonly subject: string;
}

/** What the hub answers when a password is set. */
interface PasswordSet {
  readonly user: string;
  readonly endedSessions: number;
}

function sessionsLine(ended: number): string {
  return ended === 0
    ? "no web sessions were open"
    : `${ended} web session${ended === 1 ? "" : "s"} ended`;
}

/** A new password typed twice on the terminal, checked to be the same both times. */
async function askNewPassword(ctx: CliContext, whose: string): Promise<string> {
  const first = await askHidden(`new password for ${whose}: `, ctx.stderr);
  const again = await askHidden("the same again: ", ctx.stderr);
  if (first !== again) {
    throw new CliFailure(
      "the two passwords typed differ; nothing was changed",
      "PASSWORD_MISMATCH",
      "run the command again and type the same password twice",
    );
  }
  return first;
}

/** Where passwords come from: `--password-stdin`, else the terminal; never the command line, where `ps` shows it. */
function passwordSource(options: { passwordStdin?: boolean }): "stdin" | "terminal" {
  if (options.passwordStdin === true) {
    return "stdin";
  }
  if (process.stdin.isTTY) {
    return "terminal";
  }
  throw new UsageError(
    "stdin is not a terminal to type the password on; pipe it in with --password-stdin",
  );
}

/**
 * `gatehouse user create NAME [--email E]`, `user set-password NAME` and
 * `user link-oidc NAME SUBJECT` (hub admins), and `user passwd` for one's own
 * password.
 */
export function registerUserCommands(program: Command, contextOf: () => Promise<CliContext>): void {
  const user = program
    .command("user")
    .description("manage users (hub admins) and your own password");
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
  user
    .command("set-password")
    .description(
      "set a user's password for the web UI (hub admins); typed twice on a terminal, or the first line of stdin with --password-stdin",
    )
    .argument("<name>", "user name")
    .option("--password-stdin", "read the new password from the first line of stdin")
    .action(async (name: string, options: { passwordStdin?: boolean }) => {
      const source = passwordSource(options);
      const ctx = await contextOf();
      const password =
        source === "stdin" ? ((await readStdinLines(1))[0] ?? "") : await askNewPassword(ctx, name);
      const set = await ctx.client.json<PasswordSet>(
        "PUT",
        `/api/users/${encodeURIComponent(name)}/password`,
        { password },
      );
      ctx.print(`password of ${set.user} set; ${sessionsLine(set.endedSessions)}`, set);
    });
  user
    .command("link-oidc")
    .description(
      "let a user sign in through the hub's OpenID provider as the person whose `sub` claim is SUBJECT (hub admins); replaces the user's earlier link",
    )
    .argument("<name>", "user name")
    .argument("<subject>", "the person's `sub` claim at the provider")
    .action(async (name: string, subject: string) => {
      const ctx = await contextOf();
      const link = await ctx.client.json<OidcLink>(
        "PUT",
        `/api/users/${encodeURIComponent(name)}/oidc-identity`,
        { subject },
      );
      ctx.print(`${link.user} signs in at ${link.issuer} as subject ${link.subject}`, link);
    });
  user
    .command("passwd")
    .description(
      "change your own password for the web UI: the current one, then the new one twice (with --password-stdin: two lines, current then new)",
    )
    .option("--password-stdin", "read the current password and then the new one from stdin")
    .action(async (options: { passwordStdin?: boolean }) => {
      const source = passwordSource(options);
      const ctx = await contextOf();
      let currentPassword: string;
      let newPassword: string;
      if (source === "stdin") {
        const [current = "", next = ""] = await readStdinLines(2);
        currentPassword = current;
        newPassword = next;
      } else {
        currentPassword = await askHidden("current password: ", ctx.stderr);
        newPassword = await askNewPassword(ctx, "you");
      }
      const set = await ctx.client.json<PasswordSet>("PUT", "/api/user/password", {
        currentPassword,
        newPassword,
      });
      ctx.print(
        `your password is changed; ${sessionsLine(set.endedSessions)} (tokens keep working)`,
        set,
      );
    });
}
