/** One counted limit: at most `quota` units of `key` inside one window [startMs, endMs). */
export interface WindowLimit {
  /** The policy name shown in RateLimit headers and refusals, e.g. "token-per-second". */
  readonly name: string;
  /** What is counted, e.g. "token:tok_123" or "user:u1|version:v9"; the window start is appended by the limiter. */
  readonly key: string;
  readonly quota: number;
  /** The window this call falls in, computed by the caller (fixed windows aligned to the epoch, or calendar days/months in a time zone). */
  readonly startMs: number;
  readonly endMs: number;
  /** The window's nominal length in seconds, for `RateLimit-Policy`'s `w`. */
  readonly windowSeconds: number;
  /** Units this call costs in this window when not the check's cost: a token window counts the call's tokens. */
  readonly cost?: number;
}

/** At most `max` calls of `key` in flight at once. */
export interface ConcurrencyLimit {
  readonly name: string;
  readonly key: string;
  readonly max: number;
}

export interface LimitCheck {
  readonly windows: readonly WindowLimit[];
  readonly concurrency: readonly ConcurrencyLimit[];
  /** Units this call costs in each window without a cost of its own (1 for a request). */
  readonly cost: number;
}

/** What a window looks like after the decision, for the headers. */
export interface WindowState {
  readonly name: string;
  readonly quota: number;
  readonly windowSeconds: number;
  readonly remaining: number;
  /** Seconds until the window resets (ceil, ≥ 0). */
  readonly resetSeconds: number;
}

export type LimitDecision =
  | {
      readonly allowed: true;
      readonly windows: readonly WindowState[];
      /** Frees the concurrency slots taken; idempotent. */
      release(): Promise<void>;
      /**
       * Decided apart from the limiter's shared store, which could not be
       * reached: what the call reserved is not there, so nothing may be given
       * back there.
       */
      readonly apart?: true;
    }
  | {
      readonly allowed: false;
      readonly windows: readonly WindowState[];
      /** Names of the windows or concurrency limits that refused. */
      readonly violated: readonly string[];
      /** Seconds until a retry could be admitted: the latest reset of the violated windows, or 1 for concurrency. */
      readonly retryAfterSeconds: number;
    };

/**
 * Decides calls against counted limits. All windows and concurrency limits of
 * one check are decided together and atomically: either every counter takes
 * the cost and every slot is held, or nothing is counted (a refused call
 * counts nowhere, so the admitted total is exactly the quota).
 */
export interface UsageLimiter {
  acquire(check: LimitCheck, nowMs: number): Promise<LimitDecision>;
  /**
   * Adds units measured after a call (compute seconds, tokens) to windows,
   * never refusing; a later call sees them. A negative amount gives back
   * what a call reserved and did not use.
   */
  charge(windows: readonly WindowLimit[], amount: number): Promise<void>;
  close(): Promise<void>;
}
