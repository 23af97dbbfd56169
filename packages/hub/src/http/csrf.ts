import csrfProtection from "@fastify/csrf-protection";
import type { FastifyRequest } from "fastify";
import type { HubApp } from "./hub-app.js";
import { CSRF_COOKIE, CSRF_HEADER } from "./session-cookie.js";

/** Methods that change nothing, which a cross-site page may make a browser send anyway. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The web session a request signed in with, or undefined (anonymous, or a token). */
function sessionIdOf(request: FastifyRequest): string | undefined {
  const actor = request.actor;
  return actor.kind === "user" && actor.token.session === true ? actor.token.id : undefined;
}

/**
 * CSRF protection for requests signed in by a session cookie, which a browser
 * attaches to requests other sites make it send. @fastify/csrf-protection
 * keeps a secret in the `gatehouse_csrf` cookie; a token (from GET or POST
 * /api/session) is an HMAC over that secret and the session's id, under
 * `hmacKey`, which every hub process on the database shares. Every request
 * signed in by a session whose method is not GET, HEAD or OPTIONS must carry
 * a token for its own session in `X-CSRF-Token`, else it is refused 403
 * CSRF_INVALID before its body is read. Requests with a token in
 * `Authorization` need none: no other site can make a browser send that.
 *
 * Registered after the authentication hook, whose actor it reads.
 */
export async function registerCsrf(app: HubApp, hmacKey: string, secure: boolean): Promise<void> {
  await app.register(csrfProtection, {
    cookieKey: CSRF_COOKIE,
    // Only ever needed by the hub's own page, so never sent from another site.
    cookieOpts: { path: "/", sameSite: "strict", httpOnly: true, secure },
    // From the header alone: a token in a form field or the query would be within a cross-site form's reach.
    getToken: (request) => {
      const token = request.headers[CSRF_HEADER];
      return typeof token === "string" ? token : undefined;
    },
    getUserInfo: (request) => sessionIdOf(request) ?? "",
    csrfOpts: { hmacKey, userInfo: true },
    logLevel: "info",
  });
  app.addHook("onRequest", (request, reply, done) => {
    if (SAFE_METHODS.has(request.method) || sessionIdOf(request) === undefined) {
      done();
      return;
    }
    // Refuses through reply.send, which the hub's error handler answers as CSRF_INVALID (error-reply.ts).
    app.csrfProtection(request, reply, done);
  });
}
