import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { auditCount, expectError, expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "./support.js";

interface Status {
  model: string;
  version: string;
  oipName: string;
  workers: number;
  state: string;
  queueDepth: number;
  inputs: { name: string; datatype: string; shape: number[] }[];
  enabledBy: string;
}

const SERVING = "/api/models/acme/iris/versions/v1/serving";

for (const dialect of DIALECTS) {
  describe(`enabling and disabling served versions (${dialect})`, () => {
    let hub: TestHub;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    let owner: string;
    let outsider: string;

    before(async () => {
      iris = await trainIris();
      hub = await startHub(dialect);
      owner = await hub.createUser("olivia");
      outsider = await hub.createUser("oscar");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
      await publishAt(hub, owner, "acme/broken", "api", "v1", {
        "model.onnx": "these bytes are not an ONNX protobuf",
      });
      await publishAt(hub, owner, "acme/notes", "api", "v1", { "README.md": "# no model" });
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
    });

    it("serves a version holding model.onnx, records who enabled it, and shows its inputs", async () => {
      const before = await auditCount(hub);
      const res = await expectStatus(
        hub.request("PUT", SERVING, { token: owner, json: { workers: 1 } }),
        200,
      );
      const status = (await res.json()) as Status;
      assert.equal(status.model, "acme/iris");
      assert.equal(status.version, "v1");
      assert.equal(status.oipName, "acme--iris");
      assert.equal(status.workers, 1);
      assert.equal(status.state, "loaded");
      assert.equal(status.enabledBy, "olivia");
      assert.deepEqual(status.inputs, [{ name: "features", datatype: "FP32", shape: [-1, 4] }]);
      assert.equal(await auditCount(hub), before + 1);
      const event = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "details"])
        .orderBy("seq", "desc")
        .executeTakeFirstOrThrow();
      assert.equal(event.action, "serving.enable");
      assert.deepEqual(JSON.parse(event.details), { workers: 1 });

      const listed = await expectStatus(
        hub.request("GET", "/api/serving", { token: hub.adminToken }),
        200,
      );
      assert.deepEqual(
        ((await listed.json()) as Status[]).map((s) => `${s.model}@${s.version}`),
        ["acme/iris@v1"],
      );
    });

    it("refuses a model file onnxruntime cannot load with the runtime's message, serving nothing", async () => {
      const before = await auditCount(hub);
      const body = await expectError(
        hub.request("PUT", "/api/models/acme/broken/versions/v1/serving", {
          token: owner,
          json: {},
        }),
        400,
        "BAD_REQUEST",
      );
      assert.match(
        body.error,
        /^onnxruntime cannot load model\.onnx of acme\/broken@v1: .*protobuf/i,
      );
      assert.equal(await auditCount(hub), before);
      await expectError(
        hub.request("GET", "/api/models/acme/broken/versions/v1/serving", { token: owner }),
        404,
        "NOT_FOUND",
      );
      const infer = await hub.request("POST", "/v2/models/acme--broken/infer", {
        token: owner,
        json: irisRequest(IRIS_ROWS),
      });
      assert.equal(infer.status, 404);
    });

    it("refuses a version without model.onnx, and more workers than the hub allows, saying what to fix", async () => {
      const none = await expectError(
        hub.request("PUT", "/api/models/acme/notes/versions/v1/serving", {
          token: owner,
          json: {},
        }),
        400,
        "BAD_REQUEST",
      );
      assert.equal(
        none.error,
        "acme/notes@v1 has no model.onnx; the hub serves ONNX models, so publish a version holding model.onnx",
      );
      const many = await expectError(
        hub.request("PUT", SERVING, { token: owner, json: { workers: 257 } }),
        400,
        "BAD_REQUEST",
      );
      assert.match(many.error, /workers/);
      const over = hub.config.serve.maxWorkers + 1;
      const tooMany = await expectError(
        hub.request("PUT", SERVING, { token: owner, json: { workers: over } }),
        400,
        "BAD_REQUEST",
      );
      assert.equal(
        tooMany.error,
        `workers must be from 1 to ${hub.config.serve.maxWorkers} on this hub (GATEHOUSE_SERVE_MAX_WORKERS); ask for fewer`,
      );
    });

    it("lets only the model's writers and admins enable, and only admins list everything", async () => {
      // The model is api-stage: an outsider sees it but may not change its serving.
      await expectError(
        hub.request("PUT", SERVING, { token: outsider, json: {} }),
        403,
        "FORBIDDEN",
      );
      await expectError(hub.request("GET", "/api/serving", { token: owner }), 403, "FORBIDDEN");
    });

    it("stops serving on disable: calls answer 404 at once, and a second disable says it is not served", async () => {
      const caller = await hub.createUser("carol");
      await expectStatus(
        hub.request("POST", "/v2/models/acme--iris/versions/v1/infer", {
          token: caller,
          json: irisRequest(IRIS_ROWS),
        }),
        200,
      );
      const before = await auditCount(hub);
      await expectStatus(hub.request("DELETE", SERVING, { token: owner }), 204);
      assert.equal(await auditCount(hub), before + 1);
      const gone = await hub.request("POST", "/v2/models/acme--iris/versions/v1/infer", {
        token: caller,
        json: irisRequest(IRIS_ROWS),
      });
      assert.equal(gone.status, 404);
      assert.deepEqual(await gone.json(), {
        error: "Model with name acme--iris and version v1 does not exist.",
        code: "NOT_FOUND",
        requestId: gone.headers.get("x-request-id"),
      });
      const again = await expectError(
        hub.request("DELETE", SERVING, { token: owner }),
        404,
        "NOT_FOUND",
      );
      assert.match(
        again.error,
        /acme\/iris@v1 is not served; enable it with 'gatehouse serve enable acme\/iris@v1'/,
      );
    });
  });
}

describe("served versions under load and when idle", () => {
  let iris: Awaited<ReturnType<typeof trainIris>>;
  before(async () => {
    iris = await trainIris();
  });
  after(() => iris.cleanup());

  it("answers 503 with Retry-After when the queue is full, and 200 to the calls it takes", async () => {
    const hub = await startHub("sqlite", { GATEHOUSE_SERVE_QUEUE: "1" });
    try {
      const owner = await hub.createUser("olivia");
      await publishAt(hub, owner, "olivia/iris", "api", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "olivia/iris", "v1", 1);
      const rows = Array.from({ length: 4000 }, (_, i) => IRIS_ROWS[i % 4] ?? []);
      const body = JSON.stringify(irisRequest(rows));
      const refused: Response[] = [];
      // One worker and one waiting place: of many calls at once, some find both taken.
      // Bursts repeat only in case a fast machine ran every call before the next arrived.
      for (let burst = 0; burst < 10 && refused.length === 0; burst++) {
        const answers = await Promise.all(
          Array.from({ length: 50 }, () =>
            hub.request("POST", "/v2/models/olivia--iris/infer", {
              token: owner,
              body,
              headers: { "content-type": "application/json" },
            }),
          ),
        );
        for (const answer of answers) {
          assert.ok([200, 503].includes(answer.status), `status ${answer.status}`);
          if (answer.status === 503) {
            refused.push(answer);
          } else {
            await answer.arrayBuffer();
          }
        }
      }
      assert.ok(refused.length > 0, "no call was refused");
      const first = refused[0];
      assert.ok(first !== undefined);
      assert.equal(first.headers.get("retry-after"), "1");
      const error = (await first.json()) as { error: string };
      assert.equal(error.error, "olivia/iris@v1 is busy: its queue is full; try again after 1 s");
    } finally {
      await hub.close();
    }
  });

  it("unloads a version after the idle time and loads it again on the next call", async () => {
    const hub = await startHub("sqlite", { GATEHOUSE_SERVE_IDLE_UNLOAD: "1" });
    try {
      const owner = await hub.createUser("olivia");
      await publishAt(hub, owner, "olivia/iris", "api", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "olivia/iris", "v1", 1);
      const stateOf = async () => {
        const res = await expectStatus(
          hub.request("GET", "/api/models/olivia/iris/versions/v1/serving", { token: owner }),
          200,
        );
        return ((await res.json()) as Status).state;
      };
      // Polled, not timed: the state is what is checked.
      let state = await stateOf();
      while (state !== "idle") {
        await new Promise((r) => setTimeout(r, 100));
        state = await stateOf();
      }
      const res = await hub.request("POST", "/v2/models/olivia--iris/infer", {
        token: owner,
        json: irisRequest(IRIS_ROWS),
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(((await res.json()) as { outputs: unknown[] }).outputs.length, 2);
      assert.equal(await stateOf(), "loaded");
    } finally {
      await hub.close();
    }
  });
});
