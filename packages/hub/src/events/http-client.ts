import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { bareHost, internalAddressKind } from "./address-guard.js";

/** A webhook request as the delivery loop sends it. */
export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** How a receiver answered: its status code; the body is not read. */
export interface WebhookAnswer {
  readonly status: number;
}

/**
 * The HTTP client webhooks go out through. It throws a `WebhookSendError` when
 * no answer came (refused address, connection error, timeout); any answer,
 * whatever its status, is returned.
 */
export interface WebhookClient {
  post(request: WebhookRequest): Promise<WebhookAnswer>;
}

/** No answer came; the message says why, for the delivery log. */
export class WebhookSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookSendError";
  }
}

/**
 * A name resolution that refuses internal addresses. It runs as the socket
 * connects, so the address checked is the address used: a name that resolved
 * to a public address when the subscription was made and to an internal one
 * now (DNS rebinding) is refused.
 */
function guardedLookup(allowInternal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, found: LookupAddress[]) => {
      if (err !== null) {
        callback(err, "", 0);
        return;
      }
      const internal = allowInternal
        ? undefined
        : found.find((a) => internalAddressKind(a.address) !== null);
      const first = found[0];
      if (internal !== undefined || first === undefined) {
        const why =
          internal === undefined
            ? `${hostname} has no address`
            : `${hostname} resolves to ${internal.address}, a ${internalAddressKind(internal.address) ?? "internal"} address`;
        callback(new WebhookSendError(`refused: ${why}`), "", 0);
        return;
      }
      if (options.all === true) {
        (callback as (e: null, addresses: LookupAddress[]) => void)(null, found);
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}

/**
 * The real webhook client, on node:http(s): one POST per attempt on a fresh
 * connection, no redirects followed (the Standard Webhooks convention counts
 * a 3xx as a failure, and a redirect could lead to an internal address), and
 * the whole exchange up to the answer's status bounded by `timeoutMs`.
 */
export class NodeWebhookClient implements WebhookClient {
  constructor(private readonly options: { timeoutMs: number; allowInternal: boolean }) {}

  post(request: WebhookRequest): Promise<WebhookAnswer> {
    const url = new URL(request.url);
    const host = bareHost(url);
    if (isIP(host) !== 0 && !this.options.allowInternal) {
      const kind = internalAddressKind(host);
      if (kind !== null) {
        return Promise.reject(new WebhookSendError(`refused: ${host} is a ${kind} address`));
      }
    }
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, {
        method: "POST",
        headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
        agent: false,
        lookup: guardedLookup(this.options.allowInternal),
      });
      const timer = setTimeout(() => {
        req.destroy(
          new WebhookSendError(`timed out: no answer within ${this.options.timeoutMs / 1000} s`),
        );
      }, this.options.timeoutMs);
      req.on("response", (res) => {
        clearTimeout(timer);
        // Only the status counts; the body is not waited for.
        res.destroy();
        resolve({ status: res.statusCode ?? 0 });
      });
      req.on("error", (err) => {
        clearTimeout(timer);
        reject(
          err instanceof WebhookSendError
            ? err
            : new WebhookSendError(`connection failed: ${err.message}`),
        );
      });
      req.end(request.body);
    });
  }
}
