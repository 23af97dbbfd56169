import { Type } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import {
  CSRF_COOKIE,
  SESSION_COOKIE,
  originOf,
  sessionCookieOptions,
  setSessionCookie,
  withPasswordLimits,
  type AuthLimits,
  type HubApp,
} from "../http/index.js";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../passwords/index.js";
import { requireScope, requireUnrestricted } from "./require-user.js";
import { changeOwnPassword, setUserPassword } from "./set-password.js";
import { signIn } from "./sign-in.js";
import { requireSession, signOut } from "./web-sessions.js";

const NEW_PASSWORD = `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`;

/** A password being checked: one longer than any the hub accepts cannot be right. */
const TypedPassword = Type.String({
  minLength: 1,
  maxLength: PASSWORD_MAX_LENGTH,
  examples: ["correct horse battery staple"],
});

/**
 * A password being set. Its rules are checked by the service, whose message
 * says what to change, rather than by the schema.
 */
const NewPassword = Type.String({
  description: NEW_PASSWORD,
  examples: ["staple battery horse correct"],
});

/**
 * Sign-in must come as JSON: an HTML form on another site can post a
 * urlencoded, multipart or text/plain body cross-site without the browser
 * asking first, and so could sign a visitor in as someone else.
 */
function requireJson(request: FastifyRequest, _reply: unknown, done: (err?: Error) => void): void {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    done(
      new HubError(
        "BAD_REQUEST",
        "sign in with a JSON body {username, password} sent as 'Content-Type: application/json'",
        undefined,
        415,
      ),
    );
    return;
  }
  done();
}

/**
 * Web sign-in: sessions (`/api/session`) and passwords. A session is carried
 * by the `gatehouse_session` cookie; its CSRF token, answered here, goes in
 * `X-CSRF-Token` on every request that changes something (http/csrf.ts).
 */
export function registerSessionRoutes(app: HubApp, ctx: HubContext, limits: AuthLimits): void {
  app.post(
    "/api/session",
    {
      config: { access: { signIn: "password" } },
      onRequest: requireJson,
      schema: {
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 96, examples: ["alice"] }),
            password: TypedPassword,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const signedIn = await withPasswordLimits(request, reply, limits, username, () =>
        signIn(ctx, { username, password }, originOf(request)),
      );
      setSessionCookie(reply, ctx.config, signedIn);
      return {
        user: signedIn.user,
        csrfToken: reply.generateCsrf({ userInfo: signedIn.sessionId }),
        expiresAt: signedIn.expiresAt,
      };
    },
  );

  app.get(
    "/api/session",
    { config: { access: { account: "read", restrictedTokens: "allowed" } } },
    async (request, reply) => {
      const user = requireSession(request.actor);
      void reply.header("Cache-Control", "no-store");
      return {
        user: { name: user.name, isAdmin: user.isAdmin },
        csrfToken: reply.generateCsrf({ userInfo: user.token.id }),
        expiresAt: user.token.expiresAt,
      };
    },
  );

  app.delete(
    "/api/session",
    { config: { access: { account: "read", restrictedTokens: "allowed" } } },
    async (request, reply) => {
      await signOut(ctx, request.actor, originOf(request));
      void reply
        .clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx.config))
        .clearCookie(CSRF_COOKIE, { path: "/" });
      return reply.status(204).send();
    },
  );

  app.put(
    "/api/user/password",
    {
      config: { access: { account: "write" } },
      schema: {
        body: Type.Object(
          { currentPassword: TypedPassword, newPassword: NewPassword },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      // Who may try comes first, so a refusal for that is never counted as a failed sign-in.
      const user = requireUnrestricted(requireScope(request.actor, "write"), "change a password");
      return withPasswordLimits(request, reply, limits, user.name, () =>
        changeOwnPassword(ctx, request.actor, request.body, originOf(request)),
      );
    },
  );

  app.put(
    "/api/users/:name/password",
    {
      config: { access: { account: "admin" } },
      schema: {
        params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 96 }) }),
        body: Type.Object({ password: NewPassword }, { additionalProperties: false }),
      },
    },
    async (request) =>
      setUserPassword(
        ctx,
        request.actor,
        request.params.name,
        request.body.password,
        originOf(request),
      ),
  );
}
