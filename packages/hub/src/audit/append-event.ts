import type { Db } from "../store/index.js";
import type { AuditAction } from "./actions.js";
import { eventHash } from "./event-hash.js";

/** Where a request came from; stored apart from the chain because it is personal data. */
export interface RequestOrigin {
  readonly address: string | null;
  readonly userAgent: string | null;
}

/** A state change to record. People are named by opaque ids only. */
export interface AuditEventInput {
  readonly actorId: string | null;
  readonly action: AuditAction;
  readonly resource: string;
  readonly details?: Record<string, unknown>;
  readonly at: Date;
  readonly origin?: RequestOrigin;
}

/**
 * Appends an event to the hash chain. Call it inside the transaction of the
 * change it records, so both commit or neither does.
 *
 * The head row is updated first: in PostgreSQL that row lock serialises
 * concurrent writers, so two transactions can never chain onto the same hash.
 */
export async function appendAuditEvent(trx: Db, input: AuditEventInput): Promise<number> {
  const head = await trx
    .updateTable("audit_head")
    .set((eb) => ({ seq: eb("seq", "+", 1) }))
    .where("id", "=", 1)
    .returning(["seq", "hash"])
    .executeTakeFirstOrThrow();
  const seq = head.seq;
  const at = input.at.toISOString();
  const details = input.details ?? {};
  const hash = eventHash(head.hash, {
    seq,
    at,
    actorId: input.actorId,
    action: input.action,
    resource: input.resource,
    details,
  });
  await trx
    .insertInto("audit_events")
    .values({
      seq,
      at,
      actor_id: input.actorId,
      action: input.action,
      resource: input.resource,
      details: JSON.stringify(details),
      prev_hash: head.hash,
      hash,
    })
    .execute();
  await trx.updateTable("audit_head").set({ hash }).where("id", "=", 1).execute();
  if (input.origin !== undefined) {
    await trx
      .insertInto("audit_origins")
      .values({ seq, address: input.origin.address, user_agent: input.origin.userAgent })
      .execute();
  }
  return seq;
}
