import { Type } from "@fastify/type-provider-typebox";
import { requireAdmin } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { originOf, type HubApp } from "../http/index.js";
import { listSigningKeys, retireOldSigningKeys, rotateSigningKey } from "./signing-keys.js";

/** Administrators' routes for the keys download URLs are signed with; the signing itself is the registry's. */
export function registerSigningKeyRoutes(app: HubApp, ctx: HubContext): void {
  app.get(
    "/api/admin/signing-keys",
    { config: { access: { account: "admin" } } },
    async (request) => {
      requireAdmin(request.actor, "list signing keys");
      return { keys: await listSigningKeys(ctx) };
    },
  );

  app.post(
    "/api/admin/signing-keys/rotate",
    {
      config: { access: { account: "admin" } },
      schema: {
        body: Type.Object(
          { retireOld: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const admin = requireAdmin(request.actor, "rotate signing keys");
      const retireOld = request.body.retireOld === true;
      return { keys: await rotateSigningKey(ctx, admin, retireOld, originOf(request)) };
    },
  );

  app.post(
    "/api/admin/signing-keys/retire",
    { config: { access: { account: "admin" } } },
    async (request) => {
      const admin = requireAdmin(request.actor, "retire signing keys");
      return { keys: await retireOldSigningKeys(ctx, admin, originOf(request)) };
    },
  );
}
