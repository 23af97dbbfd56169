import type { UserActor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { HubError } from "../errors/index.js";
import { prepareQuery } from "../store/index.js";
import { liveSigningKey } from "./signing-keys.js";
import { SIGNED_URL_PARAMETERS, signatureMatches } from "./url-signature.js";

/** The query of a download request, where a signed URL's parameters are looked for. */
export type SignedUrlQuery = Partial<Record<(typeof SIGNED_URL_PARAMETERS)[number], string>>;

/** Who a verified signed URL downloads as, and what the audit records of its use. */
export interface SignedUrlUse {
  readonly grantee: UserActor;
  readonly keyId: string;
  readonly expiresAt: string;
}

const granteeById = prepareQuery(["id"], (db, p) =>
  db
    .selectFrom("namespaces")
    .innerJoin("users", "users.id", "namespaces.id")
    .select(["namespaces.id", "namespaces.name", "namespaces.created_at", "users.is_admin"])
    .where("namespaces.id", "=", p("id")),
);

const invalid = (why: string): HubError =>
  new HubError("SIGNED_URL_INVALID", `This signed URL is not valid: ${why}`);

/** Whether a request carries any of a signed URL's parameters. */
export function hasSignedUrlParameters(query: SignedUrlQuery): boolean {
  return SIGNED_URL_PARAMETERS.some((p) => query[p] !== undefined);
}

/**
 * Checks a signed URL for the file a request names: every parameter present,
 * signed by an unretired key over exactly this file, revision, expiry and
 * grantee, and not expired by the hub's clock. Returns the grantee to decide
 * the download as, now, like any of their own requests; throws 403
 * SIGNED_URL_INVALID or SIGNED_URL_EXPIRED otherwise.
 */
export async function verifySignedUrl(
  ctx: HubContext,
  file: { namespace: string; name: string; revision: string; path: string },
  query: SignedUrlQuery,
): Promise<SignedUrlUse> {
  const { expires, grantee, key, sig } = query;
  if (expires === undefined || grantee === undefined || key === undefined || sig === undefined) {
    const missing = SIGNED_URL_PARAMETERS.filter((p) => query[p] === undefined);
    throw invalid(`it lacks ${missing.join(", ")}; copy the whole URL`);
  }
  if (!/^\d{1,12}$/.test(expires)) {
    throw invalid(`expires "${expires}" is not a time; the URL was changed`);
  }
  const signingKey = await liveSigningKey(ctx, key);
  if (signingKey === undefined) {
    throw invalid(
      `it was signed with a key that is unknown or retired; ask for a new URL with 'gatehouse url'`,
    );
  }
  const claims = { ...file, expires: Number(expires), grantee, keyId: key };
  if (!signatureMatches(signingKey.secret, claims, sig)) {
    throw invalid(
      "its signature does not match its path, revision, expiry and grantee; use the URL exactly as it was given",
    );
  }
  const expiresAt = new Date(claims.expires * 1000);
  if (ctx.clock.now() >= expiresAt) {
    throw new HubError(
      "SIGNED_URL_EXPIRED",
      `This signed URL expired at ${expiresAt.toISOString()}; ask for a new one with 'gatehouse url'`,
    );
  }
  const [user] = await granteeById(ctx.db, { id: grantee });
  if (user === undefined) {
    throw invalid("the user it was signed for no longer exists");
  }
  return {
    keyId: key,
    expiresAt: expiresAt.toISOString(),
    grantee: {
      kind: "user",
      userId: user.id,
      name: user.name,
      isAdmin: user.is_admin === 1,
      // The URL stands in for a token of the grantee's that may read, and only until it expires.
      token: {
        id: `signed-url:${key}`,
        name: "signed download URL",
        scopes: ["read"],
        modelId: null,
        createdAt: user.created_at,
        expiresAt: expiresAt.toISOString(),
      },
    },
  };
}
