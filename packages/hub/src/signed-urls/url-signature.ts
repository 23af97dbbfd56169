import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * What a signed download URL states, each part covered by its signature: the
 * file (model, immutable revision, path), until when, for whom, and the key.
 */
export interface SignedUrlClaims {
  readonly namespace: string;
  readonly name: string;
  /** The version's commit id, so that the URL means one version for good. */
  readonly revision: string;
  readonly path: string;
  /** Unix time in seconds after which the URL is refused. */
  readonly expires: number;
  /** The opaque id of the user the URL downloads as. */
  readonly grantee: string;
  readonly keyId: string;
}

/** The query parameters a signed URL carries besides its path. */
export const SIGNED_URL_PARAMETERS = ["expires", "grantee", "key", "sig"] as const;

/**
 * The bytes signed: the claims as a JSON array behind a version label, so that
 * no two different claims (a path holding a separator, say) give the same text.
 */
function signedText(claims: SignedUrlClaims): string {
  return JSON.stringify([
    "gatehouse-signed-url-v1",
    claims.namespace,
    claims.name,
    claims.revision,
    claims.path,
    claims.expires,
    claims.grantee,
    claims.keyId,
  ]);
}

/** The HMAC-SHA256 of the claims under `secret`, base64url. */
export function signClaims(secret: Buffer, claims: SignedUrlClaims): string {
  return createHmac("sha256", secret).update(signedText(claims)).digest("base64url");
}

/** Whether `signature` is the claims' signature under `secret`, compared in constant time. */
export function signatureMatches(
  secret: Buffer,
  claims: SignedUrlClaims,
  signature: string,
): boolean {
  // Compared as text: decoding base64url first would let other spellings of the same bytes pass.
  const expected = Buffer.from(signClaims(secret, claims), "utf8");
  const given = Buffer.from(signature, "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
