import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import {
  fromPage,
  postSession,
  sessionCount,
  setPassword,
  signIn,
  type WebSession,
} from "../support/web-session.js";
import { auditCount, expectError, expectStatus } from "./support.js";

const PASSWORD = "alice's long passphrase";
const RELOAD = /lacks a valid X-CSRF-Token header; reload the page and try again/;

/** How many tokens the store holds. */
async function tokenCount(hub: TestHub): Promise<number> {
  const row = await hub.built.ctx.db
    .selectFrom("tokens")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const dialect of DIALECTS) {
  describe(`requests signed in by a session cookie need the page's CSRF token to change anything (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    let session: WebSession;
    before(async () => {
      hub = await startHub(dialect);
      alice = await hub.createUser("alice");
      await setPassword(hub, "alice", PASSWORD);
      session = await signIn(hub, "alice", PASSWORD);
    });
    after(() => hub.close());

    /** Sends a token creation from the page with `csrf` (null: no header) and expects it refused, changing nothing. */
    const refusedWith = async (csrf: string | null, cookie = session.cookie): Promise<void> => {
      const [tokens, events] = [await tokenCount(hub), await auditCount(hub)];
      const body = await expectError(
        hub.request("POST", "/api/tokens", {
          json: { scopes: ["read"] },
          headers: { ...fromPage({ ...session, cookie }, { csrf }) },
        }),
        403,
        "CSRF_INVALID",
      );
      assert.match(body.error, RELOAD);
      assert.equal(await tokenCount(hub), tokens);
      assert.equal(await auditCount(hub), events);
    };

    it("refuses a change without X-CSRF-Token, 403 CSRF_INVALID, and changes nothing", async () => {
      await refusedWith(null);
    });

    it("refuses a wrong or malformed token", async () => {
      await refusedWith("x");
      await refusedWith(`${session.csrfToken.slice(0, -2)}xx`);
      await refusedWith("");
    });

    it("refuses a token made for another session of the same browser", async () => {
      // Same browser: the second sign-in keeps the CSRF cookie and starts a new session.
      const second = await signIn(hub, "alice", PASSWORD, { cookie: session.cookie });
      assert.notEqual(second.cookie, session.cookie);
      await refusedWith(session.csrfToken, second.cookie);
      await refusedWith(second.csrfToken, session.cookie);
    });

    it("refuses the token without the CSRF cookie it was made with", async () => {
      const sessionOnly = session.cookie
        .split("; ")
        .filter((c) => c.startsWith("gatehouse_session="))
        .join("; ");
      await refusedWith(session.csrfToken, sessionOnly);
    });

    it("does the change with the right token", async () => {
      await expectStatus(
        hub.request("POST", "/api/tokens", {
          json: { scopes: ["read"] },
          headers: fromPage(session),
        }),
        201,
      );
    });

    it("asks nothing of reads, or of requests signed in by a token", async () => {
      await expectStatus(
        hub.request("GET", "/api/tokens", { headers: fromPage(session, { csrf: null }) }),
        200,
      );
      await expectStatus(
        hub.request("POST", "/api/tokens", {
          token: alice,
          json: { scopes: ["read"] },
          // The cookie beside the token is ignored, and with it any need for CSRF.
          headers: { cookie: session.cookie },
        }),
        201,
      );
    });

    it("refuses a password change and a sign-out without it, which leave the password and session as they were", async () => {
      await expectError(
        hub.request("PUT", "/api/user/password", {
          json: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
          headers: fromPage(session, { csrf: null }),
        }),
        403,
        "CSRF_INVALID",
      );
      await expectError(
        hub.request("DELETE", "/api/session", { headers: fromPage(session, { csrf: "nope" }) }),
        403,
        "CSRF_INVALID",
      );
      await expectStatus(
        hub.request("GET", "/api/session", { headers: { cookie: session.cookie } }),
        200,
      );
      await signIn(hub, "alice", PASSWORD);
    });

    for (const [type, body] of [
      [
        "application/x-www-form-urlencoded",
        `username=alice&password=${encodeURIComponent(PASSWORD)}`,
      ],
      ["text/plain", JSON.stringify({ username: "alice", password: PASSWORD })],
      [
        "multipart/form-data; boundary=x",
        `--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nalice\r\n--x--\r\n`,
      ],
    ] as const) {
      it(`refuses a sign-in sent as ${type.split(";")[0] ?? type}, as an HTML form on another site would send it`, async () => {
        const before = await sessionCount(hub);
        const refused = await expectError(
          hub.request("POST", "/api/session", { body, headers: { "content-type": type } }),
          415,
          "BAD_REQUEST",
        );
        assert.match(refused.error, /'Content-Type: application\/json'/);
        assert.equal(await sessionCount(hub), before);
      });
    }

    it("needs no CSRF token to sign in, and lets JSON with a charset through", async () => {
      const res = await hub.request("POST", "/api/session", {
        body: JSON.stringify({ username: "alice", password: PASSWORD }),
        headers: { "content-type": "application/json; charset=utf-8", cookie: session.cookie },
      });
      assert.equal(res.status, 200, await res.text());
      await expectStatus(postSession(hub, "alice", PASSWORD), 200);
    });
  });
}
