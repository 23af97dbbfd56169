import type { SamplingSettings } from "./choose-token.js";

/** One text to generate. */
export interface GenerationRequest {
  /** The text to continue, or its token ids. */
  readonly prompt: string | readonly number[];
  /** The most tokens to generate. */
  readonly maxTokens: number;
  /** How tokens are drawn; greedy where not given. Penalties count this request's generated tokens. */
  readonly sampling?: Partial<SamplingSettings>;
  /** Seeds this request's own random stream (0 when not given), so its tokens repeat whatever else runs beside it. */
  readonly seed?: number;
  /** Texts that end the generation when they appear; they are left out of the text. */
  readonly stop?: readonly string[];
  /** Aborting ends the generation with finish reason `abort` at the next step. */
  readonly signal?: AbortSignal;
}

/**
 * Why a generation ended, in OpenAI's words: `stop` on the end-of-text token or a
 * stop sequence, `length` on `maxTokens` or the model's context, `abort` when its
 * signal was aborted.
 */
export type FinishReason = "stop" | "length" | "abort";

/** A finished generation. */
export interface GenerationResult {
  /** The generated text, without the prompt and cut before a stop sequence. */
  readonly text: string;
  /** The generated token ids, without the end-of-text token. */
  readonly ids: readonly number[];
  readonly finishReason: FinishReason;
  readonly promptTokens: number;
  /** Tokens drawn, the end-of-text token included, as OpenAI's `usage.completion_tokens` counts them. */
  readonly completionTokens: number;
  /** Milliseconds from the call to the first token drawn, queueing included; undefined when none was. */
  readonly timeToFirstTokenMs: number | undefined;
}

/**
 * Called with each piece of new text as soon as it is certain: never half a
 * character, never part of a stop sequence. Joined, the pieces are the result's text.
 */
export type OnText = (delta: string) => void;
