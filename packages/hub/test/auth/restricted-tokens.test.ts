import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import {
  auditCount,
  createModel,
  createToken,
  expectError,
  expectStatus,
} from "../security/support.js";

/**
 * A token restricted to one model acts on that model and nothing else: not on
 * organisations, not on its user's other tokens, not with its user's
 * administrator rights.
 */
for (const dialect of DIALECTS) {
  describe(`a token restricted to a model reaches nothing else (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    let restricted: { token: string; id: string };
    let adminRestricted: { token: string; id: string };

    /** Runs a refused request and checks it changed nothing. */
    const refused = async (
      method: string,
      url: string,
      token: string,
      status: number,
      code: string,
      message: string,
      json?: unknown,
    ): Promise<void> => {
      const before = await auditCount(hub);
      const body = await expectError(
        hub.request(method, url, { token, ...(json === undefined ? {} : { json }) }),
        status,
        code,
      );
      assert.equal(body.error, message);
      assert.equal(await auditCount(hub), before, "a refusal changed nothing");
    };

    before(async () => {
      hub = await startHub(dialect);
      alice = await hub.createUser("alice");
      await hub.createUser("bob");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: alice, json: { name: "acme" } }),
        201,
      );
      await createModel(hub, alice, "alice/one", "private");
      await createModel(hub, hub.adminToken, "admin/tool", "private");
      restricted = await createToken(hub, alice, {
        scopes: ["read", "write"],
        model: "alice/one",
      });
      adminRestricted = await createToken(hub, hub.adminToken, {
        scopes: ["read", "write", "admin"],
        model: "admin/tool",
      });
    });
    after(() => hub.close());

    it("may not create an organisation", async () => {
      await refused(
        "POST",
        "/api/orgs",
        restricted.token,
        403,
        "FORBIDDEN",
        "this token is restricted to one model and may not create organisations; use a token without --model",
        { name: "sneaky" },
      );
    });

    it("may not list an organisation's members", async () => {
      await refused(
        "GET",
        "/api/orgs/acme/members",
        restricted.token,
        403,
        "FORBIDDEN",
        'this token is restricted to one model and may not list the members of "acme"; use a token without --model',
      );
    });

    it("lists only itself and the tokens it created, not its user's other tokens", async () => {
      const child = await createToken(hub, restricted.token, { scopes: ["read"] });
      const res = await expectStatus(
        hub.request("GET", "/api/tokens", { token: restricted.token }),
        200,
      );
      const ids = ((await res.json()) as { tokens: { id: string }[] }).tokens.map((t) => t.id);
      assert.deepEqual(ids.sort(), [restricted.id, child.id].sort());
    });

    it("may not revoke its user's other tokens, answering as for a token that does not exist", async () => {
      const other = await createToken(hub, alice, { scopes: ["read"], name: "other" });
      await refused(
        "DELETE",
        `/api/tokens/${other.id}`,
        restricted.token,
        404,
        "NOT_FOUND",
        `token ${other.id} does not exist; 'gatehouse token list' shows yours`,
      );
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: other.token }), 200);
    });

    it("may revoke a token it created", async () => {
      const child = await createToken(hub, restricted.token, { scopes: ["read"] });
      await expectStatus(
        hub.request("DELETE", `/api/tokens/${child.id}`, { token: restricted.token }),
        200,
      );
      await expectError(
        hub.request("GET", "/api/whoami-v2", { token: child.token }),
        401,
        "INVALID_TOKEN",
      );
    });

    describe("an administrator's restricted token", () => {
      const refusal = (doing: string): string =>
        `this token is restricted to one model and may not ${doing}; use a token without --model`;

      it("may not create users", async () => {
        await refused(
          "POST",
          "/api/users",
          adminRestricted.token,
          403,
          "FORBIDDEN",
          refusal("create users"),
          { name: "mallory" },
        );
      });

      it("may not read or verify the audit log", async () => {
        await refused(
          "GET",
          "/api/audit?tail=5",
          adminRestricted.token,
          403,
          "FORBIDDEN",
          refusal("read the audit log"),
        );
        await refused(
          "GET",
          "/api/audit/verify",
          adminRestricted.token,
          403,
          "FORBIDDEN",
          refusal("verify the audit log"),
        );
      });

      it("may not list or create other users' tokens", async () => {
        await refused(
          "GET",
          "/api/tokens?user=bob",
          adminRestricted.token,
          403,
          "FORBIDDEN",
          refusal("list other users' tokens"),
        );
        await refused(
          "POST",
          "/api/tokens",
          adminRestricted.token,
          403,
          "FORBIDDEN",
          refusal("create tokens for other users"),
          { scopes: ["read"], user: "bob" },
        );
      });

      it("still acts on its own model", async () => {
        await expectStatus(
          hub.request("GET", "/api/models/admin/tool", { token: adminRestricted.token }),
          200,
        );
      });
    });

    it("stops listing a private model once its user lost the role there, as the model itself stops answering", async () => {
      const max = await hub.createUser("max");
      await expectStatus(
        hub.request("PUT", "/api/orgs/acme/members/max", {
          token: alice,
          json: { role: "maintainer" },
        }),
        200,
      );
      await createModel(hub, alice, "acme/secret", "private");
      const maxRestricted = await createToken(hub, max, { scopes: ["read"], model: "acme/secret" });
      const listed = async (): Promise<string[]> => {
        const res = await expectStatus(
          hub.request("GET", "/api/models", { token: maxRestricted.token }),
          200,
        );
        return ((await res.json()) as { id: string }[]).map((m) => m.id);
      };
      assert.deepEqual(await listed(), ["acme/secret"]);
      await expectStatus(
        hub.request("GET", "/api/models/acme/secret", { token: maxRestricted.token }),
        200,
      );

      await expectStatus(
        hub.request("DELETE", "/api/orgs/acme/members/max", { token: alice }),
        204,
      );
      assert.deepEqual(await listed(), []);
      await expectError(
        hub.request("GET", "/api/models/acme/secret", { token: maxRestricted.token }),
        404,
        "REPO_NOT_FOUND",
      );
    });
  });
}
