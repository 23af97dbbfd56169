import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { SignalConfig } from "../../src/config.js";
import { usageEntry } from "./usage-support.js";
import { SignalWatch, type SignalHit, type UsageEntry } from "../../src/limits/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { databaseFor } from "../support/harness.js";

const CONFIG: SignalConfig = {
  spikeFactor: 2,
  spikeMinCalls: 10,
  sharingAddresses: 1_000,
  sharingAgents: 1_000,
  probingFailures: 1_000,
  retryIgnored: 1_000,
  duplicateCalls: 1_000,
  duplicateSimilarity: 0.8,
  contentPolicyRefusals: 1_000,
  keys: 100,
  throttlePerMinute: 10,
};

const NOW = Date.parse("2026-03-01T12:02:00.000Z");

const call = (i: number, over: Partial<UsageEntry> = {}): UsageEntry => usageEntry(NOW + i, over);

describe("the signal watch's spike baselines", () => {
  let dataDir: string;
  let store: Store;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-watch-"));
    store = await openStore(databaseFor("sqlite", dataDir).database);
  });
  after(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A watch over `db` that keeps what it raises and logs. */
  const watching = (db: Store["db"]) => {
    const raised: SignalHit[] = [];
    const logged: string[] = [];
    const watch = new SignalWatch(
      db,
      CONFIG,
      (hit) => {
        raised.push(hit);
        return Promise.resolve({ id: `sig_${raised.length}`, opened: true, action: "notify" });
      },
      (message) => {
        logged.push(message);
      },
    );
    return { watch, raised, logged };
  };

  it("reads a new key's history once while its calls go on counting, then decides on them", async () => {
    const { watch, raised, logged } = watching(store.db);
    for (let i = 0; i < 15; i += 1) {
      watch.observe({ entry: call(i), signature: null });
      watch.observe({ entry: call(i, { tokenId: null, userId: "u_b" }), signature: null });
    }
    await watch.settle();
    assert.deepEqual(raised.map((h) => [h.subjectKind, h.subject, h.count]).sort(), [
      ["token", "t_a", 15],
      ["user", "u_b", 15],
    ]);
    assert.deepEqual([watch.stats().seeds, watch.stats().seedFailures, logged], [2, 0, []]);
  });

  it("logs a read that failed and decides on a baseline of none", async () => {
    const broken = await mkdtemp(path.join(tmpdir(), "gatehouse-watch-"));
    const closed = await openStore(databaseFor("sqlite", broken).database);
    await closed.close();
    const { watch, raised, logged } = watching(closed.db);
    try {
      for (let i = 0; i < 12; i += 1) {
        watch.observe({ entry: call(i), signature: null });
      }
      await watch.settle();
      assert.deepEqual(
        raised.map((h) => [h.subject, h.count, h.details.baseline]),
        [["t_a", 12, 0]],
      );
      assert.deepEqual(
        [watch.stats().seeds, watch.stats().seedFailures, logged],
        [0, 1, ["the spike baseline of a token could not be read; it starts from none"]],
      );
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
