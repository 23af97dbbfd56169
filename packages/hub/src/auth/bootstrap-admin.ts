import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import type { HubContext } from "../context.js";
import { insertUser } from "./accounts.js";
import { insertToken } from "./manage-tokens.js";
import { generateTokenSecret } from "./token-secret.js";

/** What the first start did, for main to tell the operator. */
export type BootstrapResult =
  { readonly created: false } | { readonly created: true; readonly tokenFile: string | null };

/**
 * On first start with an empty store, creates the user `admin` and an admin
 * token: `GATEHOUSE_ADMIN_TOKEN` when set, else a new one written to
 * `<data dir>/admin-token` with mode 0600.
 */
export async function bootstrapAdmin(ctx: HubContext): Promise<BootstrapResult> {
  const anyUser = await ctx.db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (anyUser !== undefined) {
    return { created: false };
  }
  const fromEnv = ctx.config.adminToken;
  const secret = fromEnv ?? generateTokenSecret();
  const tokenFile = fromEnv === undefined ? path.join(ctx.config.dataDir, "admin-token") : null;
  // The file is written before the token is stored: a crash in between leaves a
  // token nobody can use and an empty store, so the next start does this again.
  if (tokenFile !== null) {
    await writeFile(tokenFile, `${secret}\n`, { mode: 0o600 });
    await chmod(tokenFile, 0o600);
  }
  await ctx.db.transaction().execute(async (trx) => {
    const admin = await insertUser(trx, ctx, { name: "admin", isAdmin: true }, null);
    return insertToken(
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
  });
  return { created: true, tokenFile };
}
