import { sql, type RawBuilder } from "kysely";
import {
  allowedFilter,
  authorize,
  relationFrom,
  type Action,
  type Actor,
  type Namespace,
  type Relation,
} from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { nameKey } from "../names/index.js";
import type { LadderStage, Stage } from "../stages/index.js";
import { prepareForCaller } from "./prepare-for-caller.js";

/** What decides access to one published version: read fresh on every request, never cached. */
export interface VersionAccess {
  readonly id: string;
  readonly stage: Stage;
  readonly withdrawnFrom: Stage | null;
  /** When the version reached its stage and why; a withdrawn version's tombstone shows them. Null where not read. */
  readonly since: string | null;
  readonly reason: string | null;
}

/** A model as the services pass it around, with the caller's standing in it. */
export interface ModelRecord {
  readonly id: string;
  readonly namespace: Namespace;
  readonly name: string;
  /** The stage each version starts at when published. */
  readonly initialStage: LadderStage;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly relation: Relation;
  /** Whether the caller is on the model's allow-list of trusted testers. */
  readonly tester: boolean;
  /** `namespace/name` as stored. */
  readonly fullName: string;
  /**
   * The newest published version this caller may see, withdrawn ones aside:
   * what `main` means for them. Null when there is none.
   */
  readonly main: VersionAccess | null;
}

/**
 * The one answer for a model that does not exist and for one the caller may
 * not see, so that a private model's existence never leaks. Anonymous callers
 * get 401 as on the Hugging Face Hub.
 */
export function repoNotFound(repoId: string, actor: Actor): HubError {
  const anonymous = actor.kind === "anonymous";
  return new HubError(
    "REPO_NOT_FOUND",
    anonymous
      ? `Repository not found: ${repoId}. If it is private, send a token that may read it.`
      : `Repository not found: ${repoId}. It does not exist or your token may not read it.`,
    undefined,
    anonymous ? 401 : 404,
  );
}

/**
 * The stage table's `action` in SQL, over the versions `v` of the model `m` in
 * namespace `n`; over the model itself, by the stage its versions start at,
 * with `of: "model"`. Grants count when `at`, the time to judge them by, is given.
 */
export function versionFilter(
  actor: Actor,
  action: Action,
  of: "version" | "model" = "version",
  at?: string,
) {
  return allowedFilter(
    actor,
    action,
    {
      modelId: "m.id",
      ...(of === "model"
        ? { stage: sql.ref<string>("m.initial_stage") }
        : {
            versionId: "v.id",
            stage: sql.ref<string>("v.stage"),
            withdrawnFrom: sql.ref<string | null>("v.withdrawn_from"),
          }),
      namespaceId: "n.id",
      namespaceKind: "n.kind",
    },
    at,
  );
}

/**
 * What `main` means for `actor` on the model `m`: the newest published version
 * they may see, withdrawn ones aside, ties broken as the commit list breaks
 * them. The one statement of it; read with {@link parseMain}. Its stage, id
 * and commit come as one value so that one subquery answers all three.
 */
export function mainVersion(actor: Actor) {
  return newestSeen<string | null>(actor, sql`v.stage || ' ' || v.id || ' ' || v.commit_id`);
}

/** The id of {@link mainVersion}, for a query that joins the version's row. */
export function mainVersionId(actor: Actor) {
  return newestSeen<string | null>(actor, sql`v.id`);
}

function newestSeen<T>(actor: Actor, value: RawBuilder<unknown>) {
  return sql<T>`(select ${value} from versions v where v.model_id = m.id and v.state = 'published' and v.stage <> 'withdrawn' and ${seesVersion(actor)} order by v.published_at desc, v.id desc limit 1)`;
}

/** The parts of {@link mainVersion}'s value (stages, ids and commit ids hold no space). */
export function parseMain(
  value: string | null,
): { stage: Stage; id: string; commit: string } | null {
  const [stage, id, commit] = value === null ? [] : value.split(" ");
  return stage === undefined || id === undefined || commit === undefined
    ? null
    : { stage: stage as Stage, id, commit };
}

/** {@link versionFilter} for `version.see`. */
export const seesVersion = (actor: Actor, of: "version" | "model" = "version") =>
  versionFilter(actor, "version.see", of);

/**
 * The model, its namespace, the caller's org role and testing there, and the
 * newest version the caller may see, in one query: this runs on every request.
 * The SQL differs by the shape of caller, so one query is prepared per shape.
 */
const findModel = prepareForCaller(["namespaceKey", "nameKey"], (db, p, caller) =>
  db
    .selectFrom("namespaces as n")
    .innerJoin("models as m", (join) =>
      join.onRef("m.namespace_id", "=", "n.id").on("m.name_key", "=", p("nameKey")),
    )
    .leftJoin("org_members as om", (join) =>
      join.onRef("om.org_id", "=", "n.id").on("om.user_id", "=", p("userId")),
    )
    .select([
      "n.id as namespace_id",
      "n.name as namespace_name",
      "n.kind as namespace_kind",
      "m.id",
      "m.name",
      "m.initial_stage",
      "m.created_at",
      "m.updated_at",
      "om.role",
      // SQLite answers `exists` with 0 or 1, PostgreSQL with a boolean.
      sql<
        number | boolean
      >`exists (select 1 from model_testers t where t.model_id = m.id and (t.namespace_id = ${p("userId")} or t.namespace_id in (select org_id from org_members where user_id = ${p("userId")})))`.as(
        "tester",
      ),
      mainVersion(caller).as("main"),
      // Withdrawn versions the caller saw still show the model, as tombstones.
      sql<
        number | boolean
      >`exists (select 1 from versions v where v.model_id = m.id and v.state = 'published' and ${seesVersion(caller)})`.as(
        "sees_a_version",
      ),
    ])
    .where("n.name_key", "=", p("namespaceKey")),
);

/** Version-level actions are decided per version, once a revision is resolved. */
const VERSION_ACTIONS: ReadonlySet<Action> = new Set([
  "version.see",
  "version.download",
  "version.infer",
]);

/**
 * Loads `namespace/name`. The caller must see the model: the stage its
 * versions start at admits them, or they see one of its versions. For a
 * model-level action (creating a version, deleting the model, …) the action is
 * decided here with `authorize`; version-level ones (`version.see`,
 * `version.download`, `version.infer`) are decided when a revision is resolved.
 * Throws the not-found answer when the caller may not see the model, 401/403
 * when they see it but may not act.
 */
export async function loadModel(
  ctx: HubContext,
  actor: Actor,
  namespaceName: string,
  modelName: string,
  action: Action,
): Promise<ModelRecord> {
  const repoId = `${namespaceName}/${modelName}`;
  const namespaceKey = nameKey(namespaceName);
  const modelKey = nameKey(modelName);
  const [row] =
    namespaceKey === null || modelKey === null
      ? []
      : await findModel(ctx.db, actor, { namespaceKey, nameKey: modelKey });
  if (row === undefined) {
    throw repoNotFound(repoId, actor);
  }
  const namespace: Namespace = {
    id: row.namespace_id,
    name: row.namespace_name,
    kind: row.namespace_kind,
  };
  const relation = relationFrom(actor, namespace, row.role);
  const tester = row.tester === 1 || row.tester === true;
  const shell = { modelId: row.id, stage: row.initial_stage, relation, tester };
  const visible =
    row.main !== null ||
    row.sees_a_version === 1 ||
    row.sees_a_version === true ||
    authorize(actor, "version.see", shell).allowed;
  if (!visible) {
    throw repoNotFound(repoId, actor);
  }
  if (!VERSION_ACTIONS.has(action)) {
    const decision = authorize(actor, action, shell);
    if (!decision.allowed) {
      throw refusal(decision.reason, repoId, namespace.name, actor);
    }
  }
  const main = parseMain(row.main);
  return {
    id: row.id,
    namespace,
    name: row.name,
    initialStage: row.initial_stage,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    relation,
    tester,
    fullName: `${namespace.name}/${row.name}`,
    main:
      main === null
        ? null
        : { id: main.id, stage: main.stage, withdrawnFrom: null, since: null, reason: null },
  };
}

/**
 * The error for a refused action on a model the caller sees. `hidden` here
 * means the caller sees the model through a version but not the stage the
 * action was decided at: for them it is a refusal, not a secret.
 */
function refusal(
  reason: "hidden" | "unauthenticated" | "forbidden" | "scope" | "token-model",
  repoId: string,
  namespaceName: string,
  actor: Actor,
): HubError {
  switch (reason) {
    case "unauthenticated":
      return new HubError(
        "UNAUTHENTICATED",
        `sign in to do this on ${repoId}: send 'Authorization: Bearer hf_…'`,
      );
    case "scope":
      return new HubError(
        "INSUFFICIENT_SCOPE",
        `this token lacks the scope to do this on ${repoId}; use a token with the write scope`,
      );
    case "token-model":
      return new HubError(
        "FORBIDDEN",
        `this token is restricted to another model and may not change ${repoId}`,
      );
    case "hidden":
    case "forbidden":
      return actor.kind === "anonymous"
        ? new HubError(
            "UNAUTHENTICATED",
            `sign in to do this on ${repoId}: send 'Authorization: Bearer hf_…'`,
          )
        : new HubError(
            "FORBIDDEN",
            `you may not do this on ${repoId}; ask an owner of "${namespaceName}" for the maintainer role`,
          );
  }
}

/** The protected resource a published version of a loaded model is, for `authorize`. */
export function versionResource(
  model: ModelRecord,
  access: Pick<VersionAccess, "stage" | "withdrawnFrom">,
) {
  return {
    modelId: model.id,
    stage: access.stage,
    withdrawnFrom: access.withdrawnFrom,
    relation: model.relation,
    tester: model.tester,
  };
}

/** Whether the caller may also do `action` on a model already loaded for them, e.g. to show drafts. */
export function mayAct(actor: Actor, model: ModelRecord, action: Action): boolean {
  return authorize(actor, action, {
    modelId: model.id,
    stage: model.initialStage,
    relation: model.relation,
    tester: model.tester,
  }).allowed;
}
