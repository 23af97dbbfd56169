import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type {
  ConcurrencyLimit,
  LimitCheck,
  LimitDecision,
  UsageLimiter,
  WindowLimit,
} from "../../../src/limits/index.js";

/** A window of `seconds` aligned to the epoch, as the caller computes it. */
export function windowLimit(
  name: string,
  key: string,
  quota: number,
  seconds: number,
  nowMs: number,
): WindowLimit {
  const startMs = Math.floor(nowMs / (seconds * 1000)) * seconds * 1000;
  return { name, key, quota, startMs, endMs: startMs + seconds * 1000, windowSeconds: seconds };
}

export function check(
  windows: readonly WindowLimit[],
  concurrency: readonly ConcurrencyLimit[] = [],
  cost = 1,
): LimitCheck {
  return { windows, concurrency, cost };
}

function admitted(decisions: readonly LimitDecision[]): number {
  return decisions.filter((d) => d.allowed).length;
}

/** The start of the current minute plus `offsetMs`: a time near the real one, whose seconds are known. */
function thisMinute(offsetMs: number): number {
  return Math.floor(Date.now() / 60_000) * 60_000 + offsetMs;
}

/**
 * The behaviours every UsageLimiter has, whatever holds its counters. `open`
 * gives a limiter whose keys no other test shares.
 */
export function usageLimiterContract(
  label: string,
  open: () => Promise<UsageLimiter>,
  skip: string | false = false,
): void {
  describe(`${label}: the usage limiter contract`, { skip }, () => {
    let limiter: UsageLimiter;
    before(async () => {
      limiter = await open();
    });
    after(async () => {
      await limiter.close();
    });

    it("admits exactly the quota of many concurrent calls and counts none it refuses", async () => {
      const now = Date.now();
      const w = windowLimit("per-minute", "exact", 5, 60, now);
      const decisions = await Promise.all(
        Array.from({ length: 20 }, () => limiter.acquire(check([w]), now)),
      );
      assert.equal(admitted(decisions), 5);
      const remaining = decisions
        .filter((d) => d.allowed)
        .map((d) => d.windows[0]?.remaining)
        .sort((x, y) => (x ?? 0) - (y ?? 0));
      assert.deepEqual(remaining, [0, 1, 2, 3, 4]);
      const refused = decisions.find((d) => !d.allowed);
      assert.ok(refused !== undefined && !refused.allowed);
      assert.deepEqual(refused.violated, ["per-minute"]);
      const reset = Math.ceil((w.endMs - now) / 1000);
      assert.equal(refused.retryAfterSeconds, reset);
      assert.deepEqual(refused.windows, [
        { name: "per-minute", quota: 5, windowSeconds: 60, remaining: 0, resetSeconds: reset },
      ]);
    });

    it("decides several windows together: whichever is full refuses, and the others count nothing", async () => {
      const s0 = thisMinute(100);
      const s1 = s0 + 1000;
      const perSecond = (at: number): WindowLimit => windowLimit("per-second", "multi", 3, 1, at);
      const perMinute = windowLimit("per-minute", "multi", 5, 60, s0);
      const first = [];
      for (let i = 0; i < 4; i += 1) {
        first.push(await limiter.acquire(check([perSecond(s0), perMinute]), s0));
      }
      assert.deepEqual(
        first.map((d) => d.allowed),
        [true, true, true, false],
      );
      const refusedBySecond = first[3];
      assert.ok(refusedBySecond !== undefined && !refusedBySecond.allowed);
      assert.deepEqual(refusedBySecond.violated, ["per-second"]);
      assert.equal(refusedBySecond.retryAfterSeconds, 1);
      // Three counted in the minute, not four.
      assert.equal(refusedBySecond.windows[1]?.remaining, 2);

      const second = [];
      for (let i = 0; i < 3; i += 1) {
        second.push(await limiter.acquire(check([perSecond(s1), perMinute]), s1));
      }
      assert.deepEqual(
        second.map((d) => d.allowed),
        [true, true, false],
      );
      const refusedByMinute = second[2];
      assert.ok(refusedByMinute !== undefined && !refusedByMinute.allowed);
      assert.deepEqual(refusedByMinute.violated, ["per-minute"]);
      assert.equal(refusedByMinute.retryAfterSeconds, Math.ceil((perMinute.endMs - s1) / 1000));
      // The refusal took nothing from this second: one unit is left in it.
      const last = await limiter.acquire(check([perSecond(s1)]), s1);
      assert.ok(last.allowed);
      assert.equal(last.windows[0]?.remaining, 0);
    });

    it("holds concurrency slots until released; a release is idempotent", async () => {
      const now = Date.now();
      const slots: ConcurrencyLimit = { name: "in-flight", key: "conc", max: 2 };
      const w = windowLimit("per-minute", "conc", 100, 60, now);
      const a = await limiter.acquire(check([w], [slots]), now);
      const b = await limiter.acquire(check([w], [slots]), now);
      const c = await limiter.acquire(check([w], [slots]), now);
      assert.ok(a.allowed && b.allowed);
      assert.ok(!c.allowed);
      assert.deepEqual(c.violated, ["in-flight"]);
      assert.equal(c.retryAfterSeconds, 1);
      // Refused by the slots, so not counted in the window: 2 of 100 used.
      assert.equal(c.windows[0]?.remaining, 98);
      await a.release();
      await a.release();
      const d = await limiter.acquire(check([w], [slots]), now);
      assert.ok(d.allowed, "a released slot is free again");
      const e = await limiter.acquire(check([w], [slots]), now);
      assert.ok(!e.allowed, "releasing twice freed one slot, not two");
      await b.release();
      await d.release();
      const all = await Promise.all(
        Array.from({ length: 6 }, () => limiter.acquire(check([], [slots]), now)),
      );
      assert.equal(admitted(all), 2);
      await Promise.all(all.map((x) => (x.allowed ? x.release() : Promise.resolve())));
    });

    it("charges units measured after a call, never refusing, and later calls see them", async () => {
      const now = Date.now();
      const tokens = windowLimit("tokens-per-minute", "charge", 10, 60, now);
      await limiter.charge([tokens], 7);
      const one = await limiter.acquire(check([tokens]), now);
      assert.ok(one.allowed);
      assert.equal(one.windows[0]?.remaining, 2);
      const three = await limiter.acquire(check([tokens], [], 3), now);
      assert.ok(!three.allowed);
      await limiter.charge([tokens], 50);
      const none = await limiter.acquire(check([tokens]), now);
      assert.ok(!none.allowed);
      assert.equal(none.windows[0]?.remaining, 0);
      await assert.rejects(limiter.charge([tokens], 1.5), RangeError);
    });

    it("counts each window at its own cost, a request window 1 and a token window the tokens reserved, and takes a reserve back", async () => {
      const now = Date.now();
      const requests = windowLimit("per-minute", "own-cost-requests", 10, 60, now);
      const tokens = { ...windowLimit("tokens-per-minute", "own-cost-tokens", 100, 60, now) };
      const reserve = await limiter.acquire(check([requests, { ...tokens, cost: 60 }]), now);
      assert.ok(reserve.allowed);
      assert.deepEqual(
        reserve.windows.map((w) => w.remaining),
        [9, 40],
      );
      // 60 do not fit in the 40 left: the request window counts nothing either.
      const refused = await limiter.acquire(check([requests, { ...tokens, cost: 60 }]), now);
      assert.ok(!refused.allowed);
      assert.deepEqual(refused.violated, ["tokens-per-minute"]);
      // The first call used 25 of its 60: the correction gives 35 back.
      await limiter.charge([tokens], 25 - 60);
      const after = await limiter.acquire(check([requests, { ...tokens, cost: 60 }]), now);
      assert.ok(after.allowed);
      assert.deepEqual(
        after.windows.map((w) => w.remaining),
        [8, 15],
      );
      await assert.rejects(limiter.acquire(check([{ ...tokens, cost: -1 }]), now), RangeError);
    });

    it("refuses a cost larger than the quota, and starts a new window at zero", async () => {
      const now = thisMinute(0);
      const w = windowLimit("per-second", "big", 2, 1, now);
      const big = await limiter.acquire(check([w], [], 3), now);
      assert.ok(!big.allowed);
      assert.equal(big.windows[0]?.remaining, 2);
      const fill = await limiter.acquire(check([w], [], 2), now);
      assert.ok(fill.allowed);
      const next = now + 1000;
      const fresh = await limiter.acquire(
        check([windowLimit("per-second", "big", 2, 1, next)]),
        next,
      );
      assert.ok(fresh.allowed);
      assert.equal(fresh.windows[0]?.remaining, 1);
    });
  });
}
