import { randomUUID } from "node:crypto";
import { maxHeaderSize } from "node:http";
import type { Socket } from "node:net";
import { HubError } from "../errors/index.js";
import { rawErrorResponse } from "./error-reply.js";

/**
 * Answers what Node's HTTP parser refuses before a request exists, in the
 * hub's error shape, and closes the connection (Fastify's option
 * `clientErrorHandler`): headers that did not all arrive within the request
 * timeout (slowloris) get 408, headers too large 431, anything else that is
 * not HTTP 400.
 */
export function clientErrorHandler(
  requestTimeoutMs: number,
): (err: Error & { code?: string }, socket: Socket) => void {
  return (err, socket) => {
    // A reset connection has nobody left to answer.
    if (err.code === "ECONNRESET" || socket.destroyed) {
      return;
    }
    let hubError: HubError;
    if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      hubError = new HubError(
        "REQUEST_TIMEOUT",
        `the request headers did not all arrive within ${requestTimeoutMs / 1000} s; send them at once`,
      );
    } else if (err.code === "HPE_HEADER_OVERFLOW") {
      hubError = new HubError(
        "BAD_REQUEST",
        `the request headers are larger than ${maxHeaderSize / 1024} KiB; send fewer or shorter ones`,
        undefined,
        431,
      );
    } else {
      hubError = new HubError(
        "BAD_REQUEST",
        `the request is not valid HTTP/1.1 (${err.code ?? "parse error"}); check the client`,
      );
    }
    if (socket.writable) {
      socket.end(rawErrorResponse(hubError, randomUUID()));
    }
    socket.destroySoon();
  };
}
