import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * What a browser carries between the start of an OpenID sign-in and its
 * return: the checks the provider's answer must pass, and where to go after.
 */
export interface OidcState {
  readonly issuer: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly next: string;
  /** Epoch milliseconds after which the sign-in must start again. */
  readonly expiresAt: number;
}

/** Binds a sealed value to its use, so a value sealed for anything else under the key never opens as one. */
const AAD = Buffer.from("gatehouse oidc-state v1");
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals `state` with AES-256-GCM under `key` (32 bytes, base64url) into a
 * cookie value: the browser can neither read the PKCE verifier nor change
 * where it will be sent, and every hub process sharing the key opens it.
 */
export function sealOidcState(state: OidcState, key: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(key, "base64url"), iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(JSON.stringify(state), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

function isState(value: unknown): value is OidcState {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const v = value as Record<string, unknown>;
  return (
    ["issuer", "state", "nonce", "codeVerifier", "next"].every((k) => typeof v[k] === "string") &&
    typeof v.expiresAt === "number"
  );
}

/**
 * Opens a cookie value sealed by `sealOidcState`: null when it was not sealed
 * under `key`, was changed, or has expired by `now`.
 */
export function openOidcState(sealed: string, key: string, now: Date): OidcState | null {
  const raw = Buffer.from(sealed, "base64url");
  if (raw.length <= IV_BYTES + TAG_BYTES) {
    return null;
  }
  let text: string;
  try {
    const decipher = createDecipheriv(
      "aes-256-gcm",
      Buffer.from(key, "base64url"),
      raw.subarray(0, IV_BYTES),
    );
    decipher.setAAD(AAD);
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    text = Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    // A wrong tag: changed, or sealed under another key.
    return null;
  }
  const state: unknown = JSON.parse(text);
  return isState(state) && state.expiresAt > now.getTime() ? state : null;
}
