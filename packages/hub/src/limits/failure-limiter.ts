/**
 * Counts failures (bad tokens, bad session cookies, wrong passwords) per key:
 * a client address, the digest of a presented token or session cookie, or a
 * lower-cased user name a password was tried for. A key may fail `perMinute` times in a burst, then once every
 * `60 / perMinute` seconds; beyond that it is over its limit until the wait
 * has passed. The in-memory implementation limits each hub process on its own;
 * a shared one (Redis) implements the same two calls.
 */
export interface FailureLimiter {
  /** Seconds until a failure of `key` would be counted again; 0 when it would be now. */
  blockedFor(key: string): Promise<number>;
  /**
   * Counts one failure of `key` and answers 0, or, when `key` is over its
   * limit, counts nothing and answers the seconds to wait (for `Retry-After`).
   */
  recordFailure(key: string): Promise<number>;
}
