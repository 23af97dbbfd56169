import type { Clock } from "../clock/index.js";
import { BoundedMap } from "../store/index.js";
import type { FailureLimiter } from "./failure-limiter.js";

const WINDOW_MS = 60_000;

/**
 * A FailureLimiter in memory, by the generic cell rate algorithm (GCRA, as in
 * ATM networks and redis-cell): each key holds one time, when its allowance
 * is next full, instead of a list of failure times, so a key costs the same
 * whatever it sent and the same read-modify-write fits one Redis key later.
 * At most `maxKeys` keys are kept; the least recently failed one makes room,
 * so millions of distinct bad tokens cannot grow memory without end.
 */
export class MemoryFailureLimiter implements FailureLimiter {
  /** Per key: the time (ms) at which all its allowance is back. */
  private readonly full: BoundedMap<string, number>;
  private readonly spacingMs: number;

  constructor(
    private readonly clock: Clock,
    perMinute: number,
    maxKeys: number,
  ) {
    this.full = new BoundedMap(maxKeys);
    this.spacingMs = WINDOW_MS / perMinute;
  }

  /** Milliseconds to wait before a failure of `key` fits the allowance; `next` is its full time after one. */
  private check(key: string, now: number): { waitMs: number; next: number } {
    const stored = this.full.get(key);
    if (stored !== undefined && stored <= now) {
      // Fully recovered: the entry says nothing more than an absent one.
      this.full.delete(key);
    }
    const next = Math.max(stored ?? now, now) + this.spacingMs;
    return { waitMs: next - now - WINDOW_MS, next };
  }

  blockedFor(key: string): Promise<number> {
    // Most keys have never failed: answer them without reading the clock.
    if (!this.full.has(key)) {
      return Promise.resolve(0);
    }
    const { waitMs } = this.check(key, this.clock.now().getTime());
    return Promise.resolve(seconds(waitMs));
  }

  recordFailure(key: string): Promise<number> {
    const { waitMs, next } = this.check(key, this.clock.now().getTime());
    if (waitMs > 0) {
      return Promise.resolve(seconds(waitMs));
    }
    // Deleted first so the key moves to the young end: an active offender is the last evicted.
    this.full.delete(key);
    this.full.set(key, next);
    return Promise.resolve(0);
  }
}

function seconds(waitMs: number): number {
  return waitMs <= 0 ? 0 : Math.ceil(waitMs / 1000);
}
