import { HubError } from "../errors/index.js";

/** The longest part of an engine's error body kept in a message. */
const MAX_MESSAGE = 500;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null;

/**
 * An engine's error body in whichever shape it has (serving.md §2): OpenAI's
 * and vLLM's `{error: {message, type, param, code}}` (vLLM's code an integer),
 * older vLLM's flat `{object: "error", message, …}`, llama.cpp's
 * `{error: {code, message, type}}` and TGI's `{error: "…", error_type}`.
 */
function readBody(text: string): { message: string; reason?: string; param?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: text.slice(0, MAX_MESSAGE) };
  }
  const inner = isObject(body) && isObject(body.error) ? body.error : body;
  const message =
    isObject(inner) && typeof inner.message === "string"
      ? inner.message
      : isObject(body) && typeof body.error === "string"
        ? body.error
        : text;
  const code = isObject(inner) ? inner.code : undefined;
  const type = isObject(inner) ? inner.type : undefined;
  const reason =
    typeof code === "string"
      ? code
      : type === "exceed_context_size_error"
        ? "context_length_exceeded"
        : undefined;
  const param = isObject(inner) && typeof inner.param === "string" ? inner.param : undefined;
  return {
    message: message.slice(0, MAX_MESSAGE),
    ...(reason === undefined ? {} : { reason }),
    ...(param === undefined ? {} : { param }),
  };
}

/**
 * The refusal a caller gets for an engine's error answer. What the caller can
 * fix (a prompt too long, a bad setting) is answered 400 with the engine's
 * words and code; a busy engine 503 with its Retry-After; what only an
 * administrator can fix (the hub's key refused, the model missing upstream, a
 * crash) 502 naming the engine.
 */
export function upstreamRefusal(
  label: string,
  status: number,
  text: string,
  retryAfter: string | null,
): HubError {
  const { message, reason, param } = readBody(text);
  if (status === 400 || status === 413 || status === 422) {
    return new HubError("BAD_REQUEST", message, {
      ...(reason === undefined ? {} : { reason }),
      ...(param === undefined ? {} : { param }),
    });
  }
  if (status === 429 || status === 503) {
    const seconds = Number(retryAfter);
    return new HubError("UNAVAILABLE", `the engine serving ${label} is busy: ${message}`, {
      retryAfterSeconds: Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 1,
    });
  }
  return new HubError(
    "BAD_GATEWAY",
    `the engine serving ${label} answered ${status}: ${message}; an administrator checks its upstream settings (gatehouse serve status ${label})`,
  );
}
