import { performance } from "node:perf_hooks";
import { Type } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { durationMs } from "../config.js";
import type { Actor } from "../auth/index.js";
import { requireUnrestricted } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { HubApp } from "../http/index.js";
import { loadModel } from "../registry/index.js";
import type { UsageEndpoint, UsageProtocol } from "../store/index.js";
import { addressKey } from "./address-key.js";
import { callInputs } from "./call-inputs.js";
import type { ObservedCall } from "./signal-detectors.js";
import { noCallFacts, type CallFacts, type UsageEntry } from "./usage-entry.js";
import { usageReport } from "./usage-report.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route is a hosted-inference endpoint: each call to it leaves a usage record. */
    usage?: { readonly protocol: UsageProtocol; readonly endpoint: UsageEndpoint };
  }
  interface FastifyRequest {
    /** What the serving core learnt about this call, for its usage record; null off the usage routes. */
    usageFacts: CallFacts | null;
  }
}

/** The status of a call whose client went away before the answer was out (nginx's convention). */
export const CLIENT_GONE = 499;

/** The usage entry of a finished (or abandoned) call, with its inputs' signature for the signals. */
function entryOf(
  ctx: HubContext,
  request: FastifyRequest,
  reply: FastifyReply,
  usage: { protocol: UsageProtocol; endpoint: UsageEndpoint },
  facts: CallFacts,
  startedAt: number,
): ObservedCall {
  // Unset when the request failed before the authentication hook ran.
  const actor = request.actor as Actor | undefined;
  const user = actor?.kind === "user" ? actor : null;
  const gone = !reply.raw.writableFinished;
  const errorCode = reply.getHeader("x-error-code");
  const agent = request.headers["user-agent"];
  const { rows, inputHash, signature } = callInputs(
    usage.endpoint,
    request.body,
    request.tensorBytes,
  );
  const retryAfter = Number(reply.getHeader("retry-after"));
  const entry: UsageEntry = {
    at: ctx.clock.now(),
    requestId: request.id,
    // A web session is no row of the tokens table.
    tokenId: user === null || user.token.session === true ? null : user.token.id,
    userId: user?.userId ?? null,
    orgId: facts.orgId,
    versionId: facts.versionId,
    protocol: usage.protocol,
    endpoint: usage.endpoint,
    status: gone ? CLIENT_GONE : reply.statusCode,
    errorCode: gone ? "CLIENT_GONE" : typeof errorCode === "string" ? errorCode : facts.errorCode,
    rows,
    inputHash,
    latencyMs: performance.now() - startedAt,
    tokens: facts.tokens,
    address: addressKey(request.ip),
    userAgent: agent === undefined ? null : agent.slice(0, 256),
    retryAfterS: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null,
  };
  return { entry, signature };
}

/**
 * Records every call to a route that declares `config.usage`, refusals and
 * abandoned calls included. The record is made when the response's socket
 * closes, not in `onResponse`: Fastify runs that hook only once a response
 * finished, so a client that hangs up mid-call would leave no trace. The
 * route's handler fills `request.usageFacts`; this hook only reads it.
 */
function registerUsageRecording(app: HubApp, ctx: HubContext): void {
  app.decorateRequest("usageFacts", null);
  app.addHook("onRequest", (request, reply, done) => {
    const usage = request.routeOptions.config.usage;
    if (usage !== undefined) {
      const startedAt = performance.now();
      const facts = noCallFacts();
      request.usageFacts = facts;
      reply.raw.once("close", () => {
        try {
          const call = entryOf(ctx, request, reply, usage, facts, startedAt);
          ctx.usage.record(call.entry);
          ctx.signals.observe(call);
        } catch (err) {
          request.log.error({ err }, "a usage record could not be made");
        }
      });
    }
    done();
  });
}

/** The longest `since` or `until` text a usage route reads. */
export const MAX_WINDOW_TEXT = 64;

/** `since`/`until` as a time: an ISO date-time, or (since only) a duration back from now. */
export function pointIn(
  name: "since" | "until",
  text: string,
  now: Date,
  durations: boolean,
): Date {
  const ms = durations ? durationMs(text) : undefined;
  if (ms !== undefined) {
    return new Date(now.getTime() - ms);
  }
  const at = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text)
    ? new Date(text)
    : undefined;
  if (at === undefined || Number.isNaN(at.getTime())) {
    throw new HubError(
      "BAD_REQUEST",
      durations
        ? `${name} "${text}" is neither a duration (90m, 24h, 7d, 2w) nor an ISO date-time (2026-11-01 or 2026-11-01T12:00:00Z)`
        : `${name} "${text}" is not an ISO date-time (2026-11-01 or 2026-11-01T12:00:00Z)`,
    );
  }
  return at;
}

/**
 * The usage recorder's hook on the hosted-inference routes, and
 * `GET /api/usage`, the report over its totals.
 * Registered before the routes whose calls it records.
 */
export function registerUsageRoutes(app: HubApp, ctx: HubContext): void {
  registerUsageRecording(app, ctx);
  app.get(
    "/api/usage",
    {
      config: { access: { account: "read" } },
      schema: {
        description:
          "Hosted-inference calls summed by token, user, organisation (of the called model) or model version: everyone's for administrators, otherwise your own calls and the calls to models you own or maintain.",
        querystring: Type.Object(
          {
            by: Type.Optional(
              Type.Union(
                [
                  Type.Literal("token"),
                  Type.Literal("user"),
                  Type.Literal("org"),
                  Type.Literal("model"),
                ],
                { description: "what to sum by; model unless given" },
              ),
            ),
            since: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: MAX_WINDOW_TEXT,
                description:
                  "a duration back from now (24h, 7d) or an ISO date-time; 7d unless given",
              }),
            ),
            until: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: MAX_WINDOW_TEXT,
                description: "an ISO date-time; now unless given",
              }),
            ),
            model: Type.Optional(
              Type.String({
                minLength: 3,
                maxLength: 193,
                description: "only the calls to this model, namespace/name",
              }),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      // A token restricted to one model acts on that model alone, and a report spans them.
      const actor = requireUnrestricted(request.actor, "read usage reports");
      const now = ctx.clock.now();
      const q = request.query;
      const since = pointIn("since", q.since ?? "7d", now, true);
      const until = q.until === undefined ? now : pointIn("until", q.until, now, false);
      if (since.getTime() >= until.getTime()) {
        throw new HubError("BAD_REQUEST", "since must be before until");
      }
      let model;
      if (q.model !== undefined) {
        const [namespace, name, ...rest] = q.model.split("/");
        if (namespace === undefined || name === undefined || rest.length > 0) {
          throw new HubError("BAD_REQUEST", `model "${q.model}" is not namespace/name`);
        }
        // A model the caller may not see answers as one that does not exist.
        model = await loadModel(ctx, actor, namespace, name, "version.see");
      }
      return usageReport(ctx, actor, {
        by: q.by ?? "model",
        since,
        until,
        ...(model === undefined ? {} : { model }),
      });
    },
  );
}
