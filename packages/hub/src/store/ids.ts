import { randomFillSync } from "node:crypto";

/** Random bytes drawn at once and handed out ten at a time: one call into the CSPRNG per 409 ids. */
const pool = Buffer.alloc(4096);
let used = pool.length;

/** An opaque id such as `u_3f9c2a…`; ids carry no personal data, so audit events may name them. */
export function newId(prefix: string): string {
  // Every usage record takes an id, and a call into the CSPRNG costs more than the rest of it.
  if (used + 10 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 10;
  return `${prefix}_${pool.toString("hex", used - 10, used)}`;
}
