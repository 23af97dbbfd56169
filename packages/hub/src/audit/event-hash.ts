import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";

/** The fields of an audit event that its hash covers. */
export interface HashedEventFields {
  readonly seq: number;
  readonly at: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly resource: string;
  readonly details: Record<string, unknown>;
}

export const GENESIS_HASH = "0".repeat(64);

/** sha256 over the previous hash and the canonical event, hex. */
export function eventHash(prevHash: string, event: HashedEventFields): string {
  return createHash("sha256")
    .update(prevHash)
    .update("\n")
    .update(
      canonicalJson({
        seq: event.seq,
        at: event.at,
        actor: event.actorId,
        action: event.action,
        resource: event.resource,
        details: event.details,
      }),
    )
    .digest("hex");
}
