import { Type } from "@fastify/type-provider-typebox";
import { requireAdmin } from "../auth/index.js";
import type { HubContext } from "../context.js";
import type { HubApp } from "../http/index.js";
import { listAuditEvents } from "./list-events.js";
import { verifyChain } from "./verify-chain.js";

const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Count = Type.Integer({ minimum: 1, maximum: 1000 });
const Text = (description: string) => Type.String({ minLength: 1, maxLength: 200, description });

/** Reading and verifying the audit log; hub administrators only. */
export function registerAuditRoutes(app: HubApp, ctx: HubContext): void {
  app.get(
    "/api/audit",
    {
      config: { access: { account: "admin" } },
      schema: {
        querystring: Type.Object(
          {
            after: Type.Optional(Seq),
            before: Type.Optional(Seq),
            limit: Type.Optional(Count),
            tail: Type.Optional(Count),
            action: Type.Optional(Text("one action of the catalogue in docs/audit.md")),
            actor: Type.Optional(Text("a user's name or id")),
            resource: Type.Optional(
              Text("a name (acme, acme/bert, acme/bert@v1) or a resource such as version:v_…"),
            ),
            since: Type.Optional(Type.String({ format: "date-time" })),
            until: Type.Optional(Type.String({ format: "date-time" })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      requireAdmin(request.actor, "read the audit log");
      return { events: await listAuditEvents(ctx.db, request.query) };
    },
  );

  app.get("/api/audit/verify", { config: { access: { account: "admin" } } }, async (request) => {
    requireAdmin(request.actor, "verify the audit log");
    return verifyChain(ctx.db);
  });
}
