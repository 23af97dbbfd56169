import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Clock } from "../../src/clock/index.js";
import { addressKey, MemoryFailureLimiter } from "../../src/limits/index.js";

const fixedClock = (ms: number): Clock => ({ now: () => new Date(ms) });

/** Fails `key` `times` times and returns the answers. */
async function fail(limiter: MemoryFailureLimiter, key: string, times: number): Promise<number[]> {
  const answers: number[] = [];
  for (let i = 0; i < times; i += 1) {
    answers.push(await limiter.recordFailure(key));
  }
  return answers;
}

describe("the in-memory failure limiter", () => {
  it("counts a burst of perMinute failures, then refuses to count with the wait in seconds", async () => {
    const limiter = new MemoryFailureLimiter(fixedClock(0), 4, 10);
    assert.deepEqual(await fail(limiter, "k", 6), [0, 0, 0, 0, 15, 15]);
    assert.equal(await limiter.blockedFor("k"), 15);
    assert.equal(await limiter.blockedFor("other"), 0);
  });

  it("keeps at most maxKeys keys: a flood of new keys pushes the oldest out", async () => {
    const limiter = new MemoryFailureLimiter(fixedClock(0), 1, 100);
    await fail(limiter, "offender", 1);
    assert.equal(await limiter.blockedFor("offender"), 60);
    for (let i = 0; i < 10_000; i += 1) {
      await fail(limiter, `flood-${i}`, 1);
    }
    assert.equal(await limiter.blockedFor("offender"), 0);
    // Exactly the 100 newest keys are held.
    assert.equal(await limiter.blockedFor("flood-9999"), 60);
    assert.equal(await limiter.blockedFor("flood-9900"), 60);
    assert.equal(await limiter.blockedFor("flood-9899"), 0);
  });

  it("moves a key that failed again to the young end, so the flood evicts others first", async () => {
    const limiter = new MemoryFailureLimiter(fixedClock(0), 2, 3);
    await fail(limiter, "a", 1);
    await fail(limiter, "b", 1);
    await fail(limiter, "a", 1);
    await fail(limiter, "c", 1);
    await fail(limiter, "d", 1);
    assert.equal(await limiter.blockedFor("b"), 0, "b was the least recently failed");
    assert.equal(await limiter.blockedFor("a"), 30);
  });
});

describe("addressKey", () => {
  it("keys IPv4 addresses as they are and IPv4-mapped IPv6 addresses as IPv4", () => {
    assert.equal(addressKey("192.0.2.7"), "192.0.2.7");
    assert.equal(addressKey("::ffff:192.0.2.7"), "192.0.2.7");
  });

  it("keys IPv6 addresses by their /64, whatever their spelling", () => {
    const key = addressKey("2001:db8:1:2::1");
    assert.equal(key, "2001:db8:1:2::/64");
    for (const same of [
      "2001:db8:1:2:a:b:c:d",
      "2001:0DB8:0001:0002::ffff",
      "2001:db8:1:2::1%eth0",
    ]) {
      assert.equal(addressKey(same), key, same);
    }
    assert.notEqual(addressKey("2001:db8:1:3::1"), key);
    assert.equal(addressKey("2001:db8::1"), "2001:db8:0:0::/64");
    assert.equal(addressKey("64:ff9b::192.0.2.7"), "64:ff9b:0:0::/64");
  });
});
