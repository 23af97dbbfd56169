import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";

/**
 * A failed call to the hub: the HTTP status (0 when the hub could not be
 * reached), the URL, the hub's request id and error code, and the raw body.
 * Every command turns it into `error: <message> (<code>)`.
 */
export class HubClientError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly url: string,
    readonly code: string,
    readonly requestId: string | null,
    readonly body: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "HubClientError";
  }
}

interface ErrorBody {
  error?: unknown;
  code?: unknown;
  requestId?: unknown;
  details?: unknown;
}

function parseErrorBody(text: string): ErrorBody {
  try {
    const parsed = JSON.parse(text) as ErrorBody | null;
    return typeof parsed === "object" && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** Builds the client error for a non-2xx answer from its status, headers and body text. */
function errorFromAnswer(
  url: string,
  status: number,
  header: (name: string) => string | null,
  text: string,
): HubClientError {
  const body = parseErrorBody(text);
  const message =
    typeof body.error === "string"
      ? body.error
      : (header("x-error-message") ?? `the hub answered ${status}`);
  const code =
    typeof body.code === "string" ? body.code : (header("x-error-code") ?? `HTTP_${status}`);
  const requestId = typeof body.requestId === "string" ? body.requestId : header("x-request-id");
  return new HubClientError(message, status, url, code, requestId, text, body.details);
}

function unreachable(url: string, err: unknown): HubClientError {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  const code =
    typeof cause?.code === "string"
      ? cause.code
      : typeof (err as { code?: unknown }).code === "string"
        ? String((err as { code?: unknown }).code)
        : "UNREACHABLE";
  const origin = new URL(url).origin;
  return new HubClientError(`cannot reach the hub at ${origin}`, 0, url, code, null, "");
}

/** Encodes a '/'-separated file path for a URL, segment by segment. */
export function encodePath(filePath: string): string {
  return filePath.split("/").map(encodeURIComponent).join("/");
}

/** The URL of a `Link: <…>; rel="next"` header, as `GET /api/models` pages with. */
export function nextLink(link: string | null): string | null {
  if (link === null) {
    return null;
  }
  for (const part of link.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match?.[1] !== undefined) {
      return match[1];
    }
  }
  return null;
}

/**
 * The CLI's only way to talk to a hub: JSON calls through fetch, streamed
 * downloads, and streamed uploads through node:http (so the body is never
 * buffered and Content-Length is sent as given).
 */
export class HubClient {
  readonly hub: string;

  constructor(
    hub: string,
    readonly token: string | undefined,
  ) {
    this.hub = hub.replace(/\/+$/, "");
  }

  /** Absolute URL of a hub path (already encoded); absolute URLs pass through. */
  url(pathOrUrl: string): string {
    return /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.hub}${pathOrUrl}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
      "user-agent": "gatehouse-cli",
      ...extra,
    };
  }

  /** Sends a request and returns the answer when it is 2xx; throws HubClientError otherwise. */
  send(method: string, pathOrUrl: string, json?: unknown): Promise<Response> {
    return json === undefined
      ? this.sendBody(method, pathOrUrl)
      : this.sendBody(method, pathOrUrl, JSON.stringify(json), {
          "content-type": "application/json",
        });
  }

  /** Sends `body` as it is, with the given headers; answers as `send` does. */
  async sendBody(
    method: string,
    pathOrUrl: string,
    body?: string | Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const url = this.url(pathOrUrl);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: this.headers(headers),
        ...(body === undefined ? {} : { body }),
      });
    } catch (err) {
      throw unreachable(url, err);
    }
    if (!response.ok) {
      const text = await response.text();
      throw errorFromAnswer(url, response.status, (n) => response.headers.get(n), text);
    }
    return response;
  }

  /** A JSON call; an empty body (204) gives undefined. */
  async json<T>(method: string, pathOrUrl: string, body?: unknown): Promise<T> {
    const response = await this.send(method, pathOrUrl, body);
    const text = await response.text();
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }

  /**
   * Streams `body` as the request body of a PUT with the given Content-Length,
   * and returns the parsed JSON answer.
   */
  upload<T>(
    pathOrUrl: string,
    body: Readable,
    size: number,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const url = new URL(this.url(pathOrUrl));
    const transport = url.protocol === "https:" ? https : http;
    return new Promise<T>((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: "PUT",
          headers: this.headers({
            "content-type": "application/octet-stream",
            "content-length": String(size),
            ...headers,
          }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", reject);
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              try {
                resolve((text === "" ? undefined : JSON.parse(text)) as T);
              } catch (err) {
                reject(err instanceof Error ? err : new Error(String(err)));
              }
              return;
            }
            const header = (name: string): string | null => {
              const value = response.headers[name];
              return typeof value === "string" ? value : null;
            };
            reject(errorFromAnswer(url.toString(), status, header, text));
          });
        },
      );
      request.on("error", (err) => {
        reject(unreachable(url.toString(), err));
      });
      body.on("error", (err) => {
        request.destroy(err);
        reject(err);
      });
      body.pipe(request);
    });
  }
}
