import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import Fastify from "fastify";
import { PERMISSIONS } from "../../src/auth/index.js";
import { requireRouteAccess, type HubApp, type RouteEntry } from "../../src/http/index.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { exampleOf } from "../support/schema-example.js";
import { auditCount, createDraft, createModel, createToken, expectStatus } from "./support.js";

/**
 * Every route the hub registers is checked here, found by walking the routes
 * Fastify holds rather than by a list kept by hand, so a new route cannot go
 * unchecked: each declares its access (the hub refuses to register one that
 * does not), and the shared checks below hold it to that declaration.
 *
 * - a route on a model answers anonymous callers, outsiders and tokens
 *   restricted to another model exactly as for a model that does not exist,
 *   and a token without the action's scope 403 INSUFFICIENT_SCOPE;
 * - an Open Inference Protocol route on a model answers anonymous callers,
 *   outsiders and tokens restricted to another model 404, word for word as for
 *   a model that does not exist;
 * - a route for accounts answers anonymous callers 401, a token without its
 *   scope 403 INSUFFICIENT_SCOPE, a non-administrator 403 on administrator
 *   routes, and a restricted token 403 unless the route allows it;
 * - a sign-in route answers a wrong password 401 INVALID_CREDENTIALS;
 * - every refusal leaves the store as it was.
 */
const HIDDEN = "acme/secret";
const MISSING = "acme/nothing";

interface Callers {
  readonly owner: string;
  readonly ownerRead: string;
  readonly outsider: string;
  readonly restricted: string;
  readonly adminRead: string;
  /** An administrator's token with every scope, restricted to one model. */
  readonly adminRestricted: string;
  readonly tokenId: string;
}

/** The URL of `route` with its parameters filled, the model as `model`. */
function urlOf(route: RouteEntry, model: string, tokenId: string): string {
  const [namespace, name] = model.split("/");
  const values: Record<string, string> = {
    namespace: namespace ?? "",
    name: name ?? "",
    // The Open Inference Protocol's one segment for a model (serve/oip-name.ts).
    model: `${namespace ?? ""}--${name ?? ""}`,
    revision: "v1",
    version: "d1",
    "*": "weights.bin",
    org: "acme",
    user: "outsider",
    tester: "outsider",
    id: tokenId,
    status: "pending",
    oid: "0".repeat(64),
    delivery: "whd_0",
    account: "outsider",
  };
  return route.url.replace(/:(\w+)|\*/g, (param: string, key: string | undefined) => {
    const value = values[key ?? "*"];
    if (value === undefined) {
      assert.fail(`${route.method} ${route.url}: this test does not know how to fill ${param}`);
    }
    return value;
  });
}

/** Sends `route` as a client would, with a valid body for it and a fixed request id. */
async function send(
  hub: TestHub,
  route: RouteEntry,
  url: string,
  token: string | undefined,
  /** Fields that replace the example body's: the model an OpenAI-compatible call names. */
  fields: Record<string, unknown> = {},
): Promise<{ status: number; code: string | null; text: string }> {
  const upload = route.method === "PUT" && route.url.includes("/files/");
  const headers: Record<string, string> = { "x-request-id": "route-coverage" };
  let body: string | undefined;
  if (upload) {
    headers["content-type"] = "application/octet-stream";
    body = "bytes";
  } else if (route.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify({
      ...(exampleOf(route.body as Parameters<typeof exampleOf>[0]) as object),
      ...fields,
    });
  }
  const res = await hub.request(route.method, url, {
    ...(token === undefined ? {} : { token }),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  const code =
    route.method === "HEAD"
      ? res.headers.get("x-error-code")
      : text.startsWith("{")
        ? ((parsed: { code?: string; error?: { code?: string } }) =>
            parsed.code ?? parsed.error?.code ?? null)(JSON.parse(text) as object)
        : null;
  return { status: res.status, code, text };
}

describe("routes declare their access", () => {
  it("refuses to register a route that declares none, naming it", async () => {
    const app = Fastify() as unknown as HubApp;
    const routes: RouteEntry[] = [];
    requireRouteAccess(app, routes);
    app.get("/declared", { config: { access: { public: true } } }, () => "ok");
    assert.throws(
      () => app.get("/undeclared", () => "ok"),
      /route GET \/undeclared declares no access; give it config.access/,
    );
    await app.close();
    assert.deepEqual(
      routes.map((r) => `${r.method} ${r.url}`),
      ["GET /declared", "HEAD /declared"],
    );
  });
});

for (const dialect of DIALECTS) {
  describe(`every route is checked for 401, 403 and hidden models (${dialect})`, () => {
    let hub: TestHub;
    let callers: Callers;

    before(async () => {
      hub = await startHub(dialect);
      const owner = await hub.createUser("olivia");
      const outsider = await hub.createUser("outsider");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await createModel(hub, owner, HIDDEN, "private", { "weights.bin": "secret weights" });
      await createDraft(hub, owner, HIDDEN, "d1", { "weights.bin": "draft weights" });
      await createModel(hub, owner, "acme/other", "open");
      const ownerRead = await createToken(hub, owner, { scopes: ["read"] });
      callers = {
        owner,
        ownerRead: ownerRead.token,
        outsider,
        restricted: (
          await createToken(hub, owner, { scopes: ["read", "write"], model: "acme/other" })
        ).token,
        adminRead: (await createToken(hub, hub.adminToken, { scopes: ["read"] })).token,
        adminRestricted: (
          await createToken(hub, hub.adminToken, {
            scopes: ["read", "write", "admin"],
            model: "acme/other",
          })
        ).token,
        tokenId: ownerRead.id,
      };
    });
    after(() => hub.close());

    it("walks a route table that holds every kind of route", () => {
      const kinds = new Set(hub.built.routes.map((r) => Object.keys(r.access)[0]));
      assert.deepEqual([...kinds].sort(), [
        "account",
        "model",
        "oip",
        "openai",
        "public",
        "signIn",
      ]);
      assert.ok(hub.built.routes.length >= 40, `${hub.built.routes.length} routes`);
    });

    /** Runs a refused request and checks its status and code, and that it changed nothing. */
    const refused = async (
      route: RouteEntry,
      url: string,
      token: string | undefined,
      status: number,
      code: string,
      fields: Record<string, unknown> = {},
    ): Promise<string> => {
      const before = await auditCount(hub);
      const answer = await send(hub, route, url, token, fields);
      assert.equal(answer.status, status, `${route.method} ${url}: ${answer.text}`);
      assert.equal(answer.code, code, `${route.method} ${url}: ${answer.text}`);
      assert.equal(await auditCount(hub), before, `${route.method} ${url} changed the store`);
      return answer.text;
    };

    it("checks every model route: hidden answers as missing, and the scope", async () => {
      for (const route of hub.built.routes) {
        if (!("model" in route.access)) {
          continue;
        }
        const action = route.access.model;
        for (const [who, token, status] of [
          ["anonymous", undefined, 401],
          ["an outsider", callers.outsider, 404],
          ["a token restricted to another model", callers.restricted, 404],
        ] as const) {
          const hidden = await refused(
            route,
            urlOf(route, HIDDEN, callers.tokenId),
            token,
            status,
            route.method === "HEAD" ? "RepoNotFound" : "REPO_NOT_FOUND",
          );
          const missing = await refused(
            route,
            urlOf(route, MISSING, callers.tokenId),
            token,
            status,
            route.method === "HEAD" ? "RepoNotFound" : "REPO_NOT_FOUND",
          );
          assert.equal(
            hidden.replaceAll(HIDDEN, MISSING),
            missing,
            `${route.method} ${route.url} to ${who}`,
          );
        }
        if (PERMISSIONS[action].scope !== "read") {
          await refused(
            route,
            urlOf(route, HIDDEN, callers.tokenId),
            callers.ownerRead,
            403,
            "INSUFFICIENT_SCOPE",
          );
        }
      }
    });

    it("checks every Open Inference Protocol model route: hidden answers 404 as missing", async () => {
      const oipName = (id: string) => id.replace("/", "--");
      for (const route of hub.built.routes) {
        if (!("oip" in route.access)) {
          continue;
        }
        for (const [who, token] of [
          ["anonymous", undefined],
          ["an outsider", callers.outsider],
          ["a token restricted to another model", callers.restricted],
        ] as const) {
          const hidden = await refused(
            route,
            urlOf(route, HIDDEN, callers.tokenId),
            token,
            404,
            "NOT_FOUND",
          );
          const missing = await refused(
            route,
            urlOf(route, MISSING, callers.tokenId),
            token,
            404,
            "NOT_FOUND",
          );
          assert.equal(
            hidden.replaceAll(oipName(HIDDEN), oipName(MISSING)),
            missing,
            `${route.method} ${route.url} to ${who}`,
          );
        }
      }
    });

    it("checks every OpenAI-compatible model route: hidden answers 404 model_not_found as missing", async () => {
      for (const route of hub.built.routes) {
        if (!("openai" in route.access)) {
          continue;
        }
        for (const [who, token] of [
          ["anonymous", undefined],
          ["an outsider", callers.outsider],
          ["a token restricted to another model", callers.restricted],
        ] as const) {
          const answer = (model: string) =>
            refused(route, route.url, token, 404, "model_not_found", { model });
          assert.equal(
            (await answer(`${HIDDEN}@v1`)).replaceAll(HIDDEN, MISSING),
            await answer(`${MISSING}@v1`),
            `${route.method} ${route.url} to ${who}`,
          );
        }
      }
    });

    it("checks every account route: sign-in, scope, administrator and restricted tokens", async () => {
      for (const route of hub.built.routes) {
        if (!("account" in route.access)) {
          continue;
        }
        const { account, restrictedTokens } = route.access;
        const url = urlOf(route, HIDDEN, callers.tokenId);
        await refused(route, url, undefined, 401, "UNAUTHENTICATED");
        if (account === "write") {
          await refused(route, url, callers.ownerRead, 403, "INSUFFICIENT_SCOPE");
        }
        if (account === "admin") {
          await refused(route, url, callers.adminRead, 403, "INSUFFICIENT_SCOPE");
          await refused(route, url, callers.owner, 403, "FORBIDDEN");
        }
        if (restrictedTokens !== "allowed") {
          // An administrator's, so that only the restriction can be the reason.
          await refused(route, url, callers.adminRestricted, 403, "FORBIDDEN");
          await refused(route, url, callers.restricted, 403, "FORBIDDEN");
        }
      }
    });

    it("checks every password sign-in route: a wrong password is refused and changes nothing", async () => {
      for (const route of hub.built.routes) {
        if ("signIn" in route.access && route.access.signIn === "password") {
          await refused(
            route,
            urlOf(route, HIDDEN, callers.tokenId),
            undefined,
            401,
            "INVALID_CREDENTIALS",
          );
        }
      }
    });

    it("checks every OpenID sign-in route: it ignores a session cookie, and is 404 on a hub without OpenID", async () => {
      const kinds = new Set<string>();
      for (const route of hub.built.routes) {
        if (!("signIn" in route.access) || route.access.signIn !== "oidc") {
          continue;
        }
        const url = urlOf(route, HIDDEN, callers.tokenId);
        const before = await auditCount(hub);
        const anonymous = await send(hub, route, url, undefined);
        const ended = await hub.request(route.method, url, {
          headers: { cookie: `gatehouse_session=${"e".repeat(43)}` },
        });
        assert.equal(
          ended.status,
          anonymous.status,
          `${route.method} ${url}: ${await ended.text()}`,
        );
        if (route.url === "/api/session/oidc") {
          assert.equal(anonymous.status, 200, anonymous.text);
          if (route.method === "GET") {
            assert.deepEqual(JSON.parse(anonymous.text), { enabled: false, name: null });
          }
        } else if (route.method === "HEAD") {
          assert.equal(anonymous.status, 404, `${route.method} ${url}`);
        } else {
          assert.equal(anonymous.status, 404, `${route.method} ${url}: ${anonymous.text}`);
          assert.equal(anonymous.code, "NOT_FOUND", anonymous.text);
          assert.match(anonymous.text, /OpenID Connect sign-in is not set up on this hub/);
        }
        assert.equal(await auditCount(hub), before, `${route.method} ${url} changed the store`);
        kinds.add(route.url);
      }
      assert.deepEqual([...kinds].sort(), [
        "/api/session/oidc",
        "/api/session/oidc/callback",
        "/api/session/oidc/start",
      ]);
    });

    it("serves every public route to anonymous callers", async () => {
      for (const route of hub.built.routes) {
        if ("public" in route.access) {
          // The web UI's files: one the build wrote, under the same route.
          const url = route.url.startsWith("/assets/")
            ? `/assets/${(await readdir(path.join(hub.built.ctx.config.webDir, "assets")))[0] ?? ""}`
            : urlOf(route, HIDDEN, callers.tokenId);
          const answer = await send(hub, route, url, undefined);
          assert.equal(answer.status, 200, `${route.method} ${route.url}: ${answer.text}`);
          assert.equal(answer.text.includes("secret"), false, `${route.url} shows a hidden model`);
        }
      }
    });
  });
}
