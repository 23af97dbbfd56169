import { HubError } from "../errors/index.js";
import { hasScope, type Actor, type Scope } from "./actor.js";

export type UserActor = Extract<Actor, { kind: "user" }>;

/** The signed-in caller, or a 401 that says how to sign in. */
export function requireUser(actor: Actor): UserActor {
  if (actor.kind !== "user") {
    throw new HubError(
      "UNAUTHENTICATED",
      "sign in: send a token as 'Authorization: Bearer hf_…' (create one with 'gatehouse token create')",
    );
  }
  return actor;
}

/** The caller if their token carries `scope`. */
export function requireScope(actor: Actor, scope: Scope): UserActor {
  const user = requireUser(actor);
  if (!hasScope(user.token.scopes, scope)) {
    throw new HubError(
      "INSUFFICIENT_SCOPE",
      `this token lacks the '${scope}' scope; create one with 'gatehouse token create --scopes ${scope === "admin" ? "admin" : "read,write"}'`,
    );
  }
  return user;
}

/**
 * The caller if their token is not restricted to one model. A restricted token
 * acts on its model and nothing else: `doing` says what it was refused, e.g.
 * "create organisations".
 */
export function requireUnrestricted(actor: Actor, doing: string): UserActor {
  const user = requireUser(actor);
  if (user.token.modelId !== null) {
    throw new HubError(
      "FORBIDDEN",
      `this token is restricted to one model and may not ${doing}; use a token without --model`,
    );
  }
  return user;
}

/**
 * The caller if they are a hub administrator using an unrestricted token with
 * the admin scope.
 */
export function requireAdmin(actor: Actor, doing: string): UserActor {
  const user = requireUser(actor);
  if (!user.isAdmin) {
    throw new HubError("FORBIDDEN", `only a hub administrator may ${doing}`);
  }
  return requireUnrestricted(requireScope(user, "admin"), doing);
}
