import type { SignalConfig } from "../config.js";
import type { Db } from "../store/index.js";
import { readSpikeBaseline } from "./read-spike-baseline.js";
import {
  SignalDetectors,
  type CallerKey,
  type ObservedCall,
  type SignalHit,
} from "./signal-detectors.js";
import type { RaisedSignal } from "./raise-signal.js";

/** Calls waiting for the detectors; past this, new ones are dropped and counted. */
const MAX_QUEUED = 10_000;

/** How often the suspended tokens are read again, for suspensions and closings made by other hubs. */
const SUSPENDED_REFRESH_MS = 5_000;

/** What the watch has done since the hub started, for tests and status pages. */
export interface SignalWatchStats {
  readonly observed: number;
  readonly dropped: number;
  readonly raised: number;
  readonly failures: number;
  /** Spike baselines read from the usage totals, and reads that failed (those keys start from none). */
  readonly seeds: number;
  readonly seedFailures: number;
}

/** Where the watch reports trouble; the hub's logger. */
export type SignalLog = (message: string, err?: unknown) => void;

/**
 * Runs the abuse-signal detectors over every recorded call, off the request
 * path: `observe` queues the call and returns, and the queue is read after
 * the current I/O. A detector's hit is raised (opened or counted on its open
 * signal) one at a time. It also keeps the set of tokens suspended by open
 * signals, which the limits consult on every call.
 *
 * A token or user new to the process has its spike baseline read from its
 * hourly usage totals, once, while its calls go on counting; at most as many
 * reads are under way as the detectors keep keys, beyond which a new key's
 * baseline is learnt from nothing.
 */
export class SignalWatch {
  private readonly detectors: SignalDetectors;
  private queue: ObservedCall[] = [];
  private draining = false;
  private raising: Promise<void> = Promise.resolve();
  /** Suspended token ids, each with the signal that suspended it. */
  private suspended = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  /** Baseline reads under way, by key, so that a key is read once at a time. */
  private readonly seeding = new Map<string, Promise<void>>();
  private readonly maxSeeding: number;
  private counts = {
    observed: 0,
    dropped: 0,
    raised: 0,
    failures: 0,
    seeds: 0,
    seedFailures: 0,
  };

  constructor(
    private readonly db: Db,
    config: SignalConfig,
    private readonly raise: (hit: SignalHit) => Promise<RaisedSignal>,
    private readonly log: SignalLog,
  ) {
    this.detectors = new SignalDetectors(config, (subjectKind, subject, at) =>
      this.seed({ subjectKind, subject }, at),
    );
    this.maxSeeding = config.keys;
  }

  /** Reads the suspended tokens, and again every few seconds; the timer does not keep the process alive. */
  async start(): Promise<void> {
    await this.refreshSuspended();
    this.timer = setInterval(() => {
      this.refreshSuspended().catch((err: unknown) => {
        this.log("reading the tokens suspended by abuse signals failed", err);
      });
    }, SUSPENDED_REFRESH_MS);
    this.timer.unref();
  }

  /** Queues one call for the detectors; O(1), never throws. */
  observe(call: ObservedCall): void {
    this.counts.observed += 1;
    if (this.queue.length >= MAX_QUEUED) {
      this.counts.dropped += 1;
      return;
    }
    this.queue.push(call);
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => {
        this.drain();
      });
    }
  }

  private drain(): void {
    const calls = this.queue;
    this.queue = [];
    this.draining = false;
    for (const call of calls) {
      for (const hit of this.detectors.observe(call)) {
        this.raising = this.raising.then(() => this.raiseOne(hit));
      }
    }
  }

  /** Starts reading a key's baseline unless a read of it is under way; false when too many are. */
  private seed(key: CallerKey & { subjectKind: "token" | "user" }, at: Date): boolean {
    const id = `${key.subjectKind}:${key.subject}`;
    if (this.seeding.has(id)) {
      return true;
    }
    if (this.seeding.size >= this.maxSeeding) {
      return false;
    }
    const read = readSpikeBaseline(this.db, key.subjectKind, key.subject, at)
      .then(
        (baseline) => {
          this.counts.seeds += 1;
          return baseline;
        },
        (err: unknown) => {
          this.counts.seedFailures += 1;
          this.log(
            `the spike baseline of a ${key.subjectKind} could not be read; it starts from none`,
            err,
          );
          return 0;
        },
      )
      .then((baseline) => {
        this.seeding.delete(id);
        const hit = this.detectors.seeded(key, baseline);
        if (hit !== null) {
          this.raising = this.raising.then(() => this.raiseOne(hit));
        }
      });
    this.seeding.set(id, read);
    return true;
  }

  private async raiseOne(hit: SignalHit): Promise<void> {
    try {
      const raised = await this.raise(hit);
      this.counts.raised += 1;
      if (raised.action === "suspend") {
        this.suspended.set(hit.subject, raised.id);
      }
    } catch (err) {
      this.counts.failures += 1;
      this.log(`an abuse signal (${hit.kind}) could not be stored`, err);
    }
  }

  /**
   * Resolves once every call observed so far has been through the detectors,
   * the baselines they asked for have been read, and their hits raised.
   */
  async settle(): Promise<void> {
    for (;;) {
      while (this.draining || this.queue.length > 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (this.seeding.size === 0) {
        break;
      }
      await Promise.all(this.seeding.values());
    }
    await this.raising;
  }

  /** The open signal suspending a token, if any; read from memory on every call. */
  suspendedBy(tokenId: string): string | undefined {
    return this.suspended.get(tokenId);
  }

  /** Forgets a suspension at once, when this hub closed its signal. */
  lift(tokenId: string): void {
    this.suspended.delete(tokenId);
  }

  private async refreshSuspended(): Promise<void> {
    const rows = await this.db
      .selectFrom("usage_signals")
      .select(["id", "subject"])
      .where("state", "=", "open")
      .where("action", "=", "suspend")
      .where("subject_kind", "=", "token")
      .execute();
    this.suspended = new Map(rows.map((r) => [r.subject, r.id]));
  }

  /** Counters since start. */
  stats(): SignalWatchStats {
    return { ...this.counts };
  }

  /** Stops reading the suspended tokens and waits for the hits under way. */
  async close(): Promise<void> {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.settle();
  }
}
