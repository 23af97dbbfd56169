import { requireAdmin, type Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { loadModel, resolveVersion } from "../registry/index.js";
import { oipModelName } from "../names/index.js";
import {
  allServed,
  batchingOf,
  findServed,
  type ServedVersion,
  type Upstream,
} from "./served-versions.js";
import { batchableSignature } from "./batch-calls.js";
import { isDecoder } from "./decoder-signature.js";
import type { LoadState } from "./serving-pools.js";
import type { TensorSpec } from "./tensor-types.js";

/** A served version as `GET …/serving` and `GET /api/serving` show it. */
export interface ServingStatus {
  readonly model: string;
  readonly version: string;
  /** Its name in the Open Inference Protocol's URLs. */
  readonly oipName: string;
  /**
   * How it is called: `oip` (POST /v2/models/{oipName}/versions/{version}/infer),
   * or `openai` for a decoder exported for generation (POST /v1/completions and
   * /v1/chat/completions with `"model": "{model}@{version}"`).
   */
  readonly protocol: "oip" | "openai";
  /** The engine that runs it, whose OpenAI-compatible API the hub proxies; null when the hub runs it. */
  readonly upstream: Upstream | null;
  readonly workers: number;
  /** In this hub process: `loaded`, `loading`, or `idle` (unloaded; the next call loads it). */
  readonly state: LoadState;
  readonly queueDepth: number;
  readonly running: number;
  /** Rows one batched run may take (the version's own or the hub's default); 1: unbatched. */
  readonly maxBatch: number;
  /** How long a partial batch may wait for more calls, in ms. */
  readonly maxDelayMs: number;
  /** Whether calls are batched in this process: the model keeps an open batch dimension and `maxBatch` is above 1. */
  readonly batched: boolean;
  /** Runs that answered more than one call since the workers were loaded in this process. */
  readonly batches: number;
  /** Calls answered by those runs. */
  readonly batchedCalls: number;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly enabledBy: string | null;
  readonly enabledAt: string;
}

/** What a served version's row and this process's pool say of it. */
export function statusOf(ctx: HubContext, served: ServedVersion): ServingStatus {
  const pool = ctx.serving.status(served.versionId);
  const batching = batchingOf(ctx.config.serve, served);
  return {
    model: served.model,
    version: served.versionName,
    oipName: oipModelName(served.namespace, served.name),
    protocol: served.upstream !== null || isDecoder(served.signature) ? "openai" : "oip",
    upstream: served.upstream,
    workers: served.workers,
    state: pool.state,
    queueDepth: pool.queueDepth,
    running: pool.running,
    maxBatch: batching.maxBatch,
    maxDelayMs: batching.maxDelayUs / 1000,
    batched:
      pool.state === "loaded"
        ? pool.batched
        : isDecoder(served.signature) ||
          (batching.maxBatch > 1 && batchableSignature(served.signature)),
    batches: pool.batches,
    batchedCalls: pool.batchedCalls,
    inputs: served.signature.inputs,
    outputs: served.signature.outputs,
    enabledBy: served.enabledBy,
    enabledAt: served.enabledAt,
  };
}

/** The refusal for a version that is not served, with how to serve it. */
export function notServed(id: string, repo: { namespace: string; name: string }, version: string) {
  return new HubError(
    "NOT_FOUND",
    `${id} is not served; enable it with 'gatehouse serve enable ${id}' (PUT /api/models/${repo.namespace}/${repo.name}/versions/${version}/serving)`,
  );
}

/** A version's serving status, for those who may enable it. */
export async function servingStatus(
  ctx: HubContext,
  actor: Actor,
  repo: { namespace: string; name: string },
  versionName: string,
): Promise<ServingStatus> {
  const model = await loadModel(ctx, actor, repo.namespace, repo.name, "version.release");
  const { version } = await resolveVersion(ctx, actor, model, versionName);
  const served = await findServed(ctx.db, version.id);
  if (served === undefined) {
    throw notServed(`${model.fullName}@${version.name}`, repo, version.name);
  }
  return statusOf(ctx, served);
}

/** Every served version of the hub, for administrators. */
export async function listServing(ctx: HubContext, actor: Actor): Promise<ServingStatus[]> {
  requireAdmin(actor, "list every served version");
  return (await allServed(ctx.db)).map((s) => statusOf(ctx, s));
}
