import { randomBytes } from "node:crypto";

/** An opaque id such as `u_3f9c2a…`; ids carry no personal data, so audit events may name them. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString("hex")}`;
}
