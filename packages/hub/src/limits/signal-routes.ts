import { Type } from "@fastify/type-provider-typebox";
import type { HubContext } from "../context.js";
import { originOf, type HubApp } from "../http/index.js";
import { closeSignal } from "./close-signal.js";
import { listSignals } from "./list-signals.js";

/** The most signals one listing answers. */
const MAX_LIMIT = 1000;

/** Reading and closing abuse signals (docs/signals.md). */
export function registerSignalRoutes(app: HubApp, ctx: HubContext): void {
  app.get(
    "/api/usage/signals",
    {
      config: { access: { account: "read" } },
      schema: {
        description:
          "Abuse signals computed from hosted-inference calls, most recently seen first: all of them for administrators, those about calls to their organisations' models for organisation owners.",
        querystring: Type.Object(
          {
            state: Type.Optional(
              Type.Union([Type.Literal("open"), Type.Literal("closed"), Type.Literal("all")], {
                description: "which signals; open unless given",
              }),
            ),
            kind: Type.Optional(
              Type.Union(
                [
                  Type.Literal("spike"),
                  Type.Literal("key_sharing"),
                  Type.Literal("probing"),
                  Type.Literal("ignored_retry_after"),
                  Type.Literal("near_duplicates"),
                  Type.Literal("content_policy"),
                ],
                { description: "only signals of this kind" },
              ),
            ),
            limit: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: MAX_LIMIT,
                description: `the most signals to answer; 100 unless given, at most ${MAX_LIMIT}`,
              }),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({
      signals: await listSignals(ctx, request.actor, {
        state: request.query.state ?? "open",
        ...(request.query.kind === undefined ? {} : { kind: request.query.kind }),
        limit: request.query.limit ?? 100,
      }),
    }),
  );
  app.post(
    "/api/usage/signals/:id/close",
    {
      config: { access: { account: "write" } },
      schema: {
        description: "Close an open abuse signal with a reason; a token it suspended works again.",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object(
          {
            reason: Type.String({
              minLength: 1,
              maxLength: 1000,
              description: "why the signal is closed, for the audit log",
            }),
          },
          { additionalProperties: false, examples: [{ reason: "a load test we ran" }] },
        ),
      },
    },
    async (request) =>
      closeSignal(ctx, request.actor, request.params.id, request.body.reason, originOf(request)),
  );
}
