import { findNamespace, requireAdmin, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { loadModel, resolveVersion } from "../registry/index.js";

/** Where limits are set, as a caller names it. */
export type ScopeRef =
  | { readonly kind: "default" }
  | { readonly kind: "user" | "org"; readonly name: string }
  | { readonly kind: "token"; readonly id: string }
  | {
      readonly kind: "version";
      readonly namespace: string;
      readonly name: string;
      readonly version: string;
    };

/** A scope found and allowed: its stored key, its name for people, and the audit resource. */
export interface ResolvedScope {
  /** `default`, `token:<id>`, `user:<id>`, `org:<id>` or `version:<id>`. */
  readonly key: string;
  /** `default`, `token tok_…`, `user kai`, `org acme` or `olivia/iris@v1`. */
  readonly label: string;
  readonly resource: string;
}

/**
 * Finds the scope `ref` names and checks that `actor` may manage its limits:
 * administrators every scope; a version's maintainers and owners its own
 * (`version.release`), answered as missing to those who may not see it.
 */
export async function resolveScope(
  ctx: HubContext,
  actor: Actor,
  ref: ScopeRef,
): Promise<ResolvedScope> {
  switch (ref.kind) {
    case "default":
      requireAdmin(actor, "set the hub's default limits");
      return { key: "default", label: "default", resource: "hub:limits" };
    case "user":
    case "org": {
      requireAdmin(actor, `set the limits of a${ref.kind === "org" ? "n organisation" : " user"}`);
      const found = await findNamespace(ctx.db, ref.name);
      if (found?.kind !== (ref.kind === "org" ? "org" : "user")) {
        throw new HubError(
          "NOT_FOUND",
          `there is no ${ref.kind === "org" ? "organisation" : "user"} named "${ref.name}"`,
        );
      }
      const key = `${ref.kind}:${found.id}`;
      return { key, label: `${ref.kind} ${found.name}`, resource: key };
    }
    case "token": {
      requireAdmin(actor, "set the limits of a token");
      const token = await ctx.db
        .selectFrom("tokens")
        .select("id")
        .where("id", "=", ref.id)
        .executeTakeFirst();
      if (token === undefined) {
        throw new HubError(
          "NOT_FOUND",
          `there is no token with id "${ref.id}"; gatehouse token list shows the ids`,
        );
      }
      const key = `token:${token.id}`;
      return { key, label: `token ${token.id}`, resource: key };
    }
    case "version": {
      const model = await loadModel(ctx, actor, ref.namespace, ref.name, "version.release");
      const { version } = await resolveVersion(ctx, actor, model, ref.version);
      const key = `version:${version.id}`;
      return { key, label: `${model.fullName}@${version.name}`, resource: key };
    }
  }
}
