import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createToken, expectError, expectStatus } from "../security/support.js";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "../serve/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";

const INFER = "/v2/models/acme--iris/versions/v1/infer";
const OTHER_INFER = "/v2/models/acme--petals/versions/v1/infer";
const METADATA = "/v2/models/acme--iris/versions/v1";

for (const dialect of DIALECTS) {
  describe(`usage limits on hosted inference calls (${dialect})`, () => {
    let hub: TestHub;
    let clock: ManualClock;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    let owner: string;
    let carl: string;
    let dana: string;
    const call = (token: string, rows = IRIS_ROWS.slice(0, 1), url = INFER) =>
      hub.request("POST", url, { token, json: irisRequest(rows) });
    const setLimits = async (url: string, json: unknown, token = hub.adminToken) => {
      await expectStatus(hub.request("PUT", url, { token, json }), 200);
    };
    const clear = async (url: string, token = hub.adminToken) => {
      await expectStatus(hub.request("DELETE", url, { token }), 204);
    };

    before(async () => {
      // Wednesday 2026-12-02 10:00:30 UTC: 18:00 in Shanghai, 30 s into a minute.
      clock = new ManualClock("2026-12-02T10:00:30.000Z");
      iris = await trainIris();
      hub = await startHub(dialect, {}, { clock });
      owner = await hub.createUser("olivia");
      carl = await hub.createUser("carl", ["read"]);
      dana = await hub.createUser("dana", ["read"]);
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
      await publishAt(hub, owner, "acme/petals", "api", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "acme/iris", "v1");
      await enable(hub, owner, "acme/petals", "v1");
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
    });

    it("counts a version's quota for each caller apart, says what is left, and refuses the call past it with 429 and when to retry", async () => {
      await setLimits(
        "/api/models/acme/iris/versions/v1/limits",
        { requests: { perMinute: 3 } },
        owner,
      );
      const remaining: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const res = await expectStatus(call(carl), 200);
        assert.equal(res.headers.get("ratelimit-policy"), '"version-per-minute";q=3;w=60');
        remaining.push(res.headers.get("ratelimit") ?? "");
      }
      assert.deepEqual(remaining, [
        '"version-per-minute";r=2;t=30',
        '"version-per-minute";r=1;t=30',
        '"version-per-minute";r=0;t=30',
      ]);
      const refused = await call(carl);
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get("retry-after"), "30");
      assert.equal(refused.headers.get("ratelimit"), '"version-per-minute";r=0;t=30');
      const body = (await refused.json()) as { error: string; code: string; details: unknown };
      assert.equal(body.code, "QUOTA_EXCEEDED");
      assert.equal(
        body.error,
        "acme/iris@v1: the usage limit version-per-minute is spent; try again in 30 s",
      );
      await expectStatus(call(dana), 200);
      await expectStatus(call(carl, undefined, OTHER_INFER), 200);

      // Refused calls counted nowhere: the next minute gives all three back.
      clock.advance(30);
      for (let i = 0; i < 3; i += 1) {
        await expectStatus(call(carl), 200);
      }
      await expectError(call(carl), 429, "QUOTA_EXCEEDED");
      await clear("/api/models/acme/iris/versions/v1/limits", owner);
      await expectStatus(call(carl), 200);
    });

    it("counts a user's calls to every version together, and a token's apart from the user's other tokens", async () => {
      clock.advance(60);
      await setLimits("/api/limits/users/carl", { requests: { perMinute: 2 } });
      await expectStatus(call(carl), 200);
      await expectStatus(call(carl, undefined, OTHER_INFER), 200);
      const spent = await expectError(call(carl, undefined, OTHER_INFER), 429, "QUOTA_EXCEEDED");
      assert.match(spent.error, /the usage limit user-per-minute is spent/);
      await clear("/api/limits/users/carl");

      const second = await createToken(hub, dana, { name: "batch job", scopes: ["read"] });
      await setLimits(`/api/limits/tokens/${second.id}`, { requests: { perHour: 1 } });
      await expectStatus(call(second.token), 200);
      const tokenSpent = await call(second.token);
      assert.equal(tokenSpent.status, 429);
      assert.equal(tokenSpent.headers.get("ratelimit-policy"), '"token-per-hour";q=1;w=3600');
      await expectStatus(call(dana), 200);
    });

    it("keeps counting a rotated token's calls against the quota its first secret spent", async () => {
      const service = await createToken(hub, owner, { name: "service", scopes: ["read", "write"] });
      await setLimits(`/api/limits/tokens/${service.id}`, { requests: { perDay: 2 } });
      await expectStatus(call(service.token), 200);
      const rotated = (await (
        await expectStatus(
          hub.request("POST", `/api/tokens/${service.id}/rotate`, { token: service.token }),
          201,
        )
      ).json()) as { token: string };
      await expectStatus(call(rotated.token), 200);
      const spent = await expectError(call(rotated.token), 429, "QUOTA_EXCEEDED");
      assert.match(spent.error, /the usage limit token-per-day is spent/);
      await expectError(call(service.token), 429, "QUOTA_EXCEEDED");
    });

    it("counts an organisation's members together", async () => {
      clock.advance(60);
      for (const member of ["carl", "dana"]) {
        await expectStatus(
          hub.request("PUT", `/api/orgs/acme/members/${member}`, {
            token: owner,
            json: { role: "member" },
          }),
          200,
        );
      }
      await setLimits("/api/limits/orgs/acme", { requests: { perMinute: 3 } });
      await expectStatus(call(carl), 200);
      await expectStatus(call(dana), 200);
      await expectStatus(call(owner), 200);
      await expectError(call(dana), 429, "QUOTA_EXCEEDED");
      await clear("/api/limits/orgs/acme");
    });

    it("refuses a call outside a version's hours with 403 naming the rule, metadata too, and admits it inside", async () => {
      await setLimits(
        "/api/models/acme/iris/versions/v1/limits",
        {
          hours: {
            days: ["mon", "tue", "wed", "thu", "fri"],
            from: "08:00",
            to: "20:00",
            timeZone: "Asia/Shanghai",
          },
        },
        owner,
      );
      clock.advance(2 * 3600); // 20:03 in Shanghai
      const late = await expectError(call(carl), 403, "USAGE_NOT_ALLOWED");
      assert.equal(
        late.error,
        "the limits of acme/iris@v1 refuse this call: calls are allowed mon, tue, wed, thu, fri from 08:00 to 20:00 Asia/Shanghai, and it is wed 20:03 there",
      );
      await expectError(hub.request("GET", METADATA, { token: carl }), 403, "USAGE_NOT_ALLOWED");
      clock.advance(12 * 3600); // Thursday 08:03 in Shanghai
      await expectStatus(call(carl), 200);
      await clear("/api/models/acme/iris/versions/v1/limits", owner);
    });

    it("keeps a token to the endpoints and batch sizes its function rules allow", async () => {
      const reader = await createToken(hub, carl, { name: "metadata only", scopes: ["read"] });
      await setLimits(`/api/limits/tokens/${reader.id}`, {
        functions: { endpoints: ["metadata"] },
      });
      await expectStatus(hub.request("GET", METADATA, { token: reader.token }), 200);
      const refused = await expectError(call(reader.token), 403, "USAGE_NOT_ALLOWED");
      assert.equal(
        refused.error,
        "your token's limits refuse this call: only the endpoints metadata may be called, not infer",
      );

      await setLimits("/api/limits/default", { functions: { maxBatch: 2 } });
      await expectStatus(call(dana, IRIS_ROWS.slice(0, 2)), 200);
      const big = await expectError(call(dana, IRIS_ROWS), 403, "USAGE_NOT_ALLOWED");
      assert.equal(
        big.error,
        "the hub's default limits refuse this call: a call may carry at most 2 rows, and this one carries 4",
      );
      await clear("/api/limits/default");
    });

    it("charges each call's model time to a compute quota, and refuses calls once a second of it is spent", async () => {
      await setLimits(
        "/api/models/acme/petals/versions/v1/limits",
        { computeSeconds: { perDay: 1 } },
        owner,
      );
      let admitted = 0;
      let refusal: Response | null = null;
      // Eight callers at once until the quota is spent: each Iris call takes well under a millisecond of
      // model time, so a second of it admits hundreds of calls and the loop ends long before its bound.
      for (let round = 0; round < 5000 && refusal === null; round += 1) {
        const answers = await Promise.all(
          Array.from({ length: 8 }, () => call(dana, IRIS_ROWS, OTHER_INFER)),
        );
        for (const answer of answers) {
          if (answer.status === 200) {
            admitted += 1;
            await answer.arrayBuffer();
          } else {
            refusal ??= answer;
          }
        }
      }
      assert.ok(refusal !== null, "the compute quota was never spent");
      assert.ok(admitted > 8, `only ${admitted} calls were admitted before the refusal`);
      const body = (await refusal.json()) as { code: string; error: string };
      assert.equal(body.code, "QUOTA_EXCEEDED");
      assert.match(body.error, /the usage limit version-compute-per-day is spent/);
      assert.equal(
        refusal.headers.get("ratelimit-policy"),
        null,
        "compute windows are not request counts",
      );
      await expectStatus(call(carl, IRIS_ROWS, OTHER_INFER), 200);
      await clear("/api/models/acme/petals/versions/v1/limits", owner);
    });

    it("answers a caller who may not see a model as for a missing one, whatever its limits", async () => {
      await publishAt(hub, owner, "acme/secret", "private", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "acme/secret", "v1");
      await setLimits(
        "/api/models/acme/secret/versions/v1/limits",
        { requests: { perMinute: 1 } },
        owner,
      );
      const hidden = await expectError(
        hub.request("POST", "/v2/models/acme--secret/versions/v1/infer", {
          token: carl,
          json: irisRequest(IRIS_ROWS.slice(0, 1)),
        }),
        404,
        "NOT_FOUND",
      );
      assert.equal(hidden.error, "Model with name acme--secret and version v1 does not exist.");
    });
  });
}

describe("usage limits when the limit store cannot be reached", () => {
  let hub: TestHub;
  let iris: Awaited<ReturnType<typeof trainIris>>;
  let owner: string;

  before(async () => {
    iris = await trainIris();
    // A port nothing listens on: every Redis command fails at once.
    hub = await startHub("sqlite", { REDIS_URL: "redis://127.0.0.1:9/0" });
    owner = await hub.createUser("olivia");
    await publishAt(hub, owner, "olivia/iris", "api", "v1", { "model.onnx": iris.bytes });
    await enable(hub, owner, "olivia/iris", "v1");
  });
  after(async () => {
    await hub.close();
    await iris.cleanup();
  });

  it("refuses counted calls with 503 by default, and answers calls that no quota counts", async () => {
    const url = "/v2/models/olivia--iris/versions/v1/infer";
    await expectStatus(
      hub.request("POST", url, { token: owner, json: irisRequest(IRIS_ROWS) }),
      200,
    );
    await expectStatus(
      hub.request("PUT", "/api/models/olivia/iris/versions/v1/limits", {
        token: owner,
        json: { requests: { perMinute: 100 } },
      }),
      200,
    );
    const down = await hub.request("POST", url, { token: owner, json: irisRequest(IRIS_ROWS) });
    assert.equal(down.status, 503);
    assert.equal(down.headers.get("retry-after"), "1");
    const body = (await down.json()) as { code: string; error: string };
    assert.equal(body.code, "UNAVAILABLE");
    assert.match(body.error, /usage limits cannot be checked/);
  });
});
