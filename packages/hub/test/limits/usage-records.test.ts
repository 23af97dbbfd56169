import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { canonicalJson } from "../../src/audit/index.js";
import { expectStatus } from "../security/support.js";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "../serve/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { settleUsage } from "./usage-support.js";

const IRIS = "/v2/models/acme--iris/versions/v1";

for (const dialect of DIALECTS) {
  describe(`usage records of hosted inference (${dialect})`, () => {
    let hub: TestHub;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    let owner: string;
    let caller: string;
    let versionId: string;
    let orgId: string;
    let callerId: string;
    let calls = 0;

    const call = async (method: string, url: string, token?: string, json?: unknown) => {
      calls += 1;
      const res = await hub.request(method, url, {
        ...(token === undefined ? {} : { token }),
        ...(json === undefined ? {} : { json }),
        headers: { "user-agent": "usage-test/1" },
      });
      await res.arrayBuffer();
      return res.status;
    };

    before(async () => {
      iris = await trainIris();
      // Idle versions unload after a second, so the disconnect test can catch one loading.
      hub = await startHub(dialect, { GATEHOUSE_SERVE_IDLE_UNLOAD: "1" });
      owner = await hub.createUser("olivia");
      caller = await hub.createUser("carl");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "acme/iris", "v1");
      const db = hub.built.ctx.db;
      versionId = (
        await db
          .selectFrom("versions as v")
          .innerJoin("models as m", "m.id", "v.model_id")
          .select("v.id")
          .where("m.name", "=", "iris")
          .executeTakeFirstOrThrow()
      ).id;
      orgId = (
        await db
          .selectFrom("namespaces")
          .select("id")
          .where("name", "=", "acme")
          .executeTakeFirstOrThrow()
      ).id;
      callerId = (
        await db
          .selectFrom("namespaces")
          .select("id")
          .where("name", "=", "carl")
          .executeTakeFirstOrThrow()
      ).id;
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
    });

    it("records each call, refusals included, with a hash of the inputs and never the inputs", async () => {
      const rows = IRIS_ROWS.slice(0, 2);
      assert.equal(await call("POST", `${IRIS}/infer`, caller, irisRequest(rows)), 200);
      assert.equal(
        await call("POST", `${IRIS}/infer`, caller, {
          inputs: [{ name: "features", shape: [1, 3], datatype: "FP32", data: [1, 2, 3] }],
        }),
        400,
      );
      assert.equal(
        await call("POST", "/v2/models/acme--nothing/infer", caller, irisRequest(rows)),
        404,
      );
      assert.equal(await call("POST", `${IRIS}/infer`, undefined, irisRequest(rows)), 401);
      assert.equal(await call("GET", IRIS, caller), 200);
      assert.equal(await call("GET", `${IRIS}/ready`, caller), 200);
      await settleUsage(hub, calls);

      const records = await hub.built.ctx.db
        .selectFrom("usage_records")
        .selectAll()
        .orderBy("at")
        .orderBy("endpoint")
        .execute();
      const summary = records.map((r) => [r.endpoint, r.status, r.version_id, r.user_id]);
      assert.deepEqual(
        summary.sort((a, b) => String(a).localeCompare(String(b))),
        [
          ["infer", 200, versionId, callerId],
          ["infer", 400, versionId, callerId],
          ["infer", 401, null, null],
          ["infer", 404, null, callerId],
          ["metadata", 200, versionId, callerId],
          ["ready", 200, versionId, callerId],
        ].sort((a, b) => String(a).localeCompare(String(b))),
      );
      const ok = records.find((r) => r.status === 200 && r.endpoint === "infer");
      assert.ok(ok);
      assert.equal(ok.protocol, "oip");
      assert.equal(ok.org_id, orgId);
      assert.equal(ok.batch_rows, 2);
      assert.equal(ok.error_code, null);
      assert.ok(ok.token_id?.startsWith("t"), String(ok.token_id));
      assert.equal(
        ok.input_hash,
        createHash("sha256")
          .update(canonicalJson(irisRequest(rows).inputs))
          .digest("hex"),
      );
      assert.ok(ok.latency_ms >= 0);
      const refused = records.find((r) => r.status === 404);
      assert.equal(refused?.error_code, "NOT_FOUND");
      // The inputs' values appear nowhere in what was stored; the times are left out, as a
      // time such as 21:13:55.118 holds "5.1" too.
      const stored = JSON.stringify(records.map(({ at: _at, ...rest }) => rest));
      assert.ok(!stored.includes("5.1") && !stored.includes("3.5"), stored);

      const origins = await hub.built.ctx.db.selectFrom("usage_origins").selectAll().execute();
      assert.equal(origins.length, records.length);
      assert.ok(origins.every((o) => o.address === "127.0.0.1" && o.user_agent === "usage-test/1"));

      const rollups = await hub.built.ctx.db
        .selectFrom("usage_rollups")
        .selectAll()
        .where("version_id", "=", versionId)
        .where("user_id", "=", callerId)
        .execute();
      for (const period of ["hour", "day"]) {
        const row = rollups.find((r) => r.period === period);
        assert.ok(row, period);
        assert.equal(row.requests, 4);
        assert.equal(row.errors, 1);
        assert.equal(row.batch_rows, 2 + 1);
        assert.equal(row.org_id, orgId);
      }
    });

    it("batches many calls into few write transactions and sums them in the rollups", async () => {
      const before = hub.built.ctx.usage.stats();
      const many = 40;
      const statuses = await Promise.all(
        Array.from({ length: many }, () =>
          call("POST", `${IRIS}/infer`, caller, irisRequest(IRIS_ROWS)),
        ),
      );
      assert.ok(statuses.every((s) => s === 200));
      await settleUsage(hub, calls);
      const now = hub.built.ctx.usage.stats();
      assert.equal(now.written - before.written, many);
      assert.ok(
        now.batches - before.batches < many,
        `${now.batches - before.batches} write transactions for ${many} calls`,
      );
      assert.equal(now.dropped, 0);
      const row = await hub.built.ctx.db
        .selectFrom("usage_rollups")
        .select(["requests", "batch_rows"])
        .where("period", "=", "day")
        .where("version_id", "=", versionId)
        .where("user_id", "=", callerId)
        .executeTakeFirstOrThrow();
      assert.equal(row.requests, 4 + many);
      assert.equal(row.batch_rows, 3 + many * IRIS_ROWS.length);
    });

    it("records a body that claims billions of rows with the rows capped, and keeps recording after it", async () => {
      const before = hub.built.ctx.usage.stats();
      const huge = {
        inputs: [{ name: "features", shape: [3_000_000_000, 4], datatype: "FP32", data: [] }],
      };
      assert.equal(
        await call("POST", "/v2/models/acme--nothing/versions/v1/infer", caller, huge),
        404,
      );
      assert.equal(await call("POST", `${IRIS}/infer`, caller, irisRequest(IRIS_ROWS)), 200);
      await settleUsage(hub, calls);
      const now = hub.built.ctx.usage.stats();
      assert.equal(now.written - before.written, 2);
      assert.equal(now.dropped, 0);
      const capped = await hub.built.ctx.db
        .selectFrom("usage_records")
        .select("batch_rows")
        .where("status", "=", 404)
        .orderBy("at", "desc")
        .executeTakeFirstOrThrow();
      assert.equal(capped.batch_rows, 1_000_000);
    });

    it("records a call whose client hangs up before the answer as 499", async () => {
      const serving = hub.built.ctx.serving;
      for (let waited = 0; serving.status(versionId).state !== "idle"; waited += 20) {
        assert.ok(waited < 10_000, "the version never unloaded");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const body = JSON.stringify(irisRequest(IRIS_ROWS));
      const request = http.request(`${hub.url}${IRIS}/infer`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${caller}`,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
        },
      });
      request.on("error", () => {
        // The hang-up is the point.
      });
      request.end(body);
      calls += 1;
      // The call is under way once it makes the version load; hang up then.
      for (let waited = 0; serving.status(versionId).state !== "loading"; waited += 1) {
        assert.ok(waited < 10_000, "the call never reached the version");
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      request.destroy();
      await settleUsage(hub, calls);
      const gone = await hub.built.ctx.db
        .selectFrom("usage_records")
        .selectAll()
        .where("status", "=", 499)
        .execute();
      assert.equal(gone.length, 1);
      const [record] = gone;
      assert.ok(record);
      assert.equal(record.version_id, versionId);
      assert.equal(record.error_code, "CLIENT_GONE");
      assert.equal(record.user_id, callerId);
    });
  });
}
