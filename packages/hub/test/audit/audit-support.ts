import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { TestHub } from "../support/harness.js";

export const sha256 = (data: Uint8Array | string): string =>
  createHash("sha256").update(data).digest("hex");

export interface AuditEventView {
  readonly seq: number;
  readonly actor: string | null;
  readonly action: string;
  readonly resource: string;
  readonly details: Record<string, unknown>;
}

export interface Verdict {
  readonly ok: boolean;
  readonly events: number;
  readonly brokenAt?: number;
  readonly problem?: string;
  readonly reason?: string;
}

/** GET /api/audit/verify as the admin. */
export async function verify(hub: TestHub): Promise<Verdict> {
  const res = await hub.request("GET", "/api/audit/verify", { token: hub.adminToken });
  assert.equal(res.status, 200);
  return (await res.json()) as Verdict;
}

/** The events after `seq`, oldest first. */
export async function eventsAfter(hub: TestHub, seq: number): Promise<AuditEventView[]> {
  const res = await hub.request("GET", `/api/audit?after=${seq}&limit=1000`, {
    token: hub.adminToken,
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { events: AuditEventView[] }).events;
}

/** The sequence number of the newest event. */
export async function lastSeq(hub: TestHub): Promise<number> {
  const head = await hub.built.ctx.db
    .selectFrom("audit_head")
    .select("seq")
    .where("id", "=", 1)
    .executeTakeFirstOrThrow();
  return head.seq;
}

/** Sends a request and fails the test with the body when the status is not `status`. */
export async function expectStatus(res: Promise<Response>, status: number): Promise<Response> {
  const answered = await res;
  if (answered.status !== status) {
    assert.fail(`expected ${status}, got ${answered.status}: ${await answered.text()}`);
  }
  return answered;
}
