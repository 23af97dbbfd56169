import { HubError } from "../errors/index.js";
import { hasScope, type Actor, type Scope } from "./actor.js";

type UserActor = Extract<Actor, { kind: "user" }>;

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

/** The caller if they are a hub administrator using a token with the admin scope. */
export function requireAdmin(actor: Actor): UserActor {
  const user = requireUser(actor);
  if (!user.isAdmin) {
    throw new HubError("FORBIDDEN", "only a hub administrator may do this");
  }
  return requireScope(user, "admin");
}
