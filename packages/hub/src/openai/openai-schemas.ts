import { Type, type Static } from "@fastify/type-provider-typebox";

/** The most choices one call may ask for per prompt (`n`). */
export const MAX_CHOICES = 8;
/** The most prompts one completion call may give. */
export const MAX_PROMPTS = 16;
/** The most stop sequences, as OpenAI allows. */
export const MAX_STOPS = 4;
/** The most inputs one embeddings call may give: OpenAI takes 2048, a hub on CPUs fewer. */
export const MAX_EMBEDDING_INPUTS = 256;

const ModelField = Type.String({
  minLength: 1,
  maxLength: 300,
  description: "namespace/name, or namespace/name@version; GET /v1/models lists them",
});

/** A prompt or input given as its tokens' ids. */
const TokenIds = Type.Array(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }), {
  minItems: 1,
  maxItems: 1_000_000,
});

/** The sampling and streaming fields completions and chats share, in OpenAI's names and ranges. */
const shared = {
  model: ModelField,
  max_tokens: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], {
      description: "the most tokens each choice may have",
    }),
  ),
  temperature: Type.Optional(
    Type.Union([Type.Number({ minimum: 0, maximum: 2 }), Type.Null()], {
      description: "0 takes the likeliest token; 1 unless given",
    }),
  ),
  top_p: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])),
  top_k: Type.Optional(
    Type.Union([Type.Integer({ minimum: -1, maximum: 1_000_000 }), Type.Null()], {
      description: "vLLM's extension: only the k likeliest tokens; -1 or 0 for all",
    }),
  ),
  n: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: MAX_CHOICES }), Type.Null()])),
  seed: Type.Optional(
    Type.Union([Type.Integer({ minimum: -(2 ** 31), maximum: 2 ** 31 - 1 }), Type.Null()]),
  ),
  stop: Type.Optional(
    Type.Union([
      Type.String({ minLength: 1, maxLength: 256 }),
      Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: MAX_STOPS }),
      Type.Null(),
    ]),
  ),
  presence_penalty: Type.Optional(
    Type.Union([Type.Number({ minimum: -2, maximum: 2 }), Type.Null()]),
  ),
  frequency_penalty: Type.Optional(
    Type.Union([Type.Number({ minimum: -2, maximum: 2 }), Type.Null()]),
  ),
  stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  stream_options: Type.Optional(
    Type.Union([
      Type.Object(
        { include_usage: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
  ),
  user: Type.Optional(Type.String({ maxLength: 256 })),
};

export const CompletionBody = Type.Object(
  {
    ...shared,
    prompt: Type.Union([
      Type.String({ maxLength: 1_000_000 }),
      Type.Array(Type.String({ maxLength: 1_000_000 }), { minItems: 1, maxItems: MAX_PROMPTS }),
      TokenIds,
    ]),
  },
  { additionalProperties: false },
);
export type CompletionBody = Static<typeof CompletionBody>;

export const EmbeddingBody = Type.Object(
  {
    model: ModelField,
    input: Type.Union(
      [
        Type.String({ maxLength: 1_000_000 }),
        Type.Array(Type.String({ maxLength: 1_000_000 }), {
          minItems: 1,
          maxItems: MAX_EMBEDDING_INPUTS,
        }),
        TokenIds,
        Type.Array(TokenIds, { minItems: 1, maxItems: MAX_EMBEDDING_INPUTS }),
      ],
      { description: "a text, a list of texts, token ids, or a list of token id lists" },
    ),
    encoding_format: Type.Optional(
      Type.Union([Type.Literal("float"), Type.Literal("base64"), Type.Null()], {
        description: "float: lists of numbers; base64: each vector's little-endian float32 bytes",
      }),
    ),
    dimensions: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], {
        description: "the length of each vector; only the model's own is served",
      }),
    ),
    user: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type EmbeddingBody = Static<typeof EmbeddingBody>;

/** An embeddings call's inputs one by one: a text or token ids alone is one input. */
export function embeddingInputs(
  input: EmbeddingBody["input"],
): readonly (string | readonly number[])[] {
  if (typeof input === "string") {
    return [input];
  }
  const items: readonly unknown[] = input;
  if (items.every((p): p is number => typeof p === "number")) {
    return [items];
  }
  return input as readonly (string | readonly number[])[];
}

const TextPart = Type.Object(
  { type: Type.Literal("text"), text: Type.String({ maxLength: 1_000_000 }) },
  { additionalProperties: false },
);

export const ChatBody = Type.Object(
  {
    ...shared,
    max_completion_tokens: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()]),
    ),
    messages: Type.Array(
      Type.Object(
        {
          role: Type.Union([
            Type.Literal("system"),
            Type.Literal("developer"),
            Type.Literal("user"),
            Type.Literal("assistant"),
          ]),
          content: Type.Union([
            Type.String({ maxLength: 1_000_000 }),
            Type.Array(TextPart, { maxItems: 256 }),
          ]),
          name: Type.Optional(Type.String({ maxLength: 256 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1024 },
    ),
  },
  { additionalProperties: false },
);
export type ChatBody = Static<typeof ChatBody>;

/** A completion's or a chat's body. */
export type Shared = CompletionBody | ChatBody;

/**
 * The settings of a call that completions and chats share, OpenAI's defaults
 * where it gives none: temperature 1, one choice, every token a candidate.
 */
export function settingsOf(body: Shared) {
  return {
    n: body.n ?? 1,
    sampling: {
      temperature: body.temperature ?? 1,
      topP: body.top_p ?? 1,
      // vLLM's -1 and OpenAI's absence both mean every token.
      topK: Math.max(0, body.top_k ?? 0),
      presencePenalty: body.presence_penalty ?? 0,
      frequencyPenalty: body.frequency_penalty ?? 0,
    },
    seed: body.seed ?? undefined,
    stop:
      body.stop === undefined || body.stop === null
        ? []
        : typeof body.stop === "string"
          ? [body.stop]
          : body.stop,
  };
}
