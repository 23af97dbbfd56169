import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { expectStatus } from "../security/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { publishAt, wideMlp, wideRows, WIDE_FEATURES } from "./support.js";

const FLOOD = 40;
// Rows per call: enough that a run (about 60 ms) outlasts the arrival of the next call, so the flood
// queues even on a busy machine, where the calls arrive slowly.
const ROWS = 256;
const INFER = "/v2/models/olivia--wide/versions/v1/infer";
const SERVING = "/api/models/olivia/wide/versions/v1/serving";

describe("fair sharing of a saturated model", () => {
  let hub: TestHub;
  let wide: Awaited<ReturnType<typeof wideMlp>>;
  let owner: string;
  let heavy: string;
  let light: string;

  before(async () => {
    wide = await wideMlp(2048, 3);
    hub = await startHub("sqlite");
    owner = await hub.createUser("olivia");
    heavy = await hub.createUser("henry", ["read"]);
    light = await hub.createUser("lucy", ["read"]);
    await publishAt(hub, owner, "olivia/wide", "api", "v1", { "model.onnx": wide.bytes });
    // One worker and no batching: every call is a run of its own, so order is all there is.
    await expectStatus(
      hub.request("PUT", SERVING, { token: owner, json: { workers: 1, maxBatch: 1 } }),
      200,
    );
  });
  after(async () => {
    await hub.close();
    await wide.cleanup();
  });

  it("runs a light caller's call next, not after the flood another caller queued before it", async () => {
    const finished: string[] = [];
    const call = async (token: string, who: string, seed: number) => {
      const rows = wideRows(ROWS, seed);
      const res = await hub.request("POST", INFER, {
        token,
        json: {
          inputs: [
            { name: "features", shape: [ROWS, WIDE_FEATURES], datatype: "FP32", data: rows },
          ],
        },
      });
      await res.arrayBuffer();
      assert.equal(res.status, 200);
      finished.push(who);
    };
    const flood = Array.from({ length: FLOOD }, (_, i) => call(heavy, "heavy", i));
    // Until the flood waits in the queue: the light caller arrives behind it.
    let depth = 0;
    for (let i = 0; i < 200 && depth < FLOOD / 2; i += 1) {
      const status = await expectStatus(hub.request("GET", SERVING, { token: owner }), 200);
      depth = ((await status.json()) as { queueDepth: number }).queueDepth;
      if (depth < FLOOD / 2) {
        await sleep(5);
      }
    }
    assert.ok(depth >= FLOOD / 2, `the flood queued only ${depth} calls`);
    await call(light, "light", 1000);
    const before = finished.indexOf("light");
    await Promise.all(flood);
    // In arrival order the light call would wait for the whole queue; in the fair order it
    // starts once the run in progress (and at most one more of the flood's) is done.
    assert.ok(before <= FLOOD - depth + 2, `${before} of the flood's calls finished before it`);
    assert.equal(finished.length, FLOOD + 1);
  });
});
