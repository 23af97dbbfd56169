import type { Action, Scope } from "../auth/index.js";
import type { HubApp } from "./hub-app.js";

/**
 * Who a route is for, declared on every route (`config.access`), so that a
 * route cannot be added without saying it. The handler decides each request
 * with `authorize` or `require…`; the declaration is what tests hold it to:
 *
 * - `public`: anyone, and the answer reveals nothing hidden (a list filtered
 *   for the caller, the health check);
 * - `model`: acts on the model named by `:namespace/:name` with this action,
 *   so a caller who may not see the model gets the answer for a missing one;
 * - `account`: needs a signed-in caller whose token has this scope (`admin`:
 *   a hub administrator); a token restricted to one model is refused unless
 *   `restrictedTokens` is `"allowed"` (the route then limits what it shows);
 * - `oip`: acts with this action on the served model that the Open Inference
 *   Protocol's `:model` segment names (`namespace--name`); a caller who may
 *   not see it gets the protocol's 404, word for word the one for a model
 *   that does not exist;
 * - `openai`: acts with this action on the served model that the body's
 *   `model` field names (`namespace/name[@version]`); a caller who may not
 *   see it gets OpenAI's 404 `model_not_found`, word for word the one for a
 *   model that does not exist;
 * - `signIn`: anyone, on the way to signing in, and a session cookie sent
 *   along is ignored (an ended session must not stop its user from signing
 *   in again): `password`, with the password the body holds, a wrong one 401
 *   whoever it names; `oidc`, through the OpenID provider, answered alike
 *   whoever calls.
 */
export type RouteAccess =
  | { readonly public: true }
  | { readonly model: Action }
  | { readonly account: Scope; readonly restrictedTokens?: "allowed" }
  | { readonly oip: Action }
  | { readonly openai: Action }
  | { readonly signIn: "password" | "oidc" };

declare module "fastify" {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** A registered route, its declared access and the schema of its JSON body, as tests walk them. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
  readonly body: unknown;
}

/**
 * Refuses to register a route that does not declare its access, and records
 * each one in `routes`. Call before registering routes.
 */
export function requireRouteAccess(app: HubApp, routes: RouteEntry[]): void {
  app.addHook("onRoute", (route) => {
    const access = route.config?.access;
    if (access === undefined) {
      throw new Error(
        `route ${String(route.method)} ${route.url} declares no access; give it config.access`,
      );
    }
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, access, body: route.schema?.body });
    }
  });
}
