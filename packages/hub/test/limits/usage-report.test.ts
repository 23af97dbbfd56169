import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createModel, expectStatus } from "../security/support.js";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "../serve/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { byLabel, report, settleUsage } from "./usage-support.js";

const IRIS = "/v2/models/acme--iris/versions/v1";

for (const dialect of DIALECTS) {
  describe(`GET /api/usage (${dialect})`, () => {
    let hub: TestHub;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    let owner: string;
    let carl: string;
    let dora: string;
    let eve: string;
    let calls = 0;

    const call = async (url: string, token: string | undefined, json: unknown) => {
      calls += 1;
      const res = await hub.request("POST", url, {
        ...(token === undefined ? {} : { token }),
        json,
      });
      await res.arrayBuffer();
      return res.status;
    };

    before(async () => {
      iris = await trainIris();
      hub = await startHub(dialect);
      owner = await hub.createUser("olivia");
      carl = await hub.createUser("carl");
      dora = await hub.createUser("dora");
      eve = await hub.createUser("eve");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "acme/iris", "v1");
      await createModel(hub, dora, "dora/secret", "private");

      const good = irisRequest(IRIS_ROWS.slice(0, 3));
      const bad = {
        inputs: [{ name: "nope", shape: [1, 4], datatype: "FP32", data: [1, 2, 3, 4] }],
      };
      assert.equal(await call(`${IRIS}/infer`, carl, good), 200);
      assert.equal(await call(`${IRIS}/infer`, carl, good), 200);
      assert.equal(await call(`${IRIS}/infer`, carl, bad), 400);
      assert.equal(await call("/v2/models/dora--secret/infer", carl, good), 404);
      assert.equal(await call(`${IRIS}/infer`, dora, good), 200);
      assert.equal(await call(`${IRIS}/infer`, undefined, good), 401);
      await settleUsage(hub, calls);
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
    });

    it("shows an administrator every call, by user and by model", async () => {
      const users = await report(hub, "?by=user", hub.adminToken);
      assert.equal(users.status, 200);
      assert.equal(users.body.period, "hour");
      assert.deepEqual(byLabel(users.body.rows), {
        carl: { requests: 4, errors: 2, rows: 3 + 3 + 1 + 3 },
        dora: { requests: 1, errors: 0, rows: 3 },
        null: { requests: 1, errors: 1, rows: 3 },
      });
      const models = await report(hub, "?by=model", hub.adminToken);
      assert.deepEqual(byLabel(models.body.rows), {
        "acme/iris@v1": { requests: 4, errors: 1, rows: 3 + 3 + 1 + 3 },
        null: { requests: 2, errors: 2, rows: 6 },
      });
      const orgs = await report(hub, "?by=org&since=1d", hub.adminToken);
      assert.deepEqual(byLabel(orgs.body.rows), {
        acme: { requests: 4, errors: 1, rows: 10 },
        null: { requests: 2, errors: 2, rows: 6 },
      });
      const row = models.body.rows.find((r) => r.label === "acme/iris@v1");
      assert.ok(row);
      assert.ok(row.latencyAvgMs >= 0 && row.latencyMaxMs >= row.latencyAvgMs - 1);
    });

    it("shows the model's owners the calls to their models, and no one else's", async () => {
      const users = await report(hub, "?by=user", owner);
      assert.equal(users.status, 200);
      assert.deepEqual(byLabel(users.body.rows), {
        carl: { requests: 3, errors: 1, rows: 7 },
        dora: { requests: 1, errors: 0, rows: 3 },
      });
      // Other people's token names are theirs: the owner sees ids only.
      const tokens = await report(hub, "?by=token", owner);
      assert.equal(tokens.body.rows.length, 2);
      assert.ok(tokens.body.rows.every((r) => r.key !== null && r.label === null));
    });

    it("shows a caller their own calls only, their refused ones included", async () => {
      const models = await report(hub, "?by=model", carl);
      assert.deepEqual(byLabel(models.body.rows), {
        "acme/iris@v1": { requests: 3, errors: 1, rows: 7 },
        null: { requests: 1, errors: 1, rows: 3 },
      });
      const tokens = await report(hub, "?by=token", carl);
      assert.equal(tokens.body.rows.length, 1);
      assert.equal(typeof tokens.body.rows[0]?.label, "string");
      const one = await report(hub, "?by=user&model=acme/iris", carl);
      assert.deepEqual(byLabel(one.body.rows), { carl: { requests: 3, errors: 1, rows: 7 } });
      const none = await report(hub, "?by=user", eve);
      assert.equal(none.status, 200);
      assert.deepEqual(none.body.rows, []);
    });

    it("answers a model the caller may not see as one that does not exist", async () => {
      const hidden = await report(hub, "?model=dora/secret", carl);
      const missing = await report(hub, "?model=dora/nothing", carl);
      assert.equal(hidden.status, 404);
      assert.deepEqual(
        { ...hidden.body, requestId: "" },
        {
          ...missing.body,
          requestId: "",
          error: (missing.body.error ?? "").replace("nothing", "secret"),
        },
      );
    });

    it("refuses anonymous callers and bad parameters, naming the parameter", async () => {
      const anonymous = await report(hub, "?by=user");
      assert.equal(anonymous.status, 401);
      const by = await report(hub, "?by=planet", carl);
      assert.equal(by.status, 400);
      assert.match(by.body.error ?? "", /by must be one of "token", "user", "org", "model"/);
      const since = await report(hub, "?since=yesterday", carl);
      assert.equal(since.status, 400);
      assert.match(since.body.error ?? "", /^since "yesterday" is neither a duration/);
      const until = await report(hub, "?until=soon", carl);
      assert.equal(until.status, 400);
      assert.match(until.body.error ?? "", /^until "soon" is not an ISO date-time/);
      const order = await report(hub, "?since=2026-01-02&until=2026-01-01", carl);
      assert.equal(order.status, 400);
      assert.match(order.body.error ?? "", /since must be before until/);
      const model = await report(hub, "?model=acme", carl);
      assert.equal(model.status, 400);
      assert.match(model.body.error ?? "", /model/);
      const unknown = await report(hub, "?colour=red", carl);
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.error ?? "", /colour/);
    });

    it("sums an older window from the daily totals", async () => {
      const old = await report(hub, "?by=user&since=2000-01-01", hub.adminToken);
      assert.equal(old.status, 200);
      assert.equal(old.body.period, "day");
      assert.equal(byLabel(old.body.rows).carl?.requests, 4);
    });
  });
}
