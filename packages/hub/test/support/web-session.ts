import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { TestHub } from "./harness.js";

/** A browser signed in to the hub: the cookies it holds and the CSRF token the page keeps. */
export interface WebSession {
  /** The `Cookie` header the browser sends back: every cookie the sign-in set. */
  readonly cookie: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
  /** The `Set-Cookie` lines of the sign-in, as sent. */
  readonly setCookies: readonly string[];
}

/** The `Cookie` header for the `Set-Cookie` lines of an answer: each cookie's name=value. */
export function cookieHeader(setCookies: readonly string[], earlier = ""): string {
  const jar = new Map(
    earlier === ""
      ? []
      : earlier.split("; ").map((pair) => [pair.split("=")[0] ?? "", pair] as const),
  );
  for (const line of setCookies) {
    const pair = line.split(";")[0] ?? "";
    jar.set(pair.split("=")[0] ?? "", pair);
  }
  return [...jar.values()].join("; ");
}

/** The password first start wrote for `admin` into the data folder. */
export async function adminPassword(hub: TestHub): Promise<string> {
  return (await readFile(path.join(hub.dataDir, "admin-password"), "utf8")).trim();
}

/** Sends POST /api/session as a browser would; `cookie` is what the browser already holds. */
export function postSession(
  hub: TestHub,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return hub.request("POST", "/api/session", { json: { username, password }, headers });
}

/** Signs in and returns the session; fails with the hub's answer when it refuses. */
export async function signIn(
  hub: TestHub,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<WebSession> {
  const res = await postSession(hub, username, password, headers);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const body = JSON.parse(text) as { csrfToken: string; expiresAt: string };
  const setCookies = res.headers.getSetCookie();
  return {
    cookie: cookieHeader(setCookies, headers.cookie ?? ""),
    csrfToken: body.csrfToken,
    expiresAt: body.expiresAt,
    setCookies,
  };
}

/** The headers of a request from the signed-in page: its cookies and, unless left out, its CSRF token. */
export function fromPage(
  session: WebSession,
  options: { csrf?: string | null } = {},
): Record<string, string> {
  const csrf = options.csrf === undefined ? session.csrfToken : options.csrf;
  return { cookie: session.cookie, ...(csrf === null ? {} : { "x-csrf-token": csrf }) };
}

/** Sets `name`'s password with the admin token. */
export async function setPassword(hub: TestHub, name: string, password: string): Promise<void> {
  const res = await hub.request("PUT", `/api/users/${name}/password`, {
    token: hub.adminToken,
    json: { password },
  });
  assert.equal(res.status, 200, await res.text());
}

/** How many web sessions the store holds. */
export async function sessionCount(hub: TestHub): Promise<number> {
  const row = await hub.built.ctx.db
    .selectFrom("web_sessions")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
