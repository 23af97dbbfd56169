import { Type } from "@fastify/type-provider-typebox";
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
          "Serve a published version holding model.onnx for hosted inference (Open Inference Protocol v2 at /v2). Its workers load the file first; one onnxruntime cannot load is refused 400 with the runtime's message. Again on a served version: changes its workers.",
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
        request.body.workers,
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
          "A served version's status in this hub process: loaded, loading or idle, queue depth, workers, inputs and outputs.",
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
