import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRng, shuffled } from "../src/random/seeded.js";

describe("seeded random generator", () => {
  it("repeats its stream for the same seed and differs for another", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 100 }, () => a.next());
    const sb = Array.from({ length: 100 }, () => b.next());
    const sc = Array.from({ length: 100 }, () => c.next());
    assert.deepEqual(sa, sb);
    assert.notDeepEqual(sa, sc);
    assert.ok(sa.every((x) => x >= 0 && x < 1));
  });

  it("draws integers uniformly (chi-squared test, 10 bins)", () => {
    const rng = createRng(7);
    const counts = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const k = rng.int(10);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    const expected = n / 10;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: the 99.9th percentile is 27.88.
    assert.ok(chi2 < 27.88, `chi-squared ${chi2} too large: ${counts.join(",")}`);
  });

  it("shuffles a copy and keeps every element", () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const out = shuffled(items, createRng(1));
    assert.notDeepEqual(out, items);
    assert.deepEqual(
      [...out].sort((x, y) => x - y),
      items,
    );
    assert.deepEqual(shuffled(items, createRng(1)), out);
  });

  it("refuses a seed that is not a non-negative integer", () => {
    assert.throws(() => createRng(-1), /non-negative integer/);
    assert.throws(() => createRng(1.5), /non-negative integer/);
  });
});
