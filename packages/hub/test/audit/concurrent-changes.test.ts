import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { eventsAfter, expectStatus, lastSeq, verify } from "./audit-support.js";

const PARALLEL = 20;

for (const dialect of DIALECTS) {
  describe(`audit chain under concurrent changes (${dialect})`, () => {
    let hub: TestHub;
    before(async () => {
      hub = await startHub(dialect);
    });
    after(() => hub.close());

    it(`stays one valid chain when ${PARALLEL} tokens are created at once`, async () => {
      const before = await lastSeq(hub);
      const created = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          expectStatus(
            hub.request("POST", "/api/tokens", {
              token: hub.adminToken,
              json: { scopes: ["read"], name: `parallel-${i}` },
            }),
            201,
          ).then(async (res) => ((await res.json()) as { id: string }).id),
        ),
      );
      const events = await eventsAfter(hub, before);
      assert.deepEqual(
        events.map((e) => e.seq),
        Array.from({ length: PARALLEL }, (_, i) => before + i + 1),
      );
      assert.deepEqual(
        events.map((e) => e.resource).sort(),
        created.map((id) => `token:${id}`).sort(),
      );
      const verdict = await verify(hub);
      assert.equal(verdict.ok, true, verdict.reason);
      assert.equal(verdict.events, before + PARALLEL);
    });

    it("stays one valid chain under a mix of concurrent changes of different kinds", async () => {
      const token = await hub.createUser("concurrent-owner");
      const before = await lastSeq(hub);
      const changes = Array.from({ length: PARALLEL }, (_, i) =>
        i % 2 === 0
          ? hub.request("POST", "/api/models", {
              token,
              json: { id: `concurrent-owner/model-${i}`, visibility: "private" },
            })
          : hub.request("POST", "/api/orgs", { token, json: { name: `concurrent-org-${i}` } }),
      );
      for (const res of await Promise.all(changes)) {
        assert.equal(res.status, 201, await res.text());
      }
      const verdict = await verify(hub);
      assert.equal(verdict.ok, true, verdict.reason);
      assert.equal(verdict.events, before + PARALLEL);
    });
  });
}
