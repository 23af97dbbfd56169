import type { Readable } from "node:stream";
import { Type } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { baseUrlOf, originOf, type HubApp } from "../http/index.js";
import type { ByteRange } from "../blobs/index.js";
import {
  hasSignedUrlParameters,
  verifySignedUrl,
  type SignedUrlQuery,
  type SignedUrlUse,
} from "../signed-urls/index.js";
import { parseRange } from "./byte-range.js";
import { lfsPointerOid, lfsPointerText } from "./commit-id.js";
import { countDownload, startsDownload } from "./count-download.js";
import { recordDownload, resolveFile, type ResolvedFile } from "./download-file.js";
import { downloadsOf, modelDownloads } from "./download-stats.js";
import {
  commitJson,
  commitTitle,
  downloadFigures,
  modelInfoText,
  treeDirectoryJson,
  treeFileJson,
  isPublicStage,
  modelListJson,
} from "./hf-shapes.js";
import { listCommits } from "./list-commits.js";
import { listModels, type ModelSort } from "./list-models.js";
import { choice, filtersOf, MODEL_FILTER_PARAMS } from "./model-query.js";
import { listTree, type TreeEntry } from "./list-tree.js";
import { loadModel, type ModelRecord } from "./load-model.js";
import { modelPermissions } from "./model-permissions.js";
import {
  listVersions,
  resolveRevision,
  resolveVersion,
  type ResolvedVersion,
  type VersionRecord,
} from "./versions.js";

/** Fastify's own type for the JSON it serialises, for model info sent as ready text. */
const JSON_TYPE = "application/json; charset=utf-8";

const Segment = Type.String({ minLength: 1, maxLength: 96 });
const Repo = Type.Object({ namespace: Segment, name: Segment });
const RepoRevision = Type.Object({
  namespace: Segment,
  name: Segment,
  revision: Type.String({ minLength: 1, maxLength: 128 }),
});
const RepoRevisionPath = Type.Object({
  namespace: Segment,
  name: Segment,
  revision: Type.String({ minLength: 1, maxLength: 128 }),
  "*": Type.String(),
});
/** The parameters of a signed download URL; their values are checked by the signature, not here. */
const SignedUrlParams = Type.Object({
  expires: Type.Optional(Type.String({ maxLength: 32 })),
  grantee: Type.Optional(Type.String({ maxLength: 64 })),
  key: Type.Optional(Type.String({ maxLength: 64 })),
  sig: Type.Optional(Type.String({ maxLength: 128 })),
});
/** Refusals of a signed URL's grantee that become 403: the URL no longer gives access, whatever the reason. */
const LOST_ACCESS = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "WITHDRAWN",
  "REPO_NOT_FOUND",
  "REVISION_NOT_FOUND",
  "ENTRY_NOT_FOUND",
]);
const Flag = Type.Optional(Type.Union([Type.Boolean(), Type.String()]));
/** The Hub's `expand`: the fields asked for beyond the usual ones; a single value arrives as a list of one. */
const Expand = Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 }));
const isSet = (flag: boolean | string | undefined): boolean =>
  flag === true || flag === "true" || flag === "True" || flag === "1";

/**
 * The Hub's `sort` names: the ones Gatehouse orders by, and `likes`,
 * `likes30d` and `trendingScore`, which huggingface_hub's list_models and
 * @huggingface/hub's listModels also send; Gatehouse keeps neither likes nor
 * trends (every model has 0 likes), so they give the default order rather
 * than a refusal.
 */
const HF_SORTS = {
  id: "id",
  downloads: "downloads",
  lastModified: "lastModified",
  createdAt: "createdAt",
  likes: "id",
  likes30d: "id",
  trendingScore: "id",
} as const satisfies Readonly<Record<string, ModelSort>>;
/**
 * `GET /api/models`'s query: the Hugging Face Hub's parameters, and
 * Gatehouse's own filters (stage, risk_tier, license). Parameters the Hub
 * has and Gatehouse does not (`full`, `config`, `pipeline_tag`, …) are let
 * through and ignored, as huggingface_hub sends some of them.
 */
const ListModelsQuery = Type.Object({
  ...MODEL_FILTER_PARAMS,
  sort: Type.Optional(
    choice(
      Object.keys(HF_SORTS) as (keyof typeof HF_SORTS)[],
      "the order: by namespace/name (id) unless given; likes, likes30d and trendingScore give that order too",
    ),
  ),
  direction: Type.Optional(
    Type.Union([Type.Literal(-1), Type.Literal(1)], {
      description: "-1 descending, 1 ascending; -1 unless sorting by id",
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(
    Type.String({ maxLength: 400, description: "where to go on: from the Link header's next URL" }),
  ),
  cardData: Flag,
  expand: Expand,
});

/** Headers every answer about a file carries, for GET and HEAD alike. */
function fileHeaders(reply: FastifyReply, resolved: ResolvedFile): void {
  void reply
    .header("ETag", `"${resolved.file.sha256}"`)
    .header("X-Repo-Commit", resolved.version.commitId)
    .header("X-Linked-Size", String(resolved.file.size))
    .header("Accept-Ranges", "bytes")
    .header(
      "Cache-Control",
      isPublicStage(resolved.access.stage) ? "public, max-age=0" : "private, max-age=0",
    )
    .header("Content-Type", "application/octet-stream")
    .header(
      "Content-Disposition",
      `inline; filename*=UTF-8''${encodeURIComponent(resolved.file.path.split("/").pop() ?? "file")}`,
    );
}

function notModified(request: FastifyRequest, resolved: ResolvedFile): boolean {
  const tag = request.headers["if-none-match"];
  if (tag === undefined) {
    return false;
  }
  return tag
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === "*" || t === `"${resolved.file.sha256}"`);
}

/** With `expand`, every entry names the commit that last changed it: here, the version itself. */
function withLastCommit(entries: TreeEntry[], version: VersionRecord) {
  const lastCommit = {
    id: version.commitId,
    title: commitTitle(version),
    date: version.publishedAt ?? version.createdAt,
  };
  return entries.map((e) => ({ ...e, lastCommit }));
}

/**
 * Answers a GET for `body` (whole, or the one range asked for) once the file's
 * headers are set. An empty body answers a range request with 200 and
 * `Content-Range: bytes *\/0` rather than 416, because @huggingface/hub's
 * fileDownloadInfo reads a file's size only from Content-Range, even for an
 * empty file (lib/file-download-info.ts: "Expected size information").
 */
function sendBody(
  reply: FastifyReply,
  range: ByteRange | null | "unsatisfiable",
  size: number,
  body: (range?: ByteRange) => Buffer | Readable,
): FastifyReply {
  if (range === "unsatisfiable") {
    if (size === 0) {
      return reply
        .status(200)
        .header("Content-Range", "bytes */0")
        .header("Content-Length", "0")
        .send("");
    }
    void reply.header("Content-Range", `bytes */${size}`);
    throw new HubError(
      "RANGE_NOT_SATISFIABLE",
      `the file is ${size} bytes; ask for a range within it`,
    );
  }
  if (range === null) {
    return reply.header("Content-Length", String(size)).send(body());
  }
  return reply
    .status(206)
    .header("Content-Range", `bytes ${range.start}-${range.end}/${size}`)
    .header("Content-Length", String(range.end - range.start + 1))
    .send(body(range));
}

/** The Hugging Face Hub endpoints the `huggingface_hub` and `@huggingface/hub` clients call. */
export function registerHfRoutes(app: HubApp, ctx: HubContext): void {
  /** The version `main` means for the caller, or null when they see none. */
  const newestVersion = (actor: Actor, model: ModelRecord): Promise<ResolvedVersion | null> =>
    resolveVersion(ctx, actor, model, "main").catch((err: unknown) => {
      if (err instanceof HubError && err.code === "REVISION_NOT_FOUND") {
        return null;
      }
      throw err;
    });

  // As on the Hugging Face Hub, a model's figures are the model's, whichever
  // revision is asked for: here, over every version the caller may see.
  const figuresOf = async (
    actor: Actor,
    model: ModelRecord,
    expand: readonly string[] | undefined,
  ) => downloadFigures(await downloadsOf(ctx, actor, model.id), expand);
  const InfoQuery = Type.Object({ expand: Expand });

  app.get(
    "/api/models",
    {
      config: { access: { public: true } },
      schema: { querystring: ListModelsQuery },
    },
    async (request, reply) => {
      const { query } = request;
      const limit = query.limit ?? 100;
      const sort = query.sort === undefined ? "id" : HF_SORTS[query.sort];
      const page = await listModels(ctx, request.actor, {
        ...filtersOf(query),
        sort,
        // The Hub sorts by a figure or a time newest or largest first, unless asked otherwise.
        direction: query.direction ?? (sort === "id" ? 1 : -1),
        limit,
        cursor: query.cursor,
      });
      const counted = await modelDownloads(
        ctx,
        request.actor,
        page.models.map((m) => m.id),
      );
      if (page.nextCursor !== null) {
        const next = new URL(`${baseUrlOf(request, ctx.config.publicUrl)}/api/models`);
        for (const [key, value] of Object.entries(query)) {
          if (key !== "cursor") {
            for (const item of [value].flat()) {
              next.searchParams.append(key, String(item));
            }
          }
        }
        next.searchParams.set("limit", String(limit));
        next.searchParams.set("cursor", page.nextCursor);
        void reply.header("Link", `<${next.toString()}>; rel="next"`);
      }
      void reply.header("X-Total-Count", String(page.total));
      const withCard = isSet(query.cardData) || query.expand?.includes("cardData") === true;
      return page.models.map((m) =>
        modelListJson(m, downloadFigures(counted.get(m.id), query.expand), withCard),
      );
    },
  );

  app.get(
    `/api/models/:namespace/:name`,
    {
      config: { access: { model: "version.see" } },
      schema: { params: Repo, querystring: InfoQuery },
    },
    async (request, reply) => {
      const { namespace, name } = request.params;
      const model = await loadModel(ctx, request.actor, namespace, name, "version.see");
      const resolved = await newestVersion(request.actor, model);
      const figures = await figuresOf(request.actor, model, request.query.expand);
      return reply
        .type(JSON_TYPE)
        .send(
          modelInfoText(
            ctx.caches,
            model,
            resolved,
            figures,
            modelPermissions(request.actor, model),
          ),
        );
    },
  );

  app.get(
    `/api/models/:namespace/:name/revision/:revision`,
    {
      config: { access: { model: "version.see" } },
      schema: { params: RepoRevision, querystring: InfoQuery },
    },
    async (request, reply) => {
      const { namespace, name, revision } = request.params;
      const model = await loadModel(ctx, request.actor, namespace, name, "version.see");
      const resolved = await resolveVersion(ctx, request.actor, model, revision);
      const figures = await figuresOf(request.actor, model, request.query.expand);
      return reply
        .type(JSON_TYPE)
        .send(
          modelInfoText(
            ctx.caches,
            model,
            resolved,
            figures,
            modelPermissions(request.actor, model),
          ),
        );
    },
  );

  const tree = async (
    request: FastifyRequest<{
      Params: { namespace: string; name: string; revision: string; "*"?: string };
      Querystring: { recursive?: boolean | string; expand?: boolean | string };
    }>,
  ) => {
    const { namespace, name, revision } = request.params;
    const model = await loadModel(ctx, request.actor, namespace, name, "version.see");
    const version = await resolveRevision(ctx, request.actor, model, revision);
    const entries = listTree(version, request.params["*"] ?? "", isSet(request.query.recursive));
    return isSet(request.query.expand) ? withLastCommit(entries, version) : entries;
  };
  const TreeQuery = Type.Object({ recursive: Flag, expand: Flag });
  app.get(
    `/api/models/:namespace/:name/tree/:revision`,
    {
      config: { access: { model: "version.see" } },
      schema: { params: RepoRevision, querystring: TreeQuery },
    },
    tree,
  );
  app.get(
    `/api/models/:namespace/:name/tree/:revision/*`,
    {
      config: { access: { model: "version.see" } },
      schema: { params: RepoRevisionPath, querystring: TreeQuery },
    },
    tree,
  );

  app.post(
    `/api/models/:namespace/:name/paths-info/:revision`,
    {
      config: { access: { model: "version.see" } },
      schema: {
        params: RepoRevision,
        body: Type.Object({
          paths: Type.Union([Type.Array(Type.String(), { maxItems: 10_000 }), Type.String()]),
          expand: Flag,
        }),
      },
    },
    async (request) => {
      const { namespace, name, revision } = request.params;
      const model = await loadModel(ctx, request.actor, namespace, name, "version.see");
      const version = await resolveRevision(ctx, request.actor, model, revision);
      const wanted = new Set(
        typeof request.body.paths === "string" ? [request.body.paths] : request.body.paths,
      );
      const out: TreeEntry[] = [];
      for (const path of wanted) {
        const file = version.files.find((f) => f.path === path);
        if (file !== undefined) {
          out.push(treeFileJson(file));
        } else if (version.files.some((f) => f.path.startsWith(`${path}/`))) {
          out.push(treeDirectoryJson(path, version));
        }
      }
      // downloadFileToCacheDir names the snapshot folder after lastCommit.id, and
      // falls back to the file's etag without it (@huggingface/hub
      // lib/download-file-to-cache-dir.ts: `commitHash ?? info.lastCommit?.id ?? etag`).
      return isSet(request.body.expand) ? withLastCommit(out, version) : out;
    },
  );

  /** The file a `resolve` or `raw` URL names, after checking the caller may download it. */
  const requestedFile = (
    request: FastifyRequest,
    params: { namespace: string; name: string; revision: string; "*": string },
  ): Promise<ResolvedFile> =>
    resolveFile(
      ctx,
      request.actor,
      { namespace: params.namespace, name: params.name },
      params.revision,
      params["*"],
    );

  /**
   * The file a `resolve` URL names and who downloads it: the caller, or the
   * grantee of a signed URL, decided as the grantee now, so that a URL stops
   * the moment its grantee loses access. A refusal then is 403 (GatedRepo for
   * a lost grant) rather than the grantee's own answer, which would tell the
   * URL's holder more than that it stopped working.
   */
  const downloadOf = async (
    request: FastifyRequest,
    params: { namespace: string; name: string; revision: string; "*": string },
    query: SignedUrlQuery,
  ): Promise<{ resolved: ResolvedFile; actor: Actor; signed: SignedUrlUse | null }> => {
    if (!hasSignedUrlParameters(query)) {
      return { resolved: await requestedFile(request, params), actor: request.actor, signed: null };
    }
    // A browser signed in to the web UI sends its session cookie with every request, a signed
    // URL it opens too: the URL decides, as its grantee. Only a token sent with it is a guess.
    if (request.actor.kind !== "anonymous" && request.actor.token.session !== true) {
      throw new HubError(
        "BAD_REQUEST",
        "send a signed URL without an Authorization header, or a token without the URL's signature parameters; not both",
      );
    }
    const file = {
      namespace: params.namespace,
      name: params.name,
      revision: params.revision,
      path: params["*"],
    };
    const signed = await verifySignedUrl(ctx, file, query);
    try {
      const resolved = await resolveFile(ctx, signed.grantee, file, file.revision, file.path);
      return { resolved, actor: signed.grantee, signed };
    } catch (err) {
      if (err instanceof HubError && LOST_ACCESS.has(err.code)) {
        throw new HubError(
          "FORBIDDEN",
          `This signed URL no longer gives access: the user it was signed for may no longer download ${file.path} of ${file.namespace}/${file.name}`,
        );
      }
      throw err;
    }
  };

  /** The headers of a file, kept from shared caches when a signed URL fetched it, so revocation is never served around. */
  const downloadHeaders = (reply: FastifyReply, resolved: ResolvedFile, signed: boolean): void => {
    fileHeaders(reply, resolved);
    if (signed) {
      void reply.header("Cache-Control", "private, no-store");
    }
  };

  const resolveRoute = "/:namespace/:name/resolve/:revision/*";
  app.head(
    resolveRoute,
    {
      config: { access: { model: "version.download" } },
      schema: { params: RepoRevisionPath, querystring: SignedUrlParams },
    },
    async (request, reply) => {
      const { resolved, signed } = await downloadOf(request, request.params, request.query);
      downloadHeaders(reply, resolved, signed !== null);
      if (notModified(request, resolved)) {
        return reply.status(304).send();
      }
      return reply.header("Content-Length", String(resolved.file.size)).send();
    },
  );

  app.get(
    resolveRoute,
    {
      config: { access: { model: "version.download" } },
      schema: { params: RepoRevisionPath, querystring: SignedUrlParams },
      exposeHeadRoute: false,
    },
    async (request, reply) => {
      const { resolved, actor, signed } = await downloadOf(request, request.params, request.query);
      downloadHeaders(reply, resolved, signed !== null);
      if (notModified(request, resolved)) {
        return reply.status(304).send();
      }
      const size = resolved.file.size;
      const range = parseRange(request.headers.range, size);
      if (range !== "unsatisfiable") {
        await recordDownload(ctx, actor, resolved, range, originOf(request), signed);
      }
      if (startsDownload(request.headers.range, range)) {
        await countDownload(ctx, resolved.version.id);
      }
      return sendBody(reply, range, size, (r) => ctx.blobs.read(resolved.file.sha256, r));
    },
  );

  // Every file is stored LFS-style, so `raw` gives its Git LFS pointer, as the
  // Hugging Face Hub does for LFS files. @huggingface/hub's fileExists sends
  // `HEAD /{repo}/raw/{rev}/{path}` and takes any 404 for "no such file"
  // (lib/file-exists.ts), so without this route every file looked missing.
  const rawRoute = "/:namespace/:name/raw/:revision/*";
  const pointerOf = async (
    request: FastifyRequest,
    params: { namespace: string; name: string; revision: string; "*": string },
    reply: FastifyReply,
  ) => {
    const resolved = await requestedFile(request, params);
    const pointer = Buffer.from(lfsPointerText(resolved.file.sha256, resolved.file.size));
    void reply
      .header("ETag", `"${lfsPointerOid(resolved.file.sha256, resolved.file.size).oid}"`)
      .header("X-Repo-Commit", resolved.version.commitId)
      .header("Accept-Ranges", "bytes")
      .header("Cache-Control", "private, max-age=0")
      .header("Content-Type", "text/plain; charset=utf-8");
    return pointer;
  };
  app.head(
    rawRoute,
    { config: { access: { model: "version.download" } }, schema: { params: RepoRevisionPath } },
    async (request, reply) => {
      const pointer = await pointerOf(request, request.params, reply);
      return reply.header("Content-Length", String(pointer.length)).send();
    },
  );
  app.get(
    rawRoute,
    {
      config: { access: { model: "version.download" } },
      schema: { params: RepoRevisionPath },
      exposeHeadRoute: false,
    },
    async (request, reply) => {
      const pointer = await pointerOf(request, request.params, reply);
      const range = parseRange(request.headers.range, pointer.length);
      return sendBody(reply, range, pointer.length, (r) =>
        r === undefined ? pointer : pointer.subarray(r.start, r.end + 1),
      );
    },
  );

  // huggingface_hub's HfApi.list_repo_refs reads branches, converts, tags and,
  // with include_prs, pullRequests (hf_api.py list_repo_refs). `main` is the
  // only branch; every published version is a tag.
  app.get(
    "/api/models/:namespace/:name/refs",
    {
      config: { access: { model: "version.see" } },
      schema: {
        params: Repo,
        querystring: Type.Object({ include_prs: Flag }),
      },
    },
    async (request) => {
      const { namespace, name } = request.params;
      const model = await loadModel(ctx, request.actor, namespace, name, "version.see");
      const versions = (await listVersions(ctx, request.actor, model, false)).map((v) => v.version);
      // "main" is the version resolveRevision gives for it, found when the model was loaded.
      const main = versions.find((v) => v.id === model.main?.id) ?? null;
      return {
        branches:
          main === null
            ? []
            : [{ name: "main", ref: "refs/heads/main", targetCommit: main.commitId }],
        converts: [],
        tags: versions.map((v) => ({
          name: v.name,
          ref: `refs/tags/${v.name}`,
          targetCommit: v.commitId,
        })),
        ...(isSet(request.query.include_prs) ? { pullRequests: [] } : {}),
      };
    },
  );

  // huggingface_hub's HfApi.list_repo_commits and @huggingface/hub's listCommits:
  // each published version is a commit, newest first from the revision asked
  // for. Both clients page by following `Link: <…>; rel="next"` (huggingface_hub
  // utils/_pagination.py); the next page is named by the commit it starts from,
  // so a version published meanwhile neither repeats nor hides an entry.
  app.get(
    "/api/models/:namespace/:name/commits/:revision",
    {
      config: { access: { model: "version.see" } },
      schema: {
        params: RepoRevision,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          "expand[]": Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 8 })),
        }),
      },
    },
    async (request, reply) => {
      const { namespace, name, revision } = request.params;
      const model = await loadModel(ctx, request.actor, namespace, name, "version.see");
      const limit = request.query.limit ?? 50;
      const expand = request.query["expand[]"] ?? [];
      const page = await listCommits(ctx, request.actor, model, revision, limit);
      if (page.next !== null) {
        const next = new URL(
          `${baseUrlOf(request, ctx.config.publicUrl)}/api/models/${model.fullName}/commits/${page.next.commitId}`,
        );
        next.searchParams.set("limit", String(limit));
        for (const field of expand) {
          next.searchParams.append("expand[]", field);
        }
        void reply.header("Link", `<${next.toString()}>; rel="next"`);
      }
      const formatted = expand.includes("formatted");
      return page.commits.map((c) => commitJson(c, formatted));
    },
  );

  // huggingface_hub's HfApi.auth_check: 200 when the caller may read the
  // files (or, with /write, create versions of the model), else the usual refusal.
  app.get(
    "/api/models/:namespace/:name/auth-check",
    { config: { access: { model: "version.download" } }, schema: { params: Repo } },
    async (request) => {
      const { namespace, name } = request.params;
      const model = await loadModel(ctx, request.actor, namespace, name, "version.download");
      if (model.main !== null) {
        await resolveVersion(ctx, request.actor, model, "main", "version.download");
      }
      return {};
    },
  );
  app.get(
    "/api/models/:namespace/:name/auth-check/write",
    { config: { access: { model: "version.create" } }, schema: { params: Repo } },
    async (request) => {
      const { namespace, name } = request.params;
      await loadModel(ctx, request.actor, namespace, name, "version.create");
      return {};
    },
  );
}
