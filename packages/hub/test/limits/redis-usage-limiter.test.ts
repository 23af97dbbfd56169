import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { systemClock } from "../../src/clock/index.js";
import { HubError } from "../../src/errors/index.js";
import {
  RedisUsageLimiter,
  type LimitsUnavailable,
  type RedisUsageLimiterOptions,
} from "../../src/limits/index.js";
import { LimitScript } from "../../src/limits/limit-scripts.js";
import { TcpProxy } from "./support/tcp-proxy.js";
import { check, usageLimiterContract, windowLimit } from "./support/usage-limiter-contract.js";

const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL;
const SKIP = REDIS_URL === undefined ? "GATEHOUSE_TEST_REDIS_URL is not set" : false;
const CHILD = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "support",
  "limiter-child.ts",
);

/** A prefix no other test or run shares, so tests never see each other's keys. */
function uniquePrefix(): string {
  return `gatehouse-test:${randomUUID()}:`;
}

const quietLog = { warn: () => undefined, info: () => undefined };

function openLimiter(
  overrides: Partial<RedisUsageLimiterOptions> & { url?: string } = {},
): Promise<RedisUsageLimiter> {
  return RedisUsageLimiter.open({
    url: REDIS_URL ?? "",
    unavailable: "closed",
    clock: systemClock,
    log: quietLog,
    prefix: uniquePrefix(),
    ...overrides,
  });
}

/** Deletes every key under `prefix`, so the shared server keeps nothing of the test. */
async function dropKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) {
    await redis.del(...keys);
  }
}

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Lines it printed, in order, as they come. */
  next(): Promise<string>;
}

/** Starts a limiter-child.ts process and waits until it says it is ready. */
async function startChild(mode: string, prefix: string, key: string): Promise<Child> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", CHILD, mode, REDIS_URL ?? "", prefix, key],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done === true) {
      throw new Error(`the ${mode} child ended early: ${stderr}`);
    }
    return line.value;
  };
  assert.equal(await next(), "ready");
  return { process: child, next };
}

const contractPrefix = uniquePrefix();
usageLimiterContract("on Redis", () => openLimiter({ prefix: contractPrefix }), SKIP);
after(async () => {
  if (REDIS_URL !== undefined) {
    const redis = new Redis(REDIS_URL);
    await dropKeys(redis, contractPrefix);
    await redis.quit();
  }
});

describe("the Redis usage limiter", { skip: SKIP }, () => {
  let redis: Redis;
  const prefixes: string[] = [];
  before(() => {
    redis = new Redis(REDIS_URL ?? "");
  });
  after(async () => {
    for (const prefix of prefixes) {
      await dropKeys(redis, prefix);
    }
    await redis.quit();
  });
  const prefix = (): string => {
    const p = uniquePrefix();
    prefixes.push(p);
    return p;
  };

  it("admits exactly the quota across two processes firing 400 concurrent calls each", async () => {
    const p = prefix();
    const children = await Promise.all([
      startChild("windows", p, "shared"),
      startChild("windows", p, "shared"),
    ]);
    for (const child of children) {
      child.process.stdin.write("go\n");
    }
    const results = await Promise.all(
      children.map(async (c) => JSON.parse(await c.next()) as { admitted: number }),
    );
    const total = results.reduce((sum, r) => sum + r.admitted, 0);
    assert.equal(total, 250, `admitted ${results.map((r) => r.admitted).join(" + ")}`);
    const [counter] = await redis.keys(`${p}w:shared:*`);
    assert.ok(counter !== undefined);
    assert.equal(await redis.get(counter), "250", "the refused calls counted nowhere");
  });

  it("never has more calls in flight across two processes than the concurrency limit", async () => {
    const p = prefix();
    const children = await Promise.all([
      startChild("concurrency", p, "busy"),
      startChild("concurrency", p, "busy"),
    ]);
    for (const child of children) {
      child.process.stdin.write("go\n");
    }
    const results = await Promise.all(
      children.map(async (c) => JSON.parse(await c.next()) as { admitted: number; most: number }),
    );
    const most = Math.max(...results.map((r) => r.most));
    assert.ok(most <= 5, `saw ${most} calls in flight with a limit of 5`);
    assert.ok(most >= 2, "the two processes overlapped");
    assert.ok(results.every((r) => r.admitted > 0));
    assert.equal(await redis.zcard(`${p}c:busy`), 0, "every slot was released");
  });

  it("gives a crashed holder's slot back once its lease lapses, and keeps a living holder's", async () => {
    const p = prefix();
    const limiter = await openLimiter({ prefix: p, leaseMs: 1000 });
    try {
      const slot = { name: "slot", key: "crash", max: 1 };
      const living = await limiter.acquire(check([], [slot]), Date.now());
      assert.ok(living.allowed);
      // Held three lease times: renewed, so still held.
      await new Promise((r) => setTimeout(r, 3000));
      const blocked = await limiter.acquire(check([], [slot]), Date.now());
      assert.ok(!blocked.allowed);
      await living.release();

      const holder = await startChild("hold", p, "crash");
      holder.process.stdin.write("go\n");
      assert.deepEqual(JSON.parse(await holder.next()), { held: true });
      holder.process.kill("SIGKILL");
      const refused = await limiter.acquire(check([], [slot]), Date.now());
      assert.ok(!refused.allowed, "the slot is held right after the crash");
      await new Promise((r) => setTimeout(r, 1500));
      const freed = await limiter.acquire(check([], [slot]), Date.now());
      assert.ok(freed.allowed, "the crashed holder's lease lapsed");
      await freed.release();
    } finally {
      await limiter.close();
    }
  });

  it("sends a script whole when the server does not have it yet, and by its digest after", async () => {
    // A script no server has seen, as after a restart; flushing the shared server's scripts would disturb others.
    const lua = `return {ARGV[1], KEYS[1]} -- ${randomUUID()}`;
    const script = new LimitScript(lua);
    const sha = createHash("sha1").update(lua).digest("hex");
    assert.deepEqual(await redis.script("EXISTS", sha), [0]);
    assert.deepEqual(await script.run(redis, ["k"], ["a"]), ["a", "k"]);
    assert.deepEqual(await redis.script("EXISTS", sha), [1]);
    assert.deepEqual(await script.run(redis, ["k2"], ["b"]), ["b", "k2"]);
  });

  describe("while Redis cannot be reached", () => {
    let proxy: TcpProxy;
    const target = new URL(REDIS_URL ?? "redis://127.0.0.1:6379");
    before(async () => {
      proxy = await TcpProxy.start(target);
    });
    after(async () => {
      await proxy.cut();
    });

    async function throughProxy(
      unavailable: LimitsUnavailable,
      warnings: string[],
    ): Promise<{ limiter: RedisUsageLimiter; prefix: string }> {
      const p = prefix();
      const limiter = await openLimiter({
        url: proxy.url(target),
        prefix: p,
        unavailable,
        maxReconnectDelayMs: 200,
        log: { warn: (m) => warnings.push(m), info: () => undefined },
      });
      return { limiter, prefix: p };
    }

    /** Waits until the limiter's decisions reach Redis again: its counter there moves. */
    async function untilCountedInRedis(
      limiter: RedisUsageLimiter,
      p: string,
      key: string,
    ): Promise<void> {
      for (let i = 0; i < 100; i += 1) {
        const now = Date.now();
        // In closed mode a call throws until then.
        await limiter
          .acquire(check([windowLimit("per-hour", key, 1_000_000, 3600, now)]), now)
          .catch(() => undefined);
        if ((await redis.keys(`${p}w:${key}:*`)).length > 0) {
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.fail("decisions never reached Redis again after the proxy came back");
    }

    for (const mode of ["closed", "open", "local"] as const) {
      it(`${mode}: decides as set while Redis is cut off, and on Redis again once it is back`, async () => {
        const warnings: string[] = [];
        const { limiter, prefix: p } = await throughProxy(mode, warnings);
        try {
          const now = Date.now();
          const w = windowLimit("per-hour", "down", 2, 3600, now);
          assert.ok((await limiter.acquire(check([w]), now)).allowed);
          await proxy.cut();
          const calls = [];
          for (let i = 0; i < 3; i += 1) {
            calls.push(
              await limiter.acquire(check([w]), now).then(
                (d) => d,
                (err: unknown) => err,
              ),
            );
          }
          if (mode === "closed") {
            for (const err of calls) {
              assert.ok(err instanceof HubError, `expected a HubError, got ${String(err)}`);
              assert.equal(err.code, "UNAVAILABLE");
              assert.equal(err.status, 503);
              assert.deepEqual(err.details, { retryAfterSeconds: 1 });
              assert.match(err.message, /limit store is unreachable; try again shortly/);
            }
          } else if (mode === "open") {
            assert.deepEqual(
              calls.map((d) => (d as { allowed: boolean }).allowed),
              [true, true, true],
            );
          } else {
            // Decided by this process alone, from zero: two admitted, the third refused.
            assert.deepEqual(
              calls.map((d) => (d as { allowed: boolean }).allowed),
              [true, true, false],
            );
          }
          assert.equal(warnings.length, 1, `one warning per outage: ${warnings.join(" | ")}`);
          assert.match(warnings[0] ?? "", /limit store is unreachable/);
          // Charging while cut off neither throws nor waits for the connection.
          await limiter.charge([w], 1);

          await proxy.resume();
          await untilCountedInRedis(limiter, p, "back");
          // On Redis again: the window holds the one call made before the cut.
          const again = await limiter.acquire(check([w]), Date.now());
          assert.ok(again.allowed);
          assert.equal(again.windows[0]?.remaining, 0);
          const [counter] = await redis.keys(`${p}w:down:*`);
          assert.equal(await redis.get(counter ?? ""), "2");
        } finally {
          await limiter.close();
        }
      });
    }

    it("starts while Redis is unreachable and uses it once it answers", async () => {
      await proxy.cut();
      const warnings: string[] = [];
      const { limiter, prefix: p } = await throughProxy("closed", warnings);
      try {
        const now = Date.now();
        await assert.rejects(
          limiter.acquire(check([windowLimit("per-hour", "late", 5, 3600, now)]), now),
          (err: unknown) => err instanceof HubError && err.code === "UNAVAILABLE",
        );
        await proxy.resume();
        await untilCountedInRedis(limiter, p, "late");
      } finally {
        await limiter.close();
      }
    });
  });
});
