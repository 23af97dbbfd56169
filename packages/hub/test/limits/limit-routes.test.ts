import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  auditCount,
  createModel,
  createToken,
  expectError,
  expectStatus,
} from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";

interface ScopeLimits {
  scope: string;
  spec: Record<string, unknown> | null;
  setAt: string | null;
}

const SPEC = {
  requests: { perSecond: 10, perHour: 1000 },
  concurrency: 2,
  hours: {
    days: ["mon", "tue", "wed", "thu", "fri"],
    from: "08:00",
    to: "20:00",
    timeZone: "Asia/Shanghai",
  },
  functions: { endpoints: ["infer", "metadata"], maxBatch: 8, binaryTensors: false },
};

for (const dialect of DIALECTS) {
  describe(`setting usage limits (${dialect})`, () => {
    let hub: TestHub;
    let owner: string;
    let outsider: string;
    let outsiderTokenId: string;

    before(async () => {
      hub = await startHub(dialect);
      owner = await hub.createUser("olivia");
      outsider = await hub.createUser("oscar");
      outsiderTokenId = (await createToken(hub, outsider, { name: "second", scopes: ["read"] })).id;
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await createModel(hub, owner, "acme/open", "open");
      await createModel(hub, owner, "acme/secret", "private");
    });
    after(async () => {
      await hub.close();
    });

    it("sets, shows and lists the hub's defaults, with an audit event holding the limits", async () => {
      const before = await auditCount(hub);
      const set = (await (
        await expectStatus(
          hub.request("PUT", "/api/limits/default", { token: hub.adminToken, json: SPEC }),
          200,
        )
      ).json()) as ScopeLimits;
      assert.equal(set.scope, "default");
      assert.deepEqual(set.spec, SPEC);
      const shown = (await (
        await expectStatus(
          hub.request("GET", "/api/limits/default", { token: hub.adminToken }),
          200,
        )
      ).json()) as ScopeLimits;
      assert.deepEqual(shown.spec, SPEC);
      assert.equal(shown.setAt, set.setAt);
      assert.equal(await auditCount(hub), before + 1);
      const event = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "resource", "details"])
        .orderBy("seq", "desc")
        .executeTakeFirstOrThrow();
      assert.equal(event.action, "limits.set");
      assert.equal(event.resource, "hub:limits");
      assert.deepEqual(JSON.parse(event.details), { spec: SPEC });
      const listed = (await (
        await expectStatus(hub.request("GET", "/api/limits", { token: hub.adminToken }), 200)
      ).json()) as { scope: string }[];
      assert.deepEqual(
        listed.map((l) => l.scope),
        ["default"],
      );
    });

    it("names users, organisations and tokens by name and id, and refuses ones that do not exist", async () => {
      const user = (await (
        await expectStatus(
          hub.request("PUT", "/api/limits/users/OSCAR", {
            token: hub.adminToken,
            json: { concurrency: 1 },
          }),
          200,
        )
      ).json()) as ScopeLimits;
      assert.equal(user.scope, "user oscar");
      const org = (await (
        await expectStatus(
          hub.request("PUT", "/api/limits/orgs/acme", {
            token: hub.adminToken,
            json: { requests: { perDay: 5 } },
          }),
          200,
        )
      ).json()) as ScopeLimits;
      assert.equal(org.scope, "org acme");
      const token = (await (
        await expectStatus(
          hub.request("PUT", `/api/limits/tokens/${outsiderTokenId}`, {
            token: hub.adminToken,
            json: { functions: { endpoints: ["metadata"] } },
          }),
          200,
        )
      ).json()) as ScopeLimits;
      assert.equal(token.scope, `token ${outsiderTokenId}`);

      const noUser = await expectError(
        hub.request("PUT", "/api/limits/users/nobody", {
          token: hub.adminToken,
          json: { concurrency: 1 },
        }),
        404,
        "NOT_FOUND",
      );
      assert.equal(noUser.error, 'there is no user named "nobody"');
      const orgAsUser = await expectError(
        hub.request("PUT", "/api/limits/users/acme", {
          token: hub.adminToken,
          json: { concurrency: 1 },
        }),
        404,
        "NOT_FOUND",
      );
      assert.equal(orgAsUser.error, 'there is no user named "acme"');
      const noToken = await expectError(
        hub.request("GET", "/api/limits/tokens/tok_missing", { token: hub.adminToken }),
        404,
        "NOT_FOUND",
      );
      assert.match(noToken.error, /^there is no token with id "tok_missing"/);
    });

    it("refuses limits that cannot work, naming the field and what to write", async () => {
      const put = (json: unknown) =>
        hub.request("PUT", "/api/limits/default", { token: hub.adminToken, json });
      const cases: [unknown, RegExp][] = [
        [{ requests: { perSecond: 0 } }, /^body\/requests\/perSecond must be >= 1$/],
        [
          { requests: { perWeek: 3 } },
          /^body\/requests has an unknown field "perWeek"; remove it$/,
        ],
        [{ concurrency: 1.5 }, /^body\/concurrency must be integer$/],
        [{}, /^body must NOT have fewer than 1 properties$/],
        [{ timeZone: "Mars/Olympus" }, /^timeZone "Mars\/Olympus" is not an IANA time zone/],
        [
          { hours: { from: "09:00", to: "09:00", timeZone: "UTC" } },
          /^hours.from and hours.to are both 09:00, which leaves no time to call/,
        ],
        [
          { hours: { from: "9:00", to: "17:00", timeZone: "UTC" } },
          /^body\/hours\/from must match pattern/,
        ],
        [{ functions: { endpoints: ["train"] } }, /^body\/functions\/endpoints\/0 /],
      ];
      for (const [json, message] of cases) {
        const body = await expectError(put(json), 400, "BAD_REQUEST");
        assert.match(body.error, message, JSON.stringify(json));
      }
      const shown = (await (
        await expectStatus(
          hub.request("GET", "/api/limits/default", { token: hub.adminToken }),
          200,
        )
      ).json()) as ScopeLimits;
      assert.deepEqual(shown.spec, SPEC, "a refused spec leaves the one before");
    });

    it("lets a model's owners set its versions' limits, answers others as for a missing model, and keeps hub scopes to admins", async () => {
      await expectStatus(
        hub.request("PUT", "/api/models/acme/open/versions/v1/limits", {
          token: owner,
          json: { requests: { perMinute: 60 } },
        }),
        200,
      );
      const shown = (await (
        await expectStatus(
          hub.request("GET", "/api/models/acme/open/versions/v1/limits", { token: owner }),
          200,
        )
      ).json()) as ScopeLimits;
      assert.equal(shown.scope, "acme/open@v1");
      assert.deepEqual(shown.spec, { requests: { perMinute: 60 } });

      await expectError(
        hub.request("PUT", "/api/models/acme/open/versions/v1/limits", {
          token: outsider,
          json: { requests: { perMinute: 6000 } },
        }),
        403,
        "FORBIDDEN",
      );
      const hidden = await expectError(
        hub.request("GET", "/api/models/acme/secret/versions/v1/limits", { token: outsider }),
        404,
        "REPO_NOT_FOUND",
      );
      const missing = await expectError(
        hub.request("GET", "/api/models/acme/nothing/versions/v1/limits", { token: outsider }),
        404,
        "REPO_NOT_FOUND",
      );
      assert.equal(hidden.error.replace("secret", "X"), missing.error.replace("nothing", "X"));

      for (const url of [
        "/api/limits/default",
        "/api/limits/users/oscar",
        "/api/limits/orgs/acme",
        "/api/limits",
      ]) {
        await expectError(hub.request("GET", url, { token: owner }), 403, "FORBIDDEN");
        await expectError(hub.request("GET", url), 401, "UNAUTHENTICATED");
      }
      await expectError(
        hub.request("PUT", "/api/limits/users/oscar", {
          token: outsider,
          json: { concurrency: 99 },
        }),
        403,
        "FORBIDDEN",
      );
    });

    it("removes a scope's limits once, then answers that none are set", async () => {
      await expectStatus(
        hub.request("DELETE", "/api/limits/orgs/acme", { token: hub.adminToken }),
        204,
      );
      const event = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action"])
        .orderBy("seq", "desc")
        .executeTakeFirstOrThrow();
      assert.equal(event.action, "limits.clear");
      const again = await expectError(
        hub.request("DELETE", "/api/limits/orgs/acme", { token: hub.adminToken }),
        404,
        "NOT_FOUND",
      );
      assert.equal(again.error, "no limits are set for org acme");
      const shown = (await (
        await expectStatus(
          hub.request("GET", "/api/limits/orgs/acme", { token: hub.adminToken }),
          200,
        )
      ).json()) as ScopeLimits;
      assert.deepEqual(shown, { scope: "org acme", spec: null, setAt: null, policy: null });
    });
  });
}
