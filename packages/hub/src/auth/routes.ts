import { Type } from "@fastify/type-provider-typebox";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { originOf, type HubApp } from "../http/index.js";
import {
  ORG_ROLES,
  createOrg,
  createUser,
  listMembers,
  orgsOf,
  removeMember,
  setMember,
} from "./accounts.js";
import { SCOPES, hasScope } from "./actor.js";
import { parseDuration } from "./duration.js";
import { createToken, listTokens, revokeToken } from "./manage-tokens.js";
import { DEFAULT_ROTATION_GRACE_MS, rotateToken } from "./rotate-token.js";
import { requireUser } from "./require-user.js";

const Name = Type.String({ minLength: 1, maxLength: 96 });

/**
 * A `date-time` the schema accepted as a Date. The format allows what a Date
 * cannot hold (a leap second such as 23:59:60), so the conversion is checked.
 */
function parseTime(field: string, text: string): Date {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    throw new HubError(
      "BAD_REQUEST",
      `${field} "${text}" is not a time this hub can store; give one such as 2027-01-31T00:00:00Z`,
    );
  }
  return time;
}
const ScopeSchema = Type.Union(SCOPES.map((s) => Type.Literal(s)));
const RoleSchema = Type.Union(ORG_ROLES.map((r) => Type.Literal(r)));

/** Accounts, organisations and tokens, plus the Hugging Face `whoami-v2`. */
export function registerAuthRoutes(app: HubApp, ctx: HubContext): void {
  app.get(
    "/api/whoami-v2",
    { config: { access: { account: "read", restrictedTokens: "allowed" } } },
    async (request) => {
      const user = requireUser(request.actor);
      const profile = await ctx.db
        .selectFrom("users")
        .select(["email", "fullname"])
        .where("id", "=", user.userId)
        .executeTakeFirstOrThrow();
      const orgs = await orgsOf(ctx.db, user.userId);
      return {
        id: user.userId,
        type: "user",
        name: user.name,
        fullname: profile.fullname ?? user.name,
        email: profile.email,
        emailVerified: false,
        isPro: false,
        canPay: false,
        avatarUrl: "",
        periodEnd: null,
        orgs: orgs.map((o) => ({
          id: o.id,
          type: "org",
          name: o.name,
          fullname: o.name,
          roleInOrg: o.role,
        })),
        auth: {
          type: "access_token",
          accessToken: {
            displayName: user.token.name,
            role: hasScope(user.token.scopes, "write") ? "write" : "read",
            createdAt: user.token.createdAt,
          },
        },
        gatehouse: {
          isAdmin: user.isAdmin,
          // A web session is not a token: its id stays out of what token holders read.
          tokenId: user.token.session === true ? null : user.token.id,
          session: user.token.session === true,
          scopes: user.token.scopes,
          modelId: user.token.modelId,
        },
      };
    },
  );

  app.post(
    "/api/users",
    {
      config: { access: { account: "admin" } },
      schema: {
        body: Type.Object(
          {
            name: Name,
            email: Type.Optional(Type.String({ format: "email", maxLength: 254 })),
            fullname: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const user = await createUser(ctx, request.actor, request.body, originOf(request));
      return reply.status(201).send({ id: user.id, name: user.name, type: "user" });
    },
  );

  app.post(
    "/api/tokens",
    {
      config: { access: { account: "read", restrictedTokens: "allowed" } },
      schema: {
        body: Type.Object(
          {
            scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 3 }),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            user: Type.Optional(Name),
            model: Type.Optional(Type.String({ minLength: 3, maxLength: 200 })),
            expiresIn: Type.Optional(Type.String({ maxLength: 20 })),
            expiresAt: Type.Optional(Type.String({ format: "date-time" })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.expiresIn !== undefined && body.expiresAt !== undefined) {
        throw new HubError("BAD_REQUEST", "give expiresIn or expiresAt, not both");
      }
      const expiresAt =
        body.expiresIn !== undefined
          ? new Date(ctx.clock.now().getTime() + parseDuration(body.expiresIn))
          : body.expiresAt !== undefined
            ? parseTime("body/expiresAt", body.expiresAt)
            : undefined;
      const created = await createToken(
        ctx,
        request.actor,
        { scopes: body.scopes, name: body.name, forUser: body.user, model: body.model, expiresAt },
        originOf(request),
      );
      return reply.status(201).send({ ...created.info, token: created.token });
    },
  );

  app.get(
    "/api/tokens",
    {
      config: { access: { account: "read", restrictedTokens: "allowed" } },
      schema: { querystring: Type.Object({ user: Type.Optional(Name) }) },
    },
    async (request) => ({ tokens: await listTokens(ctx, request.actor, request.query.user) }),
  );

  app.delete(
    "/api/tokens/:id",
    {
      config: { access: { account: "write", restrictedTokens: "allowed" } },
      schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }) }) },
    },
    async (request) => revokeToken(ctx, request.actor, request.params.id, originOf(request)),
  );

  app.post(
    "/api/tokens/:id/rotate",
    {
      config: { access: { account: "write", restrictedTokens: "allowed" } },
      schema: {
        description:
          "Replace a token by a new one with the same name, scopes, model and expiry; the old one keeps working for the grace period (default 1h, at most 7d), and limits set on it carry over.",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object({
          grace: Type.Optional(
            Type.String({ maxLength: 20, description: "a duration such as 30m, 1h or 2d" }),
          ),
        }),
      },
    },
    async (request, reply) => {
      const grace = request.query.grace;
      const rotated = await rotateToken(
        ctx,
        request.actor,
        request.params.id,
        grace === undefined ? DEFAULT_ROTATION_GRACE_MS : parseDuration(grace),
        originOf(request),
      );
      return reply.status(201).send(rotated);
    },
  );

  app.post(
    "/api/orgs",
    {
      config: { access: { account: "write" } },
      schema: { body: Type.Object({ name: Name }, { additionalProperties: false }) },
    },
    async (request, reply) => {
      const org = await createOrg(ctx, request.actor, request.body.name, originOf(request));
      return reply.status(201).send({ id: org.id, name: org.name, type: "org" });
    },
  );

  const MemberParams = Type.Object({ org: Name, user: Name });

  app.get(
    "/api/orgs/:org/members",
    { config: { access: { account: "read" } }, schema: { params: Type.Object({ org: Name }) } },
    async (request) => ({ members: await listMembers(ctx, request.actor, request.params.org) }),
  );

  app.put(
    "/api/orgs/:org/members/:user",
    {
      config: { access: { account: "write" } },
      schema: {
        params: MemberParams,
        body: Type.Object({ role: RoleSchema }, { additionalProperties: false }),
      },
    },
    async (request) => {
      await setMember(
        ctx,
        request.actor,
        { org: request.params.org, user: request.params.user, role: request.body.role },
        originOf(request),
      );
      return { org: request.params.org, user: request.params.user, role: request.body.role };
    },
  );

  app.delete(
    "/api/orgs/:org/members/:user",
    { config: { access: { account: "write" } }, schema: { params: MemberParams } },
    async (request, reply) => {
      await removeMember(ctx, request.actor, request.params, originOf(request));
      return reply.status(204).send();
    },
  );
}
