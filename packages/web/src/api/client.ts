/** An answer of the hub's API that was not a success: its status, code and message, as the hub wrote them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    /** The hub's `details`, where it gives them: a policy refusal's failed rules, a bad field. */
    readonly details: Readonly<Record<string, unknown>> | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let csrfToken: string | null = null;

/** Remembers the token that state-changing requests of this session must carry. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

interface RequestOptions {
  readonly method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** The hub's error body: `{ error: message, code, requestId, details? }`; anything else is described by its status. */
async function errorOf(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's page): the status alone describes it.
  }
  const fields = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const message =
    typeof fields.error === "string" ? fields.error : `${response.status} ${response.statusText}`;
  const code = typeof fields.code === "string" ? fields.code : "HTTP_" + String(response.status);
  const requestId =
    typeof fields.requestId === "string" ? fields.requestId : response.headers.get("X-Request-Id");
  const details =
    typeof fields.details === "object" && fields.details !== null
      ? (fields.details as Record<string, unknown>)
      : null;
  return new ApiError(response.status, code, message, requestId, details);
}

/** A response of the hub's API with its headers (for `Link` and counts) and its JSON body. */
export interface ApiResponse<T> {
  readonly body: T;
  readonly headers: Headers;
}

/**
 * Calls the hub's HTTP API with the session cookie, sending the CSRF token
 * with every request that changes state; throws an ApiError for any answer
 * that is not 2xx.
 */
export async function apiResponse<T>(
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  if (method !== "GET" && csrfToken !== null) {
    headers["X-CSRF-Token"] = csrfToken;
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (!response.ok) {
    throw await errorOf(response);
  }
  const text = await response.text();
  return { body: (text === "" ? null : JSON.parse(text)) as T, headers: response.headers };
}

/** `apiResponse` when only the body matters. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await apiResponse<T>(path, options)).body;
}

/** A path segment, escaped: names are checked by the hub, but a URL is built from whatever the address bar held. */
export const seg = encodeURIComponent;
