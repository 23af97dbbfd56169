import { randomInt } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { GenerationResult, SamplingSettings } from "@gatehouse/ml/generation";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { admitCall, type CallFacts, type RateLimitHeaders } from "../limits/index.js";
import {
  batchingOf,
  findServedVersion,
  isDecoder,
  queueFull,
  type Callable,
  type Caller,
  type GenerationPool,
} from "../serve/index.js";
import { modelNotFound, parseModelId } from "./model-id.js";
import { UseRestrictions } from "./use-restrictions.js";

/** A prompt: text, or the ids of its tokens. */
export type Prompt = string | readonly number[];

/** What a completion or chat call asks the model for. */
export interface TextAsk {
  readonly endpoint: "completions" | "chat";
  /** The prompts, made once the version is known (a chat's by its card's template, which may name the end-of-text token). */
  readonly prompts: (callable: Callable, eosToken: string) => readonly Prompt[];
  /** The caller's own text, which the version's use checks read: the prompts, or a chat's messages. */
  readonly checked: readonly Prompt[];
  /** The most tokens each choice may have; unset, 16 for a completion (OpenAI's default) and the context for a chat. */
  readonly maxTokens: number | undefined;
  /** Choices per prompt. */
  readonly n: number;
  readonly sampling: Partial<SamplingSettings>;
  /** Seeds the first choice, `seed + i` the i-th; unset, each choice draws its own. */
  readonly seed: number | undefined;
  readonly stop: readonly string[];
  /** Whether the answer streams: a stream may start with fewer tokens than it asks for, and is cut. */
  readonly stream: boolean;
}

/** Hears a call's progress: once when it is let through, then each piece of each choice's text. */
export interface TextListener {
  /** The version called, as `namespace/name@version`, the RateLimit fields of the call and its number of choices. */
  started(model: string, headers: RateLimitHeaders, choices: number): void;
  /** New text of choice `index` (prompt × n + choice). */
  text(index: number, delta: string): void;
}

/** A finished call: each choice's generation, in index order. */
export interface TextRun {
  readonly model: string;
  readonly results: readonly GenerationResult[];
}

/** OpenAI's default `max_tokens` for a completion. */
const COMPLETION_DEFAULT_MAX_TOKENS = 16;

/**
 * The served version a call's `model` field names (`namespace/name` or
 * `namespace/name@version`), if the caller may call it; OpenAI's 404
 * `model_not_found` otherwise.
 */
export function findTextModel(
  ctx: HubContext,
  caller: Caller,
  model: string,
  facts: CallFacts | undefined,
): Promise<Callable> {
  const { repo, version } = parseModelId(model);
  return findServedVersion(ctx, caller.actor, repo, version, () => modelNotFound(model), facts);
}

/**
 * The engines of a served language model the hub runs, loading them if they
 * are not; a version that is not a decoder is refused, pointing to the Open
 * Inference Protocol.
 */
export async function generationPoolOf(
  ctx: HubContext,
  callable: Callable,
): Promise<{ label: string; pool: GenerationPool }> {
  const { model, served } = callable;
  const label = `${model.fullName}@${served.versionName}`;
  const sha256 = served.sha256;
  if (sha256 === null || !isDecoder(served.signature)) {
    throw new HubError(
      "BAD_REQUEST",
      `${label} is not a language model; call it through the Open Inference Protocol (gatehouse serve status ${label} shows its URL)`,
      { param: "model" },
    );
  }
  // A decoder's runner is a GenerationPool.
  const pool = (await ctx.serving.poolFor({
    versionId: served.versionId,
    label,
    sha256,
    workers: served.workers,
    batching: batchingOf(ctx.config.serve, served),
    generative: true,
  })) as GenerationPool;
  return { label, pool };
}

/**
 * Runs a completion or chat call on a served language model the hub runs:
 * checks `max_tokens` against the model's context,
 * lets the call through the usage limits, then generates every choice at once
 * (the engines batch them with whatever else runs) and reports their text as
 * it comes. Aborting `signal` (the client went away) ends every choice at the
 * next step; the call is still charged what ran.
 */
export async function generateText(
  ctx: HubContext,
  caller: Caller,
  callable: Callable,
  ask: TextAsk,
  facts: CallFacts | undefined,
  listener: TextListener,
  signal: AbortSignal,
): Promise<TextRun> {
  const { served } = callable;
  const { label, pool } = await generationPoolOf(ctx, callable);
  const prompts = ask
    .prompts(callable, pool.eosToken)
    .map((p) => (typeof p === "string" ? pool.encode(p) : p));
  for (const ids of prompts) {
    if (ids.length > pool.contextLength) {
      // llama.cpp's and OpenAI's refusal: the numbers let a client cut the prompt to fit.
      throw new HubError(
        "BAD_REQUEST",
        `This model's maximum context length is ${pool.contextLength} tokens, but the prompt has ${ids.length} tokens; shorten the prompt`,
        {
          reason: "context_length_exceeded",
          param: ask.endpoint === "chat" ? "messages" : "prompt",
        },
      );
    }
  }
  if (ask.maxTokens !== undefined && ask.maxTokens > pool.contextLength) {
    throw new HubError(
      "BAD_REQUEST",
      `max_tokens is ${ask.maxTokens}, more than ${label}'s context of ${pool.contextLength} tokens; ask for at most ${pool.contextLength} (a completion also ends where it and the prompt fill the context)`,
      { param: "max_tokens" },
    );
  }
  const empty = prompts.findIndex((ids) => ids.length === 0);
  if (empty >= 0) {
    throw new HubError(
      "BAD_REQUEST",
      prompts.length === 1
        ? "the prompt is empty; give at least one token to continue"
        : `prompt ${empty} is empty; give at least one token to continue`,
      { param: ask.endpoint === "chat" ? "messages" : "prompt" },
    );
  }
  const restrictions = await checkedPrompts(
    ctx,
    { label, callable, pool },
    ask.checked,
    ask.endpoint === "chat" ? "messages" : "prompt",
  );
  if (!pool.hasRoomFor(prompts.length * ask.n)) {
    throw queueFull(label);
  }
  const promptTokens = prompts.reduce((n, ids) => n + ids.length, 0);
  const admission = await admitCall(ctx, {
    ...caller,
    versionId: served.versionId,
    label,
    protocol: "openai",
    endpoint: ask.endpoint,
    rows: prompts.length * ask.n,
    binaryTensors: false,
    tokens: {
      prompt: promptTokens,
      choices: prompts.length * ask.n,
      maxTokens: ask.maxTokens,
      defaultMaxTokens:
        ask.endpoint === "completions" ? COMPLETION_DEFAULT_MAX_TOKENS : pool.contextLength,
      partial: ask.stream,
    },
  });
  let computeMs = 0;
  // Until the choices end, what the call used is its prompts: a failed call is charged no more.
  let used = promptTokens;
  try {
    listener.started(label, admission.headers, prompts.length * ask.n);
    const started = performance.now();
    // One failed choice ends the others at their next step: nothing runs unmetered.
    const stop = new AbortController();
    const onAbort = (): void => {
      stop.abort();
    };
    // An output a use check stopped: the call ends with its refusal once every choice stopped.
    // Held in an object: the compiler does not follow assignments made in callbacks.
    const refused: { by: Error | null } = { by: null };
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) {
      stop.abort();
    }
    const settled = await Promise.allSettled(
      prompts.flatMap((prompt, p) =>
        Array.from({ length: ask.n }, (_, i) => {
          const index = p * ask.n + i;
          const guard = restrictions?.guard();
          const pass = (text: () => string): void => {
            try {
              const out = text();
              if (out !== "") {
                listener.text(index, out);
              }
            } catch (err) {
              refused.by ??= err as Error;
              stop.abort();
            }
          };
          return pool
            .generate(
              {
                prompt,
                maxTokens: admission.maxTokens,
                sampling: ask.sampling,
                seed: ask.seed === undefined ? randomInt(2 ** 31) : ask.seed + i,
                stop: ask.stop,
              },
              (delta) => {
                if (!stop.signal.aborted) {
                  pass(() => (guard === undefined ? delta : guard.add(delta)));
                }
              },
              stop.signal,
            )
            .then((result) => {
              if (guard !== undefined && !stop.signal.aborted) {
                pass(() => guard.end());
              }
              return result;
            })
            .catch((err: unknown) => {
              stop.abort();
              throw err;
            });
        }),
      ),
    ).finally(() => {
      signal.removeEventListener("abort", onAbort);
    });
    const results = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    used = promptTokens + results.reduce((n, r) => n + r.completionTokens, 0);
    computeMs = performance.now() - started;
    const firsts = results.flatMap((r) =>
      r.timeToFirstTokenMs === undefined ? [] : [r.timeToFirstTokenMs],
    );
    if (facts !== undefined) {
      // Recorded for a refused call too: what ran is what it used.
      facts.tokens = {
        prompt: promptTokens,
        completion: used - promptTokens,
        timeToFirstTokenMs: firsts.length === 0 ? null : Math.min(...firsts),
      };
    }
    if (refused.by !== null) {
      throw refused.by;
    }
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure !== undefined) {
      throw failure.reason;
    }
    await restrictions?.checkOutputs(results.map((r) => r.text));
    // A stream let in with what the token windows had left ends with their refusal once a
    // choice has spent its share, as a stream that exhausts its quota does.
    const cut = results.some(
      (r) => r.finishReason === "length" && r.completionTokens >= admission.maxTokens,
    );
    if (admission.shortfall !== null && cut) {
      throw admission.shortfall;
    }
    return { model: label, results };
  } finally {
    ctx.serving.called(served.versionId);
    await admission.done(computeMs, used);
  }
}

/**
 * The version's use checks, once they have read the caller's `prompts`
 * (token ids as their text) and let them through; null where its card lists
 * none. A refusal names `param`.
 */
export async function checkedPrompts(
  ctx: HubContext,
  served: { readonly label: string; readonly callable: Callable; readonly pool: GenerationPool },
  prompts: readonly Prompt[],
  param: string,
): Promise<UseRestrictions | null> {
  const restrictions = UseRestrictions.of(
    served.label,
    served.callable.version.card,
    ctx.config.serve.moderation,
  );
  await restrictions?.checkPrompts(
    prompts.map((p) => (typeof p === "string" ? p : decodePrompt(served.pool, p, param))),
    param,
  );
  return restrictions;
}

/** A prompt of token ids as text, for the use checks; ids outside the vocabulary are the caller's to fix. */
function decodePrompt(pool: GenerationPool, ids: readonly number[], param: string): string {
  try {
    return pool.decode(ids);
  } catch (err) {
    throw new HubError("BAD_REQUEST", (err as Error).message, { param });
  }
}
