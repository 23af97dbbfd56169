import { STATUS_CODES } from "node:http";
import type {
  FastifyError,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
} from "fastify";
import { HF_ERROR_CODES, HubError } from "../errors/index.js";

/** Header values must be Latin-1 on one line; the JSON body keeps the full message. */
function headerSafe(message: string): string {
  return message
    .replace(/[\r\n]+/g, " ")
    .replace(/[^\x20-\x7e]/g, "?")
    .slice(0, 512);
}

/**
 * A schema failure as a sentence that names the field and what it should be:
 * unknown fields by name, and a choice between literals as its list of values.
 */
function validationMessage(
  context: string | undefined,
  errors: readonly FastifySchemaValidationError[],
): string {
  const first = errors[0];
  const at = `${context ?? "request"}${first?.instancePath ?? ""}`;
  if (first === undefined) {
    return `${at} is invalid`;
  }
  const params = first.params as { additionalProperty?: unknown; allowedValue?: unknown };
  if (first.keyword === "additionalProperties" && typeof params.additionalProperty === "string") {
    return `${at} has an unknown field "${params.additionalProperty}"; remove it`;
  }
  const allowed = errors
    .filter((e) => e.keyword === "const" && e.instancePath === first.instancePath)
    .map((e) => JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue));
  if (allowed.length > 0) {
    return `${at} must be one of ${allowed.join(", ")}`;
  }
  return `${at} ${first.message ?? "is invalid"}`;
}

/**
 * The longest path parameter the router accepts, in characters: the longest
 * revision the routes' schemas allow. Names (96) are checked by the schemas.
 */
export const MAX_PARAM_LENGTH = 128;

/** The URL's first path segment longer than MAX_PARAM_LENGTH once decoded, shortened for a message. */
function longSegmentOf(url: string): string | undefined {
  for (const segment of (url.split("?")[0] ?? "").split("/")) {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // Counted as sent.
    }
    if (decoded.length > MAX_PARAM_LENGTH) {
      return `"${decoded.slice(0, 24)}…" (${decoded.length} characters)`;
    }
  }
  return undefined;
}

/** Turns anything thrown into a HubError; unknown failures become INTERNAL. */
export function toHubError(err: unknown, url = ""): HubError {
  if (err instanceof HubError) {
    return err;
  }
  const fe = err as Partial<FastifyError>;
  if (fe.validation !== undefined) {
    return new HubError("BAD_REQUEST", validationMessage(fe.validationContext, fe.validation));
  }
  switch (fe.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new HubError("PAYLOAD_TOO_LARGE", "the request body is larger than 1 MiB; send less");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new HubError(
        "BAD_REQUEST",
        "unsupported Content-Type; send JSON with 'Content-Type: application/json'",
        undefined,
        415,
      );
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new HubError("BAD_REQUEST", "the JSON body is empty; send a JSON object");
    // @fastify/csrf-protection's refusals (http/csrf.ts): the page's token is missing, stale or for another session.
    case "FST_CSRF_MISSING_SECRET":
    case "FST_CSRF_INVALID_TOKEN":
      return new HubError(
        "CSRF_INVALID",
        "this request from a signed-in browser lacks a valid X-CSRF-Token header; reload the page and try again",
      );
    case "FST_ERR_BAD_URL":
      return new HubError(
        "BAD_REQUEST",
        "the URL path has a malformed percent-encoding (such as %FF, which is not UTF-8); encode each character as UTF-8 bytes, %XX each",
      );
    case "FST_ERR_MAX_PARAM_LENGTH": {
      const segment = longSegmentOf(url);
      const what =
        segment === undefined ? "a segment of the URL path" : `the URL path segment ${segment}`;
      return new HubError(
        "BAD_REQUEST",
        `${what} is longer than ${MAX_PARAM_LENGTH} characters; a name has at most 96 and a revision at most ${MAX_PARAM_LENGTH}`,
      );
    }
    default:
      break;
  }
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new HubError("BAD_REQUEST", fe.message ?? "bad request", undefined, fe.statusCode);
  }
  return new HubError("INTERNAL", "internal error; the hub's log has the details");
}

/**
 * Answers an error once, for every route: JSON `{error, code, requestId,
 * details?}` (`error` holds the message because the Hugging Face clients show
 * that field) plus the `X-Error-Code` / `X-Error-Message` headers they read.
 */
export function sendError(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  /** Top-level fields some Hugging Face client reads from an error body (`url`, `errors`). */
  extra: Record<string, unknown> = {},
): FastifyReply {
  const hubError = toHubError(err, request.url);
  if (hubError.code === "INTERNAL") {
    request.log.error({ err }, "unhandled error");
  }
  void reply
    .status(hubError.status)
    .header("X-Error-Code", HF_ERROR_CODES[hubError.code] ?? hubError.code)
    .header("X-Error-Message", headerSafe(hubError.message));
  // A refusal that will pass later (a full queue) says when to come back.
  const retryAfter = hubError.details?.retryAfterSeconds;
  if (typeof retryAfter === "number") {
    void reply.header("Retry-After", String(retryAfter));
  }
  // A spent usage limit names its windows in the RateLimit fields (limits/ratelimit-headers.ts).
  const rateLimit = hubError.details?.rateLimit;
  if (typeof rateLimit === "object" && rateLimit !== null) {
    for (const [name, value] of Object.entries(rateLimit)) {
      if (typeof value === "string") {
        void reply.header(name, value);
      }
    }
  }
  if (request.method === "HEAD") {
    // No body, so no JSON type: @huggingface/hub's createApiError (src/error.ts)
    // parses any JSON-typed error body and would throw a SyntaxError on an empty one.
    return reply.type("text/plain; charset=utf-8").send();
  }
  return reply.type("application/json; charset=utf-8").send({
    ...extra,
    error: hubError.message,
    code: hubError.code,
    requestId: request.id,
    ...(hubError.details === undefined ? {} : { details: hubError.details }),
  });
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any hook runs
 * (a malformed percent-encoding, a path parameter over MAX_PARAM_LENGTH),
 * answered like every other error, with its request id.
 */
export function sendFrameworkError(
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void reply.header("X-Request-Id", request.id);
  sendError(err, request, reply);
}

/**
 * The same answer as `sendError`, as the bytes of a whole HTTP/1.1 response
 * that closes the connection, for the few refusals made on the raw socket
 * before any request exists (a request whose headers did not arrive in time,
 * or that is not HTTP at all).
 */
export function rawErrorResponse(hubError: HubError, requestId: string): string {
  const body = JSON.stringify({ error: hubError.message, code: hubError.code, requestId });
  return [
    `HTTP/1.1 ${hubError.status} ${STATUS_CODES[hubError.status] ?? "Error"}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Error-Code: ${HF_ERROR_CODES[hubError.code] ?? hubError.code}`,
    `X-Error-Message: ${headerSafe(hubError.message)}`,
    `X-Request-Id: ${requestId}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}
