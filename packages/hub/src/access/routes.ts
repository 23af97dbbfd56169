import { Type } from "@fastify/type-provider-typebox";
import { parseDuration } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { baseUrlOf, originOf, type HubApp } from "../http/index.js";
import { loadModel } from "../registry/index.js";
import { acceptLicence, listAcceptances } from "./acceptances.js";
import { acceptancesCsv } from "./acceptances-csv.js";
import { accessReport } from "./access-report.js";
import { gateForm } from "./gate-form.js";
import { accessRequestInbox } from "./request-inbox.js";
import { listGrants, listMine, listRequests } from "./list-requests.js";
import { myModelAccess } from "./my-model-access.js";
import { decideRequest, grantAccess, revokeAccess, submitRequest } from "./requests.js";

const Segment = Type.String({ minLength: 1, maxLength: 96 });
const Repo = Type.Object({ namespace: Segment, name: Segment });
const BASE = "/api/models/:namespace/:name";
const HF_REQUESTS = `${BASE}/user-access-request`;
const Status = Type.Union([
  Type.Literal("pending"),
  Type.Literal("accepted"),
  Type.Literal("rejected"),
]);
const UserName = Type.String({ minLength: 1, maxLength: 96 });
const Revision = Type.String({ minLength: 1, maxLength: 128 });
const Day = Type.String({ maxLength: 32, description: "a UTC date, YYYY-MM-DD" });
const Duration = Type.String({ minLength: 2, maxLength: 16, description: "e.g. 30d, 12h, 2w" });

/**
 * Gated access: the Hugging Face Hub's `user-access-request` endpoints for
 * owners, and Gatehouse's own for the form, requests, licence acceptance,
 * grants and a user's own access.
 */
export function registerAccessRoutes(app: HubApp, ctx: HubContext): void {
  const manage = { config: { access: { model: "model.manage-access" as const } } };
  const managed = (namespace: string, name: string, actor: Parameters<typeof loadModel>[1]) =>
    loadModel(ctx, actor, namespace, name, "model.manage-access");
  const seen = (namespace: string, name: string, actor: Parameters<typeof loadModel>[1]) =>
    loadModel(ctx, actor, namespace, name, "version.see");

  app.get(
    `${HF_REQUESTS}/:status`,
    {
      ...manage,
      schema: {
        params: Type.Object({ namespace: Segment, name: Segment, status: Status }),
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          cursor: Type.Optional(Type.String({ maxLength: 400 })),
        }),
      },
    },
    async (request, reply) => {
      const { namespace, name, status } = request.params;
      const model = await managed(namespace, name, request.actor);
      const limit = request.query.limit ?? 100;
      const page = await listRequests(ctx, model, status, {
        limit,
        ...(request.query.cursor === undefined ? {} : { cursor: request.query.cursor }),
      });
      if (page.next !== null) {
        // The clients follow only absolute Link URLs (hf-api.md).
        const next = new URL(
          `${baseUrlOf(request, ctx.config.publicUrl)}/api/models/${model.fullName}/user-access-request/${status}`,
        );
        next.searchParams.set("limit", String(limit));
        next.searchParams.set("cursor", page.next);
        void reply.header("Link", `<${next.toString()}>; rel="next"`);
      }
      return page.items;
    },
  );

  app.post(
    `${HF_REQUESTS}/handle`,
    {
      ...manage,
      schema: {
        params: Repo,
        body: Type.Object({
          user: UserName,
          status: Status,
          rejectionReason: Type.Optional(Type.String({ maxLength: 200 })),
        }),
      },
    },
    async (request) => {
      const { namespace, name } = request.params;
      const model = await managed(namespace, name, request.actor);
      return decideRequest(ctx, request.actor, model, request.body, originOf(request));
    },
  );

  app.post(
    `${HF_REQUESTS}/grant`,
    {
      ...manage,
      schema: {
        params: Repo,
        body: Type.Object({
          user: UserName,
          version: Type.Optional(Segment),
          expiresIn: Type.Optional(Duration),
        }),
      },
    },
    async (request) => {
      const { namespace, name } = request.params;
      const model = await managed(namespace, name, request.actor);
      const { user, version, expiresIn } = request.body;
      return grantAccess(
        ctx,
        request.actor,
        model,
        {
          user,
          ...(version === undefined ? {} : { version }),
          ...(expiresIn === undefined ? {} : { durationMs: parseDuration(expiresIn) }),
        },
        originOf(request),
      );
    },
  );

  app.post(
    `${BASE}/access/revoke`,
    {
      ...manage,
      schema: {
        params: Repo,
        body: Type.Object({
          user: UserName,
          version: Type.Optional(Segment),
          reason: Type.String({ minLength: 1, maxLength: 2000 }),
        }),
      },
    },
    async (request) => {
      const { namespace, name } = request.params;
      const model = await managed(namespace, name, request.actor);
      return revokeAccess(ctx, request.actor, model, request.body, originOf(request));
    },
  );

  app.get(`${BASE}/access/grants`, { ...manage, schema: { params: Repo } }, async (request) => {
    const { namespace, name } = request.params;
    return listGrants(ctx, await managed(namespace, name, request.actor));
  });

  app.get(
    `${BASE}/access/acceptances`,
    {
      ...manage,
      schema: {
        params: Repo,
        querystring: Type.Object({
          format: Type.Optional(
            Type.Union([Type.Literal("json"), Type.Literal("csv")], {
              description: "json (default) or csv: one acceptance per row, for a spreadsheet",
            }),
          ),
        }),
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params;
      const model = await managed(namespace, name, request.actor);
      const list = await listAcceptances(ctx, model);
      if (request.query.format !== "csv") {
        return list;
      }
      // Names are checked to hold no quote or separator, so they go in the header as they are.
      const file = `${model.namespace.name}-${model.name}-licence-acceptances.csv`;
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${file}"`)
        .send(acceptancesCsv(list));
    },
  );

  app.get(
    `${BASE}/access/report`,
    {
      ...manage,
      schema: {
        params: Repo,
        querystring: Type.Object({
          from: Type.Optional(Day),
          to: Type.Optional(Day),
          interval: Type.Optional(Type.Union([Type.Literal("day"), Type.Literal("week")])),
        }),
      },
    },
    async (request) => {
      const { namespace, name } = request.params;
      const model = await managed(namespace, name, request.actor);
      const { from, to, interval } = request.query;
      return accessReport(ctx, model, {
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(interval === undefined ? {} : { interval }),
      });
    },
  );

  app.get(
    `${BASE}/access/form`,
    {
      config: { access: { model: "version.see" } },
      schema: { params: Repo, querystring: Type.Object({ revision: Type.Optional(Revision) }) },
    },
    async (request) => {
      const { namespace, name } = request.params;
      const model = await seen(namespace, name, request.actor);
      return gateForm(ctx, request.actor, model, request.query.revision);
    },
  );

  app.get(
    `${BASE}/access/mine`,
    {
      config: { access: { model: "version.see" } },
      schema: { params: Repo, querystring: Type.Object({ revision: Type.Optional(Revision) }) },
    },
    async (request) => {
      const { namespace, name } = request.params;
      const model = await seen(namespace, name, request.actor);
      return myModelAccess(ctx, request.actor, model, request.query.revision);
    },
  );

  app.post(
    `${BASE}/access/requests`,
    {
      config: { access: { model: "version.see" } },
      schema: {
        params: Repo,
        body: Type.Object(
          {
            answers: Type.Record(
              Type.String({ maxLength: 200 }),
              Type.Union([Type.String({ maxLength: 1000 }), Type.Boolean(), Type.Number()]),
              { maxProperties: 50 },
            ),
            acceptLicence: Type.Boolean(),
            revision: Type.Optional(Revision),
            forOrg: Type.Optional(Segment),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params;
      const model = await seen(namespace, name, request.actor);
      const view = await submitRequest(ctx, request.actor, model, request.body, originOf(request));
      return reply.status(view.status === "accepted" ? 201 : 202).send(view);
    },
  );

  app.post(
    `${BASE}/access/accept`,
    {
      config: { access: { model: "version.see" } },
      schema: {
        params: Repo,
        body: Type.Object({ revision: Type.Optional(Revision) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const { namespace, name } = request.params;
      const model = await seen(namespace, name, request.actor);
      return acceptLicence(ctx, request.actor, model, request.body.revision, originOf(request));
    },
  );

  app.get(
    "/api/inbox/access-requests",
    { config: { access: { account: "write" } } },
    async (request) => accessRequestInbox(ctx, request.actor),
  );

  app.get("/api/access/mine", { config: { access: { account: "read" } } }, async (request) =>
    listMine(ctx, request.actor),
  );
}
