/** One bucket of `GET /api/usage/series` (docs/usage.md); every figure is 0 for a bucket without calls. */
export interface UsageBucket {
  readonly bucket: string;
  readonly requests: number;
  readonly errors: number;
  readonly rows: number;
  readonly latencyAvgMs: number;
  readonly latencyMaxMs: number;
  /** A language model's tokens: its calls' prompts, and what they generated. */
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** The answer of `GET /api/usage/series`. */
export interface UsageSeries {
  readonly subject: string;
  readonly version: string | null;
  readonly period: UsagePeriod;
  readonly since: string;
  readonly until: string;
  readonly buckets: readonly UsageBucket[];
  readonly totals: Omit<UsageBucket, "bucket">;
}

/** The windows the usage tabs offer: the last 24 hours by hour, the last 30 days by day. */
export type UsagePeriod = "hour" | "day";

/** The kinds of abuse signal the hub opens (docs/signals.md). */
export type SignalKind =
  | "spike"
  | "key_sharing"
  | "probing"
  | "ignored_retry_after"
  | "near_duplicates"
  | "content_policy";

/** What was done about a signal, the strongest its rules asked for. */
export type SignalAction = "notify" | "throttle" | "suspend";

/** One abuse signal as `GET /api/usage/signals` answers it. */
export interface UsageSignal {
  readonly id: string;
  readonly kind: SignalKind;
  readonly state: "open" | "closed";
  /** Whose calls; an address is null for anyone but an administrator. */
  readonly subject: { readonly kind: "token" | "user" | "address"; readonly id: string | null };
  /** The version last called, `namespace/name@version`; null when none. */
  readonly version: string | null;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly count: number;
  readonly trips: number;
  readonly details: Readonly<Record<string, unknown>>;
  readonly action: SignalAction;
  /** The policy's signal rules that asked for the action. */
  readonly rules: readonly string[];
}

/** The answer of `GET /api/usage/signals`. */
export interface SignalList {
  readonly signals: readonly UsageSignal[];
}
