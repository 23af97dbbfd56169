import type { CompiledQuery, Compilable } from "kysely";
import { BoundedMap } from "./bounded-map.js";
import { changeCounterOf } from "./change-counter.js";
import type { Db } from "./open-store.js";

/** Stands in for a value while a prepared query is compiled; no real value looks like it. */
const SENTINEL_PREFIX = "\u0000gatehouse-parameter:";

type Slot = { readonly name: string } | { readonly constant: unknown };

/** Distinct parameter lists whose rows are kept per query. */
const KEPT_RESULTS = 1000;

interface Prepared<N extends string, R> {
  readonly query: CompiledQuery<R>;
  readonly slots: readonly Slot[];
  /** The parameter names the query uses, once each: its rows depend on their values alone. */
  readonly used: readonly N[];
  /** Rows by parameter list, all read while the store's change count was `changeCount`. */
  readonly kept: Map<string, readonly Readonly<R>[]>;
  changeCount: number;
}

/**
 * A query built and compiled once, then run with new values. Kysely builds and
 * compiles a query afresh on every call, which costs more than the database's
 * own work for the small indexed reads that every request makes (the caller's
 * token, the model); those few are prepared here.
 *
 * Where the store can tell that nothing has been committed since (SQLite), the
 * rows of an earlier call with the same values are answered again without
 * running the query; any write, by this process or another, drops them all.
 * The rows are frozen, as callers share them.
 *
 * @example
 * const byName = prepareQuery(["name"], (db, p) =>
 *   db.selectFrom("namespaces").select("id").where("name_key", "=", p("name")),
 * );
 * const rows = await byName(db, { name: "alice" });
 */
export function prepareQuery<N extends string, R>(
  names: readonly N[],
  build: (db: Db, param: (name: N) => string) => Compilable<R>,
): (db: Db, values: Readonly<Record<N, unknown>>) => Promise<readonly Readonly<R>[]> {
  // A store's dialect decides the SQL text, so each store gets its own compilation.
  const prepared = new WeakMap<Db, Prepared<N, R>>();
  const compile = (db: Db): Prepared<N, R> => {
    const query = build(db, (name) => `${SENTINEL_PREFIX}${name}`).compile();
    const slots = query.parameters.map((value): Slot => {
      if (typeof value === "string" && value.startsWith(SENTINEL_PREFIX)) {
        const name = value.slice(SENTINEL_PREFIX.length);
        if (!names.includes(name as N)) {
          throw new Error(`prepared query uses parameter "${name}" it did not declare`);
        }
        return { name };
      }
      return { constant: value };
    });
    const entry: Prepared<N, R> = {
      query,
      slots,
      used: names.filter((name) => slots.some((slot) => "name" in slot && slot.name === name)),
      kept: new BoundedMap(KEPT_RESULTS),
      changeCount: -1,
    };
    prepared.set(db, entry);
    return entry;
  };
  return async (db, values) => {
    const entry = prepared.get(db) ?? compile(db);
    const parameters = entry.slots.map((slot) =>
      "name" in slot ? values[slot.name as N] : slot.constant,
    );
    const run = async () => {
      const { rows } = await db.executeQuery<R>({ ...entry.query, parameters });
      return Object.freeze(rows.map((row) => Object.freeze(row)));
    };
    const changes = changeCounterOf(db);
    if (changes === undefined) {
      return run();
    }
    // Counted before the query runs, so a change made while it runs drops its rows too.
    const changeCount = changes();
    if (changeCount !== entry.changeCount) {
      entry.kept.clear();
      entry.changeCount = changeCount;
    }
    // Keyed by the values alone: the constants an access filter compiles in (stage lists,
    // action tables) are the same for every call and would make the key kilobytes long.
    const key = JSON.stringify(entry.used.map((name) => values[name]));
    const kept = entry.kept.get(key);
    if (kept !== undefined) {
      return kept;
    }
    const frozen = await run();
    if (entry.changeCount === changeCount) {
      entry.kept.set(key, frozen);
    }
    return frozen;
  };
}
