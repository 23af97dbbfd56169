/**
 * The one catalogue of error codes a Gatehouse service may raise. Each code has
 * one HTTP status; `hfCode` is the `X-Error-Code` value the Hugging Face clients
 * map to their own exception types (RepoNotFound, RevisionNotFound, …).
 */
export type ErrorCode =
  | "BAD_REQUEST"
  | "INVALID_NAME"
  | "INVALID_PATH"
  | "INVALID_CARD"
  | "CHECKSUM_MISMATCH"
  | "INCOMPLETE_UPLOAD"
  | "CONTENT_POLICY"
  | "UNAUTHENTICATED"
  | "INVALID_TOKEN"
  | "INVALID_CREDENTIALS"
  | "INVALID_SESSION"
  | "FORBIDDEN"
  | "WRONG_PASSWORD"
  | "CSRF_INVALID"
  | "INSUFFICIENT_SCOPE"
  | "GATED"
  | "SIGNED_URL_INVALID"
  | "SIGNED_URL_EXPIRED"
  | "WITHDRAWN"
  | "POLICY_DENIED"
  | "REPO_NOT_FOUND"
  | "REVISION_NOT_FOUND"
  | "ENTRY_NOT_FOUND"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "IMMUTABLE"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "REQUEST_TIMEOUT"
  | "RANGE_NOT_SATISFIABLE"
  | "RATE_LIMITED"
  | "QUOTA_EXCEEDED"
  | "USAGE_NOT_ALLOWED"
  | "TOO_MANY_CONNECTIONS"
  | "UNAVAILABLE"
  | "BAD_GATEWAY"
  | "INTERNAL";

export const HF_ERROR_CODES: Partial<Record<ErrorCode, string>> = {
  REPO_NOT_FOUND: "RepoNotFound",
  REVISION_NOT_FOUND: "RevisionNotFound",
  ENTRY_NOT_FOUND: "EntryNotFound",
  GATED: "GatedRepo",
};

/** The HTTP status of each code; exhaustive so a new code cannot go unmapped. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case "BAD_REQUEST":
    case "INVALID_NAME":
    case "INVALID_PATH":
    case "INVALID_CARD":
    case "CHECKSUM_MISMATCH":
    case "INCOMPLETE_UPLOAD":
    case "CONTENT_POLICY":
      return 400;
    case "UNAUTHENTICATED":
    case "INVALID_TOKEN":
    case "INVALID_CREDENTIALS":
    case "INVALID_SESSION":
      return 401;
    case "FORBIDDEN":
    case "WRONG_PASSWORD":
    case "CSRF_INVALID":
    case "INSUFFICIENT_SCOPE":
    case "GATED":
    case "SIGNED_URL_INVALID":
    case "SIGNED_URL_EXPIRED":
    case "USAGE_NOT_ALLOWED":
      return 403;
    case "WITHDRAWN":
      return 410;
    case "POLICY_DENIED":
      return 422;
    case "REPO_NOT_FOUND":
    case "REVISION_NOT_FOUND":
    case "ENTRY_NOT_FOUND":
    case "NOT_FOUND":
      return 404;
    case "ALREADY_EXISTS":
    case "IMMUTABLE":
    case "CONFLICT":
      return 409;
    case "REQUEST_TIMEOUT":
      return 408;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "RANGE_NOT_SATISFIABLE":
      return 416;
    case "RATE_LIMITED":
    case "QUOTA_EXCEEDED":
    case "TOO_MANY_CONNECTIONS":
      return 429;
    case "UNAVAILABLE":
      return 503;
    case "BAD_GATEWAY":
      return 502;
    case "INTERNAL":
      return 500;
  }
}

/**
 * A failure a caller can act on. Services throw it; the HTTP layer turns it
 * into a JSON answer once, and the CLI prints its message.
 *
 * @example throw new HubError("IMMUTABLE", "version v1 of acme/bert is published; create a new version");
 */
export class HubError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    status?: number,
  ) {
    super(message);
    this.name = "HubError";
    this.status = status ?? httpStatusOf(code);
  }
}
