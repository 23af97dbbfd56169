import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { requireUser } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { baseUrlOf, originOf, sendError, type HubApp } from "../http/index.js";
import { commitFiles, loadCommitTarget } from "./commit-files.js";
import { maxCommitLineBytes, readCommit } from "./commit-ndjson.js";
import { lfsBatch } from "./lfs-batch.js";
import { UPLOAD_LINK_PARAMETER } from "./lfs-objects.js";
import { receiveLfsObject, verifyLfsObject } from "./lfs-upload.js";
import { createModel } from "./manage-models.js";
import { MAX_CARD_BYTES, parseModelCard } from "./model-card.js";
import { preuploadFiles } from "./preupload.js";

const Segment = Type.String({ minLength: 1, maxLength: 96 });
const Repo = Type.Object({ namespace: Segment, name: Segment });
const RepoRevision = Type.Object({
  namespace: Segment,
  name: Segment,
  revision: Type.String({ minLength: 1, maxLength: 128 }),
});
const Sha256 = Type.String({ pattern: "^[0-9a-f]{64}$", examples: ["0".repeat(64)] });
const Size = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Flag = Type.Optional(Type.Union([Type.Boolean(), Type.String({ maxLength: 8 })]));
const isSet = (flag: boolean | string | undefined): boolean =>
  flag === true || flag === "true" || flag === "1";
const PullRequestQuery = Type.Object({ create_pr: Flag, hot_reload: Flag });
const LFS_JSON = "application/vnd.git-lfs+json";

/**
 * The Hugging Face Hub endpoints that publish: `huggingface_hub`'s
 * create_repo, upload_file, upload_folder, delete_file and create_commit, and
 * `@huggingface/hub`'s createRepo, uploadFiles and commit. A commit to `main`
 * publishes a new version (docs/hf-publishing.md).
 */
export function registerHfPublishRoutes(app: HubApp, ctx: HubContext): void {
  app.post(
    "/api/repos/create",
    {
      config: { access: { account: "write" } },
      schema: {
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 96 }),
          organization: Type.Optional(Type.Union([Type.String({ maxLength: 96 }), Type.Null()])),
          private: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
          visibility: Type.Optional(Type.String({ maxLength: 16 })),
          type: Type.Optional(Type.String({ maxLength: 16 })),
          files: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 1000 })),
        }),
      },
    },
    async (request, reply) => {
      const user = requireUser(request.actor);
      const body = request.body;
      if (body.type !== undefined && body.type !== "model") {
        throw new HubError("BAD_REQUEST", `this hub holds models only, not ${body.type}s`);
      }
      if (body.files !== undefined && body.files.length > 0) {
        throw new HubError(
          "BAD_REQUEST",
          "files cannot be given when creating a model; create it, then upload them (uploadFiles, upload_folder)",
        );
      }
      const isPrivate = body.private === true || body.visibility === "private";
      const namespace = body.organization ?? user.name;
      const url = `${baseUrlOf(request, ctx.config.publicUrl)}/${namespace}/${body.name}`;
      try {
        const model = await createModel(
          ctx,
          request.actor,
          { namespace, name: body.name, initialStage: isPrivate ? "private" : "open" },
          originOf(request),
        );
        return {
          url: `${baseUrlOf(request, ctx.config.publicUrl)}/${model.fullName}`,
          name: model.fullName,
          id: model.id,
        };
      } catch (err) {
        // huggingface_hub's create_repo(exist_ok=True) takes a 409 for "exists" and then
        // reads the repository's `url` from that answer's body (hf_api.py create_repo).
        if (err instanceof HubError && err.code === "ALREADY_EXISTS") {
          return sendError(err, request, reply, { url });
        }
        throw err;
      }
    },
  );

  // huggingface_hub's create_commit sends a README.md here first and fails on any
  // answer but 200 or a 400 whose `errors` list says what is wrong (hf_api.py _validate_yaml).
  app.post(
    "/api/validate-yaml",
    {
      config: { access: { public: true } },
      schema: {
        body: Type.Object({
          content: Type.String({ maxLength: MAX_CARD_BYTES }),
          repoType: Type.Optional(Type.String({ maxLength: 16 })),
        }),
      },
    },
    async (request, reply) => {
      try {
        parseModelCard(request.body.content);
      } catch (err) {
        if (err instanceof HubError) {
          return sendError(err, request, reply, { errors: [{ message: err.message }] });
        }
        throw err;
      }
      return { warnings: [] };
    },
  );

  app.post(
    "/api/models/:namespace/:name/preupload/:revision",
    {
      config: { access: { model: "version.upload" } },
      schema: {
        params: RepoRevision,
        querystring: PullRequestQuery,
        body: Type.Object({
          files: Type.Array(
            Type.Object({
              path: Type.String({ minLength: 1, maxLength: 4096 }),
              size: Size,
              sample: Type.String({ maxLength: 4096 }),
            }),
            { maxItems: 1000 },
          ),
          gitAttributes: Type.Optional(Type.Union([Type.String(), Type.Null()])),
          gitIgnore: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        }),
      },
    },
    async (request) => {
      const { namespace, name, revision } = request.params;
      if (isSet(request.query.create_pr)) {
        await loadCommitTarget(ctx, request.actor, { namespace, name }, revision, true);
      }
      const files = await preuploadFiles(
        ctx,
        request.actor,
        { namespace, name },
        revision,
        request.body.files,
      );
      return { files };
    },
  );

  // Git LFS clients send and expect their own JSON type (git-lfs docs/api/batch.md).
  void app.register((plain, _opts, done) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.addContentTypeParser(
      LFS_JSON,
      { parseAs: "string" },
      scope.getDefaultJsonParser("error", "error"),
    );
    scope.post(
      "/:namespace/:name.git/info/lfs/objects/batch",
      {
        config: { access: { model: "version.upload" } },
        schema: {
          params: Repo,
          body: Type.Object({
            operation: Type.String({ maxLength: 16, examples: ["upload"] }),
            transfers: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 8 })),
            hash_algo: Type.Optional(Type.String({ maxLength: 16 })),
            ref: Type.Optional(
              Type.Object({ name: Type.Optional(Type.String({ maxLength: 256 })) }),
            ),
            objects: Type.Array(Type.Object({ oid: Sha256, size: Size }), { maxItems: 1000 }),
          }),
        },
      },
      async (request, reply) => {
        const answer = await lfsBatch(
          ctx,
          request.actor,
          request.params,
          request.body,
          baseUrlOf(request, ctx.config.publicUrl),
          originOf(request),
        );
        return reply.type(LFS_JSON).send(answer);
      },
    );
    scope.post(
      "/:namespace/:name.git/info/lfs/objects/verify",
      {
        config: { access: { model: "version.upload" } },
        schema: { params: Repo, body: Type.Object({ oid: Sha256, size: Size }) },
      },
      async (request, reply) => {
        await verifyLfsObject(ctx, request.actor, request.params, request.body);
        return reply.type(LFS_JSON).send({});
      },
    );
    done();
  });

  // Object uploads and commits are streamed: this scope takes every body as a raw stream.
  void app.register((plain, _opts, done) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, _payload, parsed) => {
      parsed(null);
    });
    scope.put(
      "/:namespace/:name.git/info/lfs/objects/:oid",
      {
        config: { access: { model: "version.upload" }, streamsBody: true },
        schema: {
          params: Type.Object({ namespace: Segment, name: Segment, oid: Sha256 }),
          querystring: Type.Object({
            [UPLOAD_LINK_PARAMETER]: Type.Optional(Type.String({ maxLength: 128 })),
          }),
          headers: Type.Object({
            "content-length": Type.Optional(Type.String({ pattern: "^[0-9]{1,16}$" })),
          }),
        },
      },
      async (request, reply) => {
        const { namespace, name, oid } = request.params;
        const declared = request.headers["content-length"];
        await receiveLfsObject(
          ctx,
          request.actor,
          { namespace, name },
          oid,
          request.query[UPLOAD_LINK_PARAMETER],
          declared === undefined ? undefined : Number(declared),
          request.raw,
          originOf(request),
        );
        return reply.status(200).send({});
      },
    );
    scope.post(
      "/api/models/:namespace/:name/commit/:revision",
      {
        config: { access: { model: "version.create" }, streamsBody: true },
        schema: { params: RepoRevision, querystring: PullRequestQuery },
      },
      async (request) => {
        const { namespace, name, revision } = request.params;
        const model = await loadCommitTarget(
          ctx,
          request.actor,
          { namespace, name },
          revision,
          isSet(request.query.create_pr),
        );
        const type = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
        if (type !== "application/x-ndjson") {
          throw new HubError(
            "BAD_REQUEST",
            `a commit is sent as 'Content-Type: application/x-ndjson', not ${type === undefined ? "without a type" : `'${type}'`}`,
            undefined,
            415,
          );
        }
        const commit = await readCommit(
          request.raw,
          ctx.blobs,
          maxCommitLineBytes(ctx.config.lfsThresholdBytes),
        );
        const published = await commitFiles(ctx, request.actor, model, commit, originOf(request));
        const base = baseUrlOf(request, ctx.config.publicUrl);
        return {
          success: true,
          commitOid: published.version.commitId,
          commitUrl: `${base}/${model.fullName}/commit/${published.version.commitId}`,
          pullRequestUrl: null,
          hookOutput: "",
          version: { name: published.version.name, stage: published.access.stage },
          ...(published.refused.length === 0
            ? {}
            : { initialStage: model.initialStage, refused: published.refused }),
        };
      },
    );
    done();
  });
}
