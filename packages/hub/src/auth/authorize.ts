import { hasScope, type Actor } from "./actor.js";
import { PERMISSIONS, type ModelAction, type Relation, type Visibility } from "./permissions.js";

/** A model (or namespace) as authorisation sees it. */
export interface ProtectedResource {
  /** The model's id, or null for a namespace-level action. */
  readonly modelId: string | null;
  readonly visibility: Visibility;
  /** The caller's standing in the resource's namespace, from roles in the store. */
  readonly relation: Relation;
}

/**
 * `hidden`: the caller may not know the resource exists (answer as for a
 * missing one). `unauthenticated`: signing in might help. `forbidden`: the
 * caller sees the resource but may not do this. `scope`: the token lacks a scope.
 */
export type Decision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly reason: "hidden" | "unauthenticated" | "forbidden" | "scope" | "token-model";
    };

const ALLOW: Decision = { allowed: true };
const deny = (reason: Exclude<Decision, { allowed: true }>["reason"]): Decision => ({
  allowed: false,
  reason,
});

/**
 * The one place that decides whether `actor` may perform `action` on
 * `resource`. Deny by default: an action is allowed only where the permission
 * table lists the caller's relation, and the token carries the needed scope
 * and, when restricted to one model, names this one.
 *
 * @example authorize(actor, "version.publish", { modelId, visibility: "private", relation: "maintainer" })
 */
export function authorize(
  actor: Actor,
  action: ModelAction,
  resource: ProtectedResource,
): Decision {
  const restrictedElsewhere =
    actor.kind === "user" &&
    actor.token.modelId !== null &&
    actor.token.modelId !== resource.modelId;
  // A token restricted to another model carries no more rights here than an anonymous caller.
  const relation: Relation = restrictedElsewhere ? "anonymous" : resource.relation;
  const sees = PERMISSIONS["model.see"].allow[resource.visibility].includes(relation);
  if (!sees && resource.modelId !== null) {
    return deny(actor.kind === "anonymous" ? "unauthenticated" : "hidden");
  }
  const rule = PERMISSIONS[action];
  if (!rule.allow[resource.visibility].includes(relation)) {
    if (actor.kind === "anonymous") {
      return deny("unauthenticated");
    }
    return deny(restrictedElsewhere ? "token-model" : "forbidden");
  }
  if (actor.kind === "user" && !hasScope(actor.token.scopes, rule.scope)) {
    return deny("scope");
  }
  return ALLOW;
}
