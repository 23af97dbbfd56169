import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import {
  auditCount,
  createDraft,
  createModel,
  createToken,
  expectError,
  expectStatus,
} from "../security/support.js";

for (const dialect of DIALECTS) {
  describe(`API tokens (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    before(async () => {
      hub = await startHub(dialect);
      alice = await hub.createUser("alice");
      await hub.createUser("bob");
      await createModel(hub, alice, "alice/one", "private");
      await createModel(hub, alice, "alice/two", "private");
      await createDraft(hub, alice, "alice/one", "d1");
      await createDraft(hub, alice, "alice/two", "d1");
    });
    after(() => hub.close());

    it("creates secrets that start with hf_gth_ and carry 32 random bytes", async () => {
      const a = await createToken(hub, alice, { scopes: ["read"] });
      const b = await createToken(hub, alice, { scopes: ["read"] });
      assert.match(a.token, /^hf_gth_[0-9A-Za-z]{43}$/);
      assert.notEqual(a.token, b.token);
    });

    it("stores a token only as its sha256: no column of any token row holds the secret", async () => {
      const { token, id } = await createToken(hub, alice, { scopes: ["read"], name: "stored" });
      const rows = await hub.built.ctx.db.selectFrom("tokens").selectAll().execute();
      const row = rows.find((r) => r.id === id);
      assert.ok(row !== undefined);
      assert.equal(row.token_hash, createHash("sha256").update(token).digest("hex"));
      const secretBody = token.slice("hf_gth_".length);
      for (const r of rows) {
        for (const value of Object.values(r)) {
          assert.ok(!String(value).includes(secretBody), `a tokens column holds the secret`);
        }
      }
      const events = await hub.built.ctx.db.selectFrom("audit_events").selectAll().execute();
      assert.ok(!JSON.stringify(events).includes(secretBody), "the audit log holds the secret");
      const listed = await expectStatus(hub.request("GET", "/api/tokens", { token: alice }), 200);
      assert.ok(!(await listed.text()).includes(secretBody), "GET /api/tokens shows the secret");
    });

    it("refuses an expired token with 401 and says that it expired", async () => {
      const { token, id } = await createToken(hub, alice, { scopes: ["read"], expiresIn: "30d" });
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token }), 200);
      await hub.built.ctx.db
        .updateTable("tokens")
        .set({ expires_at: "2020-01-01T00:00:00.000Z" })
        .where("id", "=", id)
        .execute();
      const body = await expectError(
        hub.request("GET", "/api/whoami-v2", { token }),
        401,
        "INVALID_TOKEN",
      );
      assert.match(body.error, /expired/);
      assert.match(body.error, /create a new one/);
    });

    it("refuses a revoked token with 401 and says that it was revoked", async () => {
      const { token, id } = await createToken(hub, alice, { scopes: ["read", "write"] });
      await expectStatus(hub.request("GET", "/api/models/alice/one", { token }), 200);
      await expectStatus(hub.request("DELETE", `/api/tokens/${id}`, { token: alice }), 200);
      const body = await expectError(
        hub.request("GET", "/api/models/alice/one", { token }),
        401,
        "INVALID_TOKEN",
      );
      assert.match(body.error, /revoked/);
    });

    it("refuses an unknown token instead of treating the caller as anonymous", async () => {
      await createModel(hub, alice, "alice/public", "open");
      const body = await expectError(
        hub.request("GET", "/api/models/alice/public", { token: `hf_gth_${"0".repeat(43)}` }),
        401,
        "INVALID_TOKEN",
      );
      assert.match(body.error, /unknown token/);
    });

    it("lets a token restricted to one model act on it but not on another of the same owner", async () => {
      const { token } = await createToken(hub, alice, {
        scopes: ["read", "write"],
        model: "alice/one",
      });
      await expectStatus(
        hub.request("PUT", "/api/models/alice/one/versions/d1/files/ok.txt", { token, body: "x" }),
        201,
      );
      await expectStatus(hub.request("GET", "/alice/one/resolve/v1/file", { token }), 200);
      const before = await auditCount(hub);
      await expectError(
        hub.request("PUT", "/api/models/alice/two/versions/d1/files/no.txt", { token, body: "x" }),
        404,
        "REPO_NOT_FOUND",
      );
      await expectError(
        hub.request("GET", "/alice/two/resolve/v1/file", { token }),
        404,
        "REPO_NOT_FOUND",
      );
      await expectError(
        hub.request("POST", "/api/models", { token, json: { id: "alice/three" } }),
        403,
        "FORBIDDEN",
      );
      assert.equal(await auditCount(hub), before);
    });

    it("refuses to let a token restricted to a model manage an org's members, saying why", async () => {
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: alice, json: { name: "alicorp" } }),
        201,
      );
      const { token } = await createToken(hub, alice, {
        scopes: ["read", "write"],
        model: "alice/one",
      });
      const body = await expectError(
        hub.request("PUT", "/api/orgs/alicorp/members/bob", { token, json: { role: "member" } }),
        403,
        "FORBIDDEN",
      );
      assert.match(body.error, /restricted to one model/);
      await expectStatus(
        hub.request("PUT", "/api/orgs/alicorp/members/bob", {
          token: alice,
          json: { role: "member" },
        }),
        200,
      );
    });

    it("keeps a token made by a restricted token restricted to the same model", async () => {
      const { token } = await createToken(hub, alice, {
        scopes: ["read", "write"],
        model: "alice/one",
      });
      const child = await expectStatus(
        hub.request("POST", "/api/tokens", { token, json: { scopes: ["read"] } }),
        201,
      );
      assert.equal(((await child.json()) as { model: string | null }).model, "alice/one");
      const body = await expectError(
        hub.request("POST", "/api/tokens", {
          token,
          json: { scopes: ["read"], model: "alice/two" },
        }),
        404,
        "NOT_FOUND",
      );
      assert.match(body.error, /alice\/two/);
    });

    it("refuses a write with a read-only token (403 INSUFFICIENT_SCOPE) and stores nothing", async () => {
      const { token } = await createToken(hub, alice, { scopes: ["read"] });
      const before = await auditCount(hub);
      for (const [method, path, init] of [
        ["PUT", "/api/models/alice/one/versions/d1/files/r.txt", { body: "x" }],
        ["POST", "/api/models/alice/one/versions", { json: { name: "v9" } }],
        ["POST", "/api/models/alice/one/versions/d1/publish", {}],
        ["DELETE", "/api/models/alice/one", {}],
        ["POST", "/api/models", { json: { id: "alice/new" } }],
        ["POST", "/api/orgs", { json: { name: "neworg" } }],
      ] as const) {
        const body = await expectError(
          hub.request(method, path, { token, ...init }),
          403,
          "INSUFFICIENT_SCOPE",
        );
        assert.match(body.error, /write/, `${method} ${path}`);
      }
      assert.equal(await auditCount(hub), before);
    });

    it("refuses to let a read token create a write token", async () => {
      const { token } = await createToken(hub, alice, { scopes: ["read"] });
      const body = await expectError(
        hub.request("POST", "/api/tokens", { token, json: { scopes: ["read", "write"] } }),
        403,
        "INSUFFICIENT_SCOPE",
      );
      assert.match(body.error, /'write' scope/);
    });

    it("refuses to let a user who is not an administrator create an admin token", async () => {
      const body = await expectError(
        hub.request("POST", "/api/tokens", { token: alice, json: { scopes: ["admin"] } }),
        403,
        "INSUFFICIENT_SCOPE",
      );
      assert.match(body.error, /admin/);
    });

    it("refuses to let a user who is not an administrator create or list tokens for someone else", async () => {
      const before = await auditCount(hub);
      const create = await expectError(
        hub.request("POST", "/api/tokens", {
          token: alice,
          json: { scopes: ["read"], user: "bob" },
        }),
        403,
        "FORBIDDEN",
      );
      assert.equal(create.error, "only a hub administrator may create tokens for other users");
      const list = await expectError(
        hub.request("GET", "/api/tokens?user=bob", { token: alice }),
        403,
        "FORBIDDEN",
      );
      assert.equal(list.error, "only a hub administrator may list other users' tokens");
      assert.equal(await auditCount(hub), before);
    });

    it("refuses to let a user revoke someone else's token, answering as if it did not exist", async () => {
      const bobs = await createToken(hub, hub.adminToken, { scopes: ["read"], user: "bob" });
      await expectError(
        hub.request("DELETE", `/api/tokens/${bobs.id}`, { token: alice }),
        404,
        "NOT_FOUND",
      );
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: bobs.token }), 200);
    });

    it("lets an administrator create a token for another user", async () => {
      const made = await createToken(hub, hub.adminToken, { scopes: ["read"], user: "bob" });
      const who = await expectStatus(
        hub.request("GET", "/api/whoami-v2", { token: made.token }),
        200,
      );
      assert.equal(((await who.json()) as { name: string }).name, "bob");
    });

    it("refuses an expiry in the past when creating a token", async () => {
      const body = await expectError(
        hub.request("POST", "/api/tokens", {
          token: alice,
          json: { scopes: ["read"], expiresAt: "2001-01-01T00:00:00Z" },
        }),
        400,
        "BAD_REQUEST",
      );
      assert.match(body.error, /past/);
    });

    it("refuses an expiry the date-time format allows but no clock shows (a leap second), naming the field", async () => {
      const before = await auditCount(hub);
      const body = await expectError(
        hub.request("POST", "/api/tokens", {
          token: alice,
          json: { scopes: ["read"], expiresAt: "9999-12-31T23:59:60Z" },
        }),
        400,
        "BAD_REQUEST",
      );
      assert.equal(
        body.error,
        'body/expiresAt "9999-12-31T23:59:60Z" is not a time this hub can store; give one such as 2027-01-31T00:00:00Z',
      );
      assert.equal(await auditCount(hub), before);
    });
  });
}
