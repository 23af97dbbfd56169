import { Type } from "@fastify/type-provider-typebox";
import { MAX_BATCH_LIMIT, MAX_DELAY_LIMIT_MS } from "../config.js";
import type { HubContext } from "../context.js";
import { originOf, type HubApp } from "../http/index.js";
import { disableServing, enableServing } from "./enable-serving.js";
import { listServing, servingStatus } from "./serving-status.js";

const Segment = Type.String({ minLength: 1, maxLength: 96 });
const VersionParams = Type.Object({ namespace: Segment, name: Segment, version: Segment });
const SERVING = "/api/models/:namespace/:name/versions/:version/serving";

/** Enabling, disabling and watching the versions the hub serves. */
export function registerServingRoutes(app: HubApp, ctx: HubContext): void {
  app.put(
    SERVING,
    {
      config: { access: { model: "version.release" } },
      schema: {
        description:
          "Serve a published version holding model.onnx for hosted inference (Open Inference Protocol v2 at /v2; a language model through the OpenAI-compatible API at /v1). Its workers load the file first; one onnxruntime cannot load is refused 400 with the runtime's message. With `upstream`, an engine elsewhere runs the version and the hub proxies the OpenAI-compatible API to it. Again on a served version: changes its settings.",
        params: VersionParams,
        body: Type.Object(
          {
            workers: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: 256,
                description:
                  "worker threads, each with its own onnxruntime session (default and most: GATEHOUSE_SERVE_MAX_WORKERS)",
              }),
            ),
            maxBatch: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: MAX_BATCH_LIMIT,
                description:
                  "dynamic batching: the most rows one run takes from calls waiting for a worker, concatenated on dimension 0; 1 runs each call alone (default: GATEHOUSE_SERVE_MAX_BATCH)",
              }),
            ),
            maxDelayMs: Type.Optional(
              Type.Number({
                minimum: 0,
                maximum: MAX_DELAY_LIMIT_MS,
                description:
                  "dynamic batching: how long a partial batch may wait for more calls, counted from its oldest call, in ms, kept to the µs (default: GATEHOUSE_SERVE_MAX_DELAY_MS)",
              }),
            ),
            upstream: Type.Optional(
              Type.Object(
                {
                  url: Type.String({
                    minLength: 8,
                    maxLength: 2048,
                    description:
                      "the OpenAI-compatible base URL of the engine (vLLM, TGI, llama.cpp's server, another hub), such as http://10.0.0.5:8000/v1; its API key, if any, is in GATEHOUSE_UPSTREAM_KEYS",
                  }),
                  model: Type.String({
                    minLength: 1,
                    maxLength: 300,
                    description: "the engine's name for the model, as its GET /models lists it",
                  }),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { namespace, name, version } = request.params;
      return enableServing(
        ctx,
        request.actor,
        { namespace, name },
        version,
        request.body,
        originOf(request),
      );
    },
  );
  app.delete(
    SERVING,
    {
      config: { access: { model: "version.release" } },
      schema: { description: "Stop serving a version.", params: VersionParams },
    },
    async (request, reply) => {
      const { namespace, name, version } = request.params;
      await disableServing(ctx, request.actor, { namespace, name }, version, originOf(request));
      return reply.status(204).send();
    },
  );
  app.get(
    SERVING,
    {
      config: { access: { model: "version.release" } },
      schema: {
        description:
          "A served version's status in this hub process: loaded, loading or idle, queue depth, workers, batching and its counts, inputs and outputs.",
        params: VersionParams,
      },
    },
    async (request) => {
      const { namespace, name, version } = request.params;
      return servingStatus(ctx, request.actor, { namespace, name }, version);
    },
  );
  app.get(
    "/api/serving",
    {
      config: { access: { account: "admin" } },
      schema: { description: "Every served version's status, for administrators." },
    },
    async (request) => listServing(ctx, request.actor),
  );
}
