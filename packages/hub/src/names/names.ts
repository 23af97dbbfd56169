import { HubError } from "../errors/index.js";

/**
 * Names that would collide with the hub's own URLs (`/api/…`, `/health`) when
 * used as a namespace in `/{namespace}/{name}/resolve/…`.
 */
const RESERVED_NAMESPACES = new Set([
  "api",
  "health",
  "openapi.json",
  "datasets",
  "spaces",
  "models",
  "docs",
  "settings",
  "login",
  "logout",
  "new",
  "organizations",
  "assets",
  "static",
]);

const NAME_CHARS = /^[A-Za-z0-9._-]+$/;

/**
 * The key a user, organisation or model name is stored and looked up by: the
 * name in lower case. Names are ASCII by rule, so anything else has no key and
 * names nothing: `toLowerCase` would fold the Kelvin sign (U+212A) to `k` and
 * give one model a second spelling.
 */
export function nameKey(name: string): string | null {
  return name.length <= 96 && NAME_CHARS.test(name) ? asciiLower(name) : null;
}

/** Lower-cases A-Z only, leaving every other character as it is. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function nameProblem(name: string): string | null {
  if (name.length === 0) {
    return "is empty";
  }
  if (name.length > 96) {
    return `is ${name.length} characters long; at most 96 are allowed`;
  }
  if (!NAME_CHARS.test(name)) {
    return "may hold only letters, digits, '-', '_' and '.'";
  }
  if (name.includes("--") || name.includes("..")) {
    return "may not contain '--' or '..'";
  }
  if (/^[-.]|[-.]$/.test(name)) {
    return "may not start or end with '-' or '.'";
  }
  return null;
}

/**
 * Checks a model name against the Hugging Face Hub's rules: letters, digits,
 * `-_.`, at most 96 characters, no `--` or `..`, not starting or ending with
 * `-` or `.`.
 */
export function assertModelName(name: string): void {
  const problem = nameProblem(name);
  if (problem !== null) {
    throw new HubError("INVALID_NAME", `model name "${name}" ${problem}`);
  }
}

/** Checks a user or organisation name: model-name rules, and not one of the hub's own URL words. */
export function assertNamespaceName(name: string, what: "user" | "organisation"): void {
  const problem = nameProblem(name);
  if (problem !== null) {
    throw new HubError("INVALID_NAME", `${what} name "${name}" ${problem}`);
  }
  if (RESERVED_NAMESPACES.has(asciiLower(name))) {
    throw new HubError(
      "INVALID_NAME",
      `${what} name "${name}" is reserved by the hub; pick another`,
    );
  }
}

/**
 * Checks a version name: like a git tag, letters, digits and `-_.`, at most 64
 * characters; not `main`/`HEAD` and not 40 hex digits, which mean revisions.
 */
export function assertVersionName(name: string): void {
  const problem = nameProblem(name);
  if (problem !== null) {
    throw new HubError("INVALID_NAME", `version name "${name}" ${problem}`);
  }
  if (name.length > 64) {
    throw new HubError("INVALID_NAME", `version name "${name}" is longer than 64 characters`);
  }
  if (name === "main" || name === "HEAD" || /^[0-9a-f]{40}$/i.test(name)) {
    throw new HubError(
      "INVALID_NAME",
      `version name "${name}" is reserved: "main", "HEAD" and 40-hex commit ids name revisions`,
    );
  }
}
