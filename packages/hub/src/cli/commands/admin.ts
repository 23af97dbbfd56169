import type { Command } from "commander";
import type { CliContext } from "../context.js";

/** A key signing download URLs, as the hub lists it. */
interface SigningKeyInfo {
  readonly id: string;
  readonly createdAt: string;
  readonly retiredAt: string | null;
}

function keyLines(keys: readonly SigningKeyInfo[]): string[] {
  return keys.length === 0
    ? ["no signing keys yet; the first signed URL makes one"]
    : keys.map(
        (k, i) =>
          `${k.id}  created ${k.createdAt}  ${k.retiredAt !== null ? `retired ${k.retiredAt}` : i === 0 ? "signing" : "verifying"}`,
      );
}

/** `gatehouse admin signing-keys | rotate-signing-key [--retire-old] | retire-signing-keys` (hub admins). */
export function registerAdminCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const admin = program.command("admin").description("run the hub (hub admins)");
  admin
    .command("signing-keys")
    .description("list the keys download URLs are signed with, newest first")
    .action(async () => {
      const ctx = await contextOf();
      const result = await ctx.client.json<{ keys: SigningKeyInfo[] }>(
        "GET",
        "/api/admin/signing-keys",
      );
      ctx.print(keyLines(result.keys), result);
    });
  admin
    .command("rotate-signing-key")
    .description(
      "make a new key to sign download URLs with; URLs signed before keep working until the old keys are retired",
    )
    .option("--retire-old", "retire every older key at once: the URLs they signed stop working")
    .action(async (options: { retireOld?: boolean }) => {
      const ctx = await contextOf();
      const result = await ctx.client.json<{ keys: SigningKeyInfo[] }>(
        "POST",
        "/api/admin/signing-keys/rotate",
        { retireOld: options.retireOld === true },
      );
      ctx.print(keyLines(result.keys), result);
    });
  admin
    .command("retire-signing-keys")
    .description("retire every key but the newest: the URLs they signed stop working")
    .action(async () => {
      const ctx = await contextOf();
      const result = await ctx.client.json<{ keys: SigningKeyInfo[] }>(
        "POST",
        "/api/admin/signing-keys/retire",
      );
      ctx.print(keyLines(result.keys), result);
    });
}
