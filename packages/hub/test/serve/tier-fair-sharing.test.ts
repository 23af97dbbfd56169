import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { expectStatus } from "../security/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { publishAt, wideMlp, wideRows, WIDE_FEATURES } from "./support.js";

// Rows per call: enough that a run (about 60 ms) outlasts the arrival of the next call, so floods
// queue even on a busy machine, where the calls arrive slowly.
const ROWS = 256;
const INFER = "/v2/models/olivia--wide/versions/v1/infer";
const SERVING = "/api/models/olivia/wide/versions/v1/serving";

// Every account holds `standard` by rule; `priority` (twice the share) comes by approval.
const POLICY = `policy: tiers
rules: []
tiers:
  - name: standard
    qualify: "true"
  - name: priority
    weight: 2
`;

describe("fair sharing of a saturated model between organisations, weighted by tier", () => {
  let hub: TestHub;
  let wide: Awaited<ReturnType<typeof wideMlp>>;
  let policyDir: string;
  let owner: string;
  const tokens: Record<string, string> = {};

  const call = async (who: string, seed: number, finished: string[], label: string) => {
    const res = await hub.request("POST", INFER, {
      token: tokens[who] ?? "",
      json: {
        inputs: [
          {
            name: "features",
            shape: [ROWS, WIDE_FEATURES],
            datatype: "FP32",
            data: wideRows(ROWS, seed),
          },
        ],
      },
    });
    await res.arrayBuffer();
    assert.equal(res.status, 200);
    finished.push(label);
  };
  /** Waits until at least `depth` calls wait in the model's queue. */
  const queued = async (depth: number): Promise<number> => {
    let seen = 0;
    for (let i = 0; i < 400 && seen < depth; i += 1) {
      const status = await expectStatus(hub.request("GET", SERVING, { token: owner }), 200);
      seen = ((await status.json()) as { queueDepth: number }).queueDepth;
      if (seen < depth) {
        await sleep(5);
      }
    }
    return seen;
  };

  before(async () => {
    wide = await wideMlp(2048, 3);
    policyDir = await mkdtemp(path.join(tmpdir(), "gatehouse-policy-"));
    await writeFile(path.join(policyDir, "tiers.yaml"), POLICY);
    hub = await startHub("sqlite", { GATEHOUSE_POLICY_DIR: policyDir });
    owner = await hub.createUser("olivia");
    // Two members of alpha, one each of beta and gamma.
    const orgs = { alpha: ["henry", "hana"], beta: ["lucy"], gamma: ["gus"] };
    for (const [org, members] of Object.entries(orgs)) {
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: org } }),
        201,
      );
      for (const member of members) {
        tokens[member] = await hub.createUser(member, ["read"]);
        await expectStatus(
          hub.request("PUT", `/api/orgs/${org}/members/${member}`, {
            token: owner,
            json: { role: "member" },
          }),
          200,
        );
      }
    }
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
    await rm(policyDir, { recursive: true, force: true });
  });

  it("runs another organisation's call within a bounded number of the flood one organisation's members queued", async () => {
    const finished: string[] = [];
    const FLOOD = 40;
    // Two members of alpha share one flow: their organisation's.
    const flood = Array.from({ length: FLOOD }, (_, i) =>
      call(i % 2 === 0 ? "henry" : "hana", i, finished, "alpha"),
    );
    const depth = await queued(FLOOD / 2);
    assert.ok(depth >= FLOOD / 2, `the flood queued only ${depth} calls`);
    await call("lucy", 1000, finished, "beta");
    const before = finished.indexOf("beta");
    await Promise.all(flood);
    // In arrival order beta's call would wait for the whole queue; in the fair order it starts
    // once the run in progress (and at most one more of alpha's) is done.
    assert.ok(before <= FLOOD - depth + 2, `${before} of alpha's calls finished before it`);
    assert.equal(finished.length, FLOOD + 1);
  });

  /** Floods from both callers at once, alternating, and the order their calls finished in. */
  const floods = async (
    a: readonly string[],
    b: string,
    each: number,
  ): Promise<{ finished: string[]; window: string[] }> => {
    const finished: string[] = [];
    const calls: Promise<void>[] = [];
    for (let i = 0; i < each; i += 1) {
      calls.push(call(a[i % a.length] ?? "", i, finished, "a"));
      calls.push(call(b, 100 + i, finished, "b"));
    }
    await Promise.all(calls);
    assert.equal(finished.length, 2 * each);
    // A window of 24 completions past the first few, which ran before the queue filled,
    // while both still wait.
    return { finished, window: finished.slice(4, 28) };
  };

  it("counts the members of one organisation as one flow", async () => {
    const { window } = await floods(["henry", "hana"], "lucy", 24);
    const a = window.filter((f) => f === "a").length;
    // Two flows of their own would take two runs in three.
    assert.ok(a >= 10 && a <= 14, `alpha had ${a} of 24 runs: ${window.join(" ")}`);
  });

  it("serves two flooding organisations about 2:1 when one holds a tier of twice the weight", async () => {
    await expectStatus(
      hub.request("PUT", "/api/limits/tiers/alpha", {
        token: hub.adminToken,
        json: { tier: "priority" },
      }),
      200,
    );
    // One member each, so the share comes from the weight alone.
    const { window } = await floods(["henry"], "gus", 24);
    const a = window.filter((f) => f === "a").length;
    assert.ok(a >= 14 && a <= 18, `alpha had ${a} of 24 runs: ${window.join(" ")}`);
  });
});
