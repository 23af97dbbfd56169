import { Type } from "@fastify/type-provider-typebox";
import { requireAdmin } from "../auth/index.js";
import type { HubContext } from "../context.js";
import type { HubApp } from "../http/index.js";
import { verifyChain } from "./verify-chain.js";

/** Reading and verifying the audit log; hub administrators only. */
export function registerAuditRoutes(app: HubApp, ctx: HubContext): void {
  app.get(
    "/api/audit",
    {
      config: { access: { account: "admin" } },
      schema: {
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          tail: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
      },
    },
    async (request) => {
      requireAdmin(request.actor, "read the audit log");
      const { after, limit, tail } = request.query;
      let query = ctx.db.selectFrom("audit_events").selectAll();
      query =
        tail !== undefined
          ? query.orderBy("seq", "desc").limit(tail)
          : query
              .where("seq", ">", after ?? 0)
              .orderBy("seq")
              .limit(limit ?? 100);
      const rows = await query.execute();
      const events = rows.map((r) => ({
        seq: r.seq,
        at: r.at,
        actor: r.actor_id,
        action: r.action,
        resource: r.resource,
        details: JSON.parse(r.details) as unknown,
        prevHash: r.prev_hash,
        hash: r.hash,
      }));
      return { events: tail === undefined ? events : events.reverse() };
    },
  );

  app.get("/api/audit/verify", { config: { access: { account: "admin" } } }, async (request) => {
    requireAdmin(request.actor, "verify the audit log");
    return verifyChain(ctx.db);
  });
}
