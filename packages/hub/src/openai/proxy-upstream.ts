import { performance } from "node:perf_hooks";
import type { FastifyReply } from "fastify";
import { request, type Dispatcher } from "undici";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { toHubError } from "../http/index.js";
import { admitCall, type CallFacts, type GenerationCount } from "../limits/index.js";
import type { Callable, Caller, Upstream } from "../serve/index.js";
import { textOf } from "./chat-template.js";
import { admitEmbeddings } from "./embed-text.js";
import { openAiError } from "./openai-error.js";
import { embeddingInputs, type EmbeddingBody, type Shared } from "./openai-schemas.js";
import { eventData, openEventStream, sendEvent } from "./sse.js";
import { upstreamRefusal } from "./upstream-error.js";
import { UseRestrictions, type GuardedOutput } from "./use-restrictions.js";

/** OpenAI's rule of thumb for a prompt the hub cannot tokenise: four characters a token. */
const CHARS_PER_TOKEN = 4;
/** The most a choice is taken to generate when a call does not say, for its reserve. */
const DEFAULT_MAX_TOKENS = { completions: 16, chat: 1024 } as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null;

/** What a proxied call is: who calls which version, through which endpoint, with what body. */
export interface ProxyCall {
  readonly caller: Caller;
  readonly callable: Callable;
  readonly upstream: Upstream;
  readonly endpoint: "completions" | "chat";
  readonly body: Shared;
  readonly facts: CallFacts | undefined;
  /** Aborted when the caller goes away: the engine's request is cancelled with it. */
  readonly signal: AbortSignal;
}

/** The prompts' text of a body, for an estimate of its tokens. */
function promptText(body: Shared): string {
  if (!("messages" in body) && Array.isArray(body.prompt) && typeof body.prompt[0] === "number") {
    // Token ids: one token each, four characters by the estimate's own measure.
    return " ".repeat(body.prompt.length * CHARS_PER_TOKEN);
  }
  if ("messages" in body) {
    return body.messages.map(textOf).join("\n");
  }
  return Array.isArray(body.prompt) ? body.prompt.join(" ") : body.prompt;
}

/** The caller's own texts, which the use checks read; token ids cannot be read here and are refused. */
function checkedTexts(body: Shared, label: string): string[] {
  if ("messages" in body) {
    return body.messages.map(textOf);
  }
  return readableTexts(Array.isArray(body.prompt) ? body.prompt : [body.prompt], label, "prompt");
}

/** A call's prompts or inputs as the use checks read them: texts; token ids are refused. */
function readableTexts(
  items: readonly unknown[],
  label: string,
  what: "prompt" | "input",
): string[] {
  if (!items.every((p): p is string => typeof p === "string")) {
    throw new HubError(
      "BAD_REQUEST",
      `${label} checks ${what}s against its acceptable-use terms, which read text; send the ${what} as text, not token ids`,
      { param: what },
    );
  }
  return [...items];
}

/** Where a choice's text is: a completion's `text`, a chat answer's `message.content` or a chunk's `delta.content`. */
function textSlot(choice: Json, position: number): { index: number; holder: Json; key: string } {
  const index = Number.isSafeInteger(choice.index) ? (choice.index as number) : position;
  const holder = isObject(choice.message)
    ? choice.message
    : isObject(choice.delta)
      ? choice.delta
      : choice;
  return { index, holder, key: holder === choice ? "text" : "content" };
}

/** Each choice's text in a whole answer. */
function choiceTexts(answer: Json): string[] {
  if (!Array.isArray(answer.choices)) {
    return [];
  }
  return answer.choices.flatMap((c: unknown, i: number) => {
    if (!isObject(c)) {
      return [];
    }
    const { holder, key } = textSlot(c, i);
    return typeof holder[key] === "string" ? [holder[key]] : [];
  });
}

/**
 * Passes a chunk's text through each choice's guard: the text becomes what
 * may go out now, and a choice that finishes gets what was held back.
 */
function guardChunk(chunk: Json, guardOf: (index: number) => GuardedOutput): void {
  if (!Array.isArray(chunk.choices)) {
    return;
  }
  chunk.choices.forEach((c: unknown, i: number) => {
    if (!isObject(c)) {
      return;
    }
    const { index, holder, key } = textSlot(c, i);
    const piece = holder[key];
    let out = guardOf(index).add(typeof piece === "string" ? piece : "");
    if (c.finish_reason !== null && c.finish_reason !== undefined) {
      out += guardOf(index).end();
    }
    if (typeof piece === "string" || out !== "") {
      holder[key] = out;
    }
  });
}

/** Whether a chunk carries text: a completion's `text` or a chat's `delta.content`. */
const hasText = (chunk: Json): boolean =>
  Array.isArray(chunk.choices) &&
  chunk.choices.some((c: unknown, i: number) => {
    if (!isObject(c)) {
      return false;
    }
    const { holder, key } = textSlot(c, i);
    return typeof holder[key] === "string" && holder[key] !== "";
  });

/** A usage object's counts, when it has them. */
function countsOf(usage: unknown): { prompt: number; completion: number } | null {
  const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (isObject(usage) && count(usage.prompt_tokens) && count(usage.completion_tokens)) {
    return { prompt: usage.prompt_tokens, completion: usage.completion_tokens };
  }
  return null;
}

/**
 * Sends a completion or chat call on to the engine that serves the version
 * (vLLM, TGI, llama.cpp's server, another Gatehouse), under the hub's access
 * rules and limits: the call reserves an estimate of its tokens (four
 * characters a prompt token, and its `max_tokens`) and is corrected to the
 * engine's own counts. A stream is passed through as it comes, with
 * `include_usage` forced on upstream so the hub can meter it and the usage
 * chunk dropped when the caller did not ask for it; the engine's request is
 * cancelled when the caller goes away. The engine's errors answer in OpenAI's
 * shape (upstream-error.ts); `model` in every answer is the hub's id.
 */
export async function proxyUpstream(
  ctx: HubContext,
  call: ProxyCall,
  reply: FastifyReply,
  includeUsage: boolean,
): Promise<object | undefined> {
  const { model, served } = call.callable;
  const label = `${model.fullName}@${served.versionName}`;
  const { body, endpoint, upstream } = call;
  const stream = body.stream === true;
  const asked =
    "messages" in body
      ? (body.max_completion_tokens ?? body.max_tokens ?? undefined)
      : (body.max_tokens ?? undefined);
  // A list of texts is several prompts; token ids are one.
  const prompts =
    "messages" in body || !Array.isArray(body.prompt) || typeof body.prompt[0] !== "string"
      ? 1
      : body.prompt.length;
  const restrictions = UseRestrictions.of(
    label,
    call.callable.version.card,
    ctx.config.serve.moderation,
  );
  await restrictions?.checkPrompts(
    checkedTexts(body, label),
    "messages" in body ? "messages" : "prompt",
  );
  const promptTokens = Math.ceil(promptText(body).length / CHARS_PER_TOKEN);
  const admission = await admitCall(ctx, {
    ...call.caller,
    versionId: served.versionId,
    label,
    protocol: "openai",
    endpoint,
    rows: prompts * (body.n ?? 1),
    binaryTensors: false,
    tokens: {
      prompt: promptTokens,
      choices: prompts * (body.n ?? 1),
      maxTokens: asked,
      defaultMaxTokens: DEFAULT_MAX_TOKENS[endpoint],
      partial: false,
    },
  });
  const reserve = promptTokens + admission.maxTokens * prompts * (body.n ?? 1);
  const started = performance.now();
  let used: GenerationCount | null = null;
  let opened = false;
  try {
    const forward: Json = { ...body, model: upstream.model };
    // A cap lowered what a call that named no max_tokens may have: the engine must hold to it.
    if (asked === undefined && admission.maxTokens < DEFAULT_MAX_TOKENS[endpoint]) {
      forward.max_tokens = admission.maxTokens;
    }
    if (stream) {
      forward.stream_options = { include_usage: true };
    }
    const response = await send(ctx, upstream, endpoint, forward, call.signal, label);
    if (!stream) {
      void reply.headers({ ...admission.headers });
      const answer = await answerOf(response, label);
      const counts = countsOf(answer.usage);
      used = counts === null ? null : { ...counts, timeToFirstTokenMs: null };
      await restrictions?.checkOutputs(choiceTexts(answer));
      return { ...answer, model: label };
    }
    openEventStream(reply, { ...admission.headers });
    opened = true;
    let first: number | null = null;
    // Each choice's output so far, let out word by word once the use checks passed it.
    const guards = new Map<number, GuardedOutput>();
    for await (const data of eventData(response.body)) {
      if (data === "[DONE]") {
        await restrictions?.checkOutputs([...guards.values()].map((g) => g.whole));
        sendEvent(reply, "[DONE]");
        break;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        throw new HubError(
          "BAD_GATEWAY",
          `the engine serving ${label} sent an event that is not JSON`,
        );
      }
      if (!isObject(chunk)) {
        continue;
      }
      if (isObject(chunk.error) || typeof chunk.error === "string") {
        sendEvent(reply, openAiError(upstreamRefusal(label, 400, data, null)));
        break;
      }
      first ??= hasText(chunk) ? performance.now() - started : null;
      if (restrictions !== null) {
        guardChunk(chunk, (index) => {
          let guard = guards.get(index);
          if (guard === undefined) {
            guard = restrictions.guard();
            guards.set(index, guard);
          }
          return guard;
        });
      }
      const counts = countsOf(chunk.usage);
      if (counts !== null) {
        used = { ...counts, timeToFirstTokenMs: first };
      }
      const usageOnly = Array.isArray(chunk.choices) && chunk.choices.length === 0;
      if (includeUsage) {
        sendEvent(reply, { ...chunk, model: label });
      } else if (!usageOnly) {
        // vLLM's continuous usage stats ride on every chunk: they go only to who asked.
        sendEvent(reply, { ...chunk, usage: undefined, model: label });
      }
    }
    return undefined;
  } catch (err) {
    if (!opened) {
      throw err;
    }
    if (!call.signal.aborted) {
      const hubError = toHubError(err);
      if (call.facts !== undefined) {
        call.facts.errorCode = hubError.code;
      }
      sendEvent(reply, openAiError(hubError));
    }
    return undefined;
  } finally {
    if (opened) {
      reply.raw.end();
    }
    if (call.facts !== undefined && used !== null) {
      call.facts.tokens = used;
    }
    // Without the engine's counts, the call keeps its whole reserve.
    await admission.done(
      performance.now() - started,
      used === null ? reserve : used.prompt + used.completion,
    );
  }
}

/**
 * Sends an embeddings call on to the engine that serves the version, under
 * the hub's access rules and limits: its inputs reserve an estimate of their
 * tokens (four characters a token, one a token id), corrected to the
 * engine's `usage.prompt_tokens`; the use checks read the texts, and token
 * ids are refused when there are checks, since the hub cannot read them.
 */
export async function proxyEmbeddings(
  ctx: HubContext,
  call: Omit<ProxyCall, "endpoint" | "body"> & { readonly body: EmbeddingBody },
  reply: FastifyReply,
): Promise<object> {
  const { model, served } = call.callable;
  const label = `${model.fullName}@${served.versionName}`;
  const { body, upstream } = call;
  const inputs = embeddingInputs(body.input);
  const restrictions = UseRestrictions.of(
    label,
    call.callable.version.card,
    ctx.config.serve.moderation,
  );
  await restrictions?.checkPrompts(readableTexts(inputs, label, "input"), "input");
  const reserve = inputs.reduce(
    (n, p) => n + (typeof p === "string" ? Math.ceil(p.length / CHARS_PER_TOKEN) : p.length),
    0,
  );
  const admission = await admitEmbeddings(ctx, call.caller, call.callable, inputs.length, reserve);
  const started = performance.now();
  let used: number | null = null;
  try {
    const response = await send(
      ctx,
      upstream,
      "embeddings",
      { ...body, model: upstream.model },
      call.signal,
      label,
    );
    const answer = await answerOf(response, label);
    const prompt = isObject(answer.usage) ? answer.usage.prompt_tokens : undefined;
    if (Number.isSafeInteger(prompt) && (prompt as number) >= 0) {
      used = prompt as number;
      if (call.facts !== undefined) {
        call.facts.tokens = { prompt: used, completion: 0, timeToFirstTokenMs: null };
      }
    }
    void reply.headers({ ...admission.headers });
    return { ...answer, model: label };
  } finally {
    // Without the engine's count, the call keeps its whole reserve.
    await admission.done(performance.now() - started, used ?? reserve);
  }
}

/** Each endpoint's path under the engine's base URL. */
const PATHS = { completions: "completions", chat: "chat/completions", embeddings: "embeddings" };

/** An engine's whole answer: a JSON object, or the engine is at fault. */
async function answerOf(response: Dispatcher.ResponseData, label: string): Promise<Json> {
  let answer: unknown;
  try {
    answer = await response.body.json();
  } catch {
    answer = null;
  }
  if (!isObject(answer)) {
    throw new HubError(
      "BAD_GATEWAY",
      `the engine serving ${label} sent an answer that is not a JSON object`,
    );
  }
  return answer;
}

/** A header's one value, as undici gives headers: a string, a list of them, or nothing. */
const headerValue = (value: string | string[] | undefined): string | null =>
  (Array.isArray(value) ? value[0] : value) ?? null;

/**
 * Posts `body` to the engine's endpoint with the hub's key for it; an error
 * answer becomes its refusal. undici's own `request` rather than `fetch`: its
 * body is a Node stream, not a web stream to convert, and it adds less to
 * every call's time to the first token (bench/proxy-ttft.mjs).
 */
async function send(
  ctx: HubContext,
  upstream: Upstream,
  endpoint: keyof typeof PATHS,
  body: Json,
  signal: AbortSignal,
  label: string,
): Promise<Dispatcher.ResponseData> {
  const url = `${upstream.url.replace(/\/+$/, "")}/${PATHS[endpoint]}`;
  const key = ctx.config.serve.upstreamKeys.get(new URL(url).origin);
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch {
    throw new HubError(
      "BAD_GATEWAY",
      // The engine's address is the operator's business, not the caller's.
      `the engine serving ${label} cannot be reached; an administrator checks its upstream settings (gatehouse serve status ${label})`,
    );
  }
  // Anything but a success is the engine's refusal: undici, unlike fetch, follows no redirect.
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw upstreamRefusal(
      label,
      response.statusCode,
      (await response.body.text()).slice(0, 64 * 1024),
      headerValue(response.headers["retry-after"]),
    );
  }
  return response;
}
