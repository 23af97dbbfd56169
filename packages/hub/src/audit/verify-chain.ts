import type { Db } from "../store/index.js";
import { GENESIS_HASH, eventHash } from "./event-hash.js";

/**
 * Why the chain breaks, as a code a program (or a translated page) reads:
 * an event is missing, does not link to its predecessor's hash, was altered,
 * holds details that are not JSON; or the head record is missing, or counts
 * more events than the log holds (the end was cut off).
 */
export type ChainProblem =
  "missing" | "unlinked" | "altered" | "unreadable" | "head-missing" | "truncated";

/** The outcome of walking the chain; `brokenAt` names the first event that does not hold. */
export type ChainVerdict =
  | { readonly ok: true; readonly events: number; readonly headHash: string }
  | {
      readonly ok: false;
      readonly events: number;
      readonly brokenAt: number;
      readonly problem: ChainProblem;
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
      const broken = (problem: ChainProblem, reason: string): ChainVerdict => ({
        ok: false,
        events: expectedSeq - 1,
        brokenAt: expectedSeq,
        problem,
        reason,
      });
      if (seq !== expectedSeq) {
        return broken("missing", `event ${expectedSeq} is missing (next stored event is ${seq})`);
      }
      if (row.prev_hash !== prevHash) {
        return broken("unlinked", `event ${seq} does not link to the hash of event ${seq - 1}`);
      }
      let details: Record<string, unknown>;
      try {
        details = JSON.parse(row.details) as Record<string, unknown>;
      } catch {
        return broken("unreadable", `event ${seq} has details that are not JSON`);
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
        return broken("altered", `event ${seq} was altered: its content does not match its hash`);
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
    return {
      ok: false,
      events,
      brokenAt: expectedSeq,
      problem: "head-missing",
      reason: "the chain head record is missing",
    };
  }
  if (head.seq !== events || head.hash !== prevHash) {
    return {
      ok: false,
      events,
      brokenAt: expectedSeq,
      problem: "truncated",
      reason: `the log ends at event ${events} but ${head.seq} were written: events were removed from the end`,
    };
  }
  return { ok: true, events, headHash: prevHash };
}
