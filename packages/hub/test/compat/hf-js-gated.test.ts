import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { downloadFile, HubApiError, modelInfo } from "@huggingface/hub";
import { askAccess, gatedCard, publishGated } from "../access/gate-support.js";
import { expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";

const WEIGHTS = "gated weights ".repeat(2000);

/** The status of the HubApiError `call` fails with. */
async function failure(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof HubApiError, `expected a HubApiError, got ${String(err)}`);
    return err.statusCode;
  }
  return assert.fail("the call succeeded");
}

for (const dialect of DIALECTS) {
  describe(`@huggingface/hub and a gated model (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    let bob: string;
    const clock = new ManualClock("2026-06-01T09:00:00.000Z");

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      alice = await hub.createUser("alice");
      bob = await hub.createUser("bob");
      await publishGated(hub, alice, "alice/llm", "v1", {
        "README.md": gatedCard({ approval: "auto", grant_duration: "7d" }),
        "weights.bin": WEIGHTS,
      });
    });
    after(() => hub.close());

    const get = (accessToken?: string) =>
      downloadFile({
        repo: "alice/llm",
        path: "weights.bin",
        hubUrl: hub.url,
        ...(accessToken === undefined ? {} : { accessToken }),
      }).then(async (blob) => {
        assert.ok(blob !== null);
        return blob.text();
      });

    it("reports gated: auto, fails to download before access and after the grant expires, and downloads in between", async () => {
      // `gated` is one of the fields modelInfo always reads (lib/model-info.ts).
      const info = await modelInfo({ name: "alice/llm", hubUrl: hub.url });
      assert.equal(info.gated, "auto");
      assert.equal(await failure(get()), 401);
      assert.equal(await failure(get(bob)), 403);
      await expectStatus(askAccess(hub, bob, "alice/llm"), 201);
      assert.equal(await get(bob), WEIGHTS);
      clock.advance(8 * 86_400);
      assert.equal(await failure(get(bob)), 403);
      // The owner needs no grant.
      assert.equal(await get(alice), WEIGHTS);
    });
  });
}
