import {
  authorize,
  actorIdOf,
  relationFrom,
  type Actor,
  type ModelAction,
  type Namespace,
  type Relation,
  type Visibility,
} from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { nameKey } from "../names/index.js";
import { prepareQuery } from "../store/index.js";

/** A model as the services pass it around, with the caller's standing in it. */
export interface ModelRecord {
  readonly id: string;
  readonly namespace: Namespace;
  readonly name: string;
  readonly visibility: Visibility;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly relation: Relation;
  /** `namespace/name` as stored. */
  readonly fullName: string;
  /** The newest published version, the one `main` means; null before the first publication. */
  readonly newestPublishedId: string | null;
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

/** The model, its namespace and the caller's org role there, in one query: this runs on every request. */
const findModel = prepareQuery(["namespaceKey", "nameKey", "userId"], (db, p) =>
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
      "m.visibility",
      "m.created_at",
      "m.updated_at",
      "om.role",
      // What `main` means, read here because nearly every request about a model asks it.
      (eb) =>
        eb
          .selectFrom("versions as v")
          .select("v.id")
          .whereRef("v.model_id", "=", "m.id")
          .where("v.state", "=", "published")
          .orderBy("v.published_at", "desc")
          // Ties broken as the commit list breaks them, so `main` is the head of that list.
          .orderBy("v.id", "desc")
          .limit(1)
          .as("newest_published_id"),
    ])
    .where("n.name_key", "=", p("namespaceKey")),
);

/**
 * Loads `namespace/name` for `action`, deciding with `authorize`. Throws the
 * not-found answer when the caller may not see the model, 401/403 when they see
 * it but may not act.
 */
export async function loadModel(
  ctx: HubContext,
  actor: Actor,
  namespaceName: string,
  modelName: string,
  action: ModelAction,
): Promise<ModelRecord> {
  const repoId = `${namespaceName}/${modelName}`;
  const namespaceKey = nameKey(namespaceName);
  const modelKey = nameKey(modelName);
  const [row] =
    namespaceKey === null || modelKey === null
      ? []
      : await findModel(ctx.db, {
          namespaceKey,
          nameKey: modelKey,
          userId: actorIdOf(actor) ?? "",
        });
  if (row === undefined) {
    throw repoNotFound(repoId, actor);
  }
  const namespace: Namespace = {
    id: row.namespace_id,
    name: row.namespace_name,
    kind: row.namespace_kind,
  };
  const relation = relationFrom(actor, namespace, row.role);
  const decision = authorize(actor, action, {
    modelId: row.id,
    visibility: row.visibility,
    relation,
  });
  if (!decision.allowed) {
    switch (decision.reason) {
      case "hidden":
        throw repoNotFound(repoId, actor);
      case "unauthenticated":
        // Visible models answer "sign in" only for actions beyond seeing them.
        if (action === "model.see" || !canSee(actor, row.id, row.visibility, relation)) {
          throw repoNotFound(repoId, actor);
        }
        throw new HubError(
          "UNAUTHENTICATED",
          `sign in to do this on ${repoId}: send 'Authorization: Bearer hf_…'`,
        );
      case "scope":
        throw new HubError(
          "INSUFFICIENT_SCOPE",
          `this token lacks the scope to do this on ${repoId}; use a token with the write scope`,
        );
      case "token-model":
        throw new HubError(
          "FORBIDDEN",
          `this token is restricted to another model and may not change ${repoId}`,
        );
      case "forbidden":
        throw new HubError(
          "FORBIDDEN",
          `you may not do this on ${repoId}; ask an owner of "${namespace.name}" for the maintainer role`,
        );
    }
  }
  return {
    id: row.id,
    namespace,
    name: row.name,
    visibility: row.visibility,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    relation,
    fullName: `${namespace.name}/${row.name}`,
    newestPublishedId: row.newest_published_id,
  };
}

function canSee(
  actor: Actor,
  modelId: string,
  visibility: Visibility,
  relation: Relation,
): boolean {
  return authorize(actor, "model.see", { modelId, visibility, relation }).allowed;
}

/** Whether the caller may also do `action` on a model already loaded for them, e.g. to show drafts. */
export function mayAct(actor: Actor, model: ModelRecord, action: ModelAction): boolean {
  return authorize(actor, action, {
    modelId: model.id,
    visibility: model.visibility,
    relation: model.relation,
  }).allowed;
}
