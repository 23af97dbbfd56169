import { performance } from "node:perf_hooks";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import {
  admitCall,
  type Admission,
  type CallFacts,
  type RateLimitHeaders,
} from "../limits/index.js";
import { queueFull, type Callable, type Caller } from "../serve/index.js";
import { checkedPrompts, generationPoolOf, type Prompt } from "./generate-text.js";

/** What an embeddings call asks for. */
export interface EmbedAsk {
  readonly inputs: readonly Prompt[];
  /** The length the caller wants each vector to have; unset, the model's own. */
  readonly dimensions: number | undefined;
}

/** An embeddings call answered: a vector an input, in order, and the tokens they held. */
export interface EmbedRun {
  readonly model: string;
  readonly vectors: readonly Float32Array[];
  readonly promptTokens: number;
  readonly headers: RateLimitHeaders;
}

/**
 * Lets an embeddings call of `inputs` inputs and `tokens` tokens through the
 * usage limits: the token windows count its inputs, and it generates none.
 */
export function admitEmbeddings(
  ctx: HubContext,
  caller: Caller,
  callable: Callable,
  inputs: number,
  tokens: number,
): Promise<Admission> {
  return admitCall(ctx, {
    ...caller,
    versionId: callable.served.versionId,
    label: `${callable.model.fullName}@${callable.served.versionName}`,
    protocol: "openai",
    endpoint: "embeddings",
    rows: inputs,
    binaryTensors: false,
    tokens: {
      prompt: tokens,
      choices: inputs,
      maxTokens: undefined,
      defaultMaxTokens: 0,
      partial: false,
    },
  });
}

/**
 * Embeds texts with a served language model the hub runs: each input is
 * held to the model's context, read by the version's use checks, let through
 * the usage limits as a call of its tokens (an embedding generates none),
 * and pooled from the decoder's last hidden state (GenerationEngine.embed).
 */
export async function embedText(
  ctx: HubContext,
  caller: Caller,
  callable: Callable,
  ask: EmbedAsk,
  facts: CallFacts | undefined,
): Promise<EmbedRun> {
  const { served } = callable;
  const { label, pool } = await generationPoolOf(ctx, callable);
  if (!pool.embeds) {
    throw new HubError(
      "BAD_REQUEST",
      `${label} was exported before its file gave the hidden state embeddings are pooled from, so it gives none; its publisher exports it again (gatehouse train lm writes it) and publishes a new version`,
      { param: "model" },
    );
  }
  if (ask.dimensions !== undefined && ask.dimensions !== pool.embeddingSize) {
    throw new HubError(
      "BAD_REQUEST",
      `${label} gives embeddings of ${pool.embeddingSize} dimensions and cannot shorten them; leave dimensions out or set it to ${pool.embeddingSize}`,
      { param: "dimensions" },
    );
  }
  const inputs = ask.inputs.map((p) => (typeof p === "string" ? pool.encode(p) : p));
  inputs.forEach((ids, i) => {
    const which = inputs.length === 1 ? "the input" : `input ${i}`;
    if (ids.length === 0) {
      throw new HubError("BAD_REQUEST", `${which} is empty; give at least one token to embed`, {
        param: "input",
      });
    }
    if (ids.length > pool.contextLength) {
      throw new HubError(
        "BAD_REQUEST",
        `This model's maximum context length is ${pool.contextLength} tokens, but ${which} has ${ids.length} tokens; shorten it`,
        { reason: "context_length_exceeded", param: "input" },
      );
    }
  });
  await checkedPrompts(ctx, { label, callable, pool }, ask.inputs, "input");
  if (!pool.hasRoomFor(inputs.length)) {
    throw queueFull(label);
  }
  const promptTokens = inputs.reduce((n, ids) => n + ids.length, 0);
  const admission = await admitEmbeddings(ctx, caller, callable, inputs.length, promptTokens);
  let computeMs = 0;
  try {
    const started = performance.now();
    const vectors = await pool.embed(inputs);
    computeMs = performance.now() - started;
    return { model: label, vectors, promptTokens, headers: admission.headers };
  } finally {
    if (facts !== undefined) {
      // Recorded for a failed call too: its inputs are what it is charged.
      facts.tokens = { prompt: promptTokens, completion: 0, timeToFirstTokenMs: null };
    }
    ctx.serving.called(served.versionId);
    await admission.done(computeMs, promptTokens);
  }
}
