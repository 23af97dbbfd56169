import { Type, type TSchema } from "@fastify/type-provider-typebox";
import type { HubContext } from "../context.js";
import { originOf, type HubApp, type RouteAccess } from "../http/index.js";
import type { ScopeRef } from "./limit-scope.js";
import { LimitSpecSchema } from "./limit-spec.js";
import { clearLimits, limitsOf, listLimits, setLimits } from "./set-limits.js";
import { approveTier, listTiers, releaseTier } from "./tier-approval.js";

const Segment = Type.String({ minLength: 1, maxLength: 96 });

interface ScopeRoute {
  readonly url: string;
  readonly what: string;
  readonly access: RouteAccess;
  readonly params?: TSchema;
  readonly refOf: (params: Record<string, string>) => ScopeRef;
}

const param = (params: Record<string, string>, key: string): string => params[key] ?? "";

/** Each scope limits can be set on, with the route that names it. */
const SCOPES: readonly ScopeRoute[] = [
  {
    url: "/api/limits/default",
    what: "the hub's defaults, which count for each caller on their own",
    access: { account: "admin" },
    refOf: () => ({ kind: "default" }),
  },
  {
    url: "/api/limits/users/:name",
    what: "a user, counting all their calls together",
    access: { account: "admin" },
    params: Type.Object({ name: Segment }),
    refOf: (p) => ({ kind: "user", name: param(p, "name") }),
  },
  {
    url: "/api/limits/orgs/:name",
    what: "an organisation, counting all its members' calls together",
    access: { account: "admin" },
    params: Type.Object({ name: Segment }),
    refOf: (p) => ({ kind: "org", name: param(p, "name") }),
  },
  {
    url: "/api/limits/tokens/:id",
    what: "one access token",
    access: { account: "admin" },
    params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
    refOf: (p) => ({ kind: "token", id: param(p, "id") }),
  },
  {
    url: "/api/models/:namespace/:name/versions/:version/limits",
    what: "a model version, counting for each caller on their own",
    access: { model: "version.release" },
    params: Type.Object({ namespace: Segment, name: Segment, version: Segment }),
    refOf: (p) => ({
      kind: "version",
      namespace: param(p, "namespace"),
      name: param(p, "name"),
      version: param(p, "version"),
    }),
  },
];

/** Setting, reading and removing usage limits (docs/limits.md). */
export function registerLimitRoutes(app: HubApp, ctx: HubContext): void {
  for (const scope of SCOPES) {
    const params = scope.params === undefined ? {} : { params: scope.params };
    app.put(
      scope.url,
      {
        config: { access: scope.access },
        schema: {
          description: `Set the usage limits of ${scope.what}, replacing those set before.`,
          ...params,
          body: LimitSpecSchema,
        },
      },
      async (request) =>
        setLimits(
          ctx,
          request.actor,
          scope.refOf(request.params as Record<string, string>),
          request.body,
          originOf(request),
        ),
    );
    app.get(
      scope.url,
      {
        config: { access: scope.access },
        schema: {
          description: `The usage limits of ${scope.what}; spec is null where none are set.`,
          ...params,
        },
      },
      async (request) =>
        limitsOf(ctx, request.actor, scope.refOf(request.params as Record<string, string>)),
    );
    app.delete(
      scope.url,
      {
        config: { access: scope.access },
        schema: { description: `Remove the usage limits of ${scope.what}.`, ...params },
      },
      async (request, reply) => {
        await clearLimits(
          ctx,
          request.actor,
          scope.refOf(request.params as Record<string, string>),
          originOf(request),
        );
        return reply.status(204).send();
      },
    );
  }
  app.get(
    "/api/limits",
    {
      config: { access: { account: "admin" } },
      schema: { description: "Every scope that has usage limits, for administrators." },
    },
    async (request) => listLimits(ctx, request.actor),
  );
  registerTierRoutes(app, ctx);
}

const TierAccount = Type.Object({ account: Segment });

/** The usage tiers: who holds which, and administrators' approvals (docs/limits.md). */
function registerTierRoutes(app: HubApp, ctx: HubContext): void {
  app.get(
    "/api/limits/tiers",
    {
      config: { access: { account: "admin" } },
      schema: {
        description:
          "The usage tiers the policy files define, lowest first, and the tier each evaluated user and organisation holds.",
      },
    },
    async (request) => listTiers(ctx, request.actor),
  );
  app.put(
    "/api/limits/tiers/:account",
    {
      config: { access: { account: "admin" } },
      schema: {
        description:
          "Approve a user or organisation for a usage tier and pin it there, so the tier rules no longer move it.",
        params: TierAccount,
        body: Type.Object(
          { tier: Type.String({ minLength: 1, maxLength: 64, description: "a tier's name" }) },
          { additionalProperties: false, examples: [{ tier: "scale" }] },
        ),
      },
    },
    async (request) =>
      approveTier(ctx, request.actor, request.params.account, request.body.tier, originOf(request)),
  );
  app.delete(
    "/api/limits/tiers/:account",
    {
      config: { access: { account: "admin" } },
      schema: {
        description:
          "Release a pinned user or organisation: the tier rules evaluate it again at once.",
        params: TierAccount,
      },
    },
    async (request) => releaseTier(ctx, request.actor, request.params.account, originOf(request)),
  );
}
