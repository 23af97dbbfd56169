import { Type } from "@fastify/type-provider-typebox";
import { requireUser } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { baseUrlOf, originOf, type HubApp } from "../http/index.js";
import { signDownloadUrl } from "../signed-urls/index.js";
import { resolveFile } from "./download-file.js";

const Segment = Type.String({ minLength: 1, maxLength: 96 });

/**
 * `POST /api/models/{ns}/{name}/signed-urls`: a URL that downloads one file of
 * one version without a token, for systems that cannot hold one. Only a caller
 * who may download the file now gets one, decided as the download itself is.
 */
export function registerSignedUrlRoutes(app: HubApp, ctx: HubContext): void {
  app.post(
    "/api/models/:namespace/:name/signed-urls",
    {
      config: { access: { model: "version.download" } },
      schema: {
        params: Type.Object({ namespace: Segment, name: Segment }),
        body: Type.Object(
          {
            revision: Type.String({ minLength: 1, maxLength: 128, examples: ["v1"] }),
            path: Type.String({ minLength: 1, maxLength: 1024, examples: ["weights.bin"] }),
            expiresIn: Type.String({ minLength: 1, maxLength: 20, examples: ["1h"] }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params;
      const { revision, path, expiresIn } = request.body;
      const resolved = await resolveFile(ctx, request.actor, { namespace, name }, revision, path);
      const grantee = requireUser(request.actor);
      const signed = await signDownloadUrl(
        ctx,
        grantee,
        {
          namespace: resolved.model.namespace.name,
          name: resolved.model.name,
          commitId: resolved.version.commitId,
          path: resolved.file.path,
        },
        expiresIn,
        originOf(request),
      );
      return reply.status(201).send({
        url: `${baseUrlOf(request, ctx.config.publicUrl)}${signed.pathAndQuery}`,
        expiresAt: signed.expiresAt,
        revision: resolved.version.commitId,
        version: resolved.version.name,
      });
    },
  );
}
