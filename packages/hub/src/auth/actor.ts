/** What a token may do; `write` implies `read`, `admin` implies both. */
export type Scope = "read" | "write" | "admin";

export const SCOPES: readonly Scope[] = ["read", "write", "admin"];

/** Who is making a request. */
export type Actor =
  | { readonly kind: "anonymous" }
  | {
      readonly kind: "user";
      readonly userId: string;
      readonly name: string;
      readonly isAdmin: boolean;
      readonly token: {
        readonly id: string;
        readonly name: string;
        readonly scopes: readonly Scope[];
        /** The only model this token may act on, or null for any. */
        readonly modelId: string | null;
        readonly createdAt: string;
        /** When the token stops working; tokens it creates expire no later (unless it is a session). */
        readonly expiresAt: string | null;
        /**
         * Set when the caller signed in to the web UI with a password: this is
         * then the web session (its id, its end), not a row of the tokens table,
         * and tokens it creates have no parent and need not end with it.
         */
        readonly session?: true;
      };
    };

export const ANONYMOUS: Actor = { kind: "anonymous" };

/** Whether a token's scopes cover `needed`, counting the implications between scopes. */
export function hasScope(scopes: readonly Scope[], needed: Scope): boolean {
  const rank: Record<Scope, number> = { read: 0, write: 1, admin: 2 };
  return scopes.some((s) => rank[s] >= rank[needed]);
}

/** The opaque id audit events name the actor by; null for anonymous callers. */
export function actorIdOf(actor: Actor): string | null {
  return actor.kind === "user" ? actor.userId : null;
}
