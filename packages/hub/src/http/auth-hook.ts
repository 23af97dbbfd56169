import { authenticate } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { FailureLimiter } from "../limits/index.js";
import type { HubApp } from "./hub-app.js";

/**
 * Sets `request.actor` on every request. A client address that sent too many
 * bad tokens in the last minute is refused before its token is even looked up.
 */
export function registerAuthHook(app: HubApp, ctx: HubContext, limiter: FailureLimiter): void {
  app.decorateRequest("actor", null as never);
  app.addHook("onRequest", async (request, reply) => {
    const header = request.headers.authorization;
    if (header !== undefined && header !== "") {
      const wait = limiter.retryAfter(request.ip);
      if (wait > 0) {
        void reply.header("Retry-After", String(wait));
        throw new HubError(
          "RATE_LIMITED",
          `too many failed sign-ins from this address; try again in ${wait} s`,
        );
      }
    }
    try {
      request.actor = await authenticate(ctx, header);
    } catch (err) {
      if (err instanceof HubError && err.code === "INVALID_TOKEN") {
        limiter.record(request.ip);
      }
      throw err;
    }
  });
}
