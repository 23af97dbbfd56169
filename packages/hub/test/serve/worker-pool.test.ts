import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { HubError } from "../../src/errors/index.js";
import { WorkerPool } from "../../src/serve/worker-pool.js";
import { wideMlp, wideRows, WIDE_FEATURES } from "./support.js";

const feedsOf = (rows: readonly (readonly number[])[]) => ({
  features: {
    type: "float32" as const,
    dims: [rows.length, WIDE_FEATURES],
    data: Float32Array.from(rows.flat()),
  },
});

describe("a served version's worker pool", () => {
  let wide: Awaited<ReturnType<typeof wideMlp>>;
  let pool: WorkerPool;

  before(async () => {
    wide = await wideMlp(64, 2);
    pool = await WorkerPool.start("olivia/wide@v1", {
      modelPath: wide.file,
      workers: 1,
      intraOpThreads: 1,
      queueLimit: 4,
      batching: { maxBatch: 32, maxDelayUs: 0 },
    });
  });
  after(async () => {
    await pool.close();
    await wide.cleanup();
  });

  it("runs the calls of one turn of the event loop as one batch with no delay, and refuses what has no room", async () => {
    const calls = [1, 2, 1, 3, 1, 1].map((n, i) => wideRows(n, i + 1));
    // Made in one turn: the idle worker takes one place beside the queue's four, so five are
    // taken and the sixth is refused, as when the first went to the worker on its own.
    const settled = await Promise.allSettled(
      calls.map((rows) => pool.run(feedsOf(rows), ["probabilities"])),
    );
    const refused = settled.at(-1);
    assert.equal(refused?.status, "rejected");
    assert.ok(refused.reason instanceof HubError);
    assert.equal(refused.reason.code, "UNAVAILABLE");
    assert.match(refused.reason.message, /queue is full/);
    // The five taken went to the worker together, not the first alone and the rest after it.
    assert.deepEqual(pool.batchStats, { batches: 1, batchedCalls: 5 });
    const session = await InferenceSession.create(wide.file, { intraOpNumThreads: 1 });
    try {
      for (const [i, result] of settled.slice(0, 5).entries()) {
        assert.equal(result.status, "fulfilled");
        const rows = calls[i] ?? [];
        const got = result.value.probabilities;
        assert.deepEqual(got?.dims, [rows.length, 3]);
        const alone = await session.run({
          features: new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, 16]),
        });
        const expected = Array.from(alone.probabilities?.data as Float32Array);
        const actual = Array.from(got.data as Float32Array);
        // A batched run may sum in another order than the call's own run.
        expected.forEach((e, j) => {
          assert.ok(Math.abs((actual[j] ?? NaN) - e) <= 1e-5, `call ${i}[${j}]`);
        });
      }
    } finally {
      await session.release();
    }
  });
});
