import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { originOf, type HubApp } from "../http/index.js";
import { loadModel, mayAct } from "./load-model.js";
import { modelFacets } from "./model-facets.js";
import { filtersOf, MODEL_FILTER_PARAMS } from "./model-query.js";
import { createModel, deleteModel } from "./manage-models.js";
import { attachFiles, deleteFile, uploadFile } from "./upload-file.js";
import { versionJson } from "./hf-shapes.js";
import { MAX_STATS_DAYS, downloadStats, statsWindow } from "./download-stats.js";
import { readCard } from "./read-card.js";
import {
  createVersion,
  findVersionRow,
  listVersions,
  publishVersion,
  resolveVersion,
  toVersionRecord,
} from "./versions.js";

const Segment = Type.String({ minLength: 1, maxLength: 96 });
const Repo = Type.Object({ namespace: Segment, name: Segment });
const VersionParams = Type.Object({ namespace: Segment, name: Segment, version: Segment });
const FileParams = Type.Object({
  namespace: Segment,
  name: Segment,
  version: Segment,
  "*": Type.String(),
});
const Sha256 = Type.String({ pattern: "^[0-9a-f]{64}$" });
const InitialStage = Type.Union(
  [
    Type.Literal("private"),
    Type.Literal("internal"),
    Type.Literal("staged"),
    Type.Literal("api"),
    Type.Literal("gated"),
    Type.Literal("open"),
  ],
  { description: "the stage each version starts at when published" },
);

const BASE = "/api/models/:namespace/:name";

const Day = Type.String({ maxLength: 32, description: "a UTC date, YYYY-MM-DD" });

/** Gatehouse's own registry API: models, draft versions, uploads and publication. */
export function registerRegistryRoutes(app: HubApp, ctx: HubContext): void {
  app.get(
    `${BASE}/card`,
    {
      config: { access: { model: "version.see" } },
      schema: {
        description:
          "A version's model card, its Markdown without the front matter, for anyone who may see the version",
        params: Repo,
        querystring: Type.Object({
          revision: Type.Optional(
            Type.String({ minLength: 1, maxLength: 128, description: "a version or commit; main" }),
          ),
        }),
      },
    },
    async (request) => {
      const { namespace, name } = request.params;
      return readCard(ctx, request.actor, namespace, name, request.query.revision ?? "main");
    },
  );

  app.post(
    "/api/models",
    {
      config: { access: { account: "write" } },
      schema: {
        body: Type.Object(
          {
            id: Type.String({ minLength: 3, maxLength: 200, examples: ["acme/bert-small"] }),
            /** The stage each version starts at (`private` unless given); the CLI's --internal and --open. */
            visibility: Type.Optional(InitialStage),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const parts = request.body.id.split("/");
      const [namespace, name] = parts;
      if (parts.length !== 2 || namespace === undefined || name === undefined) {
        throw new HubError(
          "INVALID_NAME",
          `"${request.body.id}" is not of the form namespace/name`,
        );
      }
      const model = await createModel(
        ctx,
        request.actor,
        { namespace, name, initialStage: request.body.visibility ?? "private" },
        originOf(request),
      );
      return reply.status(201).send({
        id: model.fullName,
        initialStage: model.initialStage,
        createdAt: model.createdAt,
      });
    },
  );

  // The filter choices of a browser of models: what the models the caller may
  // see (narrowed by the list's own filters, if given) hold, with counts.
  const Facets = Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }));
  app.get(
    "/api/models-facets",
    {
      config: { access: { public: true } },
      schema: {
        querystring: Type.Object(MODEL_FILTER_PARAMS),
        response: {
          200: Type.Object({
            models: Type.Integer({ description: "how many models were counted" }),
            namespaces: Facets,
            stages: Facets,
            riskTiers: Facets,
            licenses: Facets,
            tags: Facets,
          }),
        },
      },
    },
    async (request) => modelFacets(ctx, request.actor, filtersOf(request.query)),
  );

  app.delete(
    BASE,
    { config: { access: { model: "model.delete" } }, schema: { params: Repo } },
    async (request, reply) => {
      await deleteModel(
        ctx,
        request.actor,
        request.params.namespace,
        request.params.name,
        originOf(request),
      );
      return reply.status(204).send();
    },
  );

  app.get(
    `${BASE}/versions`,
    { config: { access: { model: "version.see" } }, schema: { params: Repo } },
    async (request) => {
      const { namespace, name } = request.params;
      const model = await loadModel(ctx, request.actor, namespace, name, "version.see");
      const versions = await listVersions(
        ctx,
        request.actor,
        model,
        mayAct(request.actor, model, "version.upload"),
      );
      return {
        model: model.fullName,
        versions: versions.map((v) => versionJson(model, v.version, v.access)),
      };
    },
  );

  app.get(
    `${BASE}/downloads`,
    {
      config: { access: { model: "version.see" } },
      schema: {
        params: Repo,
        querystring: Type.Object({
          from: Type.Optional(Day),
          to: Type.Optional(Day),
          days: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: MAX_STATS_DAYS,
              description: "the window's length, ending at `to`; 30 unless `from` is given",
            }),
          ),
        }),
      },
    },
    async (request) => {
      const { namespace, name } = request.params;
      const model = await loadModel(ctx, request.actor, namespace, name, "version.see");
      // Read only once the caller is known to see the model, so a hidden one answers as missing whatever is asked.
      return downloadStats(ctx, request.actor, model, statsWindow(ctx, request.query));
    },
  );

  app.post(
    `${BASE}/versions`,
    {
      config: { access: { model: "version.create" } },
      schema: {
        params: Repo,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 64 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { model, version } = await createVersion(
        ctx,
        request.actor,
        request.params,
        request.body.name,
        originOf(request),
      );
      return reply.status(201).send(versionJson(model, version, null));
    },
  );

  app.get(
    `${BASE}/versions/:version`,
    { config: { access: { model: "version.see" } }, schema: { params: VersionParams } },
    async (request) => {
      const { namespace, name, version: versionName } = request.params;
      const model = await loadModel(ctx, request.actor, namespace, name, "version.see");
      const row = await findVersionRow(ctx.db, model.id, versionName);
      if (row?.state === "draft" && mayAct(request.actor, model, "version.upload")) {
        return versionJson(model, await toVersionRecord(ctx, row), null);
      }
      if (row === undefined || row.state === "draft") {
        throw new HubError(
          "REVISION_NOT_FOUND",
          `${model.fullName} has no version "${versionName}"`,
        );
      }
      const { version, access } = await resolveVersion(ctx, request.actor, model, row.name);
      return versionJson(model, version, access);
    },
  );

  app.post(
    `${BASE}/versions/:version/publish`,
    { config: { access: { model: "version.publish" } }, schema: { params: VersionParams } },
    async (request) => {
      const { namespace, name, version: versionName } = request.params;
      const { model, version, access, refused } = await publishVersion(
        ctx,
        request.actor,
        { namespace, name },
        versionName,
        originOf(request),
      );
      return {
        ...versionJson(model, version, access),
        ...(refused.length === 0 ? {} : { initialStage: model.initialStage, refused }),
      };
    },
  );

  app.post(
    `${BASE}/versions/:version/files`,
    {
      config: { access: { model: "version.upload" } },
      schema: {
        params: VersionParams,
        body: Type.Object(
          {
            files: Type.Array(
              Type.Object(
                {
                  path: Type.String({ minLength: 1 }),
                  sha256: Sha256,
                  size: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
                },
                { additionalProperties: false },
              ),
              { maxItems: 10_000 },
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { namespace, name, version } = request.params;
      return attachFiles(
        ctx,
        request.actor,
        { namespace, name },
        version,
        request.body.files,
        originOf(request),
      );
    },
  );

  app.delete(
    `${BASE}/versions/:version/files/*`,
    { config: { access: { model: "version.upload" } }, schema: { params: FileParams } },
    async (request, reply) => {
      const { namespace, name, version } = request.params;
      await deleteFile(
        ctx,
        request.actor,
        { namespace, name },
        version,
        request.params["*"],
        originOf(request),
      );
      return reply.status(204).send();
    },
  );

  // Uploads are streamed: this scope takes every body as a raw stream, whatever its type, unparsed.
  void app.register((plain, _opts, done) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, _payload, parsed) => {
      parsed(null);
    });
    scope.put(
      `${BASE}/versions/:version/files/*`,
      {
        config: { access: { model: "version.upload" }, streamsBody: true },
        schema: {
          params: FileParams,
          headers: Type.Object({
            "x-gatehouse-sha256": Type.Optional(Sha256),
            "content-length": Type.Optional(Type.String({ pattern: "^[0-9]+$" })),
          }),
        },
      },
      async (request, reply) => {
        const { namespace, name, version } = request.params;
        const declared = request.headers["content-length"];
        const expectedSha = request.headers["x-gatehouse-sha256"];
        const entry = await uploadFile(
          ctx,
          request.actor,
          { namespace, name },
          version,
          request.params["*"],
          request.raw,
          {
            ...(expectedSha === undefined ? {} : { sha256: expectedSha }),
            ...(declared === undefined ? {} : { size: Number(declared) }),
          },
          originOf(request),
        );
        return reply.status(201).send(entry);
      },
    );
    done();
  });
}
