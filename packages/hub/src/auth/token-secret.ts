import { hash, randomBytes } from "node:crypto";

/** Every Gatehouse token starts so; `hf_` because the Hugging Face clients refuse any other prefix. */
export const TOKEN_PREFIX = "hf_gth_";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A new token secret: the prefix and 32 random bytes in base62 (about 43 characters). */
export function generateTokenSecret(): string {
  let n = BigInt(`0x${randomBytes(32).toString("hex")}`);
  let body = "";
  while (n > 0n) {
    body = (BASE62[Number(n % 62n)] ?? "") + body;
    n /= 62n;
  }
  return TOKEN_PREFIX + body.padStart(43, "0");
}

/** Tokens are stored only as this digest; 256 random bits need no slow hash. */
export function hashTokenSecret(secret: string): string {
  // The one-shot form: it runs on every request that sends a token.
  return hash("sha256", secret, "hex");
}
