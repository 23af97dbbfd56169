import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import {
  adminPassword,
  fromPage,
  postSession,
  sessionCount,
  signIn,
} from "../support/web-session.js";
import {
  auditCount,
  createModel,
  createToken,
  expectError,
  expectStatus,
} from "../security/support.js";

const FIRST = "alice's first passphrase";
const SECOND = "alice's second passphrase";

/** The password-set events of user `name`, oldest first. */
async function passwordEvents(hub: TestHub, name: string): Promise<Record<string, unknown>[]> {
  const user = await hub.built.ctx.db
    .selectFrom("namespaces")
    .select("id")
    .where("name_key", "=", name)
    .executeTakeFirstOrThrow();
  const rows = await hub.built.ctx.db
    .selectFrom("audit_events")
    .select(["actor_id", "details"])
    .where("action", "=", "user.password-set")
    .where("resource", "=", `user:${user.id}`)
    .orderBy("seq")
    .execute();
  return rows.map((r) => ({ actor: r.actor_id, ...(JSON.parse(r.details) as object) }));
}

for (const dialect of DIALECTS) {
  describe(`passwords for the web UI (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    let aliceId: string;
    before(async () => {
      hub = await startHub(dialect);
      alice = await hub.createUser("alice");
      aliceId = (
        await hub.built.ctx.db
          .selectFrom("namespaces")
          .select("id")
          .where("name_key", "=", "alice")
          .executeTakeFirstOrThrow()
      ).id;
    });
    after(() => hub.close());

    it("lets a user with no password set none themselves, and not sign in with one", async () => {
      const refused = await expectError(
        hub.request("PUT", "/api/user/password", {
          token: alice,
          json: { currentPassword: "anything at all", newPassword: FIRST },
        }),
        403,
        "FORBIDDEN",
      );
      assert.equal(
        refused.error,
        "you have no password yet; a hub administrator sets the first one ('gatehouse user set-password alice')",
      );
      await expectError(postSession(hub, "alice", "anything at all"), 401, "INVALID_CREDENTIALS");
    });

    it("lets an administrator set a user's password, which then signs in", async () => {
      const res = await expectStatus(
        hub.request("PUT", "/api/users/ALICE/password", {
          token: hub.adminToken,
          json: { password: FIRST },
        }),
        200,
      );
      assert.deepEqual(await res.json(), { user: "alice", endedSessions: 0 });
      await signIn(hub, "alice", FIRST);
      const events = await passwordEvents(hub, "alice");
      assert.equal(events.at(-1)?.by, "admin");
      assert.notEqual(events.at(-1)?.actor, aliceId);
    });

    it("refuses setting another's password to anyone but an administrator with the admin scope", async () => {
      const adminRead = await createToken(hub, hub.adminToken, { scopes: ["read", "write"] });
      const before = await auditCount(hub);
      const body = await expectError(
        hub.request("PUT", "/api/users/admin/password", {
          token: alice,
          json: { password: SECOND },
        }),
        403,
        "FORBIDDEN",
      );
      assert.equal(body.error, "only a hub administrator may set users' passwords");
      await expectError(
        hub.request("PUT", "/api/users/alice/password", {
          token: adminRead.token,
          json: { password: SECOND },
        }),
        403,
        "INSUFFICIENT_SCOPE",
      );
      await expectError(
        hub.request("PUT", "/api/users/alice/password", { json: { password: SECOND } }),
        401,
        "UNAUTHENTICATED",
      );
      assert.equal(await auditCount(hub), before);
      await signIn(hub, "admin", await adminPassword(hub));
    });

    it("answers an unknown user, or an organisation's name, as not found", async () => {
      for (const name of ["nobody", "acme"]) {
        if (name === "acme") {
          await expectStatus(
            hub.request("POST", "/api/orgs", { token: alice, json: { name } }),
            201,
          );
        }
        const body = await expectError(
          hub.request("PUT", `/api/users/${name}/password`, {
            token: hub.adminToken,
            json: { password: SECOND },
          }),
          404,
          "NOT_FOUND",
        );
        assert.equal(body.error, `user "${name}" does not exist`);
      }
    });

    for (const [what, password, message] of [
      [
        "too short",
        "short one",
        "is 9 characters long; use at least 12 (a few unrelated words make a long password that is easy to remember)",
      ],
      ["too long", "x".repeat(1025), "is 1025 characters long; use at most 1024"],
      ["only spaces", " ".repeat(16), "is only spaces; use letters, digits or words"],
    ] as const) {
      it(`refuses a new password that is ${what}, saying what to change, and keeps the old one`, async () => {
        const set = await expectError(
          hub.request("PUT", "/api/users/alice/password", {
            token: hub.adminToken,
            json: { password },
          }),
          400,
          "BAD_REQUEST",
        );
        assert.equal(set.error, `password ${message}`);
        const own = await expectError(
          hub.request("PUT", "/api/user/password", {
            token: alice,
            json: { currentPassword: FIRST, newPassword: password },
          }),
          400,
          "BAD_REQUEST",
        );
        assert.equal(own.error, `newPassword ${message}`);
        await signIn(hub, "alice", FIRST);
      });
    }

    it("refuses a wrong current password, 403 WRONG_PASSWORD, and keeps the password", async () => {
      const session = await signIn(hub, "alice", FIRST);
      const body = await expectError(
        hub.request("PUT", "/api/user/password", {
          json: { currentPassword: "not the password", newPassword: SECOND },
          headers: fromPage(session),
        }),
        403,
        "WRONG_PASSWORD",
      );
      assert.match(body.error, /^currentPassword is not your current password; type it again/);
      await signIn(hub, "alice", FIRST);
      // Refused, but still signed in: a typo must not cost the page its session.
      await expectStatus(
        hub.request("GET", "/api/session", { headers: { cookie: session.cookie } }),
        200,
      );
    });

    it("refuses a password change to a token restricted to one model, or without the write scope", async () => {
      await createModel(hub, alice, "alice/bert", "private");
      const restricted = await createToken(hub, alice, {
        scopes: ["read", "write"],
        model: "alice/bert",
      });
      const body = await expectError(
        hub.request("PUT", "/api/user/password", {
          token: restricted.token,
          json: { currentPassword: FIRST, newPassword: SECOND },
        }),
        403,
        "FORBIDDEN",
      );
      assert.match(body.error, /restricted to one model and may not change a password/);
      const readOnly = await createToken(hub, alice, { scopes: ["read"] });
      await expectError(
        hub.request("PUT", "/api/user/password", {
          token: readOnly.token,
          json: { currentPassword: FIRST, newPassword: SECOND },
        }),
        403,
        "INSUFFICIENT_SCOPE",
      );
      await signIn(hub, "alice", FIRST);
    });

    it("changes the password from a session: the old one stops working, the user's other sessions end and this one goes on", async () => {
      const here = await signIn(hub, "alice", FIRST);
      const elsewhere = await signIn(hub, "alice", FIRST);
      const admin = await signIn(hub, "admin", await adminPassword(hub));
      const res = await expectStatus(
        hub.request("PUT", "/api/user/password", {
          json: { currentPassword: FIRST, newPassword: SECOND },
          headers: fromPage(here),
        }),
        200,
      );
      const changed = (await res.json()) as { user: string; endedSessions: number };
      assert.equal(changed.user, "alice");
      assert.ok(changed.endedSessions >= 1, JSON.stringify(changed));
      await expectStatus(
        hub.request("GET", "/api/session", { headers: { cookie: here.cookie } }),
        200,
      );
      await expectError(
        hub.request("GET", "/api/session", { headers: { cookie: elsewhere.cookie } }),
        401,
        "INVALID_SESSION",
      );
      // Another user's session is not touched.
      await expectStatus(
        hub.request("GET", "/api/session", { headers: { cookie: admin.cookie } }),
        200,
      );
      await expectError(postSession(hub, "alice", FIRST), 401, "INVALID_CREDENTIALS");
      await signIn(hub, "alice", SECOND);
      // Tokens are not passwords: alice's keeps working.
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: alice }), 200);
      const last = (await passwordEvents(hub, "alice")).at(-1);
      assert.deepEqual(
        { ...last, endedSessions: undefined },
        {
          actor: aliceId,
          by: "self",
          endedSessions: undefined,
        },
      );
    });

    it("changes the password with a token, ending every session of the user", async () => {
      await signIn(hub, "alice", SECOND);
      const before = await sessionCount(hub);
      const res = await expectStatus(
        hub.request("PUT", "/api/user/password", {
          token: alice,
          json: { currentPassword: SECOND, newPassword: FIRST },
        }),
        200,
      );
      const changed = (await res.json()) as { endedSessions: number };
      const left = await hub.built.ctx.db
        .selectFrom("web_sessions")
        .select("id")
        .where("user_id", "=", aliceId)
        .execute();
      assert.deepEqual(left, []);
      assert.equal(await sessionCount(hub), before - changed.endedSessions);
    });

    it("ends the user's sessions when an administrator sets the password, but not the administrator's own", async () => {
      const aliceSession = await signIn(hub, "alice", FIRST);
      const adminSession = await signIn(hub, "admin", await adminPassword(hub));
      await expectStatus(
        hub.request("PUT", "/api/users/alice/password", {
          json: { password: SECOND },
          headers: fromPage(adminSession),
        }),
        200,
      );
      await expectError(
        hub.request("GET", "/api/session", { headers: { cookie: aliceSession.cookie } }),
        401,
        "INVALID_SESSION",
      );
      await expectStatus(
        hub.request("GET", "/api/session", { headers: { cookie: adminSession.cookie } }),
        200,
      );
    });

    it("keeps every password out of the audit log", async () => {
      const all = JSON.stringify(
        await hub.built.ctx.db.selectFrom("audit_events").selectAll().execute(),
      );
      for (const secret of [FIRST, SECOND, await adminPassword(hub)]) {
        assert.ok(!all.includes(secret), "the audit log holds a password");
      }
      assert.ok(!all.includes("scrypt$"), "the audit log holds a password hash");
    });
  });
}
