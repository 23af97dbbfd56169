import type { FastifyReply, FastifyRequest } from "fastify";
import type { HubError } from "../errors/index.js";
import { toHubError } from "../http/index.js";

/** The error shape of OpenAI's API (serving.md §2), which its SDKs read. */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}

/** OpenAI's `type` and `code` for a refusal, by status; the hub's code where OpenAI has none. */
function typeAndCode(hubError: HubError): { type: string; code: string | null } {
  const reason = hubError.details?.reason;
  switch (hubError.status) {
    case 401:
      return { type: "invalid_request_error", code: "invalid_api_key" };
    case 403:
      return { type: "permission_error", code: hubError.code.toLowerCase() };
    case 404:
      return { type: "invalid_request_error", code: "model_not_found" };
    case 429:
      return reason === "insufficient_quota"
        ? { type: "insufficient_quota", code: "insufficient_quota" }
        : { type: "requests", code: "rate_limit_exceeded" };
    case 500:
    case 502:
    case 503:
      return { type: "server_error", code: hubError.status === 503 ? "service_unavailable" : null };
    default:
      return {
        type: "invalid_request_error",
        code: typeof reason === "string" ? reason : null,
      };
  }
}

/** A refusal in OpenAI's words: the message, and the type, parameter and code an SDK reads. */
export function openAiError(hubError: HubError): OpenAiErrorBody {
  const param = hubError.details?.param;
  return {
    error: {
      message: hubError.message,
      ...typeAndCode(hubError),
      param: typeof param === "string" ? param : null,
    },
  };
}

/**
 * Answers an error on the OpenAI-compatible routes in OpenAI's shape, with the
 * headers its SDKs act on: `retry-after` and `retry-after-ms` when a retry can
 * pass, `x-should-retry: false` when none can (a spent budget), and the
 * RateLimit fields of a spent limit. `X-Error-Code` keeps the hub's code, which
 * the call's usage record stores.
 */
export function sendOpenAiError(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const hubError = toHubError(err, request.url);
  if (hubError.code === "INTERNAL") {
    request.log.error({ err }, "unhandled error");
  }
  const body = openAiError(hubError);
  void reply.status(hubError.status).header("X-Error-Code", hubError.code);
  const retryAfter = hubError.details?.retryAfterSeconds;
  if (body.error.code === "insufficient_quota") {
    void reply.header("x-should-retry", "false");
  } else if (typeof retryAfter === "number") {
    void reply
      .header("retry-after", String(retryAfter))
      .header("retry-after-ms", String(retryAfter * 1000));
  }
  const rateLimit = hubError.details?.rateLimit;
  if (typeof rateLimit === "object" && rateLimit !== null) {
    for (const [name, value] of Object.entries(rateLimit)) {
      if (typeof value === "string") {
        void reply.header(name, value);
      }
    }
  }
  return reply.type("application/json; charset=utf-8").send(body);
}
