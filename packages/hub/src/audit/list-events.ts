import { sql } from "kysely";
import { findNamespace } from "../auth/index.js";
import { HubError } from "../errors/index.js";
import { nameKey } from "../names/index.js";
import type { Db } from "../store/index.js";
import { AUDIT_ACTIONS } from "./actions.js";

/** What a reader of the log asks for: a window of sequence numbers, and filters. */
export interface AuditQuery {
  /** Events after this sequence number, oldest first. */
  readonly after?: number | undefined;
  /** Events before this sequence number; without `after`, the newest of them. */
  readonly before?: number | undefined;
  readonly limit?: number | undefined;
  /** The newest this many events (that match). */
  readonly tail?: number | undefined;
  /** One action of the catalogue. */
  readonly action?: string | undefined;
  /** A user's name, or their opaque id (`u_…`). */
  readonly actor?: string | undefined;
  /**
   * A resource as the log names it (`version:v_…`), a model (`ns/name`: the
   * model, its versions and its webhooks), a version (`ns/name@version`), or
   * a user or organisation by name.
   */
  readonly resource?: string | undefined;
  /** Events at or after this time (ISO 8601). */
  readonly since?: string | undefined;
  /** Events before this time (ISO 8601). */
  readonly until?: string | undefined;
}

/** An event as the API shows it, with the names its ids have now (null once erased or deleted). */
export interface AuditEventView {
  readonly seq: number;
  readonly at: string;
  readonly actor: string | null;
  readonly actorName: string | null;
  readonly action: string;
  readonly resource: string;
  readonly resourceName: string | null;
  readonly details: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

const RESOURCE_REF = /^[a-z][a-z-]*:[A-Za-z0-9_-]+$/;
const OPAQUE_USER_ID = /^u_[0-9a-f]+$/;
/** `namespace`, `namespace/name` or `namespace/name@version`. */
const NAMED = /^([^/@]+)(?:\/([^/@]+)(?:@([^/@]+))?)?$/;

function timeOf(field: string, text: string): string {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    throw new HubError(
      "BAD_REQUEST",
      `${field} "${text}" is not a time; give one such as 2027-01-31T00:00:00Z`,
      { field },
    );
  }
  return time.toISOString();
}

/** The condition on `resource` that a filter names; a 400 when it names nothing on this hub. */
async function resourceCondition(
  db: Db,
  text: string,
): Promise<{ exact: string } | { model: string }> {
  if (RESOURCE_REF.test(text)) {
    return { exact: text };
  }
  const unknown = new HubError(
    "BAD_REQUEST",
    `resource "${text}" names no user, organisation, model or version on this hub; give a name (acme, acme/bert, acme/bert@v1) or a resource as the log writes it (version:v_…)`,
    { field: "resource" },
  );
  const [, namespace = "", name, version] = NAMED.exec(text) ?? [];
  const owner = await findNamespace(db, namespace);
  if (owner === undefined) {
    throw unknown;
  }
  if (name === undefined) {
    return { exact: `${owner.kind}:${owner.id}` };
  }
  const key = nameKey(name);
  const model =
    key === null
      ? undefined
      : await db
          .selectFrom("models")
          .select("id")
          .where("namespace_id", "=", owner.id)
          .where("name_key", "=", key)
          .executeTakeFirst();
  if (model === undefined) {
    throw unknown;
  }
  if (version === undefined) {
    return { model: model.id };
  }
  const row = await db
    .selectFrom("versions")
    .select("id")
    .where("model_id", "=", model.id)
    .where("name", "=", version)
    .executeTakeFirst();
  if (row === undefined) {
    throw unknown;
  }
  return { exact: `version:${row.id}` };
}

async function actorCondition(db: Db, text: string): Promise<string> {
  const user = await findNamespace(db, text);
  if (user?.kind === "user") {
    return user.id;
  }
  if (OPAQUE_USER_ID.test(text)) {
    return text;
  }
  throw new HubError(
    "BAD_REQUEST",
    `actor "${text}" names no user on this hub; give a user's name or their id (u_…)`,
    { field: "actor" },
  );
}

/** The names the events' ids have now, read from the tables an erasure blanks. */
async function namesOf(
  db: Db,
  rows: readonly { actor_id: string | null; resource: string }[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const idsOf = (kind: string) =>
    rows
      .map((r) => r.resource)
      .filter((r) => r.startsWith(`${kind}:`))
      .map((r) => r.slice(kind.length + 1));
  const namespaceIds = [
    ...new Set([
      ...rows.flatMap((r) => (r.actor_id === null ? [] : [r.actor_id])),
      ...idsOf("user"),
      ...idsOf("org"),
    ]),
  ];
  if (namespaceIds.length > 0) {
    for (const n of await db
      .selectFrom("namespaces")
      .select(["id", "name"])
      .where("id", "in", namespaceIds)
      .execute()) {
      names.set(n.id, n.name);
    }
  }
  const modelIds = [...new Set(idsOf("model"))];
  if (modelIds.length > 0) {
    for (const m of await db
      .selectFrom("models as m")
      .innerJoin("namespaces as n", "n.id", "m.namespace_id")
      .select(["m.id", "m.name", "n.name as namespace"])
      .where("m.id", "in", modelIds)
      .execute()) {
      names.set(m.id, `${m.namespace}/${m.name}`);
    }
  }
  const versionIds = [...new Set(idsOf("version"))];
  if (versionIds.length > 0) {
    for (const v of await db
      .selectFrom("versions as v")
      .innerJoin("models as m", "m.id", "v.model_id")
      .innerJoin("namespaces as n", "n.id", "m.namespace_id")
      .select(["v.id", "v.name", "m.name as model", "n.name as namespace"])
      .where("v.id", "in", versionIds)
      .execute()) {
      names.set(v.id, `${v.namespace}/${v.model}@${v.name}`);
    }
  }
  return names;
}

/** An event's details; a row edited into something not JSON is shown as the text it holds, for `verify` to judge. */
function parsedDetails(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Reads the log: the events after `after` (oldest first), or the newest
 * before `before` or of all (`tail`), that match every filter given, each
 * with the names its actor and resource have now. Events are returned in
 * sequence order whichever end they were read from.
 */
export async function listAuditEvents(db: Db, q: AuditQuery): Promise<AuditEventView[]> {
  if (q.tail !== undefined && (q.after !== undefined || q.before !== undefined)) {
    throw new HubError(
      "BAD_REQUEST",
      "tail reads the newest events; to page, give after or before with limit instead",
    );
  }
  if (q.tail !== undefined && q.limit !== undefined) {
    throw new HubError("BAD_REQUEST", "give tail or limit, not both: tail is the number to read");
  }
  if (q.after !== undefined && q.before !== undefined && q.before <= q.after + 1) {
    throw new HubError(
      "BAD_REQUEST",
      `no event lies after ${q.after} and before ${q.before}; give a before greater than after + 1`,
    );
  }
  if (q.action !== undefined && !Object.hasOwn(AUDIT_ACTIONS, q.action)) {
    throw new HubError(
      "BAD_REQUEST",
      `unknown action "${q.action}"; the actions are ${Object.keys(AUDIT_ACTIONS).join(", ")}`,
      { field: "action" },
    );
  }
  const since = q.since === undefined ? undefined : timeOf("since", q.since);
  const until = q.until === undefined ? undefined : timeOf("until", q.until);
  if (since !== undefined && until !== undefined && until <= since) {
    throw new HubError("BAD_REQUEST", `until (${until}) must come after since (${since})`);
  }
  const actorId = q.actor === undefined ? undefined : await actorCondition(db, q.actor);
  const resource = q.resource === undefined ? undefined : await resourceCondition(db, q.resource);

  let query = db.selectFrom("audit_events").selectAll();
  if (q.after !== undefined) {
    query = query.where("seq", ">", q.after);
  }
  if (q.before !== undefined) {
    query = query.where("seq", "<", q.before);
  }
  if (q.action !== undefined) {
    query = query.where("action", "=", q.action);
  }
  if (actorId !== undefined) {
    query = query.where("actor_id", "=", actorId);
  }
  if (since !== undefined) {
    query = query.where("at", ">=", since);
  }
  if (until !== undefined) {
    query = query.where("at", "<", until);
  }
  if (resource !== undefined) {
    query =
      "exact" in resource
        ? query.where("resource", "=", resource.exact)
        : query.where((eb) =>
            eb.or([
              eb("resource", "=", `model:${resource.model}`),
              eb(
                "resource",
                "in",
                eb
                  .selectFrom("versions")
                  .select(sql<string>`'version:' || id`.as("ref"))
                  .where("model_id", "=", resource.model),
              ),
              eb(
                "resource",
                "in",
                eb
                  .selectFrom("webhook_subscriptions")
                  .select(sql<string>`'webhook:' || id`.as("ref"))
                  .where("model_id", "=", resource.model),
              ),
            ]),
          );
  }
  const newestFirst = q.tail !== undefined || (q.before !== undefined && q.after === undefined);
  const rows = await query
    .orderBy("seq", newestFirst ? "desc" : "asc")
    .limit(q.tail ?? q.limit ?? 100)
    .execute();
  if (newestFirst) {
    rows.reverse();
  }
  const names = await namesOf(db, rows);
  return rows.map((r) => {
    const [, id = ""] = /^[a-z-]+:(.*)$/.exec(r.resource) ?? [];
    return {
      seq: r.seq,
      at: r.at,
      actor: r.actor_id,
      actorName: r.actor_id === null ? null : (names.get(r.actor_id) ?? null),
      action: r.action,
      resource: r.resource,
      resourceName: names.get(id) ?? null,
      details: parsedDetails(r.details),
      prevHash: r.prev_hash,
      hash: r.hash,
    };
  });
}
