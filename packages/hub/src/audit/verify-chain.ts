import type { Db } from "../store/index.js";
import { GENESIS_HASH, eventHash } from "./event-hash.js";

/** The outcome of walking the chain; `brokenAt` names the first event that does not hold. */
export type ChainVerdict =
  | { readonly ok: true; readonly events: number; readonly headHash: string }
  | {
      readonly ok: false;
      readonly events: number;
      readonly brokenAt: number;
      readonly reason: string;
    };

const PAGE = 1000;

/**
 * Walks every event in sequence order and checks that sequence numbers are
 * contiguous from 1, each event names its predecessor's hash, each hash matches
 * the event's content, and the head row agrees with the last event (which
 * catches a deleted tail).
 */
export async function verifyChain(db: Db): Promise<ChainVerdict> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    const rows = await db
      .selectFrom("audit_events")
      .selectAll()
      .where("seq", ">=", expectedSeq)
      .orderBy("seq")
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const seq = row.seq;
      const broken = (reason: string): ChainVerdict => ({
        ok: false,
        events: expectedSeq - 1,
        brokenAt: expectedSeq,
        reason,
      });
      if (seq !== expectedSeq) {
        return broken(`event ${expectedSeq} is missing (next stored event is ${seq})`);
      }
      if (row.prev_hash !== prevHash) {
        return broken(`event ${seq} does not link to the hash of event ${seq - 1}`);
      }
      let details: Record<string, unknown>;
      try {
        details = JSON.parse(row.details) as Record<string, unknown>;
      } catch {
        return broken(`event ${seq} has details that are not JSON`);
      }
      const hash = eventHash(prevHash, {
        seq,
        at: row.at,
        actorId: row.actor_id,
        action: row.action,
        resource: row.resource,
        details,
      });
      if (hash !== row.hash) {
        return broken(`event ${seq} was altered: its content does not match its hash`);
      }
      prevHash = row.hash;
      expectedSeq += 1;
    }
    if (rows.length < PAGE) {
      break;
    }
  }
  const head = await db
    .selectFrom("audit_head")
    .select(["seq", "hash"])
    .where("id", "=", 1)
    .executeTakeFirst();
  const events = expectedSeq - 1;
  if (head === undefined) {
    return { ok: false, events, brokenAt: expectedSeq, reason: "the chain head record is missing" };
  }
  if (head.seq !== events || head.hash !== prevHash) {
    return {
      ok: false,
      events,
      brokenAt: expectedSeq,
      reason: `the log ends at event ${events} but ${head.seq} were written: events were removed from the end`,
    };
  }
  return { ok: true, events, headHash: prevHash };
}
