/** The shapes of the hub's token answers the settings pages read. */

export type Scope = "read" | "write" | "admin";

/** One token as GET /api/tokens lists it; its secret is never listed. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly scopes: readonly Scope[];
  /** `namespace/name` of the only model it may act on, or null for any. */
  readonly model: string | null;
  readonly parent: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** POST /api/tokens: the token's details and its secret, shown this once. */
export interface CreatedToken extends TokenInfo {
  readonly token: string;
}

/** DELETE /api/tokens/:id: the revoked token, and those created from it that went with it. */
export interface RevokedToken extends TokenInfo {
  readonly alsoRevoked: readonly string[];
}
