/** Attempts of one delivery before it is given up (a manual redelivery starts afresh). */
export const MAX_ATTEMPTS = 9;

const FIRST_RETRY_S = 10;
const FACTOR = 4;
const LONGEST_WAIT_S = 86_400;

/**
 * How long to wait after the `failed`-th failed attempt (1-based) before the
 * next: 10 s, then four times longer each time (40 s, 160 s, …), at most a
 * day, so nine attempts span about 39 hours. No jitter: the delays are
 * counted from each delivery's own last attempt, and events reach a hub's
 * subscriptions one by one as changes happen, so retries do not arrive in
 * lockstep; a fixed schedule is also one a receiver's operator can read.
 *
 * @example retryDelaySeconds(1) // 10
 */
export function retryDelaySeconds(failed: number): number {
  return Math.min(FIRST_RETRY_S * FACTOR ** (failed - 1), LONGEST_WAIT_S);
}
