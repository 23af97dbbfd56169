import type { Clock } from "../clock/index.js";
import type { LimitsConfig } from "../config.js";
import { MemoryUsageLimiter } from "./memory-usage-limiter.js";
import { RedisUsageLimiter, type LimiterLog } from "./redis-usage-limiter.js";
import type { UsageLimiter } from "./usage-limiter.js";

/**
 * The usage limiter the configuration asks for: on Redis when REDIS_URL is
 * set, shared by every hub using it; in this process's memory otherwise.
 *
 * @example const limiter = await openUsageLimiter(config.limits, { clock: systemClock, log: app.log });
 */
export async function openUsageLimiter(
  config: LimitsConfig,
  deps: { readonly clock: Clock; readonly log: LimiterLog },
): Promise<UsageLimiter> {
  if (config.redisUrl === null) {
    return new MemoryUsageLimiter(deps.clock);
  }
  return RedisUsageLimiter.open({
    url: config.redisUrl,
    unavailable: config.unavailable,
    prefix: config.redisPrefix,
    clock: deps.clock,
    log: deps.log,
  });
}
