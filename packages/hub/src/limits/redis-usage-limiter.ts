import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Clock } from "../clock/index.js";
import { HubError } from "../errors/index.js";
import { ACQUIRE, CHARGE, RELEASE, RENEW } from "./limit-scripts.js";
import {
  assertValidAmount,
  assertValidCheck,
  costIn,
  refusal,
  windowState,
} from "./limit-decision.js";
import { MemoryUsageLimiter } from "./memory-usage-limiter.js";
import type { LimitCheck, LimitDecision, UsageLimiter, WindowLimit } from "./usage-limiter.js";

/**
 * What the Redis limiter does while Redis cannot be reached: refuse every
 * call (`closed`), admit every call uncounted (`open`), or decide with this
 * process's own in-memory limiter (`local`) until Redis answers again.
 */
export type LimitsUnavailable = "closed" | "open" | "local";

/** Where the limiter reports an outage and its end. */
export interface LimiterLog {
  warn(message: string): void;
  info(message: string): void;
}

export interface RedisUsageLimiterOptions {
  /** `redis://` or `rediss://` URL of the server. */
  readonly url: string;
  readonly unavailable: LimitsUnavailable;
  readonly clock: Clock;
  readonly log: LimiterLog;
  /** Put before every key, so that several hubs or tests can share one server (default `gatehouse:limits:`). */
  readonly prefix?: string;
  /**
   * How long a concurrency slot lasts unless renewed (default 30 s); a living
   * holder renews it every third of that, so only a crashed one's slots lapse.
   */
  readonly leaseMs?: number;
  /** How long a command may take before Redis counts as unreachable (default 1 s). */
  readonly commandTimeoutMs?: number;
  /** The longest wait between reconnection attempts (default 1 s). */
  readonly maxReconnectDelayMs?: number;
}

/**
 * A window counter outlives its window by this much, so that a Redis clock
 * ahead of the hub's cannot end a window early.
 */
const COUNTER_GRACE_MS = 10_000;

/**
 * Redis reply errors that mean the server cannot serve now (loading its data,
 * a read-only replica after a failover), not that the call was wrong.
 */
const UNAVAILABLE_REPLIES = /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN)\b/;

function isUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) {
    return false;
  }
  return err.name !== "ReplyError" || UNAVAILABLE_REPLIES.test(err.message);
}

/** Numbers from a script's array reply. */
function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.map((v) => Number(v)) : [];
}

/**
 * A UsageLimiter on Redis, shared by every hub that uses the same server and
 * prefix. Each decision is one Lua script, which Redis runs alone: it reads
 * every window counter and concurrency set of the check and either counts the
 * call everywhere or nowhere, so two hubs admit exactly the quota between
 * them, unlike a read-then-write from each hub. Concurrency slots are leases
 * in a sorted set scored by their expiry, renewed while held.
 *
 * Commands fail at once while the connection is down (no offline queue, no
 * retries) and the client reconnects by itself; meanwhile `unavailable` says
 * what happens to calls.
 */
export class RedisUsageLimiter implements UsageLimiter {
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly local: MemoryUsageLimiter;
  private readonly renewals = new Set<NodeJS.Timeout>();
  private outage = false;
  private closed = false;

  private constructor(private readonly options: RedisUsageLimiterOptions) {
    this.prefix = options.prefix ?? "gatehouse:limits:";
    this.leaseMs = options.leaseMs ?? 30_000;
    this.local = new MemoryUsageLimiter(options.clock);
    const maxDelay = options.maxReconnectDelayMs ?? 1000;
    this.client = new Redis(options.url, {
      lazyConnect: true,
      // A call must not wait for a connection that may take minutes to come back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 100, maxDelay),
    });
    this.client.on("error", (err: Error) => {
      this.unreachable(err);
    });
    this.client.on("ready", () => {
      this.reachable();
    });
  }

  /**
   * Connects to Redis and answers the limiter. A server that cannot be
   * reached yet does not stop it: the client keeps trying, and calls follow
   * `unavailable` meanwhile.
   */
  static async open(options: RedisUsageLimiterOptions): Promise<RedisUsageLimiter> {
    const limiter = new RedisUsageLimiter(options);
    try {
      await limiter.client.connect();
    } catch (err) {
      limiter.unreachable(err);
    }
    return limiter;
  }

  private unreachable(err: unknown): void {
    if (this.outage || this.closed) {
      return;
    }
    this.outage = true;
    const what = {
      closed: "calls that are limited are refused (503)",
      open: "calls are admitted without being counted",
      local: "this hub decides alone, in memory",
    }[this.options.unavailable];
    this.options.log.warn(
      `usage limits: the limit store is unreachable (${err instanceof Error ? err.message : String(err)}); ${what} until it answers again`,
    );
  }

  private reachable(): void {
    if (this.outage) {
      this.outage = false;
      this.options.log.info("usage limits: the limit store answers again");
    }
  }

  /** A window's counter; its end keeps apart windows of one key that start together. */
  private windowKey(limit: WindowLimit): string {
    return `${this.prefix}w:${limit.key}:${limit.startMs}-${limit.endMs}`;
  }

  private leaseKey(key: string): string {
    return `${this.prefix}c:${key}`;
  }

  private lifetimeMs(limit: WindowLimit, nowMs: number): number {
    return Math.max(1, limit.endMs - nowMs) + COUNTER_GRACE_MS;
  }

  async acquire(check: LimitCheck, nowMs: number): Promise<LimitDecision> {
    assertValidCheck(check);
    const leaseKeys = check.concurrency.map((c) => this.leaseKey(c.key));
    const lease = randomUUID();
    let reply: unknown;
    try {
      reply = await ACQUIRE.run(
        this.client,
        [...check.windows.map((w) => this.windowKey(w)), ...leaseKeys],
        [
          check.windows.length,
          check.cost,
          this.leaseMs,
          lease,
          ...check.windows.map((w) => w.quota),
          ...check.windows.map((w) => this.lifetimeMs(w, nowMs)),
          ...check.concurrency.map((c) => c.max),
          ...check.windows.map((w) => costIn(check, w)),
        ],
      );
    } catch (err) {
      if (!isUnreachable(err)) {
        throw err;
      }
      this.unreachable(err);
      return this.decideUnreachable(check, nowMs);
    }
    this.reachable();
    const [admitted, counts, refused]: unknown[] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (Number(admitted) !== 1) {
      return refusal(check, numbers(counts), numbers(refused), nowMs);
    }
    const after = numbers(counts);
    return {
      allowed: true,
      windows: check.windows.map((w, i) => windowState(w, after[i] ?? 0, nowMs)),
      release: this.holdLease(leaseKeys, lease),
    };
  }

  private decideUnreachable(check: LimitCheck, nowMs: number): LimitDecision {
    switch (this.options.unavailable) {
      case "closed":
        throw new HubError(
          "UNAVAILABLE",
          "usage limits cannot be checked: the limit store is unreachable; try again shortly",
          { retryAfterSeconds: 1 },
        );
      case "open":
        // Nothing was counted, so no window can be shown.
        return { allowed: true, windows: [], release: () => Promise.resolve(), apart: true };
      case "local": {
        const decision = this.local.decide(check, nowMs);
        return decision.allowed ? { ...decision, apart: true } : decision;
      }
    }
  }

  /** Renews the lease while it is held; the answer frees it, once. */
  private holdLease(leaseKeys: readonly string[], lease: string): () => Promise<void> {
    if (leaseKeys.length === 0) {
      return () => Promise.resolve();
    }
    const timer = setInterval(
      () => {
        RENEW.run(this.client, leaseKeys, [this.leaseMs, lease]).catch((err: unknown) => {
          this.unreachable(err);
        });
      },
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    // A held slot must not keep a finished process alive.
    timer.unref();
    this.renewals.add(timer);
    let released = false;
    return async () => {
      if (released) {
        return;
      }
      released = true;
      clearInterval(timer);
      this.renewals.delete(timer);
      try {
        await RELEASE.run(this.client, leaseKeys, [lease]);
      } catch (err) {
        // The lease lapses by itself once no one renews it.
        this.unreachable(err);
      }
    };
  }

  async charge(windows: readonly WindowLimit[], amount: number): Promise<void> {
    assertValidAmount(amount);
    if (windows.length === 0 || amount === 0) {
      return;
    }
    const nowMs = this.options.clock.now().getTime();
    try {
      await CHARGE.run(
        this.client,
        windows.map((w) => this.windowKey(w)),
        [amount, ...windows.map((w) => this.lifetimeMs(w, nowMs))],
      );
      this.reachable();
    } catch (err) {
      if (!isUnreachable(err)) {
        throw err;
      }
      // The call already ran; its units are counted where decisions are made meanwhile, or not at all.
      this.unreachable(err);
      if (this.options.unavailable === "local") {
        await this.local.charge(windows, amount);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.renewals) {
      clearInterval(timer);
    }
    this.renewals.clear();
    await this.local.close();
    if (this.client.status === "ready") {
      await this.client.quit().catch(() => undefined);
    }
    this.client.disconnect();
  }
}
