import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import net from "node:net";
import { describe, it } from "node:test";
import { Redis } from "ioredis";
import { HubError } from "../../src/errors/index.js";
import { MemoryUsageLimiter, RedisUsageLimiter } from "../../src/limits/index.js";
import { startHub } from "../support/harness.js";
import { check, windowLimit } from "./support/usage-limiter-contract.js";

const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL;

describe("the hub's usage limiter", () => {
  it("counts in memory without REDIS_URL", async () => {
    const hub = await startHub("sqlite");
    try {
      assert.ok(hub.built.ctx.limiter instanceof MemoryUsageLimiter);
    } finally {
      await hub.close();
    }
  });

  it(
    "counts on Redis with REDIS_URL, and lets go of it when the hub closes",
    { skip: REDIS_URL === undefined ? "GATEHOUSE_TEST_REDIS_URL is not set" : false },
    async () => {
      const hub = await startHub("sqlite", { REDIS_URL: REDIS_URL ?? "" });
      const limiter = hub.built.ctx.limiter;
      const key = `app-test:${randomUUID()}`;
      const redis = new Redis(REDIS_URL ?? "");
      try {
        assert.ok(limiter instanceof RedisUsageLimiter);
        const now = Date.now();
        const decision = await limiter.acquire(
          check([windowLimit("per-minute", key, 3, 60, now)]),
          now,
        );
        assert.ok(decision.allowed);
        const keys = await redis.keys(`gatehouse:limits:w:${key}:*`);
        assert.equal(keys.length, 1);
        assert.equal(await redis.get(keys[0] ?? ""), "1");
        await redis.del(...keys);
      } finally {
        await hub.close();
        await redis.quit();
      }
      // Closed with the hub: its connection is gone, so a call cannot be decided.
      await assert.rejects(
        limiter.acquire(check([windowLimit("per-minute", key, 3, 60, Date.now())]), Date.now()),
        (err: unknown) => err instanceof HubError && err.code === "UNAVAILABLE",
      );
    },
  );

  it("starts while REDIS_URL cannot be reached, refusing limited calls until it can", async () => {
    // A port nothing listens on: taken, then freed.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = address !== null && typeof address === "object" ? address.port : 0;
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    const hub = await startHub("sqlite", { REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const health = await hub.request("GET", "/health");
      assert.equal(health.status, 200);
      const now = Date.now();
      await assert.rejects(
        hub.built.ctx.limiter.acquire(check([windowLimit("per-minute", "down", 3, 60, now)]), now),
        (err: unknown) => err instanceof HubError && err.code === "UNAVAILABLE",
      );
    } finally {
      await hub.close();
    }
  });
});
