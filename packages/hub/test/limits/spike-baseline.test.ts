import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SignalConfig } from "../../src/config.js";
import { usageEntry } from "./usage-support.js";
import {
  SEED_HOURS,
  seedBaseline,
  SignalDetectors,
  SIGNAL_WINDOWS_MS,
  type HourlyCalls,
  type SignalHit,
  type UsageEntry,
} from "../../src/limits/index.js";

const HOUR_MS = 3_600_000;
/** Two minutes into the hour starting 2026-03-01T12:00Z: the current hour, which seeds leave out. */
const NOW = new Date("2026-03-01T12:02:00.000Z");
const CURRENT_HOUR = Date.parse("2026-03-01T12:00:00.000Z");

/** `calls` in the hour `k` hours before the current one. */
const hoursBack = (k: number, calls: number): HourlyCalls => ({
  hour: new Date(CURRENT_HOUR - k * HOUR_MS),
  calls,
});

const close = (actual: number, expected: number, message?: string) => {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}${message ?? ""}`);
};

describe("the spike baseline seeded from hourly totals", () => {
  it("is zero for a key without history", () => {
    assert.equal(seedBaseline([], NOW), 0);
    assert.equal(seedBaseline([hoursBack(3, 0)], NOW), 0);
  });

  it("is about the rate of a key steady for the week", () => {
    // 120 calls an hour are 10 per five minutes. Hour k back weighs (1 − q) q^(k−1) with
    // q = 2^(−1/24), so 168 hours sum to 10 × (1 − q^168) = 10 × (1 − 2^−7) = 9.921875.
    const week = Array.from({ length: SEED_HOURS }, (_, i) => hoursBack(i + 1, 120));
    close(seedBaseline(week, NOW), 9.921875);
    // Four times the rate, four times the baseline: 40 × (1 − 2^−7) = 39.6875.
    close(
      seedBaseline(
        week.map((h) => ({ ...h, calls: 480 })),
        NOW,
      ),
      39.6875,
    );
  });

  it("weighs older hours less, halving per day", () => {
    // The hour just before: its twelve windows of 10 calls weigh α(1 − α)^0 … α(1 − α)^11,
    // α = 1 − 2^(−1/288), which sum to 10 × (1 − 2^(−12/288)) = 10 × (1 − 2^(−1/24)).
    // 2^(−1/24) = e^(−0.693147/24) = e^(−0.0288811) = 0.9715319, so 0.2846806.
    close(seedBaseline([hoursBack(1, 120)], NOW), 0.2846805884639414);
    // The same hour a day earlier (25 hours back) weighs half: 0.1423403.
    close(seedBaseline([hoursBack(25, 120)], NOW), 0.1423402942319707);
    // Two days earlier, a quarter: 0.0711701.
    close(seedBaseline([hoursBack(49, 120)], NOW), 0.07117014711598535);
    // Hours add up, in any order.
    close(
      seedBaseline([hoursBack(25, 120), hoursBack(1, 120)], NOW),
      0.2846805884639414 + 0.1423402942319707,
    );
  });

  it("leaves out the current hour and hours older than a week, wherever now is in its hour", () => {
    const current = { hour: new Date(CURRENT_HOUR), calls: 100_000 };
    const older = hoursBack(SEED_HOURS + 1, 100_000);
    const future = hoursBack(-1, 100_000);
    assert.equal(seedBaseline([current, older, future], NOW), 0);
    // The last of the week, 168 hours back, still counts: 10 × (1 − q) q^167.
    close(
      seedBaseline([hoursBack(SEED_HOURS, 120)], NOW),
      10 * (1 - 2 ** (-1 / 24)) * 2 ** (-167 / 24),
    );
    const late = new Date(CURRENT_HOUR + HOUR_MS - 1);
    assert.equal(seedBaseline([hoursBack(1, 120)], late), seedBaseline([hoursBack(1, 120)], NOW));
  });

  it("matches what the detector learns in memory from the same calls spread evenly", () => {
    const config: SignalConfig = {
      // Every window's first call is reported, with the baseline it was judged against.
      spikeFactor: 0,
      spikeMinCalls: 1,
      sharingAddresses: 1_000,
      sharingAgents: 1_000,
      probingFailures: 1_000,
      retryIgnored: 1_000,
      duplicateCalls: 1_000,
      duplicateSimilarity: 0.8,
      contentPolicyRefusals: 1_000,
      keys: 10,
      throttlePerMinute: 10,
    };
    // Two days of history, busier on the first day: 36 then 12 calls an hour.
    const hours = Array.from({ length: 48 }, (_, i) => hoursBack(48 - i, i < 24 ? 36 : 12));
    const d = new SignalDetectors(config);
    const w = SIGNAL_WINDOWS_MS.spike;
    const entry = (at: number): UsageEntry => usageEntry(at);
    // Each hour's calls as twelve windows of an equal count.
    for (const { hour, calls } of hours) {
      for (let i = 0; i < 12; i += 1) {
        for (let c = 0; c < calls / 12; c += 1) {
          d.observe({ entry: entry(hour.getTime() + i * w + c), signature: null });
        }
      }
    }
    // The first call of the current hour closes the last window and is judged against the
    // learnt baseline, which the hit reports (to two decimals). Seeded: the first day's
    // 3 a window weigh 3 × (1 − 2^−1) × 2^−1 = 0.75, the second's 1 a window 1 × (1 − 2^−1)
    // = 0.5, together 1.25.
    const hits: SignalHit[] = d.observe({ entry: entry(CURRENT_HOUR), signature: null });
    const seeded = seedBaseline(hours, NOW);
    close(seeded, 1.25);
    assert.deepEqual(
      hits.map((h) => [h.kind, h.details.baseline]),
      [["spike", 1.25]],
    );
  });
});
