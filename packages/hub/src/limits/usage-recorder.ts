import type { Db } from "../store/index.js";
import type { UsageEntry } from "./usage-entry.js";
import { writeUsage } from "./usage-write.js";

/** How the recorder batches; the defaults suit a hub, tests shorten nothing and call flush(). */
export interface UsageRecorderOptions {
  /** How often buffered entries are written (ms). */
  readonly flushMs: number;
  /** A buffer this full is written at once, without waiting for the timer. */
  readonly batchSize: number;
  /** Entries kept while the database is unreachable; beyond this, new ones are dropped and counted. */
  readonly maxBuffered: number;
}

export const USAGE_RECORDER_DEFAULTS: UsageRecorderOptions = {
  flushMs: 250,
  batchSize: 500,
  maxBuffered: 100_000,
};

/** What the recorder has done since the hub started, for status pages and tests. */
export interface UsageRecorderStats {
  /** Entries handed to record(). */
  readonly recorded: number;
  /** Entries written to the database. */
  readonly written: number;
  /** Write transactions committed, each holding one batch. */
  readonly batches: number;
  /** Write transactions that failed; their entries were kept and tried again. */
  readonly failures: number;
  /** Entries lost because the buffer was full. */
  readonly dropped: number;
  /** Entries waiting to be written. */
  readonly pending: number;
}

/** Where the recorder reports trouble; the hub's logger. */
export type UsageLog = (message: string, err?: unknown) => void;

/**
 * Records hosted-inference calls without making them wait for the database:
 * `record` appends to an in-memory buffer and returns, and a flusher writes
 * the buffer every `flushMs` (or as soon as `batchSize` entries wait) in one
 * transaction of multi-row inserts and rollup upserts. When the database is
 * unreachable, entries stay buffered up to `maxBuffered` and are tried again
 * at the next tick; past that, new ones are dropped, counted and logged, never
 * thrown at a request. `close` writes what is left, so a clean stop loses
 * nothing.
 */
export class UsageRecorder {
  private buffer: UsageEntry[] = [];
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private counts = { recorded: 0, written: 0, batches: 0, failures: 0, dropped: 0 };
  /** Drops not yet logged, so a flood of them makes one line per tick, not one per call. */
  private unloggedDrops = 0;

  constructor(
    private readonly db: Db,
    private readonly log: UsageLog,
    private readonly options: UsageRecorderOptions = USAGE_RECORDER_DEFAULTS,
  ) {}

  /** Starts the periodic flush; its timer does not keep the process alive. */
  start(): void {
    if (this.timer !== null) {
      return;
    }
    this.timer = setInterval(() => {
      void this.flush();
    }, this.options.flushMs);
    this.timer.unref();
  }

  /** Buffers one call; O(1), never throws, never waits. */
  record(entry: UsageEntry): void {
    this.counts.recorded += 1;
    if (this.buffer.length >= this.options.maxBuffered) {
      this.counts.dropped += 1;
      this.unloggedDrops += 1;
      return;
    }
    this.buffer.push(entry);
    if (this.buffer.length >= this.options.batchSize && this.writing === null) {
      // After the current request's work, not inside it.
      setImmediate(() => {
        void this.flush();
      });
    }
  }

  /**
   * Writes everything buffered now, in batches of at most `batchSize`; waits
   * for a write already under way first. Resolves once written or, if the
   * database refused, once the entries are back in the buffer.
   */
  async flush(): Promise<void> {
    while (this.writing !== null) {
      await this.writing;
    }
    if (this.unloggedDrops > 0) {
      this.log(
        `usage buffer full (${this.options.maxBuffered} entries): ${this.unloggedDrops} calls were not recorded`,
      );
      this.unloggedDrops = 0;
    }
    if (this.buffer.length === 0) {
      return;
    }
    this.writing = this.writeAll();
    try {
      await this.writing;
    } finally {
      this.writing = null;
    }
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      try {
        await writeUsage(this.db, batch);
      } catch (err) {
        this.counts.failures += 1;
        if (refusedForContent(err)) {
          // Trying again would fail again and hold back every record after it.
          this.counts.dropped += batch.length;
          this.log(
            `${batch.length} usage records were refused for what they hold and are dropped`,
            err,
          );
          continue;
        }
        // Oldest first again; what no longer fits beside newer entries is dropped.
        const keep = Math.max(0, this.options.maxBuffered - this.buffer.length);
        const lost = batch.length - Math.min(keep, batch.length);
        this.buffer = [...batch.slice(lost), ...this.buffer];
        this.counts.dropped += lost;
        this.log(
          `writing ${batch.length} usage records failed; ${this.buffer.length} kept to try again${lost > 0 ? `, ${lost} dropped` : ""}`,
          err,
        );
        return;
      }
      this.counts.written += batch.length;
      this.counts.batches += 1;
    }
  }

  /** Counters since start. */
  stats(): UsageRecorderStats {
    return { ...this.counts, pending: this.buffer.length };
  }

  /** Stops the timer and writes what is buffered; a failure is logged, not thrown. */
  async close(): Promise<void> {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.flush();
    if (this.buffer.length > 0) {
      this.log(`${this.buffer.length} usage records could not be written before the hub stopped`);
    }
  }
}

/**
 * Whether PostgreSQL refused a write for its data (SQLSTATE class 22, data
 * exception, or 23, integrity violation) rather than for an outage.
 */
function refusedForContent(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^2[23][0-9A-Z]{3}$/.test(code);
}
