import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { fromPage, postSession, setPassword, signIn } from "../support/web-session.js";
import { expectError, expectStatus } from "../security/support.js";

/** Failures allowed in a burst; then one more every 60 / LIMIT = 12 seconds. */
const LIMIT = 5;
const SPACING_S = 60 / LIMIT;

const ALICE = "alice's long passphrase";
const BOB = "bob's long passphrase too";

/** Each test takes addresses of its own, so no test depends on what another left behind. */
let nextAddress = 1;
const freshAddress = (): string => {
  nextAddress += 1;
  return `198.51.100.${nextAddress}`;
};

/** A user name nobody has, each call a new one. */
const nobody = (): string => `nobody-${randomBytes(4).toString("hex")}`;

const FROM_ADDRESS = /^too many failed sign-ins from this address; try again in (\d+) s$/;
const FOR_NAME = /^too many failed sign-ins for the user name "([^"]+)"; try again in (\d+) s$/;

/**
 * Asserts a 429 RATE_LIMITED whose message matches `why` and whose Retry-After
 * is `seconds`, which sets no cookie, or only clears a refused session's.
 */
async function expectLimited(
  answer: Promise<Response>,
  why: RegExp,
  seconds: number,
  setCookie: readonly string[] = [],
): Promise<void> {
  const res = await answer;
  const retryAfter = res.headers.get("retry-after");
  const body = await expectError(Promise.resolve(res), 429, "RATE_LIMITED");
  assert.match(body.error, why);
  assert.equal(retryAfter, String(seconds));
  assert.ok(body.error.includes(`${seconds} s`), body.error);
  assert.deepEqual(
    res.headers.getSetCookie().map((c) => c.split(";")[0]),
    setCookie,
    "a refusal set a cookie",
  );
}

const wrong = (hub: TestHub, username: string, from: string): Promise<unknown> =>
  expectError(
    postSession(hub, username, "not the password at all", { "x-forwarded-for": from }),
    401,
    "INVALID_CREDENTIALS",
  );

for (const dialect of DIALECTS) {
  describe(`failed sign-ins with a password (${dialect})`, () => {
    let hub: TestHub;
    const clock = new ManualClock();
    before(async () => {
      hub = await startHub(
        dialect,
        { GATEHOUSE_AUTH_FAILURES_PER_MINUTE: String(LIMIT), GATEHOUSE_TRUST_PROXY: "127.0.0.1" },
        { clock },
      );
      await hub.createUser("alice");
      await hub.createUser("bob");
      await hub.createUser("nopass");
      await setPassword(hub, "alice", ALICE);
      await setPassword(hub, "bob", BOB);
    });
    after(() => hub.close());

    it("answers an unknown user, a wrong password and a user without one with the same bytes", async () => {
      const answers = [];
      for (const username of ["alice", "ALICE", "nopass", "nobody-at-all", "not/a-name"]) {
        const res = await hub.request("POST", "/api/session", {
          json: { username, password: "not the password at all" },
          headers: { "x-request-id": "same-id", "x-forwarded-for": freshAddress() },
        });
        const headers = Object.fromEntries(
          [...res.headers].filter(([name]) => name !== "date" && name !== "keep-alive"),
        );
        answers.push({ status: res.status, headers, body: await res.text() });
      }
      const [first = assert.fail("no answer"), ...rest] = answers;
      assert.equal(first.status, 401);
      assert.deepEqual(JSON.parse(first.body), {
        error:
          "wrong user name or password; check both and try again (an administrator sets a forgotten password with 'gatehouse user set-password')",
        code: "INVALID_CREDENTIALS",
        requestId: "same-id",
      });
      for (const answer of rest) {
        assert.deepEqual(answer, first);
      }
    });

    it("limits failures per address: then even the right password is refused from there, never from elsewhere", async () => {
      const from = freshAddress();
      for (let i = 0; i < LIMIT; i += 1) {
        await wrong(hub, nobody(), from);
      }
      await expectLimited(
        postSession(hub, nobody(), "not the password at all", { "x-forwarded-for": from }),
        FROM_ADDRESS,
        SPACING_S,
      );
      // Not even checked: while the limit holds, a right guess looks like a wrong one.
      await expectLimited(
        postSession(hub, "alice", ALICE, { "x-forwarded-for": from }),
        FROM_ADDRESS,
        SPACING_S,
      );
      await signIn(hub, "alice", ALICE, { "x-forwarded-for": freshAddress() });
      clock.advance(SPACING_S);
      await signIn(hub, "alice", ALICE, { "x-forwarded-for": from });
    });

    it("limits failures per user name, whatever the case and wherever they come from, and not other users", async () => {
      for (let i = 0; i < LIMIT; i += 1) {
        await wrong(hub, i % 2 === 0 ? "bob" : "BOB", freshAddress());
      }
      await expectLimited(
        postSession(hub, "Bob", BOB, { "x-forwarded-for": freshAddress() }),
        FOR_NAME,
        SPACING_S,
      );
      await signIn(hub, "alice", ALICE, { "x-forwarded-for": freshAddress() });
      clock.advance(SPACING_S);
      await signIn(hub, "bob", BOB, { "x-forwarded-for": freshAddress() });
    });

    it("limits names nobody has just the same, so the limit tells nothing of who exists", async () => {
      const name = nobody();
      for (let i = 0; i < LIMIT; i += 1) {
        await wrong(hub, name, freshAddress());
      }
      await expectLimited(
        postSession(hub, name, "not the password at all", { "x-forwarded-for": freshAddress() }),
        FOR_NAME,
        SPACING_S,
      );
    });

    it("counts bad tokens and wrong passwords from one address together", async () => {
      const from = freshAddress();
      for (let i = 0; i < LIMIT - 1; i += 1) {
        await expectError(
          hub.request("GET", "/api/whoami-v2", {
            token: `hf_gth_${randomBytes(32).toString("hex")}`,
            headers: { "x-forwarded-for": from },
          }),
          401,
          "INVALID_TOKEN",
        );
      }
      await wrong(hub, nobody(), from);
      await expectLimited(
        postSession(hub, nobody(), "not the password at all", { "x-forwarded-for": from }),
        FROM_ADDRESS,
        SPACING_S,
      );
      clock.advance(60);
    });

    it("counts unknown session cookies as failures from the address", async () => {
      const from = freshAddress();
      for (let i = 0; i < LIMIT; i += 1) {
        await expectError(
          hub.request("GET", "/api/models", {
            headers: {
              cookie: `gatehouse_session=${randomBytes(32).toString("base64url")}`,
              "x-forwarded-for": from,
            },
          }),
          401,
          "INVALID_SESSION",
        );
      }
      await expectLimited(
        hub.request("GET", "/api/models", {
          headers: {
            cookie: `gatehouse_session=${randomBytes(32).toString("base64url")}`,
            "x-forwarded-for": from,
          },
        }),
        FROM_ADDRESS,
        SPACING_S,
        ["gatehouse_session="],
      );
      // A valid session is still served from there, as a valid token is.
      const session = await signIn(hub, "alice", ALICE, { "x-forwarded-for": freshAddress() });
      await expectStatus(
        hub.request("GET", "/api/session", {
          headers: { cookie: session.cookie, "x-forwarded-for": from },
        }),
        200,
      );
    });

    it("counts a wrong current password in a password change as a failed sign-in", async () => {
      clock.advance(60);
      const session = await signIn(hub, "alice", ALICE, { "x-forwarded-for": freshAddress() });
      const change = (): Promise<Response> =>
        hub.request("PUT", "/api/user/password", {
          json: { currentPassword: "a guess at it, wrong", newPassword: "whatever comes next" },
          headers: { ...fromPage(session), "x-forwarded-for": freshAddress() },
        });
      for (let i = 0; i < LIMIT; i += 1) {
        await expectError(change(), 403, "WRONG_PASSWORD");
      }
      await expectLimited(change(), FOR_NAME, SPACING_S);
      clock.advance(60);
      await signIn(hub, "alice", ALICE, { "x-forwarded-for": freshAddress() });
    });
  });
}
