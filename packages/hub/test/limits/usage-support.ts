import type { UsageEntry } from "../../src/limits/index.js";
import type { TestHub } from "../support/harness.js";

/**
 * Waits until the hub's recorder has been handed `count` calls in all (a call
 * is recorded when its response's socket closes, a moment after the client
 * read the answer), then writes them.
 */
export async function settleUsage(hub: TestHub, count: number): Promise<void> {
  const usage = hub.built.ctx.usage;
  for (let waited = 0; usage.stats().recorded < count; waited += 10) {
    if (waited > 20_000) {
      throw new Error(`${usage.stats().recorded} calls recorded, ${count} expected`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await usage.flush();
}

/** A report row as GET /api/usage answers it. */
export interface ReportRow {
  readonly key: string | null;
  readonly label: string | null;
  readonly requests: number;
  readonly errors: number;
  readonly rows: number;
  readonly latencyAvgMs: number;
  readonly latencyMaxMs: number;
}

/** GET /api/usage with `query` as `token`, its status and body. */
export async function report(
  hub: TestHub,
  query: string,
  token?: string,
): Promise<{ status: number; body: { rows: ReportRow[]; period: string; error?: string } }> {
  const res = await hub.request("GET", `/api/usage${query}`, token === undefined ? {} : { token });
  return {
    status: res.status,
    body: (await res.json()) as { rows: ReportRow[]; period: string; error?: string },
  };
}

/** The rows of a report keyed by label, with the figures a test compares. */
export const byLabel = (rows: readonly ReportRow[]) =>
  Object.fromEntries(
    rows.map((r) => [
      r.label ?? String(r.key),
      { requests: r.requests, errors: r.errors, rows: r.rows },
    ]),
  );

/** A successful OIP call of token t_a to version v_a at `atMs`, with `over` changed. */
export function usageEntry(atMs: number, over: Partial<UsageEntry> = {}): UsageEntry {
  return {
    at: new Date(atMs),
    requestId: `r${atMs}`,
    tokenId: "t_a",
    userId: "u_a",
    orgId: null,
    versionId: "v_a",
    protocol: "oip",
    endpoint: "infer",
    status: 200,
    errorCode: null,
    rows: 1,
    inputHash: null,
    latencyMs: 1,
    tokens: null,
    retryAfterS: null,
    address: "192.0.2.1",
    userAgent: "client/1",
    ...over,
  };
}
