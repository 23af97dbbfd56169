import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { startProvider, type TestProvider } from "../support/oidc-provider.js";
import { RedirectBrowser, throughProvider } from "../support/redirect-browser.js";
import { sessionCount } from "../support/web-session.js";
import { auditCount, expectError, expectStatus } from "../security/support.js";

const CALLBACK = "/api/session/oidc/callback";

/** The people the test provider knows, by subject (the login typed in its form). */
const ACCOUNTS = {
  "alice-sub": { preferred_username: "Alice Smith", email: "alice@example.com", name: "Alice" },
  "bob-sub": { preferred_username: "bob" },
  "carol-sub": { preferred_username: "carol" },
  "nameless-sub": {},
};

/** A hub set up for OpenID sign-in at a fresh provider that knows ACCOUNTS. */
async function hubWithProvider(
  dialect: (typeof DIALECTS)[number],
  env: Record<string, string>,
): Promise<{ hub: TestHub; provider: TestProvider }> {
  const provider = await startProvider();
  const hub = await startHub(dialect, { ...provider.env, ...env });
  provider.serve(`${hub.url}${CALLBACK}`, ACCOUNTS);
  return { hub, provider };
}

/** Runs a whole sign-in as `login` from a fresh browser; the hub's answer to the callback, and the browser. */
async function signInAs(
  hub: TestHub,
  login: string,
  next = "/",
  options: { abort?: boolean } = {},
): Promise<{ res: Response; browser: RedirectBrowser; callbackUrl: string }> {
  const browser = new RedirectBrowser();
  const start = `${hub.url}/api/session/oidc/start?next=${encodeURIComponent(next)}`;
  const callbackUrl = await throughProvider(browser, start, hub.url, login, options);
  assert.ok(callbackUrl.startsWith(`${hub.url}${CALLBACK}?`), callbackUrl);
  return { res: await browser.send(callbackUrl), browser, callbackUrl };
}

/** Checks that a callback sent the browser to the sign-in page with `error` (and `name`), and no session. */
function expectLoginError(res: Response, error: string, name?: string): void {
  assert.equal(res.status, 302);
  const to = new URL(res.headers.get("location") ?? "", "http://hub");
  assert.equal(to.pathname, "/login");
  assert.equal(to.searchParams.get("error"), error);
  assert.equal(to.searchParams.get("name"), name ?? null);
  assert.ok(
    !res.headers.getSetCookie().some((c) => c.startsWith("gatehouse_session=")),
    "a refused sign-in set a session cookie",
  );
}

async function identities(hub: TestHub) {
  return hub.built.ctx.db
    .selectFrom("oidc_identities as i")
    .innerJoin("namespaces as n", "n.id", "i.user_id")
    .select(["i.issuer", "i.subject", "n.name"])
    .orderBy("i.subject")
    .execute();
}

for (const dialect of DIALECTS) {
  describe(`OpenID Connect sign-in, creating users (${dialect})`, () => {
    let hub: TestHub;
    let provider: TestProvider;
    before(async () => {
      ({ hub, provider } = await hubWithProvider(dialect, { GATEHOUSE_OIDC_CREATE_USERS: "true" }));
      await hub.createUser("bob");
    });
    after(async () => {
      await hub.close();
      await provider.close();
    });

    it("tells the web UI it is on, and the provider's name", async () => {
      const res = await expectStatus(hub.request("GET", "/api/session/oidc"), 200);
      assert.deepEqual(await res.json(), { enabled: true, name: "Test SSO" });
    });

    it("sends the browser to the provider with a code, PKCE S256, state and nonce, and keeps them in a sealed cookie", async () => {
      const res = await fetch(`${hub.url}/api/session/oidc/start?next=/acme/bert`, {
        redirect: "manual",
      });
      assert.equal(res.status, 302);
      const to = new URL(res.headers.get("location") ?? "");
      assert.equal(to.origin, provider.issuer);
      const q = to.searchParams;
      assert.equal(q.get("response_type"), "code");
      assert.equal(q.get("client_id"), "gatehouse");
      assert.equal(q.get("redirect_uri"), `${hub.url}${CALLBACK}`);
      assert.equal(q.get("scope"), "openid profile email");
      assert.equal(q.get("code_challenge_method"), "S256");
      assert.match(q.get("code_challenge") ?? "", /^[A-Za-z0-9_-]{43}$/);
      assert.ok((q.get("state") ?? "").length >= 22);
      assert.ok((q.get("nonce") ?? "").length >= 22);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("gatehouse_oidc="));
      assert.ok(cookie !== undefined);
      const attrs = cookie.toLowerCase();
      for (const attr of ["httponly", "samesite=lax", "path=/api/session/oidc", "max-age=600"]) {
        assert.ok(attrs.includes(attr), cookie);
      }
      // Sealed: neither the state nor the verifier can be read from it.
      assert.ok(!cookie.includes(q.get("state") ?? "?"), cookie);
      assert.ok(!cookie.includes("/acme/bert"), cookie);
    });

    it("signs a new person in, creating a user named from the username claim, and back to their page", async () => {
      const before = await auditCount(hub);
      const { res, browser } = await signInAs(hub, "alice-sub", "/acme/bert?tab=files");
      assert.equal(res.status, 302, await res.text());
      assert.equal(res.headers.get("location"), "/acme/bert?tab=files");
      const session = res.headers.getSetCookie().find((c) => c.startsWith("gatehouse_session="));
      assert.ok(session?.toLowerCase().includes("httponly"), session);
      // The state cookie is used once.
      assert.equal(browser.cookieFor(hub.url).includes("gatehouse_oidc="), false);

      const me = await expectStatus(
        hub.request("GET", "/api/session", { headers: { cookie: browser.cookieFor(hub.url) } }),
        200,
      );
      const body = (await me.json()) as { user: unknown; csrfToken: string };
      assert.deepEqual(body.user, { name: "Alice-Smith", isAdmin: false });
      assert.deepEqual(await identities(hub), [
        { issuer: provider.issuer, subject: "alice-sub", name: "Alice-Smith" },
      ]);
      const user = await hub.built.ctx.db
        .selectFrom("users")
        .innerJoin("namespaces", "namespaces.id", "users.id")
        .select(["users.id", "users.email", "users.fullname"])
        .where("namespaces.name", "=", "Alice-Smith")
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        { email: user.email, fullname: user.fullname },
        { email: "alice@example.com", fullname: "Alice" },
      );
      const events = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "actor_id", "details"])
        .orderBy("seq")
        .execute()
        .then((rows) => rows.slice(before));
      assert.deepEqual(
        events.map((e) => e.action),
        ["user.create", "user.oidc-link", "session.create"],
      );
      const created = events.at(2);
      assert.ok(created !== undefined);
      assert.equal(created.actor_id, user.id);
      const details = JSON.parse(created.details) as { method: string; user: string };
      assert.deepEqual(
        { method: details.method, user: details.user },
        { method: "oidc", user: user.id },
      );
    });

    it("signs the same person in again as the same user, by the identity linked at first", async () => {
      const users = await hub.built.ctx.db.selectFrom("users").select("id").execute();
      const { res, browser } = await signInAs(hub, "alice-sub");
      assert.equal(res.headers.get("location"), "/");
      const me = await expectStatus(
        hub.request("GET", "/api/whoami-v2", { headers: { cookie: browser.cookieFor(hub.url) } }),
        200,
      );
      assert.equal(((await me.json()) as { name: string }).name, "Alice-Smith");
      assert.equal(
        (await hub.built.ctx.db.selectFrom("users").select("id").execute()).length,
        users.length,
      );
    });

    it("refuses a person whose claimed name belongs to an unlinked account, naming it, and never signs them in as it", async () => {
      const sessions = await sessionCount(hub);
      const { res } = await signInAs(hub, "bob-sub");
      expectLoginError(res, "oidc_name_taken", "bob");
      assert.equal(await sessionCount(hub), sessions);
      assert.deepEqual(
        (await identities(hub)).map((i) => i.subject),
        ["alice-sub"],
      );
    });

    it("refuses a person the provider gives no username claim for", async () => {
      const { res } = await signInAs(hub, "nameless-sub");
      expectLoginError(res, "oidc_no_username");
    });

    it("sends a browser back to / when next is not a path on the hub", async () => {
      for (const next of ["//evil.example/x", "https://evil.example/", "/\\evil.example"]) {
        const { res } = await signInAs(hub, "alice-sub", next);
        assert.equal(res.status, 302);
        assert.equal(res.headers.get("location"), "/", next);
      }
    });

    it("answers a cancelled sign-in with the sign-in page saying so", async () => {
      const { res, callbackUrl } = await signInAs(hub, "alice-sub", "/", { abort: true });
      assert.equal(new URL(callbackUrl).searchParams.get("error"), "access_denied");
      expectLoginError(res, "oidc_cancelled");
    });

    it("refuses an answer whose state is not the browser's, one without the state cookie, and one used twice", async () => {
      const sessions = await sessionCount(hub);
      const browser = new RedirectBrowser();
      const start = `${hub.url}/api/session/oidc/start`;
      const callbackUrl = await throughProvider(browser, start, hub.url, "alice-sub");
      const forged = new URL(callbackUrl);
      forged.searchParams.set("state", "not-the-state");
      // The bad attempt clears the cookie, so the real answer is tried from a second browser below.
      expectLoginError(await browser.send(forged.href), "oidc_expired");

      const other = new RedirectBrowser();
      expectLoginError(await other.send(callbackUrl), "oidc_expired");

      const again = new RedirectBrowser();
      const url = await throughProvider(again, start, hub.url, "alice-sub");
      assert.equal((await again.send(url)).status, 302);
      expectLoginError(await again.send(url), "oidc_expired");
      assert.equal(await sessionCount(hub), sessions + 1);
    });

    it("refuses a state cookie that was changed", async () => {
      const browser = new RedirectBrowser();
      const callbackUrl = await throughProvider(
        browser,
        `${hub.url}/api/session/oidc/start`,
        hub.url,
        "alice-sub",
      );
      const sealed = /gatehouse_oidc=([^;]+)/.exec(browser.cookieFor(hub.url))?.[1] ?? "";
      const flipped = `${sealed.slice(0, 20)}${sealed[20] === "A" ? "B" : "A"}${sealed.slice(21)}`;
      const res = await fetch(callbackUrl, {
        redirect: "manual",
        headers: { cookie: `gatehouse_oidc=${flipped}` },
      });
      expectLoginError(res, "oidc_expired");
    });

    it("answers a provider error other than a refusal as a failed sign-in, and garbage as an expired one", async () => {
      const browser = new RedirectBrowser();
      expectLoginError(
        await browser.send(`${hub.url}${CALLBACK}?error=server_error&state=x`),
        "oidc_failed",
      );
      expectLoginError(await browser.send(`${hub.url}${CALLBACK}?code=x&state=y`), "oidc_expired");
      expectLoginError(await browser.send(`${hub.url}${CALLBACK}`), "oidc_expired");
    });
  });

  describe(`OpenID Connect sign-in, accounts made by administrators (${dialect})`, () => {
    let hub: TestHub;
    let provider: TestProvider;
    before(async () => {
      ({ hub, provider } = await hubWithProvider(dialect, {}));
    });
    after(async () => {
      await hub.close();
      await provider.close();
    });

    it("refuses a person without a linked account, naming them and creating nothing", async () => {
      const users = await hub.built.ctx.db.selectFrom("users").select("id").execute();
      const before = await auditCount(hub);
      const { res } = await signInAs(hub, "carol-sub");
      expectLoginError(res, "oidc_no_account", "carol");
      assert.equal(
        (await hub.built.ctx.db.selectFrom("users").select("id").execute()).length,
        users.length,
      );
      assert.equal(await auditCount(hub), before);
    });

    it("signs a person in once an administrator links their subject to an account", async () => {
      await hub.createUser("carol");
      const link = await expectStatus(
        hub.request("PUT", "/api/users/carol/oidc-identity", {
          token: hub.adminToken,
          json: { subject: "carol-sub" },
        }),
        200,
      );
      assert.deepEqual(await link.json(), {
        user: "carol",
        issuer: provider.issuer,
        subject: "carol-sub",
      });
      const { res, browser } = await signInAs(hub, "carol-sub", "/carol");
      assert.equal(res.headers.get("location"), "/carol");
      const me = await expectStatus(
        hub.request("GET", "/api/session", { headers: { cookie: browser.cookieFor(hub.url) } }),
        200,
      );
      assert.equal(((await me.json()) as { user: { name: string } }).user.name, "carol");
    });

    it("refuses to link a subject another user holds, naming that user", async () => {
      await hub.createUser("dave");
      const body = await expectError(
        hub.request("PUT", "/api/users/dave/oidc-identity", {
          token: hub.adminToken,
          json: { subject: "carol-sub" },
        }),
        409,
        "CONFLICT",
      );
      assert.match(body.error, /subject "carol-sub" is already linked to user "carol"/);
    });
  });
}

describe("OpenID Connect sign-in when it is off or its provider is down", () => {
  it("answers start and callback 404 on a hub without it, says it is off, and lists its routes in /openapi.json", async () => {
    const hub = await startHub("sqlite");
    try {
      const status = await expectStatus(hub.request("GET", "/api/session/oidc"), 200);
      assert.deepEqual(await status.json(), { enabled: false, name: null });
      const spec = (await (await hub.request("GET", "/openapi.json")).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      for (const url of [
        "/api/session/oidc",
        "/api/session/oidc/start",
        CALLBACK,
        "/api/users/{name}/oidc-identity",
      ]) {
        assert.ok(spec.paths[url] !== undefined, `${url} is not in /openapi.json`);
      }
      for (const url of ["/api/session/oidc/start?next=/x", `${CALLBACK}?code=a&state=b`]) {
        const body = await expectError(hub.request("GET", url), 404, "NOT_FOUND");
        assert.match(body.error, /OpenID Connect sign-in is not set up on this hub/);
      }
    } finally {
      await hub.close();
    }
  });

  it("starts without reaching the provider, and sends a sign-in back to the sign-in page, told why, while it is down", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => {
      closed.close(() => {
        resolve();
      });
    });
    const issuer = `http://127.0.0.1:${port}`;
    const hub = await startHub("sqlite", {
      GATEHOUSE_OIDC_ISSUER: issuer,
      GATEHOUSE_OIDC_CLIENT_ID: "gatehouse",
      GATEHOUSE_OIDC_CLIENT_SECRET: "secret",
    });
    try {
      const started = await fetch(`${hub.url}/api/session/oidc/start?next=/acme/bert`, {
        redirect: "manual",
      });
      expectLoginError(started, "oidc_unavailable");
      assert.deepEqual(started.headers.getSetCookie(), [], "no sign-in was started");
      // The hub itself goes on answering.
      await expectStatus(hub.request("GET", "/health"), 200);
    } finally {
      await hub.close();
    }
  });
});
