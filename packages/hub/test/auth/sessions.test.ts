import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import {
  adminPassword,
  fromPage,
  sessionCount,
  setPassword,
  signIn,
} from "../support/web-session.js";
import { expectError, expectStatus } from "../security/support.js";

const ALICE_PASSWORD = "alice's long passphrase";
const DAY_S = 86_400;

interface WhoAmI {
  readonly name: string;
  readonly gatehouse: {
    isAdmin: boolean;
    tokenId: string | null;
    session: boolean;
    scopes: string[];
  };
}

/** The attributes of the `Set-Cookie` line for `name`, lower-cased, with the value apart. */
function cookieOf(setCookies: readonly string[], name: string): { value: string; attrs: string[] } {
  const line = setCookies.find((l) => l.startsWith(`${name}=`));
  assert.ok(line !== undefined, `no ${name} cookie in ${setCookies.join(" | ")}`);
  const [pair = "", ...attrs] = line.split(/;\s*/);
  return { value: pair.slice(name.length + 1), attrs: attrs.map((a) => a.toLowerCase()) };
}

for (const dialect of DIALECTS) {
  describe(`web sessions (${dialect})`, () => {
    let hub: TestHub;
    const clock = new ManualClock();
    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      await hub.createUser("alice");
      await setPassword(hub, "alice", ALICE_PASSWORD);
    });
    after(() => hub.close());

    it("signs in with a password: an HttpOnly, SameSite=Lax session cookie for every path that whoami-v2 accepts", async () => {
      const session = await signIn(hub, "Alice", ALICE_PASSWORD);
      const cookie = cookieOf(session.setCookies, "gatehouse_session");
      assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/);
      assert.ok(cookie.attrs.includes("httponly"), cookie.attrs.join("; "));
      assert.ok(cookie.attrs.includes("samesite=lax"), cookie.attrs.join("; "));
      assert.ok(cookie.attrs.includes("path=/"), cookie.attrs.join("; "));
      // The hub's URL is http here: a Secure cookie would never come back.
      assert.ok(!cookie.attrs.includes("secure"), cookie.attrs.join("; "));
      assert.equal(
        session.expiresAt,
        new Date(clock.now().getTime() + 7 * DAY_S * 1000).toISOString(),
      );
      assert.ok(
        cookie.attrs.includes(`expires=${new Date(session.expiresAt).toUTCString().toLowerCase()}`),
        cookie.attrs.join("; "),
      );
      // Only a digest of the cookie's secret is stored.
      const row = await hub.built.ctx.db
        .selectFrom("web_sessions")
        .selectAll()
        .orderBy("created_at", "desc")
        .executeTakeFirstOrThrow();
      assert.notEqual(row.secret_hash, cookie.value);
      assert.ok(!JSON.stringify(row).includes(cookie.value));

      const me = await expectStatus(
        hub.request("GET", "/api/whoami-v2", { headers: { cookie: session.cookie } }),
        200,
      );
      const who = (await me.json()) as WhoAmI;
      assert.equal(who.name, "alice");
      assert.deepEqual(
        { ...who.gatehouse },
        { isAdmin: false, tokenId: null, session: true, scopes: ["read", "write"], modelId: null },
      );
    });

    it("answers the signed-in user, a CSRF token and the session's end at GET /api/session", async () => {
      const session = await signIn(hub, "alice", ALICE_PASSWORD);
      const res = await expectStatus(
        hub.request("GET", "/api/session", { headers: { cookie: session.cookie } }),
        200,
      );
      assert.equal(res.headers.get("cache-control"), "no-store");
      const body = (await res.json()) as { user: unknown; csrfToken: string; expiresAt: string };
      assert.deepEqual(body.user, { name: "alice", isAdmin: false });
      assert.equal(body.expiresAt, session.expiresAt);
      assert.ok(body.csrfToken.length > 20);
      // The page may use either token: both are for this session.
      await expectStatus(
        hub.request("POST", "/api/tokens", {
          json: { scopes: ["read"] },
          headers: fromPage(session, { csrf: body.csrfToken }),
        }),
        201,
      );
    });

    it("tells a caller without a session to sign in, and a token holder that sessions are for the web UI", async () => {
      const none = await expectError(hub.request("GET", "/api/session"), 401, "UNAUTHENTICATED");
      assert.match(none.error, /not signed in; sign in with your user name and password/);
      const token = await expectError(
        hub.request("GET", "/api/session", { token: hub.adminToken }),
        400,
        "BAD_REQUEST",
      );
      assert.match(token.error, /signs in with a token, not a web session/);
    });

    it("gives an administrator's session the admin scope", async () => {
      const session = await signIn(hub, "admin", await adminPassword(hub));
      await expectStatus(
        hub.request("POST", "/api/users", { json: { name: "carol" }, headers: fromPage(session) }),
        201,
      );
    });

    it("lets the Authorization header decide when a session cookie comes with it", async () => {
      const session = await signIn(hub, "alice", ALICE_PASSWORD);
      const bob = await hub.createUser("bob");
      const me = await expectStatus(
        hub.request("GET", "/api/whoami-v2", { token: bob, headers: { cookie: session.cookie } }),
        200,
      );
      assert.equal(((await me.json()) as WhoAmI).name, "bob");
      // A bad token is refused even beside a good cookie: the header is never skipped.
      await expectError(
        hub.request("GET", "/api/whoami-v2", {
          token: `hf_gth_${"q".repeat(43)}`,
          headers: { cookie: session.cookie },
        }),
        401,
        "INVALID_TOKEN",
      );
    });

    it("signs out: the session row goes, the cookie is cleared and refused after, and tokens made in it stay", async () => {
      const session = await signIn(hub, "alice", ALICE_PASSWORD);
      const made = await expectStatus(
        hub.request("POST", "/api/tokens", {
          json: { scopes: ["read", "write"], name: "from the web UI" },
          headers: fromPage(session),
        }),
        201,
      );
      const token = (await made.json()) as {
        token: string;
        parent: string | null;
        expiresAt: string | null;
      };
      // Not a child of the session, and not bound to its end.
      assert.equal(token.parent, null);
      assert.equal(token.expiresAt, null);

      const before = await sessionCount(hub);
      const out = await expectStatus(
        hub.request("DELETE", "/api/session", { headers: fromPage(session) }),
        204,
      );
      assert.equal(await sessionCount(hub), before - 1);
      const cleared = cookieOf(out.headers.getSetCookie(), "gatehouse_session");
      assert.equal(cleared.value, "");
      assert.ok(cleared.attrs.includes("max-age=0"), cleared.attrs.join("; "));

      const refused = await hub.request("GET", "/api/whoami-v2", {
        headers: { cookie: session.cookie },
      });
      const body = await expectError(Promise.resolve(refused), 401, "INVALID_SESSION");
      assert.match(body.error, /sign in again/);
      assert.equal(cookieOf(refused.headers.getSetCookie(), "gatehouse_session").value, "");

      const me = await expectStatus(
        hub.request("GET", "/api/whoami-v2", { token: token.token }),
        200,
      );
      assert.equal(((await me.json()) as WhoAmI).name, "alice");
    });

    it("lets a browser still holding an ended session's cookie sign in again", async () => {
      const old = await signIn(hub, "alice", ALICE_PASSWORD);
      await expectStatus(hub.request("DELETE", "/api/session", { headers: fromPage(old) }), 204);
      const again = await signIn(hub, "alice", ALICE_PASSWORD, { cookie: old.cookie });
      await expectStatus(
        hub.request("GET", "/api/whoami-v2", { headers: { cookie: again.cookie } }),
        200,
      );
    });

    it("refuses a session past its end, saying when it expired", async () => {
      const session = await signIn(hub, "alice", ALICE_PASSWORD);
      clock.advance(7 * DAY_S - 1);
      await expectStatus(
        hub.request("GET", "/api/session", { headers: { cookie: session.cookie } }),
        200,
      );
      clock.advance(1);
      const body = await expectError(
        hub.request("GET", "/api/session", { headers: { cookie: session.cookie } }),
        401,
        "INVALID_SESSION",
      );
      assert.equal(body.error, `your session expired at ${session.expiresAt}; sign in again`);
    });

    it("refuses an unknown session cookie as a bad credential", async () => {
      const body = await expectError(
        hub.request("GET", "/api/models", {
          headers: { cookie: `gatehouse_session=${"z".repeat(43)}` },
        }),
        401,
        "INVALID_SESSION",
      );
      assert.match(body.error, /unknown or has ended.*sign in again/);
    });

    it("lists the session and password routes in /openapi.json, with their bodies", async () => {
      const res = await expectStatus(hub.request("GET", "/openapi.json"), 200);
      const spec = (await res.json()) as {
        paths: Record<string, Record<string, { requestBody?: unknown }>>;
      };
      const methods = (url: string): string[] => Object.keys(spec.paths[url] ?? {}).sort();
      assert.deepEqual(methods("/api/session"), ["delete", "get", "post"]);
      assert.deepEqual(methods("/api/user/password"), ["put"]);
      assert.deepEqual(methods("/api/users/{name}/password"), ["put"]);
      const body = JSON.stringify(spec.paths["/api/session"]?.post?.requestBody);
      assert.match(body, /"username"/);
      assert.match(body, /"password"/);
    });

    it("records sign-in and sign-out in the audit log by ids, never a password or a cookie", async () => {
      const session = await signIn(hub, "alice", ALICE_PASSWORD);
      await expectStatus(
        hub.request("DELETE", "/api/session", { headers: fromPage(session) }),
        204,
      );
      const events = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "resource", "details"])
        .where("action", "in", ["session.create", "session.delete", "user.password-set"])
        .orderBy("seq")
        .execute();
      const last = events.slice(-2);
      assert.deepEqual(
        last.map((e) => e.action),
        ["session.create", "session.delete"],
      );
      assert.equal(last[0]?.resource, last[1]?.resource);
      assert.match(last[0]?.resource ?? "", /^session:ws_[0-9a-f]{20}$/);
      const all = JSON.stringify(
        await hub.built.ctx.db.selectFrom("audit_events").selectAll().execute(),
      );
      const secret = cookieOf(session.setCookies, "gatehouse_session").value;
      for (const leak of [ALICE_PASSWORD, await adminPassword(hub), secret]) {
        assert.ok(!all.includes(leak), "the audit log holds a secret");
      }
    });
  });

  describe(`web sessions on a hub configured for them (${dialect})`, () => {
    let hub: TestHub;
    const clock = new ManualClock();
    before(async () => {
      hub = await startHub(
        dialect,
        {
          GATEHOUSE_SESSION_TTL: "90m",
          GATEHOUSE_PUBLIC_URL: "https://hub.example",
          GATEHOUSE_ADMIN_PASSWORD: "the operator's own admin password",
        },
        { clock },
      );
    });
    after(() => hub.close());

    it("gives the first admin GATEHOUSE_ADMIN_PASSWORD, writing no password file", async () => {
      await assert.rejects(stat(path.join(hub.dataDir, "admin-password")), { code: "ENOENT" });
      await signIn(hub, "admin", "the operator's own admin password");
    });

    it("ends sessions after GATEHOUSE_SESSION_TTL and marks the cookie Secure behind an https URL", async () => {
      const session = await signIn(hub, "admin", "the operator's own admin password");
      assert.equal(session.expiresAt, new Date(clock.now().getTime() + 90 * 60_000).toISOString());
      assert.ok(cookieOf(session.setCookies, "gatehouse_session").attrs.includes("secure"));
      assert.ok(cookieOf(session.setCookies, "gatehouse_csrf").attrs.includes("secure"));
      clock.advance(90 * 60);
      await expectError(
        hub.request("GET", "/api/session", { headers: { cookie: session.cookie } }),
        401,
        "INVALID_SESSION",
      );
    });
  });

  describe(`the first administrator's password (${dialect})`, () => {
    let hub: TestHub;
    before(async () => {
      hub = await startHub(dialect);
    });
    after(() => hub.close());

    it("is written to <data dir>/admin-password, readable by the hub's user only, and signs in", async () => {
      const file = path.join(hub.dataDir, "admin-password");
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const password = await adminPassword(hub);
      assert.match(password, /^[A-Za-z0-9_-]{24}$/);
      const session = await signIn(hub, "admin", password);
      const me = await expectStatus(
        hub.request("GET", "/api/session", { headers: { cookie: session.cookie } }),
        200,
      );
      assert.deepEqual(((await me.json()) as { user: unknown }).user, {
        name: "admin",
        isAdmin: true,
      });
      const first = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "details"])
        .where("action", "=", "user.password-set")
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(first.details), { by: "first-start", endedSessions: 0 });
    });
  });
}
