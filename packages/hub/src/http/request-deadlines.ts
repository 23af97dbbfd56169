import { performance } from "node:perf_hooks";
import type { FastifyReply, FastifyRequest } from "fastify";
import { HubError } from "../errors/index.js";
import { sendError } from "./error-reply.js";
import type { HubApp } from "./hub-app.js";

/** How long requests may take to arrive; see `registerRequestDeadlines`. */
export interface RequestDeadlines {
  /** A body that sends no byte for this long is cut off. */
  readonly bodyIdleMs: number;
  /** A request to a route that does not stream its body must have arrived whole within this. */
  readonly requestMs: number;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route streams a body of any size (an upload), so it has no whole-request deadline. */
    streamsBody?: boolean;
  }
}

/** A request whose body is still arriving. */
interface Arriving {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  /** performance.now() by which the whole request must have arrived; Infinity for uploads. */
  readonly deadline: number;
  bytesRead: number;
  lastProgress: number;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  return (
    request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0")
  );
}

/**
 * Answers 408 REQUEST_TIMEOUT (where an answer can still be sent) and closes
 * the connection of a request whose body stops arriving (no byte for
 * `bodyIdleMs`) or, unless its route streams its body, has not arrived whole
 * within `requestMs`; so a client that announces a body and sends nothing
 * holds no connection, and a stalled upload's staging file is removed (the
 * upload sees its body end early). A sweep every fraction of the shortest
 * timeout checks the requests with a body still arriving by the bytes their
 * socket has read: requests without a body cost nothing.
 */
export function registerRequestDeadlines(app: HubApp, deadlines: RequestDeadlines): void {
  const arriving = new Set<Arriving>();

  const cutOff = (entry: Arriving, hubError: HubError): void => {
    arriving.delete(entry);
    const { request, reply } = entry;
    // An upload cut off here is then logged by Fastify as failing after its reply was sent.
    request.log.info({ code: hubError.code }, hubError.message);
    // Destroying the request closes its socket and fails whoever reads the body.
    const close = (): void => {
      request.raw.destroy();
    };
    if (reply.sent) {
      close();
      return;
    }
    reply.raw.once("close", close);
    void reply.header("Connection", "close");
    sendError(hubError, request, reply);
  };

  const sweep = (): void => {
    const now = performance.now();
    for (const entry of arriving) {
      const raw = entry.request.raw;
      if (raw.complete || raw.destroyed) {
        arriving.delete(entry);
        continue;
      }
      const bytesRead = raw.socket.bytesRead;
      // A full buffer means the hub is not reading (a slow disk), not that the client stalled.
      if (bytesRead !== entry.bytesRead || raw.readableLength >= raw.readableHighWaterMark) {
        entry.bytesRead = bytesRead;
        entry.lastProgress = now;
      }
      if (now >= entry.deadline) {
        cutOff(
          entry,
          new HubError(
            "REQUEST_TIMEOUT",
            `the request did not arrive whole within ${deadlines.requestMs / 1000} s; send it faster or in smaller parts`,
          ),
        );
      } else if (now - entry.lastProgress >= deadlines.bodyIdleMs) {
        cutOff(
          entry,
          new HubError(
            "REQUEST_TIMEOUT",
            `no byte of the request body arrived for ${deadlines.bodyIdleMs / 1000} s; the connection is closed, send the request again`,
          ),
        );
      }
    }
  };

  const every = Math.min(
    1000,
    Math.max(50, Math.min(deadlines.bodyIdleMs, deadlines.requestMs) / 4),
  );
  let timer: NodeJS.Timeout | undefined;
  app.addHook("onReady", (done) => {
    timer = setInterval(sweep, every).unref();
    done();
  });
  app.addHook("onClose", (_instance, done) => {
    clearInterval(timer);
    done();
  });

  app.addHook("onRequest", (request, reply, done) => {
    if (hasBody(request) && !request.raw.complete) {
      const now = performance.now();
      const entry: Arriving = {
        request,
        reply,
        deadline:
          request.routeOptions.config.streamsBody === true ? Infinity : now + deadlines.requestMs,
        bytesRead: request.raw.socket.bytesRead,
        lastProgress: now,
      };
      arriving.add(entry);
      request.raw.once("close", () => arriving.delete(entry));
    }
    done();
  });
}
