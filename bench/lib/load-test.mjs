import autocannon from "autocannon";
import { cpuSeconds } from "./proc-stats.mjs";

/**
 * Runs autocannon with `options` (url, method, headers, body, connections,
 * duration) against the server of process `pid`; refuses a run with failed
 * requests, whose figures would flatter the server. Returns requests per
 * second, p50 and p99 latency, and the server's CPU time per request (all its
 * threads; null where the platform cannot tell).
 */
export async function loadTest(options, pid) {
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({ timeout: 10, ...options });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const cpuAfter = cpuSeconds(pid);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUs:
      cpuBefore === null || cpuAfter === null
        ? null
        : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total,
  };
}
