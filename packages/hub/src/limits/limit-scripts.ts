import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A Lua script run by its SHA-1 (EVALSHA), sent whole (EVAL) only when the
 * server does not have it yet, as after a restart: one round trip per call.
 */
export class LimitScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  async run(
    client: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith("NOSCRIPT")) {
        return client.eval(this.lua, keys.length, ...keys, ...args);
      }
      throw err;
    }
  }
}

/** Redis' clock in ms, for lease times: every hub then measures leases by one clock. */
const REDIS_NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Sets a lease set's time to live to the lease time unless it already lives longer. */
const KEEP_LEASES = `
local function keep(key, lease_ms)
  if redis.call('PTTL', key) < lease_ms then
    redis.call('PEXPIRE', key, lease_ms)
  end
end
`;

/**
 * One decision, atomically: Redis runs a script alone, so no other call's
 * counts change between its reads and its writes.
 * KEYS: n window counters, then m lease sets (sorted sets of lease ids scored
 * by their expiry in ms).
 * ARGV: n, cost, lease ms, lease id, n quotas, n counter lifetimes in ms, m maxima,
 * n costs (each window's; `cost` is the check's, which they repeat where a window has none).
 * Returns {admitted 0|1, counts, refused}: each window's count after the call
 * (before it on a refusal, when nothing is counted), and the 0-based indexes
 * of the limits that refused (windows first, then lease sets).
 */
export const ACQUIRE = new LimitScript(`${KEEP_LEASES}
local n = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local lease_ms = tonumber(ARGV[3])
local lease = ARGV[4]
local m = #KEYS - n
local counts = {}
local refused = {}
local costs = {}
for i = 1, n do
  costs[i] = tonumber(ARGV[4 + 2 * n + m + i] or cost)
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  counts[i] = count
  if count + costs[i] > tonumber(ARGV[4 + i]) then
    refused[#refused + 1] = i - 1
  end
end
local now = 0
if m > 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  for j = 1, m do
    local key = KEYS[n + j]
    -- Leases of holders that stopped renewing (a crashed hub) are freed first.
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    if redis.call('ZCARD', key) >= tonumber(ARGV[4 + 2 * n + j]) then
      refused[#refused + 1] = n + j - 1
    end
  end
end
if #refused > 0 then
  return {0, counts, refused}
end
for i = 1, n do
  counts[i] = redis.call('INCRBY', KEYS[i], costs[i])
  redis.call('PEXPIRE', KEYS[i], ARGV[4 + n + i])
end
for j = 1, m do
  redis.call('ZADD', KEYS[n + j], now + lease_ms, lease)
  keep(KEYS[n + j], lease_ms)
end
return {1, counts, refused}
`);

/**
 * Extends a held lease by the lease time; a lease that already expired (and
 * may have been given to another call) is not taken back.
 * KEYS: lease sets. ARGV: lease ms, lease id.
 */
export const RENEW = new LimitScript(`${KEEP_LEASES}
local lease_ms = tonumber(ARGV[1])
${REDIS_NOW}
for j = 1, #KEYS do
  if redis.call('ZADD', KEYS[j], 'XX', 'CH', now + lease_ms, ARGV[2]) == 1 then
    keep(KEYS[j], lease_ms)
  end
end
return 1
`);

/** Frees a lease. KEYS: lease sets. ARGV: lease id. */
export const RELEASE = new LimitScript(`
for j = 1, #KEYS do
  redis.call('ZREM', KEYS[j], ARGV[1])
end
return 1
`);

/** Adds units without checking. KEYS: window counters. ARGV: amount, then each counter's lifetime in ms. */
export const CHARGE = new LimitScript(`
for i = 1, #KEYS do
  redis.call('INCRBY', KEYS[i], ARGV[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[1 + i])
end
return 1
`);
