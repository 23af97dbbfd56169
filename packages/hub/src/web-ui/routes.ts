import { access } from "node:fs/promises";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { HubContext } from "../context.js";
import type { HubApp } from "../http/index.js";

/**
 * What the browser may run on a page of the UI: only the hub's own scripts
 * (no inline script, no eval: Vega runs with its expression interpreter),
 * styles inline too (Vega and the charts set them), nothing framed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Answers a request for a page of the UI, or returns false when it is not one. */
export type ServePage = (request: FastifyRequest, reply: FastifyReply) => boolean;

/**
 * Whether a request that matched no route asks for a page of the UI: a
 * browser's navigation (GET or HEAD that accepts HTML) outside `/api/`. API
 * clients keep getting the JSON 404 for paths that do not exist.
 */
function isPageRequest(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return false;
  }
  const url = request.url;
  if (url.startsWith("/api/") || url === "/api") {
    return false;
  }
  return (request.headers.accept ?? "").includes("text/html");
}

/**
 * Serves the built web UI: its hashed assets under `/assets/`, cached for
 * ever, and `index.html` for every other page the browser navigates to, so
 * the UI's own router decides what to show (a model the caller may not see
 * looks like one that does not exist, since the page asks the same API).
 * Without a built UI (`npm run build` not run) only the API is served.
 */
export async function registerWebUi(app: HubApp, ctx: HubContext): Promise<ServePage> {
  const root = ctx.config.webDir;
  const index = path.join(root, "index.html");
  const built = await access(index).then(
    () => true,
    () => false,
  );
  if (!built) {
    return () => false;
  }
  await app.register(fastifyStatic, { root, serve: false });
  app.get(
    "/assets/*",
    { config: { access: { public: true } }, schema: { hide: true } },
    (request, reply) => {
      const file = (request.params as { "*": string })["*"];
      // File names carry their content hash, so a cached copy never goes stale.
      return reply.sendFile(path.posix.join("assets", file), { immutable: true, maxAge: "365d" });
    },
  );
  return (request, reply) => {
    if (!isPageRequest(request)) {
      return false;
    }
    void reply
      .status(200)
      .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .header("X-Content-Type-Options", "nosniff")
      .header("Referrer-Policy", "same-origin")
      .header("Cache-Control", "no-cache")
      .sendFile("index.html", { cacheControl: false });
    return true;
  };
}
