import type { Socket } from "node:net";
import { HubError } from "../errors/index.js";
import { addressKey } from "../limits/index.js";
import { sendError } from "./error-reply.js";
import type { HubApp } from "./hub-app.js";

/**
 * Caps the connections one client address holds open, so that one client
 * cannot take every socket of the process. Connections from trusted proxies
 * are not counted: they carry everyone's requests. A connection over the cap
 * is accepted, and its first request is answered 429 TOO_MANY_CONNECTIONS in
 * the hub's error shape before any other work, and the connection closed; one
 * that sends nothing is closed by the headers timeout.
 */
export function registerConnectionCap(
  app: HubApp,
  perAddress: number,
  isTrustedProxy: (address: string) => boolean,
): void {
  const open = new Map<string, number>();
  const overCap = new WeakSet<Socket>();
  app.server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || isTrustedProxy(address)) {
      return;
    }
    // Every entry holds at least one open socket, so the map is bounded by them.
    const key = addressKey(address);
    const count = (open.get(key) ?? 0) + 1;
    open.set(key, count);
    if (count > perAddress) {
      overCap.add(socket);
    }
    socket.once("close", () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) {
        open.set(key, left);
      } else {
        open.delete(key);
      }
    });
  });
  app.addHook("onRequest", (request, reply, done) => {
    if (!overCap.has(request.raw.socket)) {
      done();
      return;
    }
    void reply.header("Connection", "close").header("Retry-After", "1");
    sendError(
      new HubError(
        "TOO_MANY_CONNECTIONS",
        `this address has more than ${perAddress} connections open to the hub; reuse connections (keep-alive) or close some, then try again`,
      ),
      request,
      reply,
    );
  });
}
