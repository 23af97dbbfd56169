// Usage-limit decisions per second, with 64 callers at once, each decision taking two
// windows and one concurrency slot: the in-memory limiter against a Map increment, and the
// Redis limiter (one Lua script per decision, one more to release the slot) against a plain
// INCR round trip with the same client settings, in the same run.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { ROOT } from "./lib/hub-process.mjs";
import { median } from "./lib/report.mjs";

const CALLERS = 64;
const ROUND_MS = 2000;
const ROUNDS = 3;
const clock = { now: () => new Date() };

/** Operations per second of `op` run by CALLERS loops at once for ROUND_MS. */
async function throughput(op) {
  let done = 0;
  const until = performance.now() + ROUND_MS;
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, caller) => {
      while (performance.now() < until) {
        await op(caller);
        done += 1;
      }
    }),
  );
  return done / (ROUND_MS / 1000);
}

/** A check of caller `i`'s own token: per second and per minute, and 4 calls in flight. */
function checkOf(i, nowMs) {
  const window = (name, seconds) => {
    const startMs = Math.floor(nowMs / (seconds * 1000)) * seconds * 1000;
    return {
      name,
      key: `bench:token-${i}`,
      quota: 1e12,
      startMs,
      endMs: startMs + seconds * 1000,
      windowSeconds: seconds,
    };
  };
  return {
    windows: [window("token-per-second", 1), window("token-per-minute", 60)],
    concurrency: [{ name: "in-flight", key: `bench:token-${i}`, max: 4 }],
    cost: 1,
  };
}

/** One decision: acquire, then release the slot, as a call through the hub does. */
function decide(limiter) {
  return async (caller) => {
    const now = Date.now();
    const decision = await limiter.acquire(checkOf(caller, now), now);
    if (!decision.allowed) {
      throw new Error(
        `the bench's quotas are not meant to refuse: ${decision.violated.join(", ")}`,
      );
    }
    await decision.release();
  };
}

/** Alternates `mine` and `base` for ROUNDS rounds; medians of both. */
async function compare(mine, base) {
  const a = [];
  const b = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    a.push(await throughput(mine));
    b.push(await throughput(base));
  }
  return { hub: median(a), baseline: median(b) };
}

/** Decisions per second of the memory and Redis limiters, each against its baseline. */
export async function benchLimiter({ log }) {
  const dist = path.join(ROOT, "packages", "hub", "dist", "limits", "index.js");
  if (!existsSync(dist)) {
    throw new Error("the hub is not built; run npm run build first");
  }
  const { MemoryUsageLimiter, RedisUsageLimiter } = await import(pathToFileURL(dist).href);
  const rows = [];

  const memory = new MemoryUsageLimiter(clock);
  const counts = new Map();
  const mem = await compare(decide(memory), async (caller) => {
    // The least a decision does: one counter read and written, across an await.
    const key = `bench:token-${caller}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    await Promise.resolve();
  });
  await memory.close();
  log(
    `limiter (memory): ${mem.hub.toFixed(0)} decisions/s, Map increment ${mem.baseline.toFixed(0)}/s`,
  );
  rows.push({
    figure: `usage limit decision in memory (2 windows + 1 slot, ${CALLERS} callers)`,
    hub: mem.hub,
    baseline: mem.baseline,
    unit: "/s",
    ratio: mem.hub / mem.baseline,
    target: "report",
    pass: null,
  });

  // Redis on this machine unless told otherwise (GATEHOUSE_BENCH_REDIS_URL); without one, no Redis row.
  const url = process.env.GATEHOUSE_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  const reachable = await probe.connect().then(
    () => true,
    () => false,
  );
  probe.disconnect();
  if (!reachable) {
    log(`limiter (Redis): no Redis at ${url}; set GATEHOUSE_BENCH_REDIS_URL to measure it`);
    return { rows };
  }
  const prefix = `gatehouse-bench:${randomUUID()}:`;
  const log2 = { warn: (m) => log(m), info: () => undefined };
  const limiter = await RedisUsageLimiter.open({
    url,
    unavailable: "closed",
    clock,
    log: log2,
    prefix,
  });
  // The same client settings the limiter uses, so only the work differs.
  const plain = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
  });
  await new Promise((resolve) => plain.once("ready", resolve));
  try {
    const red = await compare(decide(limiter), (caller) => plain.incr(`${prefix}incr-${caller}`));
    log(`limiter (Redis): ${red.hub.toFixed(0)} decisions/s, INCR ${red.baseline.toFixed(0)}/s`);
    rows.push({
      figure: `usage limit decision on Redis (2 windows + 1 slot, ${CALLERS} callers)`,
      hub: red.hub,
      baseline: red.baseline,
      unit: "/s",
      ratio: red.hub / red.baseline,
      // Two round trips (the decision, then the release) against one: 0.5× is the ceiling.
      target: "≥ 0.25×",
      pass: red.hub / red.baseline >= 0.25,
    });
  } finally {
    const keys = await plain.keys(`${prefix}*`);
    if (keys.length > 0) {
      await plain.del(...keys);
    }
    plain.disconnect();
    await limiter.close();
  }
  return { rows };
}
