import { HubError } from "../errors/index.js";
import { assertNamespaceName } from "../names/index.js";

/**
 * The user name a first OpenID sign-in creates, made from the provider's
 * username claim under the hub's name rules: the part of an email address
 * before `@`, other characters than letters, digits, `-`, `_` and `.` made
 * `-`, runs of `-` or `.` made one, none at either end, at most 96
 * characters. Null when nothing usable is left (the claim is missing, not
 * text, or a name the hub reserves).
 *
 * @example userNameFromClaim("Alice Smith") // "Alice-Smith"
 * @example userNameFromClaim("bob@example.com") // "bob"
 */
export function userNameFromClaim(claim: unknown): string | null {
  if (typeof claim !== "string") {
    return null;
  }
  const name = (claim.split("@")[0] ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/\.{2,}/g, ".")
    .slice(0, 96)
    .replace(/^[-.]+|[-.]+$/g, "");
  try {
    assertNamespaceName(name, "user");
  } catch (err) {
    if (err instanceof HubError) {
      return null;
    }
    throw err;
  }
  return name;
}
