import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import {
  auditCount,
  createModel,
  createToken,
  expectError,
  expectStatus,
} from "../security/support.js";

interface Listed {
  readonly id: string;
  readonly scopes: string[];
  readonly model: string | null;
  readonly parent: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

const HOUR = 3_600_000;

for (const dialect of DIALECTS) {
  describe(`a token creates tokens only within its own bounds (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    const clock = new ManualClock("2026-06-01T12:00:00.000Z");

    const listed = async (token: string, id: string): Promise<Listed> => {
      const res = await expectStatus(hub.request("GET", "/api/tokens", { token }), 200);
      const found = ((await res.json()) as { tokens: Listed[] }).tokens.find((t) => t.id === id);
      return found ?? assert.fail(`token ${id} is not listed`);
    };

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      alice = await hub.createUser("alice");
      await createModel(hub, alice, "alice/one", "private");
      await createModel(hub, alice, "alice/two", "private");
      await createModel(hub, alice, "alice/open", "open");
    });
    after(() => hub.close());

    it("gives a token made without an expiry the expiry of the token that made it", async () => {
      const hourly = await createToken(hub, alice, { scopes: ["read", "write"], expiresIn: "1h" });
      const child = await createToken(hub, hourly.token, { scopes: ["read"] });
      const expected = new Date(clock.now().getTime() + HOUR).toISOString();
      assert.equal((await listed(alice, child.id)).expiresAt, expected);
      assert.equal((await listed(alice, child.id)).parent, hourly.id);
      clock.advance(HOUR / 1000);
      for (const token of [hourly.token, child.token]) {
        const body = await expectError(
          hub.request("GET", "/api/whoami-v2", { token }),
          401,
          "INVALID_TOKEN",
        );
        assert.match(body.error, /expired/);
      }
    });

    it("refuses a child that would outlive its parent, naming the parent's expiry, and stores nothing", async () => {
      const hourly = await createToken(hub, alice, { scopes: ["read", "write"], expiresIn: "1h" });
      const ends = new Date(clock.now().getTime() + HOUR).toISOString();
      for (const later of [{ expiresIn: "2d" }, { expiresAt: "2030-01-01T00:00:00Z" }]) {
        const before = await auditCount(hub);
        const body = await expectError(
          hub.request("POST", "/api/tokens", {
            token: hourly.token,
            json: { scopes: ["read"], ...later },
          }),
          400,
          "BAD_REQUEST",
        );
        assert.equal(
          body.error,
          `this token expires at ${ends}, and the tokens it creates may not outlive it; give an earlier expiry or none`,
        );
        assert.equal(await auditCount(hub), before);
      }
      const shorter = await createToken(hub, hourly.token, { scopes: ["read"], expiresIn: "30m" });
      assert.equal(
        (await listed(alice, shorter.id)).expiresAt,
        new Date(clock.now().getTime() + HOUR / 2).toISOString(),
      );
    });

    it("refuses a scope the creating token lacks", async () => {
      const reader = await createToken(hub, alice, { scopes: ["read"] });
      const body = await expectError(
        hub.request("POST", "/api/tokens", {
          token: reader.token,
          json: { scopes: ["read", "write"] },
        }),
        403,
        "INSUFFICIENT_SCOPE",
      );
      assert.equal(
        body.error,
        "your token lacks the 'write' scope, so it cannot create a token that has it",
      );
    });

    it("keeps the model restriction: a restricted token's children are restricted to its model, and to no other", async () => {
      const restricted = await createToken(hub, alice, {
        scopes: ["read", "write"],
        model: "alice/one",
      });
      const child = await createToken(hub, restricted.token, { scopes: ["read"] });
      assert.equal((await listed(alice, child.id)).model, "alice/one");
      await expectStatus(hub.request("GET", "/api/models/alice/one", { token: child.token }), 200);
      await expectError(
        hub.request("GET", "/api/models/alice/two", { token: child.token }),
        404,
        "REPO_NOT_FOUND",
      );
      // A model it may not see is one that does not exist; one it sees is still another model.
      const hidden = await expectError(
        hub.request("POST", "/api/tokens", {
          token: restricted.token,
          json: { scopes: ["read"], model: "alice/two" },
        }),
        404,
        "NOT_FOUND",
      );
      assert.equal(hidden.error, 'model "alice/two" does not exist');
      const body = await expectError(
        hub.request("POST", "/api/tokens", {
          token: restricted.token,
          json: { scopes: ["read"], model: "alice/open" },
        }),
        403,
        "FORBIDDEN",
      );
      assert.equal(body.error, "a token restricted to one model cannot create tokens for another");
    });

    it("revokes every token created from a revoked token, down the generations, and only those", async () => {
      const root = await createToken(hub, alice, { scopes: ["read", "write"], name: "root" });
      const child = await createToken(hub, root.token, { scopes: ["read", "write"] });
      const grandchild = await createToken(hub, child.token, { scopes: ["read"] });
      const sibling = await createToken(hub, alice, { scopes: ["read"], name: "sibling" });
      const before = await auditCount(hub);

      const res = await expectStatus(
        hub.request("DELETE", `/api/tokens/${root.id}`, { token: alice }),
        200,
      );
      const answer = (await res.json()) as { id: string; revokedAt: string; alsoRevoked: string[] };
      assert.equal(answer.id, root.id);
      assert.deepEqual([...answer.alsoRevoked].sort(), [child.id, grandchild.id].sort());

      for (const token of [root.token, child.token, grandchild.token]) {
        const body = await expectError(
          hub.request("GET", "/api/whoami-v2", { token }),
          401,
          "INVALID_TOKEN",
        );
        assert.match(body.error, /was revoked/);
      }
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: sibling.token }), 200);
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: alice }), 200);

      const events = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "resource", "details"])
        .where("seq", ">", before)
        .orderBy("seq")
        .execute();
      assert.deepEqual(
        events.map((e) => [
          e.action,
          e.resource,
          (JSON.parse(e.details) as { with?: string }).with,
        ]),
        [
          ["token.revoke", `token:${root.id}`, undefined],
          ["token.revoke", `token:${child.id}`, root.id],
          ["token.revoke", `token:${grandchild.id}`, root.id],
        ],
      );
    });

    it("leaves the parent and siblings alone when a child is revoked, and revokes nothing twice", async () => {
      const parent = await createToken(hub, alice, { scopes: ["read", "write"] });
      const first = await createToken(hub, parent.token, { scopes: ["read", "write"] });
      const second = await createToken(hub, parent.token, { scopes: ["read"] });
      await expectStatus(hub.request("DELETE", `/api/tokens/${first.id}`, { token: alice }), 200);
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: parent.token }), 200);
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: second.token }), 200);
      const before = await auditCount(hub);
      const again = await expectStatus(
        hub.request("DELETE", `/api/tokens/${parent.id}`, { token: alice }),
        200,
      );
      assert.deepEqual(((await again.json()) as { alsoRevoked: string[] }).alsoRevoked, [
        second.id,
      ]);
      assert.equal(await auditCount(hub), before + 2, "one event for the parent, one for second");
    });

    it("revokes the tokens an administrator's token made for other users with it", async () => {
      await hub.createUser("bob");
      const delegate = await createToken(hub, hub.adminToken, {
        scopes: ["read", "write", "admin"],
        name: "provisioning",
      });
      const bobs = await createToken(hub, delegate.token, { scopes: ["read"], user: "bob" });
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: bobs.token }), 200);
      await expectStatus(
        hub.request("DELETE", `/api/tokens/${delegate.id}`, { token: hub.adminToken }),
        200,
      );
      await expectError(
        hub.request("GET", "/api/whoami-v2", { token: bobs.token }),
        401,
        "INVALID_TOKEN",
      );
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: hub.adminToken }), 200);
    });
  });
}
