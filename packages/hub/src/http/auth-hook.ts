import type { FastifyReply } from "fastify";
import { ANONYMOUS, authenticate, presentedTokenDigest } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { addressKey, type FailureLimiter } from "../limits/index.js";
import type { HubApp } from "./hub-app.js";

/** Where failed sign-ins are counted: per client address and per presented token. */
export interface AuthLimits {
  readonly addresses: FailureLimiter;
  readonly tokens: FailureLimiter;
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

function rateLimited(reply: FastifyReply, wait: number, message: string): HubError {
  void reply.header("Retry-After", String(wait));
  return new HubError("RATE_LIMITED", message);
}

const tokenLimited = (reply: FastifyReply, wait: number): HubError =>
  rateLimited(
    reply,
    wait,
    `this token was refused too often: it is unknown, expired or revoked; create a new one (it is looked up again in ${wait} s)`,
  );

/**
 * Sets `request.actor` on every request. Every presented token is looked up
 * and a valid one is always served, so nobody is locked out by someone else's
 * failures (behind a proxy, everyone shares an address). A failure counts
 * against the client address and against the token's digest (never the
 * token): an address over its limit gets 429 instead of 401 for its bad
 * tokens, and a token over its limit is refused without a lookup, since an
 * unknown, expired or revoked token never becomes valid.
 */
export function registerAuthHook(app: HubApp, ctx: HubContext, limits: AuthLimits): void {
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
    if (header === undefined || header === "") {
      request.actor = ANONYMOUS;
      return;
    }
    let digest: string | undefined;
    try {
      digest = presentedTokenDigest(header);
      const wait = await limits.tokens.blockedFor(digest);
      if (wait > 0) {
        await limits.addresses.recordFailure(addressKey(request.ip));
        throw tokenLimited(reply, wait);
      }
      request.actor = await authenticate(ctx, digest);
    } catch (err) {
      if (!(err instanceof HubError) || err.code !== "INVALID_TOKEN") {
        throw err;
      }
      const [addressWait, tokenWait] = await Promise.all([
        limits.addresses.recordFailure(addressKey(request.ip)),
        digest === undefined ? 0 : limits.tokens.recordFailure(digest),
      ]);
      if (addressWait > 0) {
        throw rateLimited(
          reply,
          addressWait,
          `too many failed sign-ins from this address; try again in ${addressWait} s`,
        );
      }
      if (tokenWait > 0) {
        throw tokenLimited(reply, tokenWait);
      }
      throw err;
    }
  });
}
