import type { CompiledQuery, Compilable } from "kysely";
import type { Db } from "./open-store.js";

/** Stands in for a value while a prepared query is compiled; no real value looks like it. */
const SENTINEL_PREFIX = "\u0000gatehouse-parameter:";

type Slot = { readonly name: string } | { readonly constant: unknown };

/**
 * A query built and compiled once, then run with new values. Kysely builds and
 * compiles a query afresh on every call, which costs more than the database's
 * own work for the small indexed reads that every request makes (the caller's
 * token, the model); those few are prepared here.
 *
 * @example
 * const byName = prepareQuery(["name"], (p) =>
 *   db.selectFrom("namespaces").select("id").where("name_key", "=", p("name")),
 * );
 * const rows = await byName(db, { name: "alice" });
 */
export function prepareQuery<N extends string, R>(
  names: readonly N[],
  build: (db: Db, param: (name: N) => string) => Compilable<R>,
): (db: Db, values: Readonly<Record<N, unknown>>) => Promise<R[]> {
  // A store's dialect decides the SQL text, so each store gets its own compilation.
  const compiled = new WeakMap<Db, { query: CompiledQuery<R>; slots: Slot[] }>();
  const compile = (db: Db) => {
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
    const entry = { query, slots };
    compiled.set(db, entry);
    return entry;
  };
  return async (db, values) => {
    const { query, slots } = compiled.get(db) ?? compile(db);
    const parameters = slots.map((slot) =>
      "name" in slot ? values[slot.name as N] : slot.constant,
    );
    const result = await db.executeQuery<R>({ ...query, parameters });
    return result.rows;
  };
}
