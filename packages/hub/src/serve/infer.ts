import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import type { CallFacts } from "../limits/index.js";
import { findCallable } from "./find-callable.js";
import {
  decodeRequest,
  encodeOutputs,
  type OipInferRequest,
  type OipOutput,
} from "./oip-tensors.js";
import type { TensorSpec } from "./tensor-types.js";

/** An OIP v2 inference response (serving.md §1). */
export interface OipInferResponse {
  readonly model_name: string;
  readonly model_version: string;
  readonly id: string;
  readonly outputs: readonly OipOutput[];
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
 */
export async function infer(
  ctx: HubContext,
  actor: Actor,
  target: { oipName: string; version: string | undefined },
  request: OipInferRequest,
  requestId: string,
  facts?: CallFacts,
): Promise<OipInferResponse> {
  const { model, served } = await findCallable(ctx, actor, target.oipName, target.version, facts);
  const { feeds, outputs } = decodeRequest(request, served.signature, target.oipName);
  const pool = await ctx.serving.poolFor({
    versionId: served.versionId,
    label: `${model.fullName}@${served.versionName}`,
    sha256: served.sha256,
    workers: served.workers,
  });
  try {
    const results = await pool.run(feeds, outputs);
    return {
      model_name: target.oipName,
      model_version: served.versionName,
      id: request.id ?? requestId,
      outputs: encodeOutputs(results, outputs),
    };
  } finally {
    ctx.serving.called(served.versionId);
  }
}

/** A served model's metadata, for a caller who may call it. */
export async function modelMetadata(
  ctx: HubContext,
  actor: Actor,
  target: { oipName: string; version: string | undefined },
  facts?: CallFacts,
): Promise<OipModelMetadata> {
  const { served } = await findCallable(ctx, actor, target.oipName, target.version, facts);
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
  actor: Actor,
  target: { oipName: string; version: string | undefined },
  facts?: CallFacts,
): Promise<{ name: string; ready: boolean }> {
  const { served } = await findCallable(ctx, actor, target.oipName, target.version, facts);
  return { name: target.oipName, ready: ctx.serving.status(served.versionId).state !== "loading" };
}
