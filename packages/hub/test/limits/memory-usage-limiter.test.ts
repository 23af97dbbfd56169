import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { systemClock, type Clock } from "../../src/clock/index.js";
import { MemoryUsageLimiter } from "../../src/limits/index.js";
import { check, usageLimiterContract, windowLimit } from "./support/usage-limiter-contract.js";

usageLimiterContract("in memory", () => Promise.resolve(new MemoryUsageLimiter(systemClock)));

describe("the in-memory usage limiter", () => {
  it("drops the counters of ended windows, so memory stays bounded by the windows in use", async () => {
    let nowMs = Date.parse("2026-12-02T10:00:00.000Z");
    const clock: Clock = { now: () => new Date(nowMs) };
    const limiter = new MemoryUsageLimiter(clock, 1000);
    for (let i = 0; i < 500; i += 1) {
      await limiter.acquire(check([windowLimit("per-second", `k${i}`, 1, 1, nowMs)]), nowMs);
    }
    nowMs += 5000;
    // A decision after the windows ended sweeps them: a new one starts at zero and counts again.
    const later = await limiter.acquire(
      check([windowLimit("per-second", "k0", 1, 1, nowMs)]),
      nowMs,
    );
    assert.ok(later.allowed);
    const held = (limiter as unknown as { counters: Map<string, unknown> }).counters;
    assert.equal(held.size, 1);
  });

  it("keeps at most maxKeys counters however many keys arrive", async () => {
    const nowMs = Date.parse("2026-12-02T10:00:00.000Z");
    const limiter = new MemoryUsageLimiter({ now: () => new Date(nowMs) }, 100);
    for (let i = 0; i < 10_000; i += 1) {
      await limiter.acquire(check([windowLimit("per-hour", `flood-${i}`, 1, 3600, nowMs)]), nowMs);
    }
    const held = (limiter as unknown as { counters: Map<string, unknown> }).counters;
    assert.equal(held.size, 100);
  });

  it("rejects a check it cannot decide: a fractional cost, a negative quota, an empty window", async () => {
    const limiter = new MemoryUsageLimiter(systemClock);
    const now = Date.now();
    const w = windowLimit("per-minute", "bad", 5, 60, now);
    await assert.rejects(limiter.acquire(check([w], [], 0.5), now), /cost must be a whole number/);
    await assert.rejects(
      limiter.acquire(check([{ ...w, quota: -1 }]), now),
      /needs a whole quota ≥ 0 and an end after its start/,
    );
    await assert.rejects(
      limiter.acquire(check([{ ...w, endMs: w.startMs }]), now),
      /an end after its start/,
    );
  });
});
