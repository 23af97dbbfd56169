import type { WindowState } from "./usage-limiter.js";

/** The largest Integer a Structured Field may carry (RFC 9651 §3.3.1: at most 15 digits). */
const SF_INTEGER_MAX = 999_999_999_999_999;

/**
 * A policy name as a Structured Field String (RFC 9651 §3.3.3): printable
 * ASCII only, with `"` and `\` escaped. Other characters cannot be sent in an
 * sf-string at all, so each becomes `_` rather than making the field invalid,
 * which would make clients ignore every policy in it.
 */
export function sfString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") {
      out += `\\${ch}`;
    } else if (code >= 0x20 && code <= 0x7e) {
      out += ch;
    } else {
      out += "_";
    }
  }
  return `${out}"`;
}

/** Whether `name` is sent as it is in the headers: printable ASCII without `"` and `\`. */
export function isPolicyName(name: string): boolean {
  return /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/.test(name);
}

function sfInteger(value: number): number {
  return Math.min(SF_INTEGER_MAX, Math.max(0, Math.floor(value)));
}

/** The header fields one decision adds to a response; `Retry-After` only on a refusal. */
export interface RateLimitHeaders {
  readonly "RateLimit-Policy"?: string;
  readonly RateLimit?: string;
  readonly "Retry-After"?: string;
  /** OpenAI's fields, on the OpenAI-compatible API (openAiRateLimitHeaders). */
  readonly "x-ratelimit-limit-requests"?: string;
  readonly "x-ratelimit-remaining-requests"?: string;
  readonly "x-ratelimit-reset-requests"?: string;
  readonly "x-ratelimit-limit-tokens"?: string;
  readonly "x-ratelimit-remaining-tokens"?: string;
  readonly "x-ratelimit-reset-tokens"?: string;
}

/** Seconds as a Go duration, the form of OpenAI's reset fields: `45s`, `6m0s`, `1h2m3s`. */
export function goDuration(seconds: number): string {
  const total = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) {
    return `${h}h${m}m${s}s`;
  }
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

/** The window with the fewest units left: the one that refuses first. */
const tightest = (windows: readonly WindowState[]) =>
  windows.reduce<WindowState | undefined>(
    (a, w) => (a === undefined || w.remaining < a.remaining ? w : a),
    undefined,
  );

/**
 * OpenAI's `x-ratelimit-*-requests` and `x-ratelimit-*-tokens` fields
 * (serving.md §2), each from the window of its kind with the fewest units
 * left. No windows of a kind, no fields of it.
 */
export function openAiRateLimitHeaders(
  requests: readonly WindowState[],
  tokens: readonly WindowState[],
): RateLimitHeaders {
  const r = tightest(requests);
  const t = tightest(tokens);
  return {
    ...(r === undefined
      ? {}
      : {
          "x-ratelimit-limit-requests": String(sfInteger(r.quota)),
          "x-ratelimit-remaining-requests": String(sfInteger(r.remaining)),
          "x-ratelimit-reset-requests": goDuration(r.resetSeconds),
        }),
    ...(t === undefined
      ? {}
      : {
          "x-ratelimit-limit-tokens": String(sfInteger(t.quota)),
          "x-ratelimit-remaining-tokens": String(sfInteger(t.remaining)),
          "x-ratelimit-reset-tokens": goDuration(t.resetSeconds),
        }),
  };
}

/**
 * The RateLimit header fields of draft-ietf-httpapi-ratelimit-headers-11 for
 * the windows of one decision: `RateLimit-Policy` lists each window's quota
 * `q` and length `w`, `RateLimit` its remaining units `r` and seconds to its
 * reset `t`. On a refusal, give `retryAfterSeconds` for `Retry-After`; the
 * violated windows are listed first in `RateLimit`, so a client that reads
 * only its first item sees what refused it. No windows, no RateLimit fields.
 *
 * @example rateLimitHeaders([{ name: "burst", quota: 100, windowSeconds: 60, remaining: 50, resetSeconds: 30 }])
 *   // { "RateLimit-Policy": '"burst";q=100;w=60', RateLimit: '"burst";r=50;t=30' }
 */
export function rateLimitHeaders(
  windows: readonly WindowState[],
  refused?: { readonly violated: readonly string[]; readonly retryAfterSeconds: number },
): RateLimitHeaders {
  const headers: { -readonly [K in keyof RateLimitHeaders]: string } = {};
  if (windows.length > 0) {
    headers["RateLimit-Policy"] = windows
      .map(
        (w) =>
          `${sfString(w.name)};q=${sfInteger(w.quota)};w=${Math.max(1, sfInteger(w.windowSeconds))}`,
      )
      .join(", ");
    const violated = new Set(refused?.violated ?? []);
    const ordered = [
      ...windows.filter((w) => violated.has(w.name)),
      ...windows.filter((w) => !violated.has(w.name)),
    ];
    headers.RateLimit = ordered
      .map((w) => `${sfString(w.name)};r=${sfInteger(w.remaining)};t=${sfInteger(w.resetSeconds)}`)
      .join(", ");
  }
  if (refused !== undefined) {
    headers["Retry-After"] = String(Math.max(1, Math.ceil(refused.retryAfterSeconds)));
  }
  return headers;
}
