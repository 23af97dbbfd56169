import { Type } from "@fastify/type-provider-typebox";
import type { HubContext } from "../context.js";
import { originOf, type HubApp } from "../http/index.js";
import { closeSignal } from "./close-signal.js";
import { listSignals } from "./list-signals.js";

/** The most signals one listing answers. */
const MAX_LIMIT = 1000;

/** A user, organisation or model name, as the hub allows them (names.ts). */
const NAME = "[A-Za-z0-9._-]{1,96}";

/** Reading and closing abuse signals (docs/signals.md). */
export function registerSignalRoutes(app: HubApp, ctx: HubContext): void {
  app.get(
    "/api/usage/signals",
    {
      config: { access: { account: "read" } },
      schema: {
        description:
          "Abuse signals computed from hosted-inference calls, most recently seen first: all of them for administrators, those about calls to their organisations' models for organisation owners; model and org narrow the list.",
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
            model: Type.Optional(
              Type.String({
                pattern: `^${NAME}/${NAME}$`,
                maxLength: 193,
                description:
                  "only signals whose version belongs to this model, namespace/name; for anyone but an administrator a model of an organisation they own (else 403)",
              }),
            ),
            org: Type.Optional(
              Type.String({
                pattern: `^${NAME}$`,
                maxLength: 96,
                description:
                  "only signals about calls to this organisation's models; for anyone but an administrator an organisation they own (else 403)",
              }),
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
        ...(request.query.model === undefined ? {} : { model: request.query.model }),
        ...(request.query.org === undefined ? {} : { org: request.query.org }),
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
