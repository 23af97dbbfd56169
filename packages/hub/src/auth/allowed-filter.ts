import { sql, type RawBuilder, type SqlBool } from "kysely";
import { hasScope, type Actor } from "./actor.js";
import { ORG_ROLES } from "./accounts.js";
import { ALL_STAGES } from "../stages/index.js";
import { PERMISSIONS, type Action, type Who } from "./permissions.js";

/**
 * What the filter reads of the caller's query, as that query names it: the
 * model's and its namespace's columns, the stage to decide by (a version's, or
 * the stage a model's versions start at), and for versions the stage a
 * withdrawn one was withdrawn from.
 */
export interface VersionColumns {
  readonly modelId: string;
  /** The version's id, which grants to one version name; absent when deciding for a model. */
  readonly versionId?: string;
  readonly stage: RawBuilder<string>;
  readonly withdrawnFrom?: RawBuilder<string | null>;
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
  allowed: ReadonlySet<Who>,
  cols: VersionColumns,
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

/** Whether the signed-in user is on the row's model's allow-list, themselves or through an organisation. */
function testerOf(userId: string, cols: VersionColumns): RawBuilder<SqlBool> {
  const modelId = sql.ref(cols.modelId);
  return sql<SqlBool>`exists (select 1 from model_testers t where t.model_id = ${modelId} and (t.namespace_id = ${userId} or t.namespace_id in (select org_id from org_members where user_id = ${userId})))`;
}

/**
 * Whether the signed-in user holds a grant live at `at` for the row's version
 * (or, deciding for a model, for all its gated versions), themselves or
 * through an organisation: the SQL form of access/grants.ts `holdsGrant`.
 */
function granteeOf(userId: string, cols: VersionColumns, at: string): RawBuilder<SqlBool> {
  const modelId = sql.ref(cols.modelId);
  const version =
    cols.versionId === undefined
      ? sql<SqlBool>`g.version_id is null`
      : sql<SqlBool>`(g.version_id is null or g.version_id = ${sql.ref(cols.versionId)})`;
  return sql<SqlBool>`exists (select 1 from access_grants g where g.model_id = ${modelId} and ${version} and g.revoked_at is null and (g.expires_at is null or g.expires_at > ${at}) and (g.grantee_id = ${userId} or g.grantee_id in (select org_id from org_members where user_id = ${userId})))`;
}

/** Whether the caller is one of `allowed` for the row, as `authorize` derives relation, testing and grants. */
function admitted(
  actor: Actor,
  allowed: ReadonlySet<Who>,
  cols: VersionColumns,
  at: string | undefined,
): Condition {
  if (actor.kind === "anonymous") {
    return allowed.has("anonymous");
  }
  const relation = actor.isAdmin
    ? allowed.has("admin")
    : userRelationIn(actor.userId, allowed, cols);
  const own = anyOf([
    relation,
    allOf(allowed.has("tester"), testerOf(actor.userId, cols)),
    // Without a time, grants cannot be judged live, so they admit no one: the list shows less, never more.
    allOf(allowed.has("grantee") && at !== undefined, granteeOf(actor.userId, cols, at ?? "")),
  ]);
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
 * The SQL form of `authorize(actor, action, version)` for a query over many
 * versions (or models, deciding by the stage their versions start at), built
 * from the same stage table, so that a list never shows what a direct request
 * would refuse: true exactly for the rows where `authorize` allows. Grants
 * count only when `at` (the time they must be live at) is given.
 *
 * @example query.where(allowedFilter(actor, "version.see", { modelId: "m.id", stage: sql.ref("v.stage"), withdrawnFrom: sql.ref("v.withdrawn_from"), namespaceId: "n.id", namespaceKind: "n.kind" }))
 */
export function allowedFilter(
  actor: Actor,
  action: Action,
  cols: VersionColumns,
  at?: string,
): RawBuilder<SqlBool> {
  const rule = PERMISSIONS[action];
  if (actor.kind === "user" && !hasScope(actor.token.scopes, rule.scope)) {
    return toSql(false);
  }
  const see = PERMISSIONS["version.see"].allow;
  const withdrawnFrom = cols.withdrawnFrom;
  const seen =
    withdrawnFrom === undefined
      ? cols.stage
      : sql<string>`coalesce(${withdrawnFrom}, ${cols.stage})`;
  return toSql(
    anyOf(
      ALL_STAGES.flatMap((stage) =>
        // As seenAs: only a withdrawn version is seen at another stage than its own.
        (stage === "withdrawn" && withdrawnFrom !== undefined ? ALL_STAGES : [stage]).map(
          (seenStage) => {
            // As authorize: a caller must see the version before any other action on it counts.
            const acting = new Set(rule.allow[action === "version.see" ? seenStage : stage]);
            const seeing = new Set(see[seenStage]);
            // A caller is admitted by a cell through their relation or their standing
            // (tester, grantee), so the two cells are asked separately unless one holds the other.
            const both = [...acting].every((w) => seeing.has(w))
              ? admitted(actor, acting, cols, at)
              : allOf(admitted(actor, seeing, cols, at), admitted(actor, acting, cols, at));
            return allOf(sql<SqlBool>`(${cols.stage} = ${stage} and ${seen} = ${seenStage})`, both);
          },
        ),
      ),
    ),
  );
}
