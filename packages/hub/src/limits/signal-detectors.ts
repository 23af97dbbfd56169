import type { SignalConfig } from "../config.js";
import { BoundedMap } from "../store/index.js";
import { estimateJaccard } from "./minhash.js";
import type { SignalKind, SignalSubjectKind } from "./signal-kinds.js";
import { BASELINE_ALPHA } from "./spike-baseline.js";
import type { UsageEntry } from "./usage-entry.js";

const MINUTE = 60_000;
/** The fixed windows the detectors count in. */
export const SIGNAL_WINDOWS_MS = {
  spike: 5 * MINUTE,
  key_sharing: 60 * MINUTE,
  probing: 10 * MINUTE,
  ignored_retry_after: 10 * MINUTE,
  near_duplicates: 10 * MINUTE,
  content_policy: 10 * MINUTE,
} as const satisfies Record<SignalKind, number>;

/** Signatures of recent inputs kept per key for the near-duplicate comparison. */
const RECENT_SIGNATURES = 32;

/** A call as the detectors read it: its usage entry and its inputs' MinHash signature. */
export interface ObservedCall {
  readonly entry: UsageEntry;
  readonly signature: Uint32Array | null;
}

/** A detector's finding: a signal to open, or to count again if one is open. */
export interface SignalHit {
  readonly kind: SignalKind;
  readonly subjectKind: SignalSubjectKind;
  readonly subject: string;
  readonly at: Date;
  /** The calls that tripped it, in its window. */
  readonly count: number;
  readonly details: Readonly<Record<string, unknown>>;
  /** The call that tripped it, whose token, user, organisation and version it names. */
  readonly entry: UsageEntry;
}

/** Whom a call counts against. */
export interface CallerKey {
  readonly subjectKind: SignalSubjectKind;
  readonly subject: string;
}

/**
 * Asks for the spike baseline of a token or user first seen by the detectors,
 * from its history; answered later through `SignalDetectors.seeded`. Returns
 * false when none will come (too many reads under way), and the key's
 * baseline is then learnt from nothing.
 */
export type SeedRequest = (
  subjectKind: Exclude<SignalSubjectKind, "address">,
  subject: string,
  at: Date,
) => boolean;

/** The key a call counts under: its token, else its user, else its address. */
export function callerKey(entry: UsageEntry): CallerKey | null {
  if (entry.tokenId !== null) {
    return { subjectKind: "token", subject: entry.tokenId };
  }
  if (entry.userId !== null) {
    return { subjectKind: "user", subject: entry.userId };
  }
  return entry.address === null ? null : { subjectKind: "address", subject: entry.address };
}

/** A count in a fixed window, which fires once when it reaches its threshold. */
interface WindowCount {
  start: number;
  count: number;
  fired: boolean;
}

/** The window a time falls in, restarted when the time has left the old one. */
function current(map: Map<string, WindowCount>, key: string, at: number, windowMs: number) {
  const start = at - (at % windowMs);
  let w = map.get(key);
  if (w === undefined || w.start !== start) {
    w = { start, count: 0, fired: false };
  }
  // Deleted and set again so the map's order is by last use, which BoundedMap drops from.
  map.delete(key);
  map.set(key, w);
  return w;
}

interface SpikeState extends WindowCount {
  /** The weighted mean of the key's calls per five minutes before this window. */
  baseline: number;
  /**
   * While the key's seed is read: the window it was asked in, and the key's
   * latest call, which a spike found when the seed arrives names.
   */
  seeding: { readonly from: number; entry: UsageEntry } | null;
}

/** A spike of `key` found at `entry`, with the window's calls and the baseline it was judged against. */
function spikeHit(key: CallerKey, s: SpikeState, entry: UsageEntry): SignalHit {
  return {
    kind: "spike",
    ...key,
    at: entry.at,
    count: s.count,
    details: {
      calls: s.count,
      baseline: Math.round(s.baseline * 100) / 100,
      windowMinutes: SIGNAL_WINDOWS_MS.spike / MINUTE,
    },
    entry,
  };
}

interface SharingState extends WindowCount {
  readonly addresses: Set<string>;
  readonly agents: Set<string>;
}

interface RetryState extends WindowCount {
  /** Until when the key was told to wait (ms). */
  until: number;
}

interface DuplicateState extends WindowCount {
  readonly recent: { readonly hash: string | null; readonly signature: Uint32Array }[];
}

/**
 * The five detectors over the stream of recorded calls. Each keeps state per
 * key in fixed windows, at most `config.keys` keys per detector (the least
 * recently seen dropped first), so memory stays bounded whatever the traffic.
 * A detector reports a key once per window, when it crosses its threshold.
 *
 * With `requestSeed`, a token or user first seen starts the spike detector
 * from its history: its calls count meanwhile, and its spike is decided once
 * the seed arrives (`seeded`).
 */
export class SignalDetectors {
  private readonly spikes: BoundedMap<string, SpikeState>;
  private readonly sharing: BoundedMap<string, SharingState>;
  private readonly probing: BoundedMap<string, WindowCount>;
  private readonly retries: BoundedMap<string, RetryState>;
  private readonly duplicates: BoundedMap<string, DuplicateState>;
  private readonly refusals: BoundedMap<string, WindowCount>;

  constructor(
    private readonly config: SignalConfig,
    private readonly requestSeed: SeedRequest | null = null,
  ) {
    this.spikes = new BoundedMap(config.keys);
    this.sharing = new BoundedMap(config.keys);
    this.probing = new BoundedMap(config.keys);
    this.retries = new BoundedMap(config.keys);
    this.duplicates = new BoundedMap(config.keys);
    this.refusals = new BoundedMap(config.keys);
  }

  /** Counts one call; returns what it tripped. */
  observe({ entry, signature }: ObservedCall): SignalHit[] {
    const key = callerKey(entry);
    if (key === null) {
      return [];
    }
    const hits: SignalHit[] = [];
    const add = (
      kind: SignalKind,
      subject: CallerKey,
      count: number,
      details: Record<string, unknown>,
    ) => {
      hits.push({ kind, ...subject, at: entry.at, count, details, entry });
    };
    const at = entry.at.getTime();
    const id = `${key.subjectKind}:${key.subject}`;

    const spike = this.spike(id, key, entry);
    if (spike !== null) {
      hits.push(spikeHit(key, spike, entry));
    }
    if (entry.tokenId !== null) {
      const shared = this.keySharing(entry.tokenId, entry, at);
      if (shared !== null) {
        add("key_sharing", { subjectKind: "token", subject: entry.tokenId }, shared.count, {
          addresses: shared.addresses.size,
          userAgents: shared.agents.size,
          windowMinutes: SIGNAL_WINDOWS_MS.key_sharing / MINUTE,
        });
      }
    }
    if (entry.status === 401 || entry.status === 403 || entry.status === 404) {
      // A 401 carries no token: probing with bad tokens counts against the address.
      const w = current(this.probing, id, at, SIGNAL_WINDOWS_MS.probing);
      w.count += 1;
      if (!w.fired && w.count >= this.config.probingFailures) {
        w.fired = true;
        add("probing", key, w.count, {
          failures: w.count,
          lastStatus: entry.status,
          windowMinutes: SIGNAL_WINDOWS_MS.probing / MINUTE,
        });
      }
    }
    const ignored = this.retryIgnored(id, entry, at);
    if (ignored !== null) {
      add("ignored_retry_after", key, ignored, {
        earlyCalls: ignored,
        windowMinutes: SIGNAL_WINDOWS_MS.ignored_retry_after / MINUTE,
      });
    }
    if (signature !== null) {
      const similar = this.nearDuplicates(id, entry.inputHash, signature, at);
      if (similar !== null) {
        add("near_duplicates", key, similar, {
          nearDuplicates: similar,
          similarity: this.config.duplicateSimilarity,
          windowMinutes: SIGNAL_WINDOWS_MS.near_duplicates / MINUTE,
        });
      }
    }
    if (entry.errorCode === "CONTENT_POLICY") {
      const w = current(this.refusals, id, at, SIGNAL_WINDOWS_MS.content_policy);
      w.count += 1;
      if (!w.fired && w.count >= this.config.contentPolicyRefusals) {
        w.fired = true;
        add("content_policy", key, w.count, {
          refusals: w.count,
          windowMinutes: SIGNAL_WINDOWS_MS.content_policy / MINUTE,
        });
      }
    }
    return hits;
  }

  /**
   * Gives a key whose seed was asked for its baseline from history, and decides
   * on the calls of its current window counted meanwhile. A key dropped from
   * memory since is left alone: its next call starts it again.
   */
  seeded(key: CallerKey, baseline: number): SignalHit | null {
    const s = this.spikes.get(`${key.subjectKind}:${key.subject}`);
    if (s === undefined || s.seeding === null) {
      return null;
    }
    // The mean is linear in its windows: the seed, decayed by the windows closed since it
    // was asked, adds to what was learnt meanwhile from nothing.
    const closed = (s.start - s.seeding.from) / SIGNAL_WINDOWS_MS.spike;
    s.baseline += baseline * (1 - BASELINE_ALPHA) ** closed;
    const entry = s.seeding.entry;
    s.seeding = null;
    return this.spikeTripped(s) ? spikeHit(key, s, entry) : null;
  }

  private spike(id: string, key: CallerKey, entry: UsageEntry): SpikeState | null {
    const windowMs = SIGNAL_WINDOWS_MS.spike;
    const at = entry.at.getTime();
    const start = at - (at % windowMs);
    let s = this.spikes.get(id);
    if (s === undefined) {
      s = { start, count: 0, fired: false, baseline: 0, seeding: null };
      if (
        key.subjectKind !== "address" &&
        this.requestSeed?.(key.subjectKind, key.subject, entry.at) === true
      ) {
        s.seeding = { from: start, entry };
      }
    } else if (s.start !== start) {
      // The closed window joins the baseline, and each window without calls weighs it down.
      const empty = Math.max(0, (start - s.start) / windowMs - 1);
      s.baseline =
        (BASELINE_ALPHA * s.count + (1 - BASELINE_ALPHA) * s.baseline) *
        (1 - BASELINE_ALPHA) ** empty;
      s.start = start;
      s.count = 0;
      s.fired = false;
    }
    this.spikes.delete(id);
    this.spikes.set(id, s);
    s.count += 1;
    if (s.seeding !== null) {
      // Undecided until the seed arrives; a window that closes meanwhile is not judged.
      s.seeding.entry = entry;
      return null;
    }
    return this.spikeTripped(s) ? s : null;
  }

  /** Whether the key's current window is a spike not reported yet; marks it reported. */
  private spikeTripped(s: SpikeState): boolean {
    if (
      !s.fired &&
      s.count >= this.config.spikeMinCalls &&
      s.count > this.config.spikeFactor * s.baseline
    ) {
      s.fired = true;
      return true;
    }
    return false;
  }

  private keySharing(tokenId: string, entry: UsageEntry, at: number): SharingState | null {
    const windowMs = SIGNAL_WINDOWS_MS.key_sharing;
    const start = at - (at % windowMs);
    let s = this.sharing.get(tokenId);
    if (s === undefined || s.start !== start) {
      s = { start, count: 0, fired: false, addresses: new Set(), agents: new Set() };
    }
    this.sharing.delete(tokenId);
    this.sharing.set(tokenId, s);
    s.count += 1;
    // Sets stop growing just past their threshold: that is all a decision needs.
    if (entry.address !== null && s.addresses.size <= this.config.sharingAddresses) {
      s.addresses.add(entry.address);
    }
    if (entry.userAgent !== null && s.agents.size <= this.config.sharingAgents) {
      s.agents.add(entry.userAgent);
    }
    if (
      !s.fired &&
      (s.addresses.size > this.config.sharingAddresses || s.agents.size > this.config.sharingAgents)
    ) {
      s.fired = true;
      return s;
    }
    return null;
  }

  private retryIgnored(id: string, entry: UsageEntry, at: number): number | null {
    const windowMs = SIGNAL_WINDOWS_MS.ignored_retry_after;
    let s = this.retries.get(id);
    if (s === undefined && entry.retryAfterS === null) {
      // Nothing to remember for a key never told to wait.
      return null;
    }
    const start = at - (at % windowMs);
    if (s === undefined) {
      s = { start, count: 0, fired: false, until: 0 };
    } else if (s.start !== start) {
      s.start = start;
      s.count = 0;
      s.fired = false;
    }
    this.retries.delete(id);
    this.retries.set(id, s);
    let fired: number | null = null;
    if (at < s.until) {
      s.count += 1;
      if (!s.fired && s.count >= this.config.retryIgnored) {
        s.fired = true;
        fired = s.count;
      }
    }
    if (entry.status === 429 && entry.retryAfterS !== null) {
      s.until = Math.max(s.until, at + entry.retryAfterS * 1000);
    }
    return fired;
  }

  private nearDuplicates(
    id: string,
    hash: string | null,
    signature: Uint32Array,
    at: number,
  ): number | null {
    const windowMs = SIGNAL_WINDOWS_MS.near_duplicates;
    const start = at - (at % windowMs);
    let s = this.duplicates.get(id);
    if (s === undefined) {
      s = { start, count: 0, fired: false, recent: [] };
    } else if (s.start !== start) {
      // The recent inputs stay: a flood does not stop at a window's edge.
      s.start = start;
      s.count = 0;
      s.fired = false;
    }
    this.duplicates.delete(id);
    this.duplicates.set(id, s);
    // Identical inputs are a cache's business, not extraction: only near ones count.
    const near = s.recent.some(
      (r) =>
        r.hash !== hash &&
        estimateJaccard(r.signature, signature) >= this.config.duplicateSimilarity,
    );
    s.recent.push({ hash, signature });
    if (s.recent.length > RECENT_SIGNATURES) {
      s.recent.shift();
    }
    if (!near) {
      return null;
    }
    s.count += 1;
    if (!s.fired && s.count >= this.config.duplicateCalls) {
      s.fired = true;
      return s.count;
    }
    return null;
  }
}
