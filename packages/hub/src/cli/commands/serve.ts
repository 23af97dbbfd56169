import type { Command } from "commander";
import {
  parseModelRef,
  UsageError,
  modelPath,
  type CliContext,
  type ModelRef,
} from "../context.js";
import { numberFlag, wholeNumberFlag } from "../flags.js";

/** A served version's status as the hub reports it. */
interface ServingStatus {
  readonly model: string;
  readonly version: string;
  readonly oipName: string;
  readonly protocol: "oip" | "openai";
  readonly upstream: { readonly url: string; readonly model: string } | null;
  readonly workers: number;
  readonly state: string;
  readonly queueDepth: number;
  readonly running: number;
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  readonly batched: boolean;
  readonly batches: number;
  readonly batchedCalls: number;
}

/** `NS/NAME@V`, whose version is required: serving is per version. */
function versionRef(id: string): ModelRef & { version: string } {
  const ref = parseModelRef(id, true);
  if (ref.version === undefined) {
    throw new UsageError(`"${id}" names no version; serving is per version: write ${id}@VERSION`);
  }
  return { ...ref, version: ref.version };
}

const servingPath = (ref: ModelRef & { version: string }) =>
  `${modelPath(ref)}/versions/${encodeURIComponent(ref.version)}/serving`;

const batchText = (s: ServingStatus) =>
  s.upstream !== null
    ? `proxied to ${s.upstream.model} at ${s.upstream.url}`
    : s.protocol === "openai"
      ? `continuous batching of ≤${s.maxBatch} sequences`
      : s.batched
        ? `batch ≤${s.maxBatch} rows, delay ${s.maxDelayMs} ms, ${s.batches} batches of ${s.batchedCalls} calls`
        : "unbatched";

const statusLine = (s: ServingStatus) =>
  `${s.model}@${s.version}  ${s.state}  workers ${s.workers}  queue ${s.queueDepth}  running ${s.running}  ${batchText(s)}  ${
    s.protocol === "openai" ? "/v1/completions" : `/v2/models/${s.oipName}/versions/${s.version}`
  }`;

/** How to call a served version, for the line `serve enable` prints. */
const howToCall = (s: ServingStatus) =>
  s.protocol === "openai"
    ? `call POST /v1/completions or /v1/chat/completions with "model": "${s.model}@${s.version}" (any OpenAI client, base URL HUB/v1, a hub token as the API key)`
    : `call POST /v2/models/${s.oipName}/versions/${s.version}/infer, or gatehouse infer ${s.model}@${s.version} --input FILE.json`;

/** `gatehouse serve enable|disable|status`: hosted inference of ONNX versions. */
export function registerServeCommands(
  program: Command,
  contextOf: () => Promise<CliContext>,
): void {
  const serve = program
    .command("serve")
    .description("serve a version's model.onnx for hosted inference (Open Inference Protocol v2)");

  serve
    .command("enable")
    .description("load a version's model.onnx in worker threads and answer calls to it")
    .argument("<ns/name@version>", "the version to serve")
    .option(
      "--workers <n>",
      "worker threads, each with its own onnxruntime session (default: the hub's most)",
      wholeNumberFlag(1, "--workers takes a whole number of at least 1"),
    )
    .option(
      "--max-batch <rows>",
      "dynamic batching: the most rows one run takes from waiting calls; 1 runs each call alone (default: the hub's)",
      wholeNumberFlag(1, "--max-batch takes a whole number of at least 1"),
    )
    .option(
      "--max-delay-ms <ms>",
      "dynamic batching: how long a partial batch may wait for more calls (default: the hub's)",
      numberFlag((n) => n >= 0, "--max-delay-ms takes a number of milliseconds, 0 or more"),
    )
    .option(
      "--upstream <url>",
      "proxy the OpenAI-compatible API to an engine at this base URL (vLLM, TGI, llama.cpp's server, another hub), e.g. http://10.0.0.5:8000/v1; its key goes in the hub's GATEHOUSE_UPSTREAM_KEYS",
    )
    .option("--upstream-model <name>", "the engine's name for the model (with --upstream)")
    .action(
      async (
        id: string,
        options: {
          workers?: number;
          maxBatch?: number;
          maxDelayMs?: number;
          upstream?: string;
          upstreamModel?: string;
        },
      ) => {
        const ref = versionRef(id);
        if ((options.upstream === undefined) !== (options.upstreamModel === undefined)) {
          throw new UsageError(
            "give --upstream URL and --upstream-model NAME together: the engine and its name for the model",
          );
        }
        const ctx = await contextOf();
        const status = await ctx.client.json<ServingStatus>("PUT", servingPath(ref), {
          ...(options.workers === undefined ? {} : { workers: options.workers }),
          ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
          ...(options.maxDelayMs === undefined ? {} : { maxDelayMs: options.maxDelayMs }),
          ...(options.upstream === undefined || options.upstreamModel === undefined
            ? {}
            : { upstream: { url: options.upstream, model: options.upstreamModel } }),
        });
        const how =
          status.upstream === null
            ? `with ${status.workers} worker${status.workers === 1 ? "" : "s"}, ${batchText(status)}`
            : batchText(status);
        ctx.print(`serving ${status.model}@${status.version} ${how}; ${howToCall(status)}`, status);
      },
    );

  serve
    .command("disable")
    .description("stop serving a version: its calls answer 404 from now on")
    .argument("<ns/name@version>", "the served version")
    .action(async (id: string) => {
      const ref = versionRef(id);
      const ctx = await contextOf();
      await ctx.client.send("DELETE", servingPath(ref));
      ctx.print(`stopped serving ${ref.namespace}/${ref.name}@${ref.version}`, {
        model: `${ref.namespace}/${ref.name}`,
        version: ref.version,
        served: false,
      });
    });

  serve
    .command("status")
    .description("a served version's state, or every served version's (administrators)")
    .argument("[ns/name@version]", "one served version; without it, all of them")
    .action(async (id: string | undefined) => {
      const ref = id === undefined ? undefined : versionRef(id);
      const ctx = await contextOf();
      if (ref === undefined) {
        const all = await ctx.client.json<ServingStatus[]>("GET", "/api/serving");
        ctx.print(all.length === 0 ? ["no version is served"] : all.map(statusLine), all);
        return;
      }
      const status = await ctx.client.json<ServingStatus>("GET", servingPath(ref));
      ctx.print(statusLine(status), status);
    });
}
