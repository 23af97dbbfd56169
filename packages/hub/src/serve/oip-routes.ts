import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import type { HubContext } from "../context.js";
import type { HubApp } from "../http/index.js";
import { BINARY_CONTENT_TYPE, HEADER_LENGTH_FIELD, joinBody, splitBody } from "./binary-tensors.js";
import { infer, modelMetadata, modelReady, type Caller } from "./infer.js";

declare module "fastify" {
  interface FastifyRequest {
    /** What followed the JSON of a body in the binary tensor extension's form; null for JSON. */
    tensorBytes: Buffer | null;
  }
}

/** The model segment: `namespace--name` (names/oip-model-name.ts), at most two names and the separator long. */
const ModelSegment = Type.String({ minLength: 1, maxLength: 194 });
const VersionSegment = Type.String({ minLength: 1, maxLength: 128 });
const Parameters = Type.Record(
  Type.String(),
  Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
);
const InferBody = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 256 })),
  parameters: Type.Optional(Parameters),
  inputs: Type.Array(
    Type.Object({
      name: Type.String({ minLength: 1, maxLength: 256 }),
      shape: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 16 }),
      datatype: Type.String({ minLength: 1, maxLength: 16 }),
      parameters: Type.Optional(Parameters),
      // Absent when the values follow the JSON as binary data (parameters.binary_data_size).
      data: Type.Optional(Type.Array(Type.Unknown())),
    }),
    { minItems: 1, maxItems: 256 },
  ),
  outputs: Type.Optional(
    Type.Array(
      Type.Object({ name: Type.String({ minLength: 1 }), parameters: Type.Optional(Parameters) }),
      { maxItems: 256 },
    ),
  ),
});

const ACCESS = { oip: "version.infer" } as const;
/** Each call to these routes leaves a usage record (limits/usage-routes.ts). */
const usage = (endpoint: "infer" | "metadata" | "ready") =>
  ({ protocol: "oip", endpoint }) as const;

const BASES = ["/v2/models/:model", "/v2/models/:model/versions/:version"] as const;

const paramsOf = (base: (typeof BASES)[number]) =>
  base.endsWith(":version")
    ? Type.Object({ model: ModelSegment, version: VersionSegment })
    : Type.Object({ model: ModelSegment });

const targetOf = (p: { model: string; version?: string }) => ({
  oipName: p.model,
  version: p.version,
});

const callerOf = (request: FastifyRequest): Caller => ({
  actor: request.actor,
  address: request.ip,
});

/**
 * The KServe Open Inference Protocol v2 over REST (serving.md §1) for the
 * versions the hub serves, with the binary tensor data extension
 * (binary-tensors.ts); errors answer `{"error": "<message>"}` (with the hub's
 * `code` and `requestId` beside it).
 */
export function registerOipRoutes(app: HubApp, ctx: HubContext): void {
  app.decorateRequest("tensorBytes", null);
  app.get(
    "/v2",
    { config: { access: { public: true } }, schema: { description: "OIP v2 server metadata." } },
    () => ({ name: "gatehouse", version: "0.1.0", extensions: ["binary_tensor_data"] }),
  );
  app.get(
    "/v2/health/live",
    { config: { access: { public: true } }, schema: { description: "OIP v2 server liveness." } },
    () => ({ live: true }),
  );
  app.get(
    "/v2/health/ready",
    {
      config: { access: { public: true } },
      schema: { description: "OIP v2 server readiness: 503 while the store is unreachable." },
    },
    async (_request, reply) => {
      const ready = await ctx.store.ping();
      return reply.status(ready ? 200 : 503).send({ ready });
    },
  );

  for (const base of BASES) {
    const params = paramsOf(base);
    app.get(
      base,
      {
        config: { access: ACCESS, usage: usage("metadata") },
        schema: { description: "OIP v2 model metadata: inputs and outputs.", params },
      },
      async (request) =>
        modelMetadata(
          ctx,
          callerOf(request),
          targetOf(request.params),
          request.usageFacts ?? undefined,
        ),
    );
    app.get(
      `${base}/ready`,
      {
        config: { access: ACCESS, usage: usage("ready") },
        schema: { description: "OIP v2 model readiness: 503 while it loads.", params },
      },
      async (request, reply) => {
        const answer = await modelReady(
          ctx,
          callerOf(request),
          targetOf(request.params),
          request.usageFacts ?? undefined,
        );
        return reply.status(answer.ready ? 200 : 503).send(answer);
      },
    );
  }
  registerInferRoutes(app, ctx);
}

/**
 * `POST …/infer`, in a scope of their own that also reads bodies in the binary
 * tensor extension's form: `application/octet-stream`, the JSON request in its
 * first Inference-Header-Content-Length bytes and the tensors' data after it.
 */
function registerInferRoutes(app: HubApp, ctx: HubContext): void {
  void app.register((plain, _opts, done) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.addContentTypeParser(
      BINARY_CONTENT_TYPE,
      { parseAs: "buffer", bodyLimit: ctx.config.jsonBodyLimit },
      (request, body, parsed) => {
        try {
          const { header, tensorBytes } = splitBody(
            body as Buffer,
            request.headers[HEADER_LENGTH_FIELD],
          );
          request.tensorBytes = tensorBytes;
          parsed(null, header);
        } catch (err) {
          parsed(err as Error);
        }
      },
    );
    for (const base of BASES) {
      scope.post(
        `${base}/infer`,
        {
          config: { access: ACCESS, usage: usage("infer") },
          schema: {
            description:
              "OIP v2 inference with the JSON tensor format: data flat or nested, row-major; or with the binary tensor extension (Content-Type application/octet-stream, Inference-Header-Content-Length).",
            params: paramsOf(base),
            body: InferBody,
          },
        },
        async (request, reply) => {
          const answer = await infer(
            ctx,
            callerOf(request),
            targetOf(request.params),
            request.body,
            request.tensorBytes,
            request.id,
            request.usageFacts ?? undefined,
          );
          void reply.headers({ ...answer.headers });
          if (answer.binaryParts === null) {
            return reply.send(answer.body);
          }
          const { body, headerLength } = joinBody(answer.body, answer.binaryParts);
          return reply
            .type(BINARY_CONTENT_TYPE)
            .header(HEADER_LENGTH_FIELD, String(headerLength))
            .send(body);
        },
      );
    }
    done();
  });
}
