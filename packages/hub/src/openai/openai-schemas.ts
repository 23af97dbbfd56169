import { Type, type Static } from "@fastify/type-provider-typebox";

/** The most choices one call may ask for per prompt (`n`). */
export const MAX_CHOICES = 8;
/** The most prompts one completion call may give. */
export const MAX_PROMPTS = 16;
/** The most stop sequences, as OpenAI allows. */
export const MAX_STOPS = 4;

const ModelField = Type.String({
  minLength: 1,
  maxLength: 300,
  description: "namespace/name, or namespace/name@version; GET /v1/models lists them",
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
      Type.Array(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }), {
        minItems: 1,
        maxItems: 1_000_000,
      }),
    ]),
  },
  { additionalProperties: false },
);
export type CompletionBody = Static<typeof CompletionBody>;

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
