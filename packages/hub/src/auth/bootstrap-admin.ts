import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import type { HubContext } from "../context.js";
import { generatePassword, hashPassword } from "../passwords/index.js";
import { insertUser } from "./accounts.js";
import { insertToken } from "./manage-tokens.js";
import { storePassword } from "./set-password.js";
import { generateTokenSecret } from "./token-secret.js";

/** What the first start did, for main to tell the operator. */
export type BootstrapResult =
  | { readonly created: false }
  | {
      readonly created: true;
      /** Where the admin token was written; null when GATEHOUSE_ADMIN_TOKEN gave it. */
      readonly tokenFile: string | null;
      /** Where the admin password was written; null when GATEHOUSE_ADMIN_PASSWORD gave it. */
      readonly passwordFile: string | null;
    };

/** Writes a secret alone on a line, readable by the hub's user only. */
async function writeSecretFile(file: string, secret: string): Promise<void> {
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  // The mode given to writeFile is narrowed by the umask and ignored for an existing file.
  await chmod(file, 0o600);
}

/**
 * On first start with an empty store, creates the user `admin` with an admin
 * token and a password for the web UI: `GATEHOUSE_ADMIN_TOKEN` and
 * `GATEHOUSE_ADMIN_PASSWORD` when set, else new ones written to
 * `<data dir>/admin-token` and `<data dir>/admin-password` with mode 0600.
 */
export async function bootstrapAdmin(ctx: HubContext): Promise<BootstrapResult> {
  const anyUser = await ctx.db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (anyUser !== undefined) {
    return { created: false };
  }
  const secret = ctx.config.adminToken ?? generateTokenSecret();
  const tokenFile =
    ctx.config.adminToken === undefined ? path.join(ctx.config.dataDir, "admin-token") : null;
  const password = ctx.config.adminPassword ?? generatePassword();
  const passwordFile =
    ctx.config.adminPassword === undefined ? path.join(ctx.config.dataDir, "admin-password") : null;
  // The files are written before the store changes: a crash in between leaves
  // secrets nobody can use and an empty store, so the next start does this again.
  if (tokenFile !== null) {
    await writeSecretFile(tokenFile, secret);
  }
  if (passwordFile !== null) {
    await writeSecretFile(passwordFile, password);
  }
  const hash = await hashPassword(password);
  await ctx.db.transaction().execute(async (trx) => {
    const admin = await insertUser(trx, ctx, { name: "admin", isAdmin: true }, null);
    await insertToken(
      trx,
      ctx,
      {
        userId: admin.id,
        name: "first-admin",
        scopes: ["read", "write", "admin"],
        modelId: null,
        parentId: null,
        expiresAt: null,
        secret,
      },
      admin.id,
    );
    await storePassword(
      trx,
      ctx,
      { userId: admin.id, hash, by: "first-start", keepSessionId: null },
      admin.id,
    );
  });
  return { created: true, tokenFile, passwordFile };
}
