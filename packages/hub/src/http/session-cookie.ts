import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyReply } from "fastify";
import type { Config } from "../config.js";

/** The cookie that carries a web session's secret. */
export const SESSION_COOKIE = "gatehouse_session";

/** The cookie in which @fastify/csrf-protection keeps the secret behind CSRF tokens. */
export const CSRF_COOKIE = "gatehouse_csrf";

/** The header a signed-in browser sends its CSRF token in (lower case, as Node gives headers). */
export const CSRF_HEADER = "x-csrf-token";

/** Cookies are marked Secure when clients reach the hub over https, as its public URL says. */
export function secureCookies(config: Config): boolean {
  return config.publicUrl?.startsWith("https:") === true;
}

/**
 * The session cookie's attributes: out of reach of the page's scripts
 * (HttpOnly), not sent on cross-site requests other than top-level
 * navigations (SameSite=Lax), for every path, and Secure over https. With
 * `expiresAt` the browser drops it when the session ends.
 */
export function sessionCookieOptions(config: Config, expiresAt?: Date): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: secureCookies(config),
    ...(expiresAt === undefined ? {} : { expires: expiresAt }),
  };
}

/**
 * Hands a browser its new session: the cookie, and an answer no cache keeps.
 * Every way of signing in ends here.
 */
export function setSessionCookie(
  reply: FastifyReply,
  config: Config,
  session: { readonly secret: string; readonly expiresAt: string },
): void {
  void reply
    .header("Cache-Control", "no-store")
    .setCookie(
      SESSION_COOKIE,
      session.secret,
      sessionCookieOptions(config, new Date(session.expiresAt)),
    );
}
