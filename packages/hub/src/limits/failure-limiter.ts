import type { Clock } from "../clock/index.js";

/**
 * Counts failures (bad tokens) per client address in a sliding one-minute
 * window. In memory: each hub replica limits on its own.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly perMinute: number,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.clock.now().getTime() - 60_000;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (kept.length === 0) {
      this.failures.delete(key);
    } else {
      this.failures.set(key, kept);
    }
    return kept;
  }

  /** Seconds until `key` may try again, or 0 when it is not blocked. */
  retryAfter(key: string): number {
    // Most callers have never failed: answer them without reading the clock.
    if (!this.failures.has(key)) {
      return 0;
    }
    const recent = this.recent(key);
    if (recent.length < this.perMinute) {
      return 0;
    }
    const oldest = recent[recent.length - this.perMinute] ?? this.clock.now().getTime();
    return Math.max(1, Math.ceil((oldest + 60_000 - this.clock.now().getTime()) / 1000));
  }

  record(key: string): void {
    this.failures.set(key, [...this.recent(key), this.clock.now().getTime()]);
  }
}
