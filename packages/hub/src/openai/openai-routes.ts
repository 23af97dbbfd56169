import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { GenerationResult } from "@gatehouse/ml/generation";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import type { HubApp } from "../http/index.js";
import { toHubError } from "../http/index.js";
import type { RateLimitHeaders } from "../limits/index.js";
import { chatPrompt, textOf } from "./chat-template.js";
import { findTextModel, generateText, type TextAsk, type TextRun } from "./generate-text.js";
import { embedText } from "./embed-text.js";
import { proxyEmbeddings, proxyUpstream } from "./proxy-upstream.js";
import { openEventStream, sendEvent } from "./sse.js";
import { listModels } from "./list-models.js";
import { openAiError, sendOpenAiError } from "./openai-error.js";
import {
  ChatBody,
  CompletionBody,
  EmbeddingBody,
  embeddingInputs,
  settingsOf,
  type Shared,
} from "./openai-schemas.js";

/** How one endpoint's answers look: OpenAI's object names and where a choice's text goes. */
interface Shape {
  /** The prefix of the answer's id: `cmpl` or `chatcmpl`. */
  readonly prefix: string;
  readonly object: string;
  readonly chunkObject: string;
  /** A whole choice, in a non-streamed answer. */
  readonly choice: (index: number, text: string, finishReason: string) => object;
  /** New text of a choice in a streamed chunk; with no text, the choice's opening chunk or null. */
  readonly delta: (index: number, text: string, finishReason: string | null) => object;
  /** The chunk that opens a choice's stream, if the endpoint sends one. */
  readonly opening: ((index: number) => object) | null;
}

const COMPLETION: Shape = {
  prefix: "cmpl",
  object: "text_completion",
  chunkObject: "text_completion",
  choice: (index, text, finishReason) => ({
    index,
    text,
    logprobs: null,
    finish_reason: finishReason,
  }),
  delta: (index, text, finishReason) => ({
    index,
    text,
    logprobs: null,
    finish_reason: finishReason,
  }),
  opening: null,
};

const CHAT: Shape = {
  prefix: "chatcmpl",
  object: "chat.completion",
  chunkObject: "chat.completion.chunk",
  choice: (index, text, finishReason) => ({
    index,
    message: { role: "assistant", content: text },
    logprobs: null,
    finish_reason: finishReason,
  }),
  delta: (index, text, finishReason) => ({
    index,
    delta: finishReason === null ? { content: text } : {},
    logprobs: null,
    finish_reason: finishReason,
  }),
  opening: (index) => ({
    index,
    delta: { role: "assistant", content: "" },
    logprobs: null,
    finish_reason: null,
  }),
};

/** OpenAI's finish reasons; a generation cut by its client's leaving is answered to no one. */
const finishReasonOf = (result: GenerationResult): string =>
  result.finishReason === "length" ? "length" : "stop";

/** OpenAI's usage counts: each prompt once, every choice's completion. */
function usageOf(run: TextRun, choicesPerPrompt: number) {
  let prompt = 0;
  let completion = 0;
  run.results.forEach((r, i) => {
    if (i % choicesPerPrompt === 0) {
      prompt += r.promptTokens;
    }
    completion += r.completionTokens;
  });
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/** An answer's `created`: seconds since the epoch. */
const createdAt = (ctx: HubContext) => Math.floor(ctx.clock.now().getTime() / 1000);

/**
 * Answers a completion or chat call, whole or as server-sent events. A stream
 * opens once the call is let through the limits, so refusals before it are
 * plain errors; a failure after it is an event holding OpenAI's error, as the
 * SDKs read it, and the stream ends without `[DONE]`. A client that leaves
 * ends the generation at its next step.
 */
async function answer(
  ctx: HubContext,
  request: FastifyRequest,
  reply: FastifyReply,
  ask: TextAsk,
  shape: Shape,
  body: Shared,
): Promise<object | undefined> {
  const stream = body.stream === true;
  const includeUsage = streamUsage(body);
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) {
      controller.abort();
    }
  });
  const id = `${shape.prefix}-${request.id}`;
  const created = createdAt(ctx);
  const caller = { actor: request.actor, address: request.ip };
  const facts = request.usageFacts ?? undefined;
  const callable = await findTextModel(ctx, caller, body.model, facts);
  const upstream = callable.served.upstream;
  if (upstream !== null) {
    return proxyUpstream(
      ctx,
      {
        caller,
        callable,
        upstream,
        endpoint: ask.endpoint,
        body,
        facts,
        signal: controller.signal,
      },
      reply,
      includeUsage,
    );
  }
  if (!stream) {
    const run = await generateText(
      ctx,
      caller,
      callable,
      ask,
      facts,
      {
        started: (_model, headers) => {
          void reply.headers({ ...headers });
        },
        text: () => undefined,
      },
      controller.signal,
    );
    return {
      id,
      object: shape.object,
      created,
      model: run.model,
      choices: run.results.map((r, i) => shape.choice(i, r.text, finishReasonOf(r))),
      usage: usageOf(run, ask.n),
    };
  }
  // Set once the stream opens (in a callback, so held in an object the compiler does not narrow).
  const opened: { model: string | null } = { model: null };
  const send = (data: object | string): void => {
    sendEvent(reply, data);
  };
  const chunk = (choices: object[]) => ({
    id,
    object: shape.chunkObject,
    created,
    model: opened.model,
    choices,
    // With include_usage, every chunk but the last carries usage null (serving.md §2).
    ...(includeUsage ? { usage: null } : {}),
  });
  const open = (label: string, headers: RateLimitHeaders, choices: number): void => {
    opened.model = label;
    openEventStream(reply, { ...headers });
    if (shape.opening !== null) {
      const opening = shape.opening;
      send(chunk(Array.from({ length: choices }, (_, i) => opening(i))));
    }
  };
  try {
    const run = await generateText(
      ctx,
      caller,
      callable,
      ask,
      facts,
      {
        started: open,
        text: (index, delta) => {
          send(chunk([shape.delta(index, delta, null)]));
        },
      },
      controller.signal,
    );
    send(chunk(run.results.map((r, i) => shape.delta(i, "", finishReasonOf(r)))));
    if (includeUsage) {
      send({
        id,
        object: shape.chunkObject,
        created,
        model: opened.model,
        choices: [],
        usage: usageOf(run, ask.n),
      });
    }
    send("[DONE]");
  } catch (err) {
    if (opened.model === null) {
      throw err;
    }
    const hubError = toHubError(err);
    if (facts !== undefined) {
      // The answer's status is out already: the record keeps the code of what ended the stream.
      facts.errorCode = hubError.code;
    }
    send(openAiError(hubError));
  }
  reply.raw.end();
  return undefined;
}

/** A vector as the caller asked: numbers, or its little-endian float32 bytes in base64. */
function encodeVector(vector: Float32Array, format: "float" | "base64"): number[] | string {
  // Typed arrays hold the machine's byte order; the servers Node runs on are little-endian.
  return format === "base64"
    ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64")
    : Array.from(vector);
}

/** Answers an embeddings call, from the hub's engines or the version's upstream engine. */
async function answerEmbeddings(
  ctx: HubContext,
  request: FastifyRequest,
  reply: FastifyReply,
  body: EmbeddingBody,
): Promise<object> {
  const caller = { actor: request.actor, address: request.ip };
  const facts = request.usageFacts ?? undefined;
  const callable = await findTextModel(ctx, caller, body.model, facts);
  const upstream = callable.served.upstream;
  if (upstream !== null) {
    const controller = new AbortController();
    reply.raw.once("close", () => {
      if (!reply.raw.writableFinished) {
        controller.abort();
      }
    });
    return proxyEmbeddings(
      ctx,
      { caller, callable, upstream, body, facts, signal: controller.signal },
      reply,
    );
  }
  const run = await embedText(
    ctx,
    caller,
    callable,
    { inputs: embeddingInputs(body.input), dimensions: body.dimensions ?? undefined },
    facts,
  );
  void reply.headers({ ...run.headers });
  const format = body.encoding_format ?? "float";
  return {
    object: "list",
    data: run.vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: encodeVector(vector, format),
    })),
    model: run.model,
    usage: { prompt_tokens: run.promptTokens, total_tokens: run.promptTokens },
  };
}

/** Whether a streamed answer ends with a usage chunk; `stream_options` without `stream` is refused, as OpenAI does. */
function streamUsage(body: {
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
}): boolean {
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    throw new HubError(
      "BAD_REQUEST",
      "stream_options is only allowed when stream is true; set stream or remove stream_options",
      { param: "stream_options" },
    );
  }
  return body.stream_options?.include_usage === true;
}

/**
 * The OpenAI-compatible API (serving.md §2) for the language models the hub
 * serves: `GET /v1/models`, `POST /v1/completions` and
 * `POST /v1/chat/completions`, whole or streamed, and `POST /v1/embeddings`. Hub tokens are the API keys
 * (`Authorization: Bearer`); errors answer in OpenAI's shape.
 */
export function registerOpenAiRoutes(app: HubApp, ctx: HubContext): void {
  void app.register((plain, _opts, done) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.setErrorHandler((err, request, reply) => sendOpenAiError(err, request, reply));
    scope.get(
      "/v1/models",
      {
        config: { access: { public: true }, usage: { protocol: "openai", endpoint: "models" } },
        schema: {
          description:
            "The language models served here that you may call, each version as namespace/name@version.",
        },
      },
      async (request) => ({ object: "list", data: await listModels(ctx, request.actor) }),
    );
    scope.post(
      "/v1/completions",
      {
        config: {
          access: { openai: "version.infer" },
          usage: { protocol: "openai", endpoint: "completions" },
        },
        schema: {
          description:
            "Continues a prompt (a text, a list of texts, or token ids), whole or streamed as server-sent events.",
          body: CompletionBody,
        },
      },
      async (request, reply) => {
        const body = request.body;
        const prompts = Array.isArray(body.prompt)
          ? body.prompt.every((p): p is string => typeof p === "string")
            ? body.prompt
            : [body.prompt]
          : [body.prompt];
        return answer(
          ctx,
          request,
          reply,
          {
            endpoint: "completions",
            prompts: () => prompts,
            checked: prompts,
            maxTokens: body.max_tokens ?? undefined,
            ...settingsOf(body),
            stream: body.stream === true,
          },
          COMPLETION,
          body,
        );
      },
    );
    scope.post(
      "/v1/chat/completions",
      {
        config: {
          access: { openai: "version.infer" },
          usage: { protocol: "openai", endpoint: "chat" },
        },
        schema: {
          description:
            "Answers a chat, its messages made into a prompt by the chat template of the version's card, whole or streamed as server-sent events.",
          body: ChatBody,
        },
      },
      async (request, reply) => {
        const body = request.body;
        return answer(
          ctx,
          request,
          reply,
          {
            endpoint: "chat",
            prompts: ({ model, version }, eosToken) => [
              chatPrompt(
                `${model.fullName}@${version.name}`,
                version.card,
                body.messages,
                eosToken,
              ),
            ],
            checked: body.messages.map(textOf),
            maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
            ...settingsOf(body),
            stream: body.stream === true,
          },
          CHAT,
          body,
        );
      },
    );
    scope.post(
      "/v1/embeddings",
      {
        config: {
          access: { openai: "version.infer" },
          usage: { protocol: "openai", endpoint: "embeddings" },
        },
        schema: {
          description:
            "Embeds texts or token ids: each vector is the mean of the model's last hidden state over the input, of length 1.",
          body: EmbeddingBody,
        },
      },
      async (request, reply) => answerEmbeddings(ctx, request, reply, request.body),
    );
    done();
  });
}
