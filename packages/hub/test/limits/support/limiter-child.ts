// A separate hub process's share of a test: runs calls against the Redis limiter and prints what it saw.
//   node --import tsx limiter-child.ts <mode> <redis url> <prefix> <key>
// It prints "ready", waits for a line on stdin, runs, then prints one JSON line.
//   windows: 400 concurrent calls on one key with a quota of 250 in a minute window.
//   concurrency: 300 calls of one key with at most 5 in flight; each admitted call
//     counts itself in a shared Redis counter while it runs and reports the most it saw.
//   hold: takes the one slot of the key and keeps it until killed.
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { systemClock } from "../../../src/clock/index.js";
import { RedisUsageLimiter, type LimitCheck } from "../../../src/limits/index.js";

const [mode = "", url = "", prefix = "", key = ""] = process.argv.slice(2);
const log = { warn: (m: string) => process.stderr.write(`${m}\n`), info: () => undefined };
const limiter = await RedisUsageLimiter.open({
  url,
  unavailable: "closed",
  clock: systemClock,
  log,
  prefix,
  leaseMs: 1000,
  // Hundreds of calls at once on a busy test machine: slowness must not pass for an outage here.
  commandTimeoutMs: 10_000,
});
const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) =>
  lines.once("line", () => {
    resolve();
  }),
);
process.stdout.write("ready\n");
await go;

const now = Date.now();
const minute = Math.floor(now / 60_000) * 60_000;
const window = {
  name: "per-minute",
  key,
  quota: 250,
  startMs: minute,
  endMs: minute + 60_000,
  windowSeconds: 60,
};

if (mode === "windows") {
  const check: LimitCheck = { windows: [window], concurrency: [], cost: 1 };
  const decisions = await Promise.all(
    Array.from({ length: 400 }, () => limiter.acquire(check, now)),
  );
  process.stdout.write(
    `${JSON.stringify({ admitted: decisions.filter((d) => d.allowed).length })}\n`,
  );
} else if (mode === "concurrency") {
  const counter = new Redis(url);
  const check: LimitCheck = {
    windows: [],
    concurrency: [{ name: "in-flight", key, max: 5 }],
    cost: 1,
  };
  let admitted = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 300 }, async (_, i) => {
      // Calls arrive spread over a second, and each runs a few ms.
      await new Promise((r) => setTimeout(r, i * 3));
      const decision = await limiter.acquire(check, Date.now());
      if (!decision.allowed) {
        return;
      }
      admitted += 1;
      most = Math.max(most, await counter.incr(`${prefix}running`));
      await new Promise((r) => setTimeout(r, 5 + (i % 7)));
      await counter.decr(`${prefix}running`);
      await decision.release();
    }),
  );
  await counter.quit();
  process.stdout.write(`${JSON.stringify({ admitted, most })}\n`);
} else if (mode === "hold") {
  const check: LimitCheck = { windows: [], concurrency: [{ name: "slot", key, max: 1 }], cost: 1 };
  const decision = await limiter.acquire(check, now);
  process.stdout.write(`${JSON.stringify({ held: decision.allowed })}\n`);
  await new Promise(() => undefined);
}
lines.close();
await limiter.close();
