import type { UsageEndpoint, UsageProtocol } from "../store/index.js";

/**
 * What the serving core learns about a call while answering it, for its usage
 * record: the route gives each call an empty one and the hook that records the
 * call reads it once the answer is out, so facts flow one way.
 */
export interface CallFacts {
  /** The version called; null until the caller is known to may call one. */
  versionId: string | null;
  /** The organisation owning the called model; null for a model of a user. */
  orgId: string | null;
  /** A generation's tokens, once it ran. */
  tokens: GenerationCount | null;
  /** The code of an error that ended a stream whose answer had begun, and so carries no X-Error-Code. */
  errorCode: string | null;
}

/** What a language model's call generated, for its usage record. */
export interface GenerationCount {
  readonly prompt: number;
  readonly completion: number;
  /** Milliseconds to the first token; null when none was generated. */
  readonly timeToFirstTokenMs: number | null;
}

/** A fresh, empty CallFacts. */
export const noCallFacts = (): CallFacts => ({
  versionId: null,
  orgId: null,
  tokens: null,
  errorCode: null,
});

/** One hosted-inference call, as the recorder buffers it. */
export interface UsageEntry {
  readonly at: Date;
  readonly requestId: string;
  readonly tokenId: string | null;
  readonly userId: string | null;
  readonly orgId: string | null;
  readonly versionId: string | null;
  readonly protocol: UsageProtocol;
  readonly endpoint: UsageEndpoint;
  /** The HTTP status answered; 499 when the client went away first. */
  readonly status: number;
  readonly errorCode: string | null;
  /** Rows of the batch (the first dimension of the first input); 0 when none was read. */
  readonly rows: number;
  /**
   * sha256 of the canonical JSON of the inputs, then of their binary tensor data (OIP), or of
   * the field holding the prompt (OpenAI: `prompt`, `messages` or `input`); the inputs
   * themselves are never kept.
   */
  readonly inputHash: string | null;
  readonly latencyMs: number;
  /** A language model's call: its tokens and time to the first; null for other calls. */
  readonly tokens: GenerationCount | null;
  /** The Retry-After of a refusal, in seconds, for the signals; not stored. */
  readonly retryAfterS: number | null;
  /** The client address's key; erasable, kept apart from the record. */
  readonly address: string | null;
  readonly userAgent: string | null;
}
