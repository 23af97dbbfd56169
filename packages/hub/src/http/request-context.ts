import type { FastifyRequest } from "fastify";
import type { RequestOrigin } from "../audit/index.js";
import type { Actor } from "../auth/index.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Who is calling, set by the authentication hook before any handler runs. */
    actor: Actor;
  }
}

/** Where a request came from, for the erasable side of the audit log. */
export function originOf(request: FastifyRequest): RequestOrigin {
  const agent = request.headers["user-agent"];
  return { address: request.ip, userAgent: agent === undefined ? null : agent.slice(0, 256) };
}

/** The URL clients use to reach the hub, for absolute links (pagination). */
export function baseUrlOf(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) {
    return publicUrl;
  }
  return `${request.protocol}://${request.host}`;
}
