import type { Db } from "./open-store.js";

/**
 * A number that moves whenever the database's content may have changed, by
 * this process or any other; equal numbers mean nothing was committed between
 * the two readings. Only stores that can tell this cheaply have one.
 */
export type ChangeCounter = () => number;

const counters = new WeakMap<Db, ChangeCounter>();

export function setChangeCounter(db: Db, counter: ChangeCounter): void {
  counters.set(db, counter);
}

/** The store's counter, or undefined when its reads cannot be kept (PostgreSQL, a transaction). */
export function changeCounterOf(db: Db): ChangeCounter | undefined {
  return counters.get(db);
}
