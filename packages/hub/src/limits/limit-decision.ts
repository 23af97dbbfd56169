import type { LimitCheck, LimitDecision, WindowLimit, WindowState } from "./usage-limiter.js";

/** A window as the headers show it, once `count` units of it are used. */
export function windowState(limit: WindowLimit, count: number, nowMs: number): WindowState {
  return {
    name: limit.name,
    quota: limit.quota,
    windowSeconds: limit.windowSeconds,
    remaining: Math.max(0, limit.quota - count),
    resetSeconds: Math.max(0, Math.ceil((limit.endMs - nowMs) / 1000)),
  };
}

/**
 * The refusal of `check`, given each window's count before the call and the
 * indexes of the limits that refused: windows first (0…n-1), then
 * concurrency limits (n…). A full window is retried after its reset, a full
 * concurrency limit after a second, since a slot may free at any moment.
 */
export function refusal(
  check: LimitCheck,
  counts: readonly number[],
  refused: readonly number[],
  nowMs: number,
): LimitDecision {
  const windows = check.windows.map((w, i) => windowState(w, counts[i] ?? 0, nowMs));
  const violated: string[] = [];
  let retryAfterSeconds = 1;
  for (const index of refused) {
    const window = check.windows[index];
    if (window !== undefined) {
      violated.push(window.name);
      retryAfterSeconds = Math.max(retryAfterSeconds, windows[index]?.resetSeconds ?? 1);
      continue;
    }
    const limit = check.concurrency[index - check.windows.length];
    if (limit !== undefined) {
      violated.push(limit.name);
    }
  }
  return { allowed: false, windows, violated, retryAfterSeconds };
}

/** Checks what no limiter can decide: a cost or quota that is not a whole number ≥ 0, an empty window. */
export function assertValidCheck(check: LimitCheck): void {
  if (!Number.isSafeInteger(check.cost) || check.cost < 0) {
    throw new RangeError(`a check's cost must be a whole number ≥ 0, not ${check.cost}`);
  }
  for (const w of check.windows) {
    if (w.cost !== undefined && (!Number.isSafeInteger(w.cost) || w.cost < 0)) {
      throw new RangeError(`window "${w.name}" needs a whole cost ≥ 0, not ${w.cost}`);
    }
    if (!Number.isSafeInteger(w.quota) || w.quota < 0 || !(w.endMs > w.startMs)) {
      throw new RangeError(
        `window "${w.name}" needs a whole quota ≥ 0 and an end after its start (quota ${w.quota}, ${w.startMs}–${w.endMs})`,
      );
    }
  }
  for (const c of check.concurrency) {
    if (!Number.isSafeInteger(c.max) || c.max < 0) {
      throw new RangeError(`concurrency limit "${c.name}" needs a whole max ≥ 0, not ${c.max}`);
    }
  }
}

/** Checks a charged amount: whole units, as counters hold (round compute time first); negative gives units back. */
export function assertValidAmount(amount: number): void {
  if (!Number.isSafeInteger(amount)) {
    throw new RangeError(`a charged amount must be a whole number, not ${amount}`);
  }
}

/** What `limit` costs in `check`: its own cost, or the check's. */
export const costIn = (check: LimitCheck, limit: WindowLimit): number => limit.cost ?? check.cost;
