import {
  LogController,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import pretty from "pino-pretty";

/**
 * How the hub writes its log: `pretty`, one readable line per request for a
 * person watching a terminal; `json`, one JSON object per line for a log
 * collector. Chosen once, at start-up.
 */
export type LogFormat = "pretty" | "json";

/**
 * Query parameters whose values are secrets (tokens, signatures of signed
 * URLs, the tickets of one-time upload links) by their name.
 */
const SECRET_PARAMETER = /token|sig|secret|password|credential|ticket/i;

/**
 * A request's URL as it may be logged: the values of query parameters that
 * carry secrets are replaced, so that a token or a signed URL's signature
 * never reaches the log.
 *
 * @example loggedUrl("/f?sig=abc&x=1") // "/f?sig=%5Bredacted%5D&x=1"
 */
export function loggedUrl(url: string): string {
  const at = url.indexOf("?");
  if (at < 0) {
    return url;
  }
  const query = new URLSearchParams(url.slice(at + 1));
  let redacted = false;
  for (const key of new Set(query.keys())) {
    if (SECRET_PARAMETER.test(key)) {
      query.set(key, "[redacted]");
      redacted = true;
    }
  }
  return redacted ? `${url.slice(0, at)}?${query.toString()}` : url;
}

/**
 * One log line per request, written when it completes, with what a reader
 * needs in that one line: method, URL, status and duration (and the request id,
 * which every line of a request carries). Fastify's default writes two lines,
 * "incoming request" with the method and URL and "request completed" with the
 * status, which a reader has to pair by request id.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {
    // The completed line says it all.
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) {
      return;
    }
    const line = {
      method: request.method,
      url: loggedUrl(request.url),
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) {
      reply.log.error({ ...line, err: error }, "request errored");
    } else {
      reply.log.info(line, "request completed");
    }
  }
}

/** A request line as pino-pretty shows it: `GET /api/models 200 1.3 ms (request id)`. */
function readableMessage(log: Record<string, unknown>, messageKey: string): string {
  const id = typeof log.reqId === "string" ? ` (${log.reqId})` : "";
  if (typeof log.method === "string" && typeof log.statusCode === "number") {
    return `${log.method} ${String(log.url)} ${log.statusCode} ${String(log.responseTime)} ms${id}`;
  }
  const message = log[messageKey];
  return `${typeof message === "string" ? message : ""}${id}`;
}

/** Fastify's `logger` option for the hub: pino at `level`, in the given format, on stdout. */
export function loggerOptions(
  level: string,
  format: LogFormat,
): NonNullable<FastifyServerOptions["logger"]> {
  return {
    level,
    // Only ever logged by Fastify's default error handler, which the hub replaces; kept as a guard.
    redact: ["req.headers.authorization", "req.headers.cookie"],
    // ISO 8601 rather than epoch milliseconds, for log collectors and readers alike.
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    ...(format === "pretty"
      ? {
          stream: pretty({
            destination: 1,
            sync: true,
            translateTime: "SYS:HH:MM:ss.l",
            ignore: "pid,hostname,reqId,method,url,statusCode,responseTime",
            messageFormat: readableMessage,
          }),
        }
      : {}),
  };
}
