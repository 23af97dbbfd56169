import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { admitCall, type CallFacts, type RateLimitHeaders } from "../limits/index.js";
import { findCallable, type Callable } from "./find-callable.js";
import {
  decodeRequest,
  encodeOutputs,
  type OipInferRequest,
  type OipOutput,
} from "./oip-tensors.js";
import { batchingOf } from "./served-versions.js";
import { queueFull, type WorkerPool } from "./worker-pool.js";
import { isDecoder } from "./decoder-signature.js";
import { HubError } from "../errors/index.js";
import type { TensorSpec, WireTensor } from "./tensor-types.js";

/** Who calls, as the usage limits tell callers apart. */
export interface Caller {
  readonly actor: Actor;
  /** The client's address: anonymous callers are counted by it. */
  readonly address: string;
}

/** An answer and the RateLimit header fields of the limits the call counted in. */
export interface Limited<T> {
  readonly body: T;
  readonly headers: RateLimitHeaders;
}

/** The rows of a call: the largest first dimension of its inputs (1 for scalars). */
function rowsOf(feeds: Readonly<Record<string, WireTensor>>): number {
  return Math.max(1, ...Object.values(feeds).map((t) => t.dims[0] ?? 1));
}

/** Applies the usage rules of `callable` to a metadata or readiness call, which spends no quota. */
async function admitLook(
  ctx: HubContext,
  caller: Caller,
  { model, served }: Callable,
  endpoint: "metadata" | "ready",
): Promise<void> {
  const admission = await admitCall(ctx, {
    ...caller,
    versionId: served.versionId,
    label: `${model.fullName}@${served.versionName}`,
    protocol: "oip",
    endpoint,
    rows: 0,
    binaryTensors: false,
  });
  await admission.done(0);
}

/** An OIP v2 inference response (serving.md §1). */
export interface OipInferResponse {
  readonly model_name: string;
  readonly model_version: string;
  readonly id: string;
  readonly outputs: readonly OipOutput[];
}

/**
 * An inference answer: the response's JSON, and when any output was asked for
 * as binary data, those outputs' bytes to follow it, in its outputs' order.
 */
export interface InferAnswer extends Limited<OipInferResponse> {
  readonly binaryParts: readonly Uint8Array[] | null;
}

/** OIP v2 model metadata; `versions` lists the served versions the caller may call. */
export interface OipModelMetadata {
  readonly name: string;
  readonly versions?: readonly string[];
  readonly platform: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/**
 * Runs one inference on a served version the caller may call. The inputs are
 * checked against the model's declared ones before any worker is involved; the
 * request's `id` is echoed, or the hub's request id given when it has none.
 * `tensorBytes` is what followed the JSON of a body in the binary tensor
 * extension's form, null for a JSON body.
 */
export async function infer(
  ctx: HubContext,
  caller: Caller,
  target: { oipName: string; version: string | undefined },
  request: OipInferRequest,
  tensorBytes: Uint8Array | null,
  requestId: string,
  facts?: CallFacts,
): Promise<InferAnswer> {
  const { model, served } = await findCallable(
    ctx,
    caller.actor,
    target.oipName,
    target.version,
    facts,
  );
  const sha256 = served.sha256;
  if (served.upstream !== null || sha256 === null || isDecoder(served.signature)) {
    throw new HubError(
      "BAD_REQUEST",
      `${model.fullName}@${served.versionName} is a language model served for generation; call it through the OpenAI-compatible API (POST /v1/completions with "model": "${model.fullName}@${served.versionName}")`,
    );
  }
  const { feeds, outputs, binaryOutputs, usesBinary } = decodeRequest(
    request,
    tensorBytes ?? new Uint8Array(0),
    served.signature,
    target.oipName,
  );
  const label = `${model.fullName}@${served.versionName}`;
  // Not a decoder, so its runner is a WorkerPool.
  const pool = (await ctx.serving.poolFor({
    versionId: served.versionId,
    label,
    sha256,
    workers: served.workers,
    batching: batchingOf(ctx.config.serve, served),
    generative: false,
  })) as WorkerPool;
  // A call the model has no room for is refused before the limits count it.
  if (!pool.hasRoom) {
    throw queueFull(label);
  }
  const admission = await admitCall(ctx, {
    ...caller,
    versionId: served.versionId,
    label,
    protocol: "oip",
    endpoint: "infer",
    rows: rowsOf(feeds),
    binaryTensors: usesBinary || tensorBytes !== null,
  });
  let computeMs = 0;
  try {
    const started = performance.now();
    // Each account is a flow of the fair order, weighted by its tier: one that floods a
    // busy model waits behind others.
    const results = await pool.run(feeds, outputs, admission.flow);
    computeMs = performance.now() - started;
    const encoded = encodeOutputs(results, outputs, binaryOutputs);
    return {
      body: {
        model_name: target.oipName,
        model_version: served.versionName,
        id: request.id ?? requestId,
        outputs: encoded.outputs,
      },
      headers: admission.headers,
      binaryParts: binaryOutputs.size > 0 ? encoded.parts : null,
    };
  } finally {
    ctx.serving.called(served.versionId);
    await admission.done(computeMs);
  }
}

/** A served model's metadata, for a caller who may call it. */
export async function modelMetadata(
  ctx: HubContext,
  caller: Caller,
  target: { oipName: string; version: string | undefined },
  facts?: CallFacts,
): Promise<OipModelMetadata> {
  const callable = await findCallable(ctx, caller.actor, target.oipName, target.version, facts);
  await admitLook(ctx, caller, callable, "metadata");
  const { served } = callable;
  return {
    name: target.oipName,
    versions: [served.versionName],
    // Triton's name for the runtime, which OIP clients recognise.
    platform: "onnxruntime_onnx",
    inputs: served.signature.inputs,
    outputs: served.signature.outputs,
  };
}

/** Whether a served model answers calls now: not while its workers are (re)loading. */
export async function modelReady(
  ctx: HubContext,
  caller: Caller,
  target: { oipName: string; version: string | undefined },
  facts?: CallFacts,
): Promise<{ name: string; ready: boolean }> {
  const callable = await findCallable(ctx, caller.actor, target.oipName, target.version, facts);
  await admitLook(ctx, caller, callable, "ready");
  const { served } = callable;
  return { name: target.oipName, ready: ctx.serving.status(served.versionId).state !== "loading" };
}
