import { hasScope, type Actor } from "./actor.js";
import type { Stage } from "../stages/index.js";
import { PERMISSIONS, seenAs, type Action, type Relation, type Who } from "./permissions.js";

/** A version (or a model, or a namespace) as authorisation sees it. */
export interface ProtectedResource {
  /** The model's id, or null for a namespace-level action. */
  readonly modelId: string | null;
  /** The version's stage; for a model without a version in question, the stage its versions start at. */
  readonly stage: Stage;
  /** For a withdrawn version, the stage it was withdrawn from. */
  readonly withdrawnFrom?: Stage | null;
  /** The caller's standing in the resource's namespace, from roles in the store. */
  readonly relation: Relation;
  /** Whether the caller is on the model's allow-list of trusted testers. */
  readonly tester: boolean;
  /** Whether the caller holds a live grant of access to this version; read only where it matters. */
  readonly grantee?: boolean;
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

interface Standing {
  readonly relation: Relation;
  readonly tester: boolean;
  readonly grantee: boolean;
}

const admits = (who: readonly Who[], s: Standing): boolean =>
  who.includes(s.relation) ||
  (s.tester && who.includes("tester")) ||
  (s.grantee && who.includes("grantee"));

/**
 * The one place that decides whether `actor` may perform `action` on
 * `resource`. Deny by default: an action is allowed only where the stage
 * table lists the caller for the resource's stage, the caller also sees the
 * resource, and the token carries the needed scope and, when restricted to
 * one model, names this one.
 *
 * @example authorize(actor, "version.download", { modelId, stage: "open", relation: "none", tester: false })
 */
export function authorize(actor: Actor, action: Action, resource: ProtectedResource): Decision {
  const restrictedElsewhere =
    actor.kind === "user" &&
    actor.token.modelId !== null &&
    actor.token.modelId !== resource.modelId;
  // A token restricted to another model carries no more rights here than an anonymous caller.
  const relation: Relation = restrictedElsewhere ? "anonymous" : resource.relation;
  const signedInHere = !restrictedElsewhere && actor.kind === "user";
  const standing: Standing = {
    relation,
    tester: signedInHere && resource.tester,
    grantee: signedInHere && resource.grantee === true,
  };
  const seeStage = seenAs(resource.stage, resource.withdrawnFrom ?? null);
  const sees = admits(PERMISSIONS["version.see"].allow[seeStage], standing);
  if (!sees && resource.modelId !== null) {
    return deny(actor.kind === "anonymous" ? "unauthenticated" : "hidden");
  }
  const rule = PERMISSIONS[action];
  const stage = action === "version.see" ? seeStage : resource.stage;
  if (!admits(rule.allow[stage], standing)) {
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
