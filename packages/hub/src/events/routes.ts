import { Type } from "@fastify/type-provider-typebox";
import type { HubContext } from "../context.js";
import { originOf, type HubApp, type RouteAccess } from "../http/index.js";
import { listDeliveries, redeliver } from "./deliveries.js";
import {
  createSubscription,
  deleteSubscription,
  listSubscriptions,
  showSubscription,
  updateSubscription,
} from "./subscriptions.js";
import type { WebhookTarget } from "./webhook-scope.js";

const Segment = Type.String({ minLength: 1, maxLength: 96 });
const Id = Type.String({ minLength: 1, maxLength: 64 });
// Event types and URLs are checked after access, so a hidden model answers as missing whatever is asked.
const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: "an http:// or https:// URL the events are POSTed to",
  examples: ["https://hooks.example.com/gatehouse"],
});
const Events = Type.Array(
  Type.String({
    minLength: 1,
    maxLength: 64,
    description: "an event type of docs/webhooks.md",
    examples: ["version.published"],
  }),
  { minItems: 1, maxItems: 32 },
);
const Description = Type.String({ maxLength: 500 });

const CreateBody = Type.Object(
  { url: Url, events: Events, description: Type.Optional(Description) },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/**
 * The routes of one kind of scope: a model's subscriptions under
 * `/api/models/:namespace/:name/webhooks`, a namespace's under
 * `/api/namespaces/:namespace/webhooks`.
 */
function registerScope(
  app: HubApp,
  ctx: HubContext,
  base: string,
  access: RouteAccess,
  targetOf: (params: { namespace: string; name?: string }) => WebhookTarget,
): void {
  const ofModel = base.includes("/:name/");
  const Params = ofModel
    ? Type.Object({ namespace: Segment, name: Segment })
    : Type.Object({ namespace: Segment });
  const IdParams = ofModel
    ? Type.Object({ namespace: Segment, name: Segment, id: Id })
    : Type.Object({ namespace: Segment, id: Id });
  const DeliveryParams = ofModel
    ? Type.Object({ namespace: Segment, name: Segment, id: Id, delivery: Id })
    : Type.Object({ namespace: Segment, id: Id, delivery: Id });

  app.post(
    base,
    { config: { access }, schema: { params: Params, body: CreateBody } },
    async (request, reply) => {
      const created = await createSubscription(
        ctx,
        request.actor,
        targetOf(request.params),
        request.body,
        originOf(request),
      );
      return reply.status(201).send(created);
    },
  );

  app.get(base, { config: { access }, schema: { params: Params } }, async (request) =>
    listSubscriptions(ctx, request.actor, targetOf(request.params)),
  );

  app.get(`${base}/:id`, { config: { access }, schema: { params: IdParams } }, async (request) =>
    showSubscription(ctx, request.actor, targetOf(request.params), request.params.id),
  );

  app.patch(
    `${base}/:id`,
    { config: { access }, schema: { params: IdParams, body: UpdateBody } },
    async (request) =>
      updateSubscription(
        ctx,
        request.actor,
        targetOf(request.params),
        request.params.id,
        request.body,
        originOf(request),
      ),
  );

  app.delete(
    `${base}/:id`,
    { config: { access }, schema: { params: IdParams } },
    async (request, reply) => {
      await deleteSubscription(
        ctx,
        request.actor,
        targetOf(request.params),
        request.params.id,
        originOf(request),
      );
      return reply.status(204).send();
    },
  );

  app.get(
    `${base}/:id/deliveries`,
    {
      config: { access },
      schema: {
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
      },
    },
    async (request) =>
      listDeliveries(
        ctx,
        request.actor,
        targetOf(request.params),
        request.params.id,
        request.query.limit ?? 50,
      ),
  );

  app.post(
    `${base}/:id/deliveries/:delivery/redeliver`,
    { config: { access }, schema: { params: DeliveryParams } },
    async (request, reply) => {
      const view = await redeliver(
        ctx,
        request.actor,
        targetOf(request.params),
        request.params.id,
        request.params.delivery,
        originOf(request),
      );
      return reply.status(202).send(view);
    },
  );
}

/** Webhook subscriptions of models and of namespaces, their deliveries, and redelivery. */
export function registerEventRoutes(app: HubApp, ctx: HubContext): void {
  registerScope(
    app,
    ctx,
    "/api/models/:namespace/:name/webhooks",
    { model: "model.manage-webhooks" },
    (p) => ({ namespace: p.namespace, name: p.name ?? null }),
  );
  registerScope(app, ctx, "/api/namespaces/:namespace/webhooks", { account: "write" }, (p) => ({
    namespace: p.namespace,
    name: null,
  }));
}
