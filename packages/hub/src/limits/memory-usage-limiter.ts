import type { Clock } from "../clock/index.js";
import { BoundedMap } from "../store/index.js";
import {
  assertValidAmount,
  assertValidCheck,
  costIn,
  refusal,
  windowState,
} from "./limit-decision.js";
import type { LimitCheck, LimitDecision, UsageLimiter, WindowLimit } from "./usage-limiter.js";

/** How often expired window counters are dropped. */
const SWEEP_EVERY_MS = 1000;

interface Counter {
  count: number;
  /** The window's end: the counter means nothing after it. */
  readonly endMs: number;
}

/**
 * The counter's name: the window's start makes a new window start at zero,
 * and its end keeps apart the windows of one key that start together (a
 * second and a minute at 10:00:00).
 */
function counterKey(limit: WindowLimit): string {
  return `${limit.key}\u0000${limit.startMs}-${limit.endMs}`;
}

/**
 * A UsageLimiter of this process alone: every decision is made synchronously
 * on the event loop, so it is exact within one process and knows nothing of
 * others (two hubs with it admit up to twice the quota). Window counters are
 * dropped at their window's end; at most `maxKeys` counters and as many
 * concurrency keys are held, the oldest making room beyond that.
 */
export class MemoryUsageLimiter implements UsageLimiter {
  private readonly counters: BoundedMap<string, Counter>;
  private readonly inFlight: BoundedMap<string, number>;
  private nextSweepMs = 0;

  constructor(
    private readonly clock: Clock,
    maxKeys = 100_000,
  ) {
    this.counters = new BoundedMap(maxKeys);
    this.inFlight = new BoundedMap(maxKeys);
  }

  /** Drops counters of windows that have ended, at most once a second. */
  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweepMs) {
      return;
    }
    this.nextSweepMs = nowMs + SWEEP_EVERY_MS;
    for (const [key, counter] of this.counters) {
      if (counter.endMs <= nowMs) {
        this.counters.delete(key);
      }
    }
  }

  private count(limit: WindowLimit, nowMs: number): number {
    const counter = this.counters.get(counterKey(limit));
    return counter === undefined || counter.endMs <= nowMs ? 0 : counter.count;
  }

  private add(limit: WindowLimit, amount: number, nowMs: number): number {
    const key = counterKey(limit);
    const counter = this.counters.get(key);
    if (counter !== undefined && counter.endMs > nowMs) {
      counter.count += amount;
      return counter.count;
    }
    this.counters.set(key, { count: amount, endMs: limit.endMs });
    return amount;
  }

  /** Decides `check` at once; exported for the Redis limiter's `local` mode, which needs no promise. */
  decide(check: LimitCheck, nowMs: number): LimitDecision {
    assertValidCheck(check);
    this.sweep(nowMs);
    const counts = check.windows.map((w) => this.count(w, nowMs));
    const refused: number[] = [];
    check.windows.forEach((w, i) => {
      if ((counts[i] ?? 0) + costIn(check, w) > w.quota) {
        refused.push(i);
      }
    });
    check.concurrency.forEach((c, j) => {
      if ((this.inFlight.get(c.key) ?? 0) >= c.max) {
        refused.push(check.windows.length + j);
      }
    });
    if (refused.length > 0) {
      return refusal(check, counts, refused, nowMs);
    }
    const windows = check.windows.map((w) =>
      windowState(w, this.add(w, costIn(check, w), nowMs), nowMs),
    );
    const held = check.concurrency.map((c) => c.key);
    for (const key of held) {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    }
    let released = held.length === 0;
    return {
      allowed: true,
      windows,
      release: () => {
        if (!released) {
          released = true;
          for (const key of held) {
            const left = (this.inFlight.get(key) ?? 1) - 1;
            if (left > 0) {
              this.inFlight.set(key, left);
            } else {
              this.inFlight.delete(key);
            }
          }
        }
        return Promise.resolve();
      },
    };
  }

  acquire(check: LimitCheck, nowMs: number): Promise<LimitDecision> {
    // The executor turns a throw into a rejection, as an async limiter's would be.
    return new Promise((resolve) => {
      resolve(this.decide(check, nowMs));
    });
  }

  charge(windows: readonly WindowLimit[], amount: number): Promise<void> {
    return new Promise((resolve) => {
      assertValidAmount(amount);
      const nowMs = this.clock.now().getTime();
      this.sweep(nowMs);
      for (const w of windows) {
        this.add(w, amount, nowMs);
      }
      resolve();
    });
  }

  close(): Promise<void> {
    this.counters.clear();
    this.inFlight.clear();
    return Promise.resolve();
  }
}
