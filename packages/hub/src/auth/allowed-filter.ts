import { sql, type RawBuilder, type SqlBool } from "kysely";
import { hasScope, type Actor } from "./actor.js";
import { ORG_ROLES } from "./accounts.js";
import { PERMISSIONS, type ModelAction, type Relation, type Visibility } from "./permissions.js";

/** The columns of the caller's query that the filter reads, as that query names them (`m.id`). */
export interface ModelColumns {
  readonly modelId: string;
  readonly visibility: string;
  readonly namespaceId: string;
  readonly namespaceKind: string;
}

/** A condition known to hold or fail for every row, or one the database decides per row. */
type Condition = boolean | RawBuilder<SqlBool>;

function anyOf(conditions: readonly Condition[]): Condition {
  if (conditions.includes(true)) {
    return true;
  }
  const open = conditions.filter((c): c is RawBuilder<SqlBool> => c !== false);
  if (open.length === 0) {
    return false;
  }
  return open.length === 1 && open[0] !== undefined
    ? open[0]
    : sql<SqlBool>`(${sql.join(open, sql` or `)})`;
}

function allOf(a: Condition, b: Condition): Condition {
  if (a === false || b === false) {
    return false;
  }
  if (a === true) {
    return b;
  }
  return b === true ? a : sql<SqlBool>`(${a} and ${b})`;
}

const toSql = (c: Condition): RawBuilder<SqlBool> =>
  typeof c === "boolean" ? sql<SqlBool>`${sql.lit(c ? 1 : 0)} = 1` : c;

/**
 * Whether a signed-in, non-admin user's relation to the row's namespace is one
 * of `allowed`: the SQL form of `relationFrom` (owner of their own namespace,
 * none in another user's, their role in an organisation or none).
 */
function userRelationIn(
  userId: string,
  allowed: ReadonlySet<Relation>,
  cols: ModelColumns,
): Condition {
  const kind = sql.ref(cols.namespaceKind);
  const nsId = sql.ref(cols.namespaceId);
  const personal = anyOf([
    allOf(allowed.has("owner"), sql<SqlBool>`${nsId} = ${userId}`),
    allOf(allowed.has("none"), sql<SqlBool>`${nsId} <> ${userId}`),
  ]);
  const roles = ORG_ROLES.filter((r) => allowed.has(r));
  const inOrg = anyOf([
    roles.length === 0
      ? false
      : sql<SqlBool>`${nsId} in (select org_id from org_members where user_id = ${userId} and role in (${sql.join(roles)}))`,
    allOf(
      allowed.has("none"),
      sql<SqlBool>`${nsId} not in (select org_id from org_members where user_id = ${userId})`,
    ),
  ]);
  return anyOf([
    allOf(sql<SqlBool>`${kind} = 'user'`, personal),
    allOf(sql<SqlBool>`${kind} = 'org'`, inOrg),
  ]);
}

/** Whether the caller's relation to the row is one of `allowed`, as `authorize` derives it. */
function relationIn(actor: Actor, allowed: ReadonlySet<Relation>, cols: ModelColumns): Condition {
  if (actor.kind === "anonymous") {
    return allowed.has("anonymous");
  }
  const own = actor.isAdmin ? allowed.has("admin") : userRelationIn(actor.userId, allowed, cols);
  const restrictedTo = actor.token.modelId;
  if (restrictedTo === null) {
    return own;
  }
  // A token restricted to another model counts as anonymous there, as in authorize.
  const modelId = sql.ref(cols.modelId);
  return anyOf([
    allOf(sql<SqlBool>`${modelId} = ${restrictedTo}`, own),
    allOf(allowed.has("anonymous"), sql<SqlBool>`${modelId} <> ${restrictedTo}`),
  ]);
}

/**
 * The SQL form of `authorize(actor, action, model)` for a query over many
 * models, built from the same permission table, so that a list never shows
 * what a direct request would refuse: true exactly for the rows where
 * `authorize` allows. `cols` names the model's and its namespace's columns.
 *
 * @example query.where(allowedFilter(actor, "model.see", { modelId: "m.id", visibility: "m.visibility", namespaceId: "n.id", namespaceKind: "n.kind" }))
 */
export function allowedFilter(
  actor: Actor,
  action: ModelAction,
  cols: ModelColumns,
): RawBuilder<SqlBool> {
  const rule = PERMISSIONS[action];
  if (actor.kind === "user" && !hasScope(actor.token.scopes, rule.scope)) {
    return toSql(false);
  }
  const see = PERMISSIONS["model.see"].allow;
  const visibilities = Object.keys(see) as Visibility[];
  return toSql(
    anyOf(
      visibilities.map((v) => {
        // As authorize: a caller must see the model before any other action on it counts.
        const allowed = new Set(see[v].filter((r) => rule.allow[v].includes(r)));
        return allOf(
          sql<SqlBool>`${sql.ref(cols.visibility)} = ${v}`,
          relationIn(actor, allowed, cols),
        );
      }),
    ),
  );
}
