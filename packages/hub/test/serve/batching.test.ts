import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { auditCount, expectError, expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { GATHER_TABLE, gatherModel, SPEC_OUTPUT0, specExampleModel } from "./spec-model.js";
import { publishAt, wideMlp, wideRows, WIDE_FEATURES } from "./support.js";

interface Status {
  workers: number;
  state: string;
  running: number;
  maxBatch: number;
  maxDelayMs: number;
  batched: boolean;
  batches: number;
  batchedCalls: number;
}

interface Answer {
  outputs: { name: string; datatype: string; shape: number[]; data: number[] }[];
}

/** The longest a partial batch may wait: in these tests a batch goes when it is full. */
const HOLD_MS = 1000;

const servingUrl = (id: string) => `/api/models/${id}/versions/v1/serving`;

async function statusOf(hub: TestHub, token: string, id: string): Promise<Status> {
  return (await (
    await expectStatus(hub.request("GET", servingUrl(id), { token }), 200)
  ).json()) as Status;
}

async function serve(
  hub: TestHub,
  token: string,
  id: string,
  settings: Record<string, number>,
): Promise<Status> {
  const res = await expectStatus(
    hub.request("PUT", servingUrl(id), { token, json: { workers: 1, ...settings } }),
    200,
  );
  return (await res.json()) as Status;
}

async function infer(
  hub: TestHub,
  token: string,
  oipName: string,
  body: unknown,
): Promise<{ status: number; body: Answer & { error?: string } }> {
  const res = await hub.request("POST", `/v2/models/${oipName}/versions/v1/infer`, {
    token,
    json: body,
  });
  return { status: res.status, body: (await res.json()) as Answer & { error?: string } };
}

const wideRequest = (rows: readonly (readonly number[])[]) => ({
  inputs: [{ name: "features", shape: [rows.length, WIDE_FEATURES], datatype: "FP32", data: rows }],
  outputs: [{ name: "probabilities" }],
});

function assertClose(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const a = actual[i] ?? NaN;
    // A batched run multiplies matrices where a single row multiplies a vector: the
    // kernels may sum in another order, so the last float32 bits may differ.
    assert.ok(Math.abs(a - e) <= 1e-5, `${what}[${i}]: ${a} vs ${e}`);
  });
}

for (const dialect of DIALECTS) {
  describe(`batching settings of a served version (${dialect})`, () => {
    let hub: TestHub;
    let owner: string;

    before(async () => {
      hub = await startHub(dialect);
      owner = await hub.createUser("olivia");
      await publishAt(hub, owner, "olivia/lookup", "api", "v1", { "model.onnx": gatherModel() });
    });
    after(() => hub.close());

    it("stores them with the version, shows them, and falls back to the hub's defaults", async () => {
      const before = await auditCount(hub);
      const set = await serve(hub, owner, "olivia/lookup", { maxBatch: 8, maxDelayMs: 2.5 });
      assert.deepEqual(
        [set.maxBatch, set.maxDelayMs, set.batched, set.batches, set.batchedCalls],
        [8, 2.5, true, 0, 0],
      );
      const shown = await statusOf(hub, owner, "olivia/lookup");
      assert.deepEqual([shown.maxBatch, shown.maxDelayMs], [8, 2.5]);
      const row = await hub.built.ctx.db
        .selectFrom("served_versions")
        .select(["max_batch", "max_delay_us"])
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { max_batch: 8, max_delay_us: 2500 });
      assert.equal(await auditCount(hub), before + 1);
      const event = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["details"])
        .orderBy("seq", "desc")
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(event.details), { workers: 1, maxBatch: 8, maxDelayMs: 2.5 });

      // Enabled again without them: the hub's defaults, which follow its configuration.
      const defaults = await serve(hub, owner, "olivia/lookup", {});
      assert.deepEqual(
        [defaults.maxBatch, defaults.maxDelayMs],
        [hub.config.serve.maxBatch, hub.config.serve.maxDelayUs / 1000],
      );
      const unbatched = await serve(hub, owner, "olivia/lookup", { maxBatch: 1 });
      assert.equal(unbatched.batched, false);
    });

    it("refuses settings out of bounds with 400 naming the field", async () => {
      for (const [settings, field] of [
        [{ maxBatch: 0 }, /^body\/maxBatch must be >= 1/],
        [{ maxBatch: 1025 }, /^body\/maxBatch must be <= 1024/],
        [{ maxBatch: 2.5 }, /^body\/maxBatch must be integer/],
        [{ maxDelayMs: -1 }, /^body\/maxDelayMs must be >= 0/],
        [{ maxDelayMs: 1001 }, /^body\/maxDelayMs must be <= 1000/],
      ] as const) {
        const body = await expectError(
          hub.request("PUT", servingUrl("olivia/lookup"), { token: owner, json: settings }),
          400,
          "BAD_REQUEST",
        );
        assert.match(body.error, field, JSON.stringify(settings));
      }
    });
  });
}

describe("dynamic batching of calls (sqlite)", () => {
  let hub: TestHub;
  let owner: string;
  let wide: Awaited<ReturnType<typeof wideMlp>>;

  before(async () => {
    wide = await wideMlp(2048, 3);
    hub = await startHub("sqlite");
    owner = await hub.createUser("olivia");
    await publishAt(hub, owner, "olivia/wide", "api", "v1", { "model.onnx": wide.bytes });
    await publishAt(hub, owner, "olivia/lookup", "api", "v1", { "model.onnx": gatherModel() });
    await publishAt(hub, owner, "olivia/table", "api", "v1", {
      "model.onnx": specExampleModel(true),
    });
  });
  after(async () => {
    await hub.close();
    await wide.cleanup();
  });

  it("runs waiting calls as one batch and gives each call exactly its own rows", async () => {
    // Rows 1, 2, 3, 1, 2, 3: a full batch of 12 goes as soon as the last call arrives.
    const sizes = [1, 2, 3, 1, 2, 3];
    const total = sizes.reduce((a, b) => a + b, 0);
    await serve(hub, owner, "olivia/wide", { maxBatch: total, maxDelayMs: HOLD_MS });
    const calls = sizes.map((n, i) => wideRows(n, i + 1));
    const answers = await Promise.all(
      calls.map((rows) => infer(hub, owner, "olivia--wide", wideRequest(rows))),
    );
    const session = await InferenceSession.create(wide.file, { intraOpNumThreads: 1 });
    try {
      for (const [i, answer] of answers.entries()) {
        const rows = calls[i] ?? [];
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const probabilities = answer.body.outputs.find((o) => o.name === "probabilities");
        assert.ok(probabilities !== undefined);
        assert.deepEqual(probabilities.shape, [rows.length, 3]);
        // The reference: the call's rows run alone, by onnxruntime in this process.
        const alone = await session.run({
          features: new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, 16]),
        });
        assertClose(
          probabilities.data,
          Array.from(alone.probabilities?.data as Float32Array),
          `call ${i}`,
        );
      }
    } finally {
      await session.release();
    }
    const status = await statusOf(hub, owner, "olivia/wide");
    assert.ok(status.batches >= 1, JSON.stringify(status));
    assert.ok(status.batchedCalls >= 2, JSON.stringify(status));
    assert.equal(status.batched, true);
  });

  it("runs the calls of a refused batch one by one, so only the bad call fails", async () => {
    await serve(hub, owner, "olivia/lookup", { maxBatch: 4, maxDelayMs: HOLD_MS });
    // Index 99 is a valid INT64, so it passes the input checks and joins the batch,
    // but the table has five rows: onnxruntime refuses the batched run.
    const indices = [[0, 4], [99], [2]];
    const answers = await Promise.all(
      indices.map((index) =>
        infer(hub, owner, "olivia--lookup", {
          inputs: [{ name: "index", shape: [index.length], datatype: "INT64", data: index }],
        }),
      ),
    );
    const [first, bad, third] = answers.map((a) => ({
      status: a.status,
      body: a.body,
      // The refused call's body is an error, without outputs.
      data: (a.body.outputs as Answer["outputs"] | undefined)?.at(0)?.data,
    }));
    assert.ok(first !== undefined && bad !== undefined && third !== undefined);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.data, [...(GATHER_TABLE[0] ?? []), ...(GATHER_TABLE[4] ?? [])]);
    assert.equal(third.status, 200, JSON.stringify(third.body));
    assert.deepEqual(third.data, GATHER_TABLE[2]);
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.match(String(bad.body.error), /^onnxruntime refused the inputs: .*indices/);
    // The next batch is good and counted; the refused one was not.
    const before = await statusOf(hub, owner, "olivia/lookup");
    const good = await Promise.all(
      [[1], [3], [0], [2]].map((index) =>
        infer(hub, owner, "olivia--lookup", {
          inputs: [{ name: "index", shape: [1], datatype: "INT64", data: index }],
        }),
      ),
    );
    assert.deepEqual(
      good.map((g) => g.body.outputs[0]?.data),
      [GATHER_TABLE[1], GATHER_TABLE[3], GATHER_TABLE[0], GATHER_TABLE[2]],
    );
    const after = await statusOf(hub, owner, "olivia/lookup");
    assert.ok(after.batchedCalls >= before.batchedCalls + 2, JSON.stringify([before, after]));
  });

  it("serves a model whose outputs cannot be split by rows unbatched", async () => {
    // output0 is a fixed three-row table whatever the rows in: batching could not tell whose it is.
    const status = await serve(hub, owner, "olivia/table", { maxBatch: 8, maxDelayMs: HOLD_MS });
    assert.equal(status.batched, false);
    const inputs = [
      [1, 2],
      [3, 4, 5, 6],
      [7, 8],
    ];
    const answers = await Promise.all(
      inputs.map((data) =>
        infer(hub, owner, "olivia--table", {
          inputs: [{ name: "input0", shape: [data.length / 2, 2], datatype: "UINT32", data }],
        }),
      ),
    );
    answers.forEach((answer, i) => {
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const output0 = answer.body.outputs.find((o) => o.name === "output0");
      const output1 = answer.body.outputs.find((o) => o.name === "output1");
      assert.deepEqual(output1?.data, inputs[i]);
      assert.deepEqual([output0?.shape, output0?.data.length], [[3, 2], SPEC_OUTPUT0.length]);
    });
    const after = await statusOf(hub, owner, "olivia/table");
    assert.deepEqual([after.batched, after.batches, after.batchedCalls], [false, 0, 0]);
  });

  it("answers a call whose worker is stopped mid-run with 503 at once, and serves the next call", async () => {
    await serve(hub, owner, "olivia/wide", { maxBatch: 1 });
    // About a second or more of work for one worker: 10,000 rows through two 2048×2048
    // layers. Short values keep the request under the hub's JSON body limit.
    const rows = Array.from({ length: 10_000 }, (_, r) =>
      Array.from({ length: WIDE_FEATURES }, (_, f) => ((r + f) % 10) / 10),
    );
    const long = infer(hub, owner, "olivia--wide", wideRequest(rows));
    let status = await statusOf(hub, owner, "olivia/wide");
    while (status.running === 0) {
      await new Promise((r) => setTimeout(r, 10));
      status = await statusOf(hub, owner, "olivia/wide");
    }
    // Disabling terminates the worker threads, the running one included.
    const disabled = hub.request("DELETE", servingUrl("olivia/wide"), { token: owner });
    const answer = await long;
    assert.equal(answer.status, 503, JSON.stringify(answer.body).slice(0, 200));
    assert.equal(answer.body.error, "olivia/wide@v1 was unloaded; call again");
    await expectStatus(disabled, 204);

    await serve(hub, owner, "olivia/wide", {});
    const next = await infer(hub, owner, "olivia--wide", wideRequest(wideRows(2, 9)));
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.deepEqual(next.body.outputs[0]?.shape, [2, 3]);
  });
});
