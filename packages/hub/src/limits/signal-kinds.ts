/**
 * The kinds of abuse signal the hub computes from its usage records
 * (docs/signals.md), each with one meaning.
 */
export const SIGNAL_KINDS = {
  spike: "a key's calls in five minutes rose far above its own baseline",
  key_sharing: "one token was used from many addresses or user agents within an hour",
  probing: "one address or token drew many 401, 403 or 404 answers within ten minutes",
  ignored_retry_after: "a key kept calling after a 429 before its Retry-After had passed",
  near_duplicates:
    "one key sent a flood of near-duplicate inputs within ten minutes, as model extraction does",
  content_policy: "a key's calls were refused by the use checks of the version it called",
} as const;

export type SignalKind = keyof typeof SIGNAL_KINDS;

export const SIGNAL_KIND_NAMES = Object.keys(SIGNAL_KINDS) as SignalKind[];

/** What the hub does when a signal opens; every signal is audited and notified. */
export type SignalAction = "notify" | "throttle" | "suspend";

export const SIGNAL_ACTIONS: readonly SignalAction[] = ["notify", "throttle", "suspend"];

/** Whose calls a signal is about. */
export type SignalSubjectKind = "token" | "user" | "address";
