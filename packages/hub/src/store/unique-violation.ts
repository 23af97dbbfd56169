/**
 * Whether a database refused a row because another holds the same unique key
 * (PostgreSQL's unique_violation, SQLite's unique and primary key
 * constraints): a service that checked first and inserted second lost a race
 * to a request that made the same change at the same moment, and says so as a
 * conflict with the name, not as a fault of the hub.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === "23505" ||
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY"
  );
}
