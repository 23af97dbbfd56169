import type { FastifyReply, FastifyRequest } from "fastify";
import {
  ANONYMOUS,
  authenticate,
  authenticateSession,
  presentedTokenDigest,
  sessionDigest,
  type Actor,
} from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { addressKey, type FailureLimiter } from "../limits/index.js";
import type { HubApp } from "./hub-app.js";
import type { RouteAccess } from "./route-access.js";
import { SESSION_COOKIE, sessionCookieOptions } from "./session-cookie.js";

/**
 * Where failed sign-ins are counted: per client address, per presented
 * credential (the digest of a token or of a session cookie), and per user name
 * a password was tried for. Made once by the app and shared by the hook and
 * the password routes, so each address has one allowance.
 */
export interface AuthLimits {
  readonly addresses: FailureLimiter;
  readonly tokens: FailureLimiter;
  readonly usernames: FailureLimiter;
}

/** How many Authorization headers the request carries; Node keeps only the first in `headers`. */
function authorizationCount(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name !== undefined && name.length === 13 && name.toLowerCase() === "authorization") {
      count += 1;
    }
  }
  return count;
}

/** A 429 with `Retry-After`; the header is set on `reply` before the error is answered. */
export function rateLimited(reply: FastifyReply, wait: number, message: string): HubError {
  void reply.header("Retry-After", String(wait));
  return new HubError("RATE_LIMITED", message);
}

/** The 429 for an address over its limit. */
export const addressLimited = (reply: FastifyReply, wait: number): HubError =>
  rateLimited(reply, wait, `too many failed sign-ins from this address; try again in ${wait} s`);

/** A way of signing in that the hook checks: where its credential is, and how its refusals read. */
interface Credential {
  /** The code its lookup fails with, which counts as a failure. */
  readonly failure: "INVALID_TOKEN" | "INVALID_SESSION";
  readonly limited: (reply: FastifyReply, wait: number) => HubError;
  readonly lookUp: (digest: string) => Promise<Actor>;
}

/**
 * Looks up a presented credential by its digest, counting a failure against
 * the client address and the digest: an address over its limit gets 429
 * instead of 401, and a digest over its limit is refused without a lookup.
 */
async function checked(
  request: FastifyRequest,
  reply: FastifyReply,
  limits: AuthLimits,
  credential: Credential,
  digestOf: () => string,
): Promise<Actor> {
  let digest: string | undefined;
  try {
    digest = digestOf();
    const wait = await limits.tokens.blockedFor(digest);
    if (wait > 0) {
      await limits.addresses.recordFailure(addressKey(request.ip));
      throw credential.limited(reply, wait);
    }
    return await credential.lookUp(digest);
  } catch (err) {
    if (!(err instanceof HubError) || err.code !== credential.failure) {
      throw err;
    }
    const [addressWait, digestWait] = await Promise.all([
      limits.addresses.recordFailure(addressKey(request.ip)),
      digest === undefined ? 0 : limits.tokens.recordFailure(digest),
    ]);
    if (addressWait > 0) {
      throw addressLimited(reply, addressWait);
    }
    if (digestWait > 0) {
      throw credential.limited(reply, digestWait);
    }
    throw err;
  }
}

/**
 * Whether a request gets the same answer whoever asks, so a session cookie
 * need not be looked up: the web UI's page (no route of its own) and its
 * files. A cookie of a session that ended must not stop the page loading,
 * since the page is what sends its user back to sign-in.
 */
function servesEveryoneAlike(request: FastifyRequest, access: RouteAccess | undefined): boolean {
  return access === undefined || request.url.startsWith("/assets/");
}

/**
 * Sets `request.actor` on every request. An `Authorization` header decides
 * alone (a session cookie beside it is ignored); without one, a
 * `gatehouse_session` cookie signs in its web session. Every presented
 * credential is looked up and a valid one is always served, so nobody is
 * locked out by someone else's failures (behind a proxy, everyone shares an
 * address). A failure counts against the client address and against the
 * credential's digest (never the credential): an address over its limit gets
 * 429 instead of 401 for its bad credentials, and a credential over its
 * limit is refused without a lookup, since an unknown, expired or revoked one
 * never becomes valid. A refused session cookie is also cleared, so the
 * browser's next request goes without it.
 *
 * Registered after @fastify/cookie, whose own onRequest hook reads the cookies.
 */
export function registerAuthHook(app: HubApp, ctx: HubContext, limits: AuthLimits): void {
  const token: Credential = {
    failure: "INVALID_TOKEN",
    limited: (reply, wait) =>
      rateLimited(
        reply,
        wait,
        `this token was refused too often: it is unknown, expired or revoked; create a new one (it is looked up again in ${wait} s)`,
      ),
    lookUp: (digest) => authenticate(ctx, digest),
  };
  const session: Credential = {
    failure: "INVALID_SESSION",
    limited: (reply, wait) =>
      rateLimited(
        reply,
        wait,
        `this session cookie was refused too often: it is unknown or has ended; sign in again (it is looked up again in ${wait} s)`,
      ),
    lookUp: (digest) => authenticateSession(ctx, digest),
  };
  app.decorateRequest("actor", null as never);
  app.addHook("onRequest", async (request, reply) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const count = authorizationCount(request.raw.rawHeaders);
      if (count > 1) {
        // Which one counts would be a guess, and a proxy may have added one: refuse both.
        throw new HubError(
          "BAD_REQUEST",
          `the request has ${count} Authorization headers; send one, 'Authorization: Bearer <token>'`,
        );
      }
    }
    if (header !== undefined && header !== "") {
      request.actor = await checked(request, reply, limits, token, () =>
        presentedTokenDigest(header),
      );
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    const access = request.routeOptions.config.access;
    if (
      cookie === undefined ||
      cookie === "" ||
      (access !== undefined && "signIn" in access) ||
      servesEveryoneAlike(request, access)
    ) {
      request.actor = ANONYMOUS;
      return;
    }
    try {
      request.actor = await checked(request, reply, limits, session, () => sessionDigest(cookie));
    } catch (err) {
      if (
        err instanceof HubError &&
        (err.code === "INVALID_SESSION" || err.code === "RATE_LIMITED")
      ) {
        void reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx.config));
      }
      throw err;
    }
  });
}
