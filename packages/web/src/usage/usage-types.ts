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
